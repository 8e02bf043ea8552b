"""``method=None``: pick the substep count of an accurate default by a short pilot run.

The pilot integrates a few of the caller's initial conditions over up to ten periods (at most
one Lyapunov time, 10–400 output points) with ``k`` and ``2k`` substeps, doubling ``k`` until the
two agree to ``PILOT_TOL`` of the state's scale. A long window matters for non-smooth systems
(dry friction, piecewise-linear circuits): a kink inside it stalls convergence, and the pilot
gives up in favour of the adaptive fallback; ``metadata.extra["smooth"] = False`` skips it.
For an order-``q`` method the difference is the error of the coarser run, so the chosen ``k``
is accurate to about ``PILOT_TOL`` per pilot window. Cached per (system, parameters, dt).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

PILOT_TOL = 1e-10
PILOT_ROWS = 4
#: Most steps one pilot run may take; past it the pilot gives up (returns ``None``).
PILOT_BUDGET = 8192
_CACHE: dict[tuple, int | None] = {}


def pilot_points(system: Any, dt: float) -> int:
    """Output intervals in the pilot window: up to ten periods, capped at one Lyapunov time."""
    meta = system.metadata
    window = min(10 * float(meta.period), meta.lyapunov_time)
    if not math.isfinite(window) or window <= 0:
        window = 100 * dt
    return int(min(400, max(10, math.ceil(window / dt))))


def choose_substeps(
    run: Callable[[int], np.ndarray], points: int, start: int = 1, tol: float = PILOT_TOL
) -> int | None:
    """Smallest power-of-two multiple of ``start`` whose run matches the doubled run to ``tol``.

    ``None`` when no affordable ``k`` (``2k · points ≤ PILOT_BUDGET``) gets there: typically a
    non-smooth (piecewise) right-hand side, where high order does not pay and an adaptive
    method is the better default.
    """
    k = start
    prev = run(k)
    while 2 * k * points <= PILOT_BUDGET:
        cur = run(2 * k)
        scale = max(1.0, float(np.nanmax(np.abs(cur)))) if np.isfinite(cur).any() else 1.0
        with np.errstate(invalid="ignore"):
            err = float(np.max(np.abs(prev - cur))) / scale
        if math.isfinite(err) and err <= tol:
            return k
        prev, k = cur, 2 * k
    return None


def cache_key(system: Any, params: dict[str, Any], dt: float, family: str) -> tuple | None:
    """Hashable key, or ``None`` when parameters vary per trajectory (no caching then)."""
    if any(not isinstance(v, float) for v in params.values()):
        return None
    return (system.name, system.dim, system.kind, tuple(sorted(params.items())), float(dt), family)


def cached_substeps(key: tuple | None, compute: Callable[[], int | None]) -> int | None:
    if key is None:
        return compute()
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]
