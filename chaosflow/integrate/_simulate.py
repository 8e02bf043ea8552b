"""``simulate``: the one entry point that integrates any catalog system on numpy or torch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from chaosflow.integrate import _auto, _backend, _compiled
from chaosflow.integrate._compiled import Backend
from chaosflow.integrate._errors import DivergenceError
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._methods import DOP853, RK4, Dopri5, EulerMaruyama, FixedStep, Method
from chaosflow.integrate._monitor import Monitor, Simulation
from chaosflow.integrate._rk import fixed_advance, run_grid

OnDivergence = Literal["raise", "nan"]


def simulate(
    system: Any,
    x0: Any,
    *,
    grid: Grid,
    method: Method | None = None,
    params: Mapping[str, Any] | None = None,
    on_divergence: OnDivergence = "raise",
    backend: Backend = "auto",
) -> Any:
    """Integrate ``x0: [batch, dim]`` onto ``grid``; returns ``[batch, grid.n, dim]``.

    Numpy in → numpy out; torch in → torch out on the same device and dtype. ``params``
    overrides parameters by name with floats or ``[batch]`` arrays (a sweep: one parameter
    vector per trajectory). ``method=None`` picks an accurate default (DOP853 with pilot-chosen
    substeps for flows, RK4 for delays; maps iterate; systems with ``step`` use it).
    ``on_divergence="raise"`` raises ``DivergenceError`` naming rows and times; ``"nan"``
    returns diverged rows as NaN from the divergence on (use ``simulate_checked`` to see which).
    ``backend="auto"`` runs fixed-step methods and Dopri5 on float64 numpy input as a program
    traced from ``rhs`` on the shared numba interpreter when the system supports it
    (``compiled_support``), else the numpy path; ``"numpy"`` never uses it; ``"compiled"``
    fails when it cannot.
    ``CHAOSFLOW_COMPILED=0`` in the environment turns ``"auto"`` into ``"numpy"``.
    """
    if on_divergence not in ("raise", "nan"):
        raise ValueError(f"on_divergence must be 'raise' or 'nan', got {on_divergence!r}")
    res = simulate_checked(system, x0, grid=grid, method=method, params=params, backend=backend)
    if on_divergence == "raise" and res.diverged.any():
        raise DivergenceError(system.name, np.flatnonzero(res.diverged), res.diverged_times)
    return res.x


def simulate_checked(
    system: Any,
    x0: Any,
    *,
    grid: Grid,
    method: Method | None = None,
    params: Mapping[str, Any] | None = None,
    backend: Backend = "auto",
) -> Simulation:
    """Like ``simulate`` but never raises on divergence: returns a ``Simulation`` report."""
    if backend not in _compiled.BACKENDS:
        raise ValueError(f"backend must be one of {_compiled.BACKENDS}, got {backend!r}")
    x0 = _backend.as_batch(x0, system.dim, system.name)
    p = _backend.params_for(system, params, x0)
    monitor = Monitor(x0)
    with np.errstate(all="ignore"):
        out, n_steps, n_rej = _dispatch(system, x0, grid, method, p, monitor, backend)
    batch = x0.shape[0]
    return Simulation(
        x=out,
        diverged=_backend.to_numpy(monitor.diverged).astype(bool),
        diverged_at=_backend.to_numpy(monitor.first).astype(np.int64),
        times=grid.times,
        n_steps=np.broadcast_to(np.asarray(n_steps, dtype=np.int64), (batch,)).copy(),
        n_rejected=np.broadcast_to(np.asarray(n_rej, dtype=np.int64), (batch,)).copy(),
    )


def _dispatch(system, x0, grid, method, p, monitor, backend="auto"):
    """Route to the integrator for this kind of system and method; returns (x, steps, rejected)."""
    if system.kind == "map":
        _numpy_only(backend, "maps")
        return _iterate_map(system, x0, grid, p, monitor)
    if getattr(system, "step", None) is not None:
        _numpy_only(backend, "systems with their own step")
        return _run_stepper(system, x0, grid, method, p, monitor)
    if system.kind == "delay":
        from chaosflow.integrate import _delay

        _numpy_only(backend, "delay equations")
        return _delay.run(system, x0, grid, method, p, monitor)
    if isinstance(method, EulerMaruyama):
        from chaosflow.integrate import _noise

        _numpy_only(backend, "EulerMaruyama")
        return _noise.run_sde(system, x0, grid, method, p, monitor)
    if method is None:
        trivial = grid.n == 1 or x0.shape[0] == 0
        method = RK4() if trivial else default_method(system, grid, x0, p, backend=backend)
    if isinstance(method, Dopri5):
        from chaosflow.integrate import _adaptive

        job = lambda c: c.run_adaptive(x0, p, grid, method)  # noqa: E731
        ran = _compiled.try_run(system, x0, p, grid, backend, job)
        if ran is not None:
            out, monitor.diverged, monitor.first, steps, rejected = ran
            return out, steps, rejected
        return _adaptive.run(system, x0, grid, method, p, monitor)
    if not isinstance(method, FixedStep):
        raise TypeError(f"unsupported method {method!r} for a {system.kind} system")
    n_steps = (grid.n - 1) * method.substeps
    tab, k = method.tableau, method.substeps
    ran = _compiled.try_run(system, x0, p, grid, backend, lambda c: c.run(x0, p, grid, tab, k))
    if ran is not None:
        out, monitor.diverged, monitor.first = ran
        return out, n_steps, 0
    f = _bind(system, p)
    advance = fixed_advance(f, method.tableau, grid.dt, method.substeps)
    return run_grid(advance, x0, grid, monitor), n_steps, 0


def _numpy_only(backend: Backend, what: str) -> None:
    if backend == "compiled":
        raise ValueError(
            f"backend='compiled' covers flows (fixed-step methods and Dopri5), not {what}"
        )


def _bind(system: Any, p: dict[str, Any]):
    rhs = system.rhs
    return lambda t, x: rhs(t, x, p)


#: The fallback when the pilot finds no affordable DOP853 step (non-smooth systems).
FALLBACK = Dopri5(rtol=1e-10, atol=1e-10)


def default_method(
    system: Any, grid: Grid, x0: Any, p: dict[str, Any], *, backend: Backend = "auto"
) -> FixedStep | Dopri5:
    """DOP853 with the fewest power-of-two substeps the pilot finds accurate, else ``FALLBACK``.

    With scalar parameters the pilot starts from ``metadata.x0`` (the choice is cached and must
    not depend on call order); with per-row parameters from float64 copies of the first rows.
    Compiled when ``backend`` allows (the two paths agree to rounding, far below the pilot's
    1e-10 tolerance).
    """
    if system.metadata.extra.get("smooth", True) is False:
        return FALLBACK
    key = _auto.cache_key(system, p, grid.dt, "dop853")
    if key is not None:
        # Scalar parameters: the choice is cached per (system, parameters, dt), so it must not
        # depend on which caller came first — pilot from the catalog's x0, not the caller's
        # rows (otherwise a shard's bytes could depend on the order shards ran in a worker).
        xs = np.asarray(system.metadata.x0, dtype=np.float64)[None]
        ps = dict(p)
    else:
        rows = min(_auto.PILOT_ROWS, x0.shape[0])
        xs = _backend.to_numpy(x0[:rows]).astype(np.float64)
        ps = {k: v if isinstance(v, float) else _backend.to_numpy(v)[:rows] for k, v in p.items()}
    m = _auto.pilot_points(system, grid.dt)
    pilot = Grid(dt=grid.dt, n=m + 1, t0=grid.t0)
    f = _bind(system, ps)
    pilot_backend = "numpy" if backend == "numpy" else "auto"

    def run(k: int) -> np.ndarray:
        job = lambda c: c.run(xs, ps, pilot, DOP853.tableau, k)  # noqa: E731
        ran = _compiled.try_run(system, xs, ps, pilot, pilot_backend, job)
        if ran is not None:
            return ran[0]
        return run_grid(fixed_advance(f, DOP853.tableau, grid.dt, k), xs, pilot, Monitor(xs))

    k = _auto.cached_substeps(key, lambda: _auto.choose_substeps(run, m))
    return FALLBACK if k is None else DOP853(substeps=k)


def _iterate_map(system, x0, grid, p, monitor):
    iters = round(grid.dt)
    if abs(grid.dt - iters) > 1e-12 or iters < 1:
        raise ValueError(f"map {system.name!r}: grid.dt must be a whole number of iterations")
    rhs = system.rhs

    def advance(t, x):
        for k in range(iters):
            x = rhs(t + k, x, p)
        return x

    return run_grid(advance, x0, grid, monitor), (grid.n - 1) * iters, 0


def _run_stepper(system, x0, grid, method, p, monitor):
    substeps = method.substeps if isinstance(method, (FixedStep, EulerMaruyama)) else 1
    h, step = grid.dt / substeps, system.step

    def advance(t, x):
        for _ in range(substeps):
            x = step(x, h, p)
        return x

    return run_grid(advance, x0, grid, monitor), (grid.n - 1) * substeps, 0
