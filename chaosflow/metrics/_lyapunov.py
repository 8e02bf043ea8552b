"""Lyapunov spectrum by the QR (Benettin) method on a one-step map, and one-step RK4 maps
built from a :class:`~chaosflow.systems.System` so flows can be measured the same way.

Benettin et al. (1980) Meccanica 15, 9; Eckmann & Ruelle (1985) Rev. Mod. Phys. 57, 617.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from chaosflow.metrics._arrays import as_numpy
from chaosflow.systems._array import is_torch

Step = Callable[[Any], Any]


def rk4_step(system: Any, dt: float, *, params: Any = None) -> Step:
    """One classical RK4 step of a flow ``x: [B, d] -> x(t + dt): [B, d]`` (maps: one iteration).

    Array-generic (numpy or torch, differentiable by autograd) because ``system.rhs`` is.
    """
    p = system.params if params is None else params
    if system.kind == "map":
        return lambda x: system.rhs(0.0, x, p)
    if system.kind != "flow":
        raise ValueError(f"rk4_step: system {system.name!r} is a {system.kind!r}, not a flow/map")
    f, h = system.rhs, float(dt)

    def step(x: Any) -> Any:
        k1 = f(0.0, x, p)
        k2 = f(0.0, x + 0.5 * h * k1, p)
        k3 = f(0.0, x + 0.5 * h * k2, p)
        k4 = f(0.0, x + h * k3, p)
        return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

    return step


def rk4_step_jacobian(system: Any, dt: float, *, params: Any = None) -> Step | None:
    """Exact Jacobian ``[B, d, d]`` of :func:`rk4_step` from the system's analytic ``jac``.

    Chain rule through the four stages: ``K_i = J(y_i) (I + c_i h K_{i−1})``. Returns None when
    the system has no ``jac`` (then :func:`lyapunov_spectrum` falls back to autograd).
    """
    if system.jac is None:
        return None
    p = system.params if params is None else params
    if system.kind == "map":
        return lambda x: system.jac(0.0, x, p)
    f, jac, h = system.rhs, system.jac, float(dt)

    def jacobian(x: Any) -> Any:
        eye = _eye_like(x)
        k1 = f(0.0, x, p)
        j1 = jac(0.0, x, p)
        k2 = f(0.0, x + 0.5 * h * k1, p)
        j2 = jac(0.0, x + 0.5 * h * k1, p) @ (eye + 0.5 * h * j1)
        k3 = f(0.0, x + 0.5 * h * k2, p)
        j3 = jac(0.0, x + 0.5 * h * k2, p) @ (eye + 0.5 * h * j2)
        j4 = jac(0.0, x + h * k3, p) @ (eye + h * j3)
        return eye + (h / 6.0) * (j1 + 2.0 * j2 + 2.0 * j3 + j4)

    return jacobian


def _eye_like(x: Any) -> Any:
    d = x.shape[-1]
    if is_torch(x):
        return torch.eye(d, dtype=x.dtype, device=x.device)
    return np.eye(d)


def autograd_jacobian(step: Step) -> Step:
    """``x: Tensor[B, d] -> Tensor[B, d, d]``, the per-row Jacobian of ``step`` by autograd.

    Assumes rows do not interact (true for any batched one-step map), so the Jacobian of
    ``step(x).sum(0)`` holds every row's Jacobian.
    """

    def jacobian(x: torch.Tensor) -> torch.Tensor:
        with torch.enable_grad():
            xr = x.detach().requires_grad_(True)
            j = torch.autograd.functional.jacobian(lambda z: step(z).sum(0), xr, vectorize=True)
        return j.permute(1, 0, 2).detach()

    return jacobian


def rollout_step(model: Any) -> Step:
    """One-step map of a model whose state is its observation: ``rollout(x, 2)[:, 1]``.

    Models with a hidden latent state (PLRNN, RNNs) should expose their latent one-step map
    instead: re-encoding the observation every step is not the model's dynamics.
    """
    return lambda x: model.rollout(x, 2)[:, 1]


def lyapunov_spectra(
    step: Step,
    x0: Any,
    n_steps: int,
    *,
    jac: Step | None = None,
    dt: float = 1.0,
    n_exponents: int | None = None,
    transient: int = 0,
    chunk: int = 256,
) -> np.ndarray:
    """Lyapunov spectrum per trajectory, ``[B, k]`` per time unit (QR / Benettin method).

    ``step``: one-step map ``[B, d] -> [B, d]``; ``x0``: ``[d]`` or ``[B, d]``; ``jac``:
    ``[N, d] -> [N, d, d]`` Jacobian of ``step`` (default: torch autograd of ``step``, which
    then runs on torch tensors; a numpy ``x0`` becomes float64). The tangent frame ``Q`` (k
    orthonormal columns) is pushed through ``J(x_t)`` and re-orthonormalized by QR every step;
    ``λ_i = Σ_t log|R_ii(t)| / (n_steps · dt)`` over the ``n_steps`` steps after ``transient``
    discarded ones (during which ``Q`` already aligns). ``dt`` is the time per step (1 for maps).
    Jacobians are evaluated ``chunk`` steps at a time (one batched call) and the QR runs in
    float64 numpy, so per-step overhead stays small for autograd Jacobians.
    """
    if not is_torch(x0):
        x0 = np.asarray(x0, dtype=np.float64)
    if jac is None:
        jac = autograd_jacobian(step)
        if not is_torch(x0):
            x0 = torch.as_tensor(x0)
    x = x0[None] if x0.ndim == 1 else x0
    b, d = x.shape
    k = d if n_exponents is None else int(n_exponents)
    if not 1 <= k <= d:
        raise ValueError(f"n_exponents must be in 1..{d}, got {n_exponents}")
    q = np.broadcast_to(np.eye(d)[:, :k], (b, d, k)).copy()
    total = np.zeros((b, k))
    done = 0
    while done < transient + n_steps:
        n = min(chunk, transient + n_steps - done)
        points = []
        for _ in range(n):
            points.append(x)
            x = step(x)
        stacked = torch.cat(points) if is_torch(x) else np.concatenate(points)
        jacobians = as_numpy(jac(stacked)).reshape(n, b, d, d)
        for i in range(n):
            q, r = np.linalg.qr(jacobians[i] @ q)
            if done + i >= transient:
                with np.errstate(divide="ignore"):
                    total += np.log(np.abs(np.diagonal(r, axis1=-2, axis2=-1)))
        done += n
    return total / (n_steps * float(dt))


def lyapunov_spectrum(
    step: Step,
    x0: Any,
    n_steps: int,
    *,
    jac: Step | None = None,
    dt: float = 1.0,
    n_exponents: int | None = None,
    transient: int = 0,
) -> np.ndarray:
    """Lyapunov spectrum ``[k]`` per time unit, averaged over the batch of ``x0``.

    See :func:`lyapunov_spectra` for the method and arguments; several initial conditions on
    the attractor reduce the variance of the estimate.
    """
    spectra = lyapunov_spectra(
        step, x0, n_steps, jac=jac, dt=dt, n_exponents=n_exponents, transient=transient
    )
    return spectra.mean(axis=0)


def model_lyapunov_spectrum(
    model: Any,
    x0: Any,
    n_steps: int,
    *,
    dt: float = 1.0,
    n_exponents: int | None = None,
    transient: int = 0,
) -> np.ndarray:
    """Lyapunov spectrum of a model's latent dynamics, ``[K, k]`` per time unit.

    Duck-typed on the model interface of ``chaosflow.models`` (no import): ``k`` members,
    buffers ``mean``/``std`` ``[K, d]``, ``encode: [K, B, d] -> [K, B, M]``, latent ``step`` and
    ``jacobian: [K, B, M] -> [K, B, M, M]``. ``x0``: ``[B, d]`` or ``[K, B, d]`` raw data points
    (standardized and encoded like ``rollout`` does; exponents are invariant to that affine
    change). Each member's spectrum is averaged over its ``B`` starts; ``dt`` is the data step.
    """
    x = torch.as_tensor(x0, dtype=model.mean.dtype, device=model.mean.device)
    if x.dim() == 2:
        x = x.expand(model.k, *x.shape)
    kk, b, _ = x.shape
    with torch.no_grad():
        z = model.encode((x - model.mean[:, None]) / model.std[:, None])
    m = z.shape[-1]

    def step(flat: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return model.step(flat.view(kk, b, m)).reshape(kk * b, m)

    def jac(flat: torch.Tensor) -> torch.Tensor:
        # flat is [n·K·B, M] in (step, member, start) order; the model wants members first
        n = flat.shape[0] // (kk * b)
        zs = flat.view(n, kk, b, m).transpose(0, 1).reshape(kk, n * b, m)
        j = model.jacobian(zs).detach().view(kk, n, b, m, m).transpose(0, 1)
        return j.reshape(n * kk * b, m, m)

    spectra = lyapunov_spectra(
        step,
        z.reshape(kk * b, m),
        n_steps,
        jac=jac,
        dt=dt,
        n_exponents=n_exponents,
        transient=transient,
    )
    return spectra.reshape(kk, b, -1).mean(axis=1)


def relative_error(estimate: Any, reference: Any) -> np.ndarray:
    """``|estimate − reference| / |reference|`` element-wise (e.g. model λmax vs the system's)."""
    est, ref = np.asarray(estimate, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return np.abs(est - ref) / np.abs(ref)
