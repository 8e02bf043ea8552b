"""Seeded initial conditions on the attractor."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from chaosflow.integrate._errors import DivergenceError
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._simulate import simulate_checked

#: Transient = min(LYAPUNOV_TIMES Lyapunov times, PERIODS periods, MAX_STEPS output steps).
LYAPUNOV_TIMES = 300
PERIODS = 100
MAX_STEPS = 20_000
#: Relative size of the seeded perturbation of ``metadata.x0``; shrunk ×10 per retry.
PERTURBATION = 1e-2
RETRIES = 3
#: Output points per period over the final phase window.
PHASE_POINTS = 64
#: Flows are integrated in chunks of this many output points (memory stays ``[n, chunk, dim]``).
CHUNK = 1000


def transient_steps(system: Any) -> int:
    """Output steps (``metadata.dt``) to discard: several hundred Lyapunov times or ~100
    periods, whichever is cheaper, capped at ``MAX_STEPS`` (slow delays: ≥ 40 Lyapunov times)."""
    meta = system.metadata
    horizon = min(LYAPUNOV_TIMES * meta.lyapunov_time, PERIODS * float(meta.period))
    dt = 1.0 if system.kind == "map" else float(meta.dt)
    return max(1, min(MAX_STEPS, math.ceil(horizon / dt)))


def sample_on_attractor(
    system: Any,
    n: int,
    seed: int | np.random.SeedSequence,
    *,
    params: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """``n`` initial conditions on the attractor, ``[n, dim]`` float64, deterministic in ``seed``.

    Starts from ``metadata.x0`` plus a seeded relative perturbation, integrates the transient
    (``transient_steps``) with the default method on numpy, then one more period, and picks per
    row a seeded random point of that period, so even weakly chaotic or periodic systems give
    points spread along the attractor. Rows that diverge are restarted with a ten times smaller
    perturbation (up to ``RETRIES`` times), then ``DivergenceError``. Same seed → same bytes.
    ``params`` may hold floats or ``[n]`` arrays (one parameter vector per sample).
    """
    if int(n) != n or n < 1:
        raise ValueError(f"sample_on_attractor: n must be a positive integer, got {n!r}")
    n = int(n)
    rng = np.random.default_rng(seed)
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    scale = np.abs(x0) + 1.0
    out = np.empty((n, system.dim))
    todo = np.arange(n)
    for attempt in range(RETRIES + 1):
        eps = PERTURBATION * 0.1**attempt
        xs = x0 + eps * scale * rng.standard_normal((todo.size, system.dim))
        path, bad = _settle(system, xs, _rows(params, todo, n))
        pick = rng.integers(0, path.shape[1], size=todo.size)
        out[todo] = path[np.arange(todo.size), pick]
        todo = todo[bad]
        if todo.size == 0:
            return out
    raise DivergenceError(system.name, todo, [math.nan] * todo.size)


def _rows(params, rows, n):
    """``params`` restricted to ``rows`` (``[n]`` arrays are sliced, floats kept)."""
    if params is None:
        return None
    return {k: v if np.ndim(v) == 0 else np.asarray(v)[rows] for k, v in params.items()}


def _settle(system, xs, params):
    """Transient, then one period on a fine grid: ``(path [m, points, dim], diverged [m])``."""
    steps = transient_steps(system)
    if system.kind == "map":
        dt, phase_dt, phase_n = 1.0, 1.0, PHASE_POINTS
    else:
        dt = float(system.metadata.dt)
        phase_n = max(2, math.ceil(float(system.metadata.period) / dt))
        phase_dt = dt
    if system.kind == "delay":  # the history must stay continuous: one call, keep the tail
        res = simulate_checked(system, xs, grid=Grid(dt=dt, n=steps + phase_n + 1), params=params)
        return res.x[:, -phase_n:], res.diverged
    bad = np.zeros(xs.shape[0], dtype=bool)
    x, left = xs, steps
    while left > 0:
        m = min(CHUNK, left)
        res = simulate_checked(system, x, grid=Grid(dt=dt, n=m + 1), params=params)
        x, bad, left = np.nan_to_num(res.x[:, -1]), bad | res.diverged, left - m
    res = simulate_checked(system, x, grid=Grid(dt=phase_dt, n=phase_n), params=params)
    return res.x, bad | res.diverged
