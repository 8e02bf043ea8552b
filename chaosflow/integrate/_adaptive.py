"""Adaptive Dormand–Prince 5(4), batched: each trajectory has its own time, step and error.

All rows advance together in one vectorised step of per-row size ``h[b]``; a row whose error
norm exceeds 1 is rejected (its state is kept, its step shrinks). Accepted steps fill every
output time they cover with Shampine's 4th-order dense output (Hairer's ``contd5`` form), so the
step sequence never depends on the output grid. Controller: Hairer, Nørsett & Wanner (1993)
§II.4, ``h ← h · clip(0.9 · err^(-1/5), 0.2, 10)``; initial step from their ``hinit``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chaosflow.integrate import _backend as B
from chaosflow.integrate._methods import Dopri5
from chaosflow.integrate._monitor import BOUND, Monitor
from chaosflow.integrate._rk import rk_stages, weights
from chaosflow.integrate._tableaus import DOPRI5, DOPRI5_DENSE
from chaosflow.systems._array import namespace


def _norm(xp: Any, v: Any) -> Any:
    """RMS norm over the last axis: ``[batch, dim] -> [batch]``."""
    return xp.sqrt((v * v).mean(-1))


def _initial_step(f, t, x, k0, scale, xp) -> Any:
    """Hairer's starting step per row, ``[batch]``."""
    d0, d1 = _norm(xp, x / scale), _norm(xp, k0 / scale)
    h0 = xp.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6 + 0 * d0, 0.01 * d0 / d1.clip(min=1e-300))
    k1 = f(t + h0, x + h0[:, None] * k0)
    d2 = _norm(xp, (k1 - k0) / scale) / h0
    big = xp.maximum(d1, d2)
    h1 = xp.where(big <= 1e-15, (h0 * 1e-3).clip(min=1e-6), (0.01 / big.clip(min=1e-300)) ** 0.2)
    return xp.minimum(100 * h0, h1)


def _dense(x, x_new, K, h, theta, d) -> Any:
    """Shampine's dense output at ``theta ∈ [0, 1]`` (``[batch]``) of the step ``x → x_new``."""
    h = h[:, None]
    ydiff = x_new - x
    bspl = h * K[0] - ydiff
    r4 = ydiff - h * K[6] - bspl
    r5 = h * (d @ K.reshape(K.shape[0], -1)).reshape(x.shape)
    th, th1 = theta[:, None], 1 - theta[:, None]
    return x + th * (ydiff + th1 * (bspl + th * (r4 + th1 * r5)))


def run(system, x0, grid, method: Dopri5, p, monitor: Monitor):
    """Integrate onto ``grid``; returns ``(out [batch, n, dim], steps, rejected)`` (``[batch]``)."""
    xp = namespace(x0)
    rhs = system.rhs
    f = lambda t, x: rhs(t, x, p)  # noqa: E731
    _, b = weights(DOPRI5, x0)
    e = b - B.to_like(np.asarray(DOPRI5.b_low), x0)
    d = B.to_like(np.asarray(DOPRI5_DENSE), x0)
    batch, n = x0.shape[0], grid.n
    times = B.to_like(grid.times, x0)
    t_end = times[-1]
    rows = xp.arange(batch) if xp is np else xp.arange(batch, device=x0.device)

    out = B.full((batch, n, x0.shape[1]), float("nan"), x0)
    x = monitor.check(0, x0, None)
    out[:, 0] = monitor.masked(x)
    t = B.full((batch,), grid.t0, x0)
    nxt = B.full((batch,), 1, x0, dtype=B.int_dtype(x0))
    steps = B.full((batch,), 0, x0, dtype=B.int_dtype(x0))
    rejected = B.full((batch,), 0, x0, dtype=B.int_dtype(x0))
    nxt = xp.where(monitor.diverged, n, nxt)
    k0 = f(t, x)
    scale = method.atol + method.rtol * xp.abs(x)
    h = xp.minimum(_initial_step(f, t, x, k0, scale, xp), t_end - t)
    tiny = 1e-14 * max(1.0, abs(grid.t0) + grid.duration)
    while bool((nxt < n).any()):
        active = nxt < n
        h_use = xp.minimum(h, t_end - t).clip(min=tiny)
        K = rk_stages(f, t, x, h_use[:, None], DOPRI5, k0)
        flat = K.reshape(K.shape[0], -1)
        x_new = x + h_use[:, None] * (b @ flat).reshape(x.shape)
        err_vec = h_use[:, None] * (e @ flat).reshape(x.shape)
        sc = method.atol + method.rtol * xp.maximum(xp.abs(x), xp.abs(x_new))
        err = _norm(xp, err_vec / sc)
        finite = xp.isfinite(err) & xp.isfinite(x_new).all(-1)
        ok = active & finite & (err <= 1.0)
        t_new = t + h_use
        _fill(out, nxt, ok, times, t, t_new, h_use, x, x_new, K, d, rows, n, xp)
        safe_err = xp.where(finite, err, 1e6 + 0 * err)
        factor = method.safety * safe_err.clip(min=1e-10) ** -0.2
        factor = factor.clip(min=method.min_factor, max=method.max_factor)
        factor = xp.where(ok, factor, factor.clip(max=1.0))
        t = xp.where(ok, t_new, t)
        x = xp.where(ok[:, None], x_new, x)
        k0 = xp.where(ok[:, None], K[6], k0)
        h = h_use * factor
        steps = steps + ok
        rejected = rejected + (active & ~ok)
        bad = active & (
            (xp.abs(x) > BOUND).any(-1) | (h < tiny) | (steps + rejected > method.max_steps)
        )
        monitor.first = xp.where(bad & ~monitor.diverged, nxt, monitor.first)
        monitor.diverged = monitor.diverged | bad
        nxt = xp.where(bad, n, nxt)
    after = B.to_like(np.arange(n), monitor.first)[None, :] >= monitor.first[:, None]
    out = xp.where((monitor.diverged[:, None] & after)[..., None], float("nan"), out)
    return out, B.to_numpy(steps), B.to_numpy(rejected)


def _fill(out, nxt, ok, times, t, t_new, h, x, x_new, K, d, rows, n, xp):
    """Write each output time inside accepted steps ``(t, t_new]``; advances ``nxt`` in place."""
    slack = 1e-12 * (1.0 + xp.abs(t_new))
    while True:
        idx = nxt.clip(max=n - 1)
        tq = times[idx]
        m = ok & (nxt < n) & (tq <= t_new + slack)
        if not bool(m.any()):
            return
        theta = ((tq - t) / h).clip(max=1.0)
        y = _dense(x, x_new, K, h, theta, d)
        r = rows[m]
        out[r, idx[r]] = y[r]
        nxt += m
