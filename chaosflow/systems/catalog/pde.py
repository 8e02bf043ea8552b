"""Kuramoto–Sivashinsky u_t = −u u_x − u_xx − u_xxxx on a periodic domain [0, L).

The state is u on ``dim`` = N equispaced grid points (``[batch, N]``, real space). ``rhs`` is
the pseudo-spectral semi-discretisation; ``step`` is the exponential time-differencing RK4
scheme of Cox & Matthews (2002) with the contour-integral coefficients of Kassam & Trefethen
(2005), "Fourth-order time-stepping for stiff PDEs", SIAM J. Sci. Comput. 26, 1214. Both run
on numpy (``numpy.fft``) and torch (``torch.fft``, any device) from the same code; the ETDRK4
coefficients are computed once per (N, L, dt) in float64/complex128 and cached.

Reference λmax for L = 22: 0.043 (Edson, Bunder, Mattner & Roberts (2019) Lyapunov exponents
of the Kuramoto–Sivashinsky PDE, ANZIAM J. 61, 270; Cvitanović, Davidchack & Siminos (2010)
SIAM J. Appl. Dyn. Syst. 9, 1 give 0.048). Other L use chaosflow's own estimates
(``_LYAPUNOV_BY_L``) where measured and NaN otherwise.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from chaosflow.systems._array import is_torch, namespace
from chaosflow.systems._base import Metadata, System
from chaosflow.systems._registry import register_system

#: λmax (per time unit) by domain length L at N = 64; L = 22 from the literature (see above).
_LYAPUNOV_BY_L = {22.0: 0.043}
_CONTOUR_POINTS = 32
_BURN_IN_TIME = 500.0


def _scalar_length(p) -> float:
    length = p["L"]
    if getattr(length, "ndim", 0) != 0:
        raise ValueError("KuramotoSivashinsky: 'L' must be a scalar (one domain per system)")
    return float(length)


@functools.lru_cache(maxsize=32)
def _wavenumbers(n: int, length: float) -> tuple[np.ndarray, np.ndarray]:
    """``k`` for ``rfft`` (``[n//2 + 1]``) and the same with the Nyquist mode zeroed for u_x."""
    k = 2.0 * math.pi / length * np.arange(n // 2 + 1, dtype=np.float64)
    k_odd = k.copy()
    if n % 2 == 0:
        k_odd[-1] = 0.0  # the Nyquist mode has no odd derivative on a real grid
    return k, k_odd


@functools.lru_cache(maxsize=32)
def _etdrk4_coefficients(n: int, length: float, dt: float) -> dict[str, np.ndarray]:
    """E, E2, Q, f1, f2, f3 of Kassam & Trefethen (2005), eqs. (2.5)–(2.6) with contour means."""
    k, k_odd = _wavenumbers(n, length)
    lin = k**2 - k**4
    roots = np.exp(1j * math.pi * (np.arange(1, _CONTOUR_POINTS + 1) - 0.5) / _CONTOUR_POINTS)
    lr = dt * lin[:, None] + roots[None, :]
    exp_lr = np.exp(lr)
    return {
        "E": np.exp(dt * lin),
        "E2": np.exp(dt * lin / 2.0),
        "Q": dt * np.real(np.mean((np.exp(lr / 2.0) - 1.0) / lr, axis=1)),
        "f1": dt * np.real(np.mean((-4.0 - lr + exp_lr * (4.0 - 3.0 * lr + lr**2)) / lr**3, 1)),
        "f2": dt * np.real(np.mean((2.0 + lr + exp_lr * (-2.0 + lr)) / lr**3, axis=1)),
        "f3": dt * np.real(np.mean((-4.0 - 3.0 * lr - lr**2 + exp_lr * (4.0 - lr)) / lr**3, 1)),
        "g": -0.5j * k_odd,
    }


def _like(arr: np.ndarray, x):
    """``arr`` as a constant in the namespace and device of ``x``."""
    if is_torch(x):
        import torch

        return torch.as_tensor(arr, device=x.device)
    return arr


def _rhs(t, u, p):
    """Semi-discrete u_t on the grid: ``[batch, N] -> [batch, N]``."""
    fft = namespace(u).fft
    n = u.shape[-1]
    k, k_odd = _wavenumbers(n, _scalar_length(p))
    lin = _like(k**2 - k**4, u)
    g = _like(-0.5j * k_odd, u)
    v = fft.rfft(u)
    return fft.irfft(lin * v + g * fft.rfft(u * u), n)


def _step(u, dt, p):
    """One ETDRK4 step of size ``dt``: ``[batch, N] -> [batch, N]`` (real space)."""
    fft = namespace(u).fft
    n = u.shape[-1]
    c = {
        key: _like(val, u)
        for key, val in _etdrk4_coefficients(n, _scalar_length(p), float(dt)).items()
    }

    def nonlinear(v):
        w = fft.irfft(v, n)
        return c["g"] * fft.rfft(w * w)

    v = fft.rfft(u)
    nv = nonlinear(v)
    a = c["E2"] * v + c["Q"] * nv
    na = nonlinear(a)
    b = c["E2"] * v + c["Q"] * na
    nb = nonlinear(b)
    cc = c["E2"] * a + c["Q"] * (2.0 * nb - nv)
    nc = nonlinear(cc)
    v = c["E"] * v + nv * c["f1"] + 2.0 * (na + nb) * c["f2"] + nc * c["f3"]
    return fft.irfft(v, n)


@functools.lru_cache(maxsize=16)
def _attractor_state(n: int, length: float, dt: float) -> tuple[float, ...]:
    """A state on the attractor: a smooth start run for ``_BURN_IN_TIME`` time units."""
    grid = length * np.arange(n) / n
    q = 2.0 * math.pi / length
    u = 0.1 * np.cos(q * grid) + 0.05 * np.cos(2 * q * grid + 1.0) + 0.02 * np.sin(3 * q * grid)
    u = u[None, :]
    p = {"L": length}
    for _ in range(int(_BURN_IN_TIME / dt)):
        u = _step(u, dt, p)
    return tuple(float(v) for v in u[0])


def kuramoto_sivashinsky(dim: int = 64, L: float = 22.0) -> System:
    """Kuramoto–Sivashinsky on ``dim`` grid points of a periodic domain of length ``L``."""
    if int(dim) != dim or dim < 8 or dim % 2:
        raise ValueError(f"KuramotoSivashinsky: dim must be an even integer >= 8, got {dim!r}")
    if not (math.isfinite(float(L)) and float(L) > 0):
        raise ValueError(f"KuramotoSivashinsky: L must be a positive number, got {L!r}")
    dim, L = int(dim), float(L)
    dt = 0.25
    return System(
        name="KuramotoSivashinsky",
        dim=dim,
        kind="pde",
        params={"L": L},
        rhs=_rhs,
        step=_step,
        metadata=Metadata(
            dt=dt,
            period=10.0,
            lyapunov_max=_LYAPUNOV_BY_L.get(L, math.nan) if dim >= 32 else math.nan,
            x0=_attractor_state(dim, L, dt),
            citation="Kuramoto, Y. & Tsuzuki, T. (1976) Prog. Theor. Phys. 55, 356; "
            "Sivashinsky, G. I. (1977) Acta Astronaut. 4, 1177. ETDRK4: Kassam, A.-K. & "
            "Trefethen, L. N. (2005) SIAM J. Sci. Comput. 26, 1214. λmax(L=22) = 0.043: "
            "Edson et al. (2019) ANZIAM J. 61, 270.",
            description="u_t = -u u_x - u_xx - u_xxxx, periodic on [0, L), pseudo-spectral",
            extra={"scalable": True, "grid_spacing": L / dim},
            param_bounds={"L": (0.0, math.inf)},
        ),
    )


register_system(kuramoto_sivashinsky, name="KuramotoSivashinsky", kind="pde")
