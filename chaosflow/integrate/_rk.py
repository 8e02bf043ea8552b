"""One generic explicit Runge–Kutta code path (torchdiffeq-style) and the output-grid loop.

Stage derivatives live in one buffer ``K: [stages, batch, dim]``; each stage input is a single
matrix–vector product ``a_i @ K[:i]``, which beats a Python sum of scaled arrays on numpy (fewer
temporaries) and on torch/CUDA (one GEMV instead of several memory passes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from chaosflow.integrate import _backend as B
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._monitor import Monitor
from chaosflow.integrate._tableaus import Tableau
from chaosflow.systems._array import is_torch

#: ``f(t, x) -> dx/dt`` with parameters already bound.
Field = Callable[[Any, Any], Any]
#: ``advance(t, x) -> x`` over one output interval starting at time ``t``.
Advance = Callable[[float, Any], Any]


@lru_cache(maxsize=64)
def _weights_np(tab: Tableau, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    a = np.zeros((tab.stages, tab.stages), dtype=dtype)
    for i, row in enumerate(tab.a):
        a[i, :i] = row
    return a, np.asarray(tab.b, dtype=dtype)


_TORCH_WEIGHTS: dict[tuple, tuple[Any, Any]] = {}


def weights(tab: Tableau, like: Any) -> tuple[Any, Any]:
    """``(a [s, s], b [s])`` in the namespace, dtype and device of ``like``."""
    if not is_torch(like):
        return _weights_np(tab, like.dtype.str)
    key = (tab.name, like.dtype, like.device)
    if key not in _TORCH_WEIGHTS:
        a, b = _weights_np(tab, "<f8")
        _TORCH_WEIGHTS[key] = (B.to_like(a, like), B.to_like(b, like))
    return _TORCH_WEIGHTS[key]


def rk_stages(f: Field, t: Any, x: Any, h: Any, tab: Tableau, k0: Any = None) -> Any:
    """Stage derivatives ``K: [stages, batch, dim]`` of one step of size ``h``.

    ``h`` is a float or ``[batch, 1]`` (per-trajectory steps); ``t`` a float or ``[batch]``;
    ``k0`` reuses a known first stage (FSAL).
    """
    a, _ = weights(tab, x)
    K = B.empty((tab.stages, *x.shape), x)
    flat = K.reshape(tab.stages, -1)
    K[0] = f(t, x) if k0 is None else k0
    for i in range(1, tab.stages):
        ti = t + tab.c[i] * (h if not hasattr(h, "shape") else h[:, 0])
        K[i] = f(ti, x + h * (a[i, :i] @ flat[:i]).reshape(x.shape))
    return K


def rk_step(f: Field, t: Any, x: Any, h: Any, tab: Tableau) -> Any:
    """One explicit RK step from ``x: [batch, dim]`` at time ``t``."""
    K = rk_stages(f, t, x, h, tab)
    _, b = weights(tab, x)
    return x + h * (b @ K.reshape(tab.stages, -1)).reshape(x.shape)


def fixed_advance(f: Field, tab: Tableau, dt: float, substeps: int) -> Advance:
    """Advance over one output interval ``dt`` with ``substeps`` equal RK steps."""
    h = dt / substeps

    def advance(t: float, x: Any) -> Any:
        for k in range(substeps):
            x = rk_step(f, t + k * h, x, h, tab)
        return x

    return advance


def run_grid(advance: Advance, x0: Any, grid: Grid, monitor: Monitor) -> Any:
    """Fill ``[batch, n, dim]`` by calling ``advance`` once per output interval."""
    out = B.empty((x0.shape[0], grid.n, x0.shape[1]), x0)
    x = monitor.check(0, x0, None)
    out[:, 0] = monitor.masked(x)
    for i in range(1, grid.n):
        x = monitor.check(i, advance(grid.t0 + (i - 1) * grid.dt, x), x)
        out[:, i] = monitor.masked(x)
    return out
