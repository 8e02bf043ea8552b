"""Seeded initial conditions on the attractor."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from chaosflow.integrate._errors import DivergenceError
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._simulate import simulate_checked

#: Transient = min(LYAPUNOV_TIMES Lyapunov times, PERIODS periods), in time units (iterations).
LYAPUNOV_TIMES = 300
PERIODS = 100
#: Relative size of the seeded perturbation of ``metadata.x0``.
PERTURBATION = 1e-2
#: Output points per period over the final phase window.
PHASE_POINTS = 64


def transient_time(system: Any) -> float:
    """Transient to discard: several hundred Lyapunov times or ~100 periods, the cheaper."""
    meta = system.metadata
    return min(LYAPUNOV_TIMES * meta.lyapunov_time, PERIODS * float(meta.period))


def sample_on_attractor(
    system: Any,
    n: int,
    seed: int | np.random.SeedSequence,
    *,
    params: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """``n`` initial conditions on the attractor, ``[n, dim]`` float64, deterministic in ``seed``.

    Starts from ``metadata.x0`` plus a seeded relative perturbation, integrates the transient
    (``transient_time``) with the default method on numpy, then integrates one more period and
    picks, per row, a seeded random point of it, so even weakly chaotic or periodic systems give
    points spread along the attractor. Same seed → identical bytes. Raises ``DivergenceError``
    if any sample diverges.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"sample_on_attractor: n must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    scale = np.abs(x0) + 1.0
    xs = x0 + PERTURBATION * scale * rng.standard_normal((int(n), system.dim))
    if system.kind == "map":
        warm, phase = Grid(dt=1.0, n=int(transient_time(system)) + 1), Grid(dt=1.0, n=PHASE_POINTS)
    else:
        dt = float(system.metadata.dt)
        steps = max(1, math.ceil(transient_time(system) / dt))
        warm = Grid(dt=dt, n=steps + 1)
        phase = Grid(dt=float(system.metadata.period) / PHASE_POINTS, n=PHASE_POINTS + 1)
    end = _run(system, xs, warm, params, keep_last=True)
    path = _run(system, end, phase, params, keep_last=False)
    pick = rng.integers(0, path.shape[1], size=int(n))
    return np.ascontiguousarray(path[np.arange(int(n)), pick])


def _run(system, xs, grid, params, *, keep_last):
    """Integrate; only the last state is kept for the transient (memory stays ``[n, dim]``)."""
    if keep_last:
        chunk = 1000
        x, left = xs, grid.n - 1
        while left > 0:
            m = min(chunk, left)
            x = _checked(system, x, Grid(dt=grid.dt, n=m + 1), params)[:, -1]
            left -= m
        return x
    return _checked(system, xs, grid, params)


def _checked(system, xs, grid, params):
    res = simulate_checked(system, xs, grid=grid, params=params)
    if res.diverged.any():
        raise DivergenceError(system.name, np.flatnonzero(res.diverged), res.diverged_times)
    return res.x
