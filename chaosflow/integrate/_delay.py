"""Delay equations by the method of steps, many histories at once.

Convention (contracts): parameter ``tau`` (a float or ``[batch]``) is the delay in time units;
``rhs(t, z, p)`` gets ``z = x(t) ‖ x(t − τ)`` (``[batch, 2·dim]``) and returns ``dx/dt``. The
history before ``t0`` is constant, equal to each row's initial state. A fixed-step RK method
runs on nodes ``t_j = t0 + j·h``; a ring buffer keeps the last ``τ_max/h + 3`` node states and
derivatives, and the delayed state at any stage time is the cubic Hermite interpolant between
its two nodes (4th-order accurate, matching RK4, the default). Requires ``h ≤ min τ``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chaosflow.integrate import _auto
from chaosflow.integrate import _backend as B
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._methods import RK4, FixedStep
from chaosflow.integrate._monitor import Monitor
from chaosflow.integrate._rk import run_grid, weights
from chaosflow.systems._array import namespace

#: Looser than flows: RK4 needs 16× the work per extra digit.
DELAY_PILOT_TOL = 1e-8


class _History:
    """Ring buffer of node states ``X`` and derivatives ``F``, ``[L, batch, dim]`` each."""

    def __init__(self, x0: Any, tau: Any, h: float, t0: float) -> None:
        self.xp, self.h, self.t0, self.x0 = namespace(x0), h, t0, x0
        tau_max = float(B.to_numpy(tau).max())
        self.L = math.ceil(tau_max / h) + 3
        self.X = B.empty((self.L, *x0.shape), x0)
        self.F = B.empty((self.L, *x0.shape), x0)
        self.tau = tau
        n = x0.shape[0]
        self.rows = self.xp.arange(n) if self.xp is np else self.xp.arange(n, device=x0.device)

    def put(self, j: int, x: Any, fx: Any) -> None:
        self.X[j % self.L], self.F[j % self.L] = x, fx

    def delayed(self, j: int, c: float) -> Any:
        """``x(t_j + c·h − τ)`` per row, ``[batch, dim]``, from nodes up to ``j``."""
        if isinstance(self.tau, float):
            return self._delayed_shared(j, c)
        xp = self.xp
        u = (j + c) - self.tau / self.h  # node coordinate, [batch] (or float)
        u = u + 0 * self.x0[:, 0]
        m = xp.floor(u).clip(max=j - 1).clip(min=0)
        theta = (u - m)[:, None]
        mi = m.long() if xp is not np else m.astype(np.int64)
        i0, i1 = mi % self.L, (mi + 1) % self.L
        x_a, x_b = self.X[i0, self.rows], self.X[i1, self.rows]
        f_a, f_b = self.F[i0, self.rows], self.F[i1, self.rows]
        t2, t3 = theta * theta, theta * theta * theta
        herm = (
            (2 * t3 - 3 * t2 + 1) * x_a
            + (t3 - 2 * t2 + theta) * self.h * f_a
            + (3 * t2 - 2 * t3) * x_b
            + (t3 - t2) * self.h * f_b
        )
        return xp.where((u < 0)[:, None], self.x0, herm)

    def _delayed_shared(self, j: int, c: float) -> Any:
        """One delay for all rows: scalar node and weights, plain slices (the common case)."""
        u = (j + c) - self.tau / self.h
        if u < 0:
            return self.x0
        m = max(0, min(math.floor(u), j - 1))
        th = u - m
        w = _hermite(th)
        i0, i1 = m % self.L, (m + 1) % self.L
        h = self.h
        return (
            w[0] * self.X[i0]
            + (w[1] * h) * self.F[i0]
            + w[2] * self.X[i1]
            + (w[3] * h) * self.F[i1]
        )


def _hermite(th: float) -> tuple[float, float, float, float]:
    """Cubic Hermite basis at ``th``: weights of ``x_a, h·f_a, x_b, h·f_b``."""
    t2, t3 = th * th, th * th * th
    return (2 * t3 - 3 * t2 + 1, t3 - 2 * t2 + th, 3 * t2 - 2 * t3, t3 - t2)


def _advance_factory(system, x0, grid, tab, substeps, p):
    """An ``advance(t, x)`` closure that carries the history across output intervals."""
    h = grid.dt / substeps
    tau = p["tau"]
    if float(B.to_numpy(tau).min()) < h * (1 - 1e-12):
        raise ValueError(
            f"delay system {system.name!r}: step {h:g} exceeds the delay tau; use more substeps"
        )
    hist = _History(x0, tau, h, grid.t0)
    a, b = weights(tab, x0)
    xp, rhs = namespace(x0), system.rhs
    cat = xp.concatenate if xp is np else xp.cat
    f = lambda t, x, j, c: rhs(t, cat([x, hist.delayed(j, c)], -1), p)  # noqa: E731
    state = {"j": 0}

    def advance(t: float, x: Any) -> Any:
        for k in range(substeps):
            j = state["j"]
            tj = t + k * h
            K = B.empty((tab.stages, *x.shape), x)
            flat = K.reshape(tab.stages, -1)
            K[0] = f(tj, x, j, 0.0)
            hist.put(j, x, K[0])
            for i in range(1, tab.stages):
                xi = x + h * (a[i, :i] @ flat[:i]).reshape(x.shape)
                K[i] = f(tj + tab.c[i] * h, xi, j, tab.c[i])
            x = x + h * (b @ flat).reshape(x.shape)
            state["j"] = j + 1
        return x

    return advance


def run(system, x0, grid: Grid, method, p, monitor: Monitor):
    """Method of steps onto ``grid``; returns ``(out, steps, rejected)``."""
    if "tau" not in p:
        raise ValueError(f"delay system {system.name!r} has no parameter 'tau' (the delay)")
    if method is None:
        method = default_delay_method(system, grid, x0, p)
    if not isinstance(method, FixedStep):
        raise NotImplementedError(
            f"delay system {system.name!r}: use a fixed-step method (RK4), got {method!r}"
        )
    advance = _advance_factory(system, x0, grid, method.tableau, method.substeps, p)
    return run_grid(advance, x0, grid, monitor), (grid.n - 1) * method.substeps, 0


def default_delay_method(system, grid: Grid, x0, p) -> RK4:
    """RK4 with the fewest power-of-two substeps (``h ≤ τ``) that the pilot finds accurate."""
    tau_min = float(B.to_numpy(p["tau"]).min())
    start = 2 ** math.ceil(math.log2(max(1.0, grid.dt / tau_min)))
    rows = min(_auto.PILOT_ROWS, x0.shape[0])
    xs = B.to_numpy(x0[:rows]).astype(np.float64)
    ps = {k: v if isinstance(v, float) else B.to_numpy(v)[:rows] for k, v in p.items()}
    m = _auto.pilot_points(system, grid.dt)
    pilot = Grid(dt=grid.dt, n=m + 1, t0=grid.t0)

    def run_k(k: int) -> np.ndarray:
        adv = _advance_factory(system, xs, pilot, RK4.tableau, k, ps)
        return run_grid(adv, xs, pilot, Monitor(xs))

    key = _auto.cache_key(system, p, grid.dt, "delay-rk4")
    k = _auto.cached_substeps(key, lambda: _auto.choose_substeps(run_k, m, start, DELAY_PILOT_TOL))
    # No affordable accurate step: take the finest the budget allows (delays have no fallback).
    return RK4(substeps=k or max(start, 2 ** int(math.log2(max(1, _auto.PILOT_BUDGET // m)))))
