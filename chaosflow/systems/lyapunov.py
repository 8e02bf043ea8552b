"""Largest Lyapunov exponent of catalog systems (Benettin), and the reasoned exception list.

``max_lyapunov`` propagates one tangent vector per initial condition through a one-step map
with forward-mode autograd (``torch.func.jvp``, i.e. the exact Jacobian–vector product),
renormalising after every step (Benettin et al. 1980, Meccanica 15, 9). It estimates λmax
only; ``chaosflow.metrics.lyapunov_spectrum`` gives the whole spectrum by QR.

``LYAPUNOV_EXCEPTIONS`` names the systems whose catalog reference chaosflow's estimate is not
expected to match within 20%, each with the reason; ``chaosflow systems lyapunov`` prints it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from chaosflow.systems._base import System

StepFn = Callable[[torch.Tensor], torch.Tensor]

#: name -> why the 20% agreement test of ``benchmarks/lyapunov_sweep.py`` does not apply.
LYAPUNOV_EXCEPTIONS: dict[str, str] = {}


def max_lyapunov(
    step: StepFn,
    x0: Any,
    n_steps: int,
    *,
    dt: float = 1.0,
    transient: int = 0,
    seed: int = 0,
) -> np.ndarray:
    """λmax per time unit for each initial condition, by Benettin's renormalised tangent.

    Parameters
    ----------
    step : one-step map ``[batch, d] -> [batch, d]`` on float64 torch tensors, differentiable.
    x0 : ``[batch, d]`` initial states (numpy or torch).
    n_steps : steps whose stretching is averaged (after ``transient`` unaveraged ones).
    dt : time per step, so the result is per time unit (1 for maps).
    seed : seeds the random initial tangent vectors.

    Returns
    -------
    ``[batch]`` float64 array of λmax estimates (per time unit).
    """
    x = torch.as_tensor(np.asarray(x0, dtype=np.float64)) if not torch.is_tensor(x0) else x0
    x = x.to(torch.float64)
    gen = torch.Generator(device=x.device).manual_seed(seed)
    v = torch.randn(x.shape, generator=gen, dtype=x.dtype, device=x.device)
    v = v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    with torch.no_grad(), warnings.catch_warnings():
        # torch's forward-AD loads its jvp decompositions through torch.jit.script on first
        # use, which warns of its own deprecation (torch 2.13); nothing we call is scripted.
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
        for i in range(transient + n_steps):
            x, v = torch.func.jvp(step, (x,), (v,))
            norm = torch.linalg.vector_norm(v, dim=-1, keepdim=True)
            if i >= transient:
                total += torch.log(norm[:, 0])
            v = v / norm
    return (total / (n_steps * dt)).cpu().numpy()


def max_lyapunov_fd(
    step: Callable[[np.ndarray], np.ndarray],
    x0: Any,
    n_steps: int,
    *,
    dt: float = 1.0,
    transient: int = 0,
    eps: float = 1e-8,
    seed: int = 0,
) -> np.ndarray:
    """λmax per time unit by two nearby trajectories renormalised every step (numpy).

    The finite-difference twin of ``max_lyapunov`` (Benettin et al. 1976, PRA 14, 2338): the
    partner sits ``eps`` (relative to ``1 + |x|``) away along the current tangent estimate and
    both advance in one batched ``step`` call, so it costs two trajectories and no autograd.
    Not for maps that wrap coordinates (mod 1, mod 2π): a pair straddling the cut separates
    by the period. Returns ``[batch]``.
    """
    x = np.array(x0, dtype=np.float64)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(x.shape)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    batch = x.shape[0]
    total = np.zeros(batch)
    for i in range(transient + n_steps):
        delta = eps * (1.0 + np.linalg.norm(x, axis=-1, keepdims=True))
        both = step(np.concatenate([x, x + delta * v]))
        x, partner = both[:batch], both[batch:]
        v = (partner - x) / delta
        norm = np.linalg.norm(v, axis=-1, keepdims=True)
        if i >= transient:
            total += np.log(norm[:, 0])
        v /= norm
    return total / (n_steps * dt)


def rk4_step(system: System, dt: float, substeps: int = 1, params: Mapping | None = None):
    """Classical RK4 one-step map of a flow over ``dt`` (``substeps`` internal steps).

    A tiny local stepper so the Lyapunov estimate needs only the catalog (the production
    integrator is ``chaosflow.integrate.simulate``).
    """
    p = dict(system.params if params is None else params)
    h = dt / substeps

    def step(x: torch.Tensor) -> torch.Tensor:
        for _ in range(substeps):
            k1 = system.rhs(0.0, x, p)
            k2 = system.rhs(0.0, x + 0.5 * h * k1, p)
            k3 = system.rhs(0.0, x + 0.5 * h * k2, p)
            k4 = system.rhs(0.0, x + h * k3, p)
            x = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        return x

    return step


def map_step(system: System, params: Mapping | None = None) -> StepFn:
    """The map itself as a one-step function."""
    p = dict(system.params if params is None else params)
    return lambda x: system.rhs(0.0, x, p)


def relative_error(estimate: float, reference: float) -> float:
    """``|estimate - reference| / |reference|`` (``inf`` for a zero reference)."""
    return abs(estimate - reference) / abs(reference) if reference else math.inf
