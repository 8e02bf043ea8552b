"""Every catalog system through ``simulate`` at default settings, against independent references.

Flows: scipy ``solve_ivp(DOP853, rtol=atol=1e-12)`` from ``metadata.x0`` over one Lyapunov time
must match to 1e-6 of the attractor's scale (issue 4). Where that reference is itself off by
more than the tolerance (strongly expanding flows such as LiuChen), a tighter scipy run
(rtol 2.3e-14, atol 1e-14) is the judge. The whole catalog is ``slow``; a fast subset runs
by default.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from chaosflow.integrate import RK4, Grid, simulate
from chaosflow.systems import get_system, list_systems

FAST_FLOWS = ["Lorenz", "Rossler", "Lorenz96", "Aizawa", "Chen", "HenonHeiles"]
TOL = 1e-6


@pytest.fixture(autouse=True)
def _slow_is_opt_in(request):
    """``slow`` tests here run only when selected with ``-m slow``."""
    if request.node.get_closest_marker("slow") and "slow" not in request.config.option.markexpr:
        pytest.skip("slow: opt in with -m slow")


def _lyapunov_grid(system, max_points=20_001):
    meta = system.metadata
    horizon = meta.lyapunov_time if math.isfinite(meta.lyapunov_time) else 100 * meta.dt
    n = min(max_points, math.ceil(horizon / meta.dt) + 1)
    return Grid(dt=meta.dt, n=max(n, 3))


def _reference(system, x0, grid, rtol, atol):
    p = dict(system.params)
    sol = solve_ivp(
        lambda t, x: system.rhs(t, x[None], p)[0],
        (grid.t0, grid.t0 + grid.duration),
        x0,
        method="DOP853",
        rtol=rtol,
        atol=atol,
        t_eval=grid.times,
    )
    assert sol.success, sol.message
    return sol.y.T


def _check_flow(name):
    system = get_system(name)
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    grid = _lyapunov_grid(system)
    out = simulate(system, x0[None], grid=grid)[0]
    ref = _reference(system, x0, grid, 1e-12, 1e-12)
    scale = np.abs(ref).max()
    err = np.abs(out - ref).max() / scale
    if err > TOL:  # is the 1e-12 reference the one that is off?
        tight = _reference(system, x0, grid, 2.3e-14, 1e-14)
        err = np.abs(out - tight).max() / scale
    assert err <= TOL, f"{name}: max error {err:.2e} of the attractor scale {scale:.3g}"


@pytest.mark.parametrize("name", [n for n in FAST_FLOWS if n in list_systems("flow")])
def test_flow_matches_scipy_over_one_lyapunov_time(name):
    _check_flow(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", list_systems("flow"))
def test_every_flow_matches_scipy_over_one_lyapunov_time(name):
    _check_flow(name)


@pytest.mark.parametrize("name", list_systems("map"))
def test_every_map_is_iterated_exactly(name):
    system = get_system(name)
    x = np.asarray(system.metadata.x0, dtype=np.float64)[None]
    out = simulate(system, x, grid=Grid(dt=1.0, n=40), on_divergence="nan")
    ref = [x]
    with np.errstate(all="ignore"):
        for i in range(39):
            ref.append(system.rhs(float(i), ref[-1], dict(system.params)))
    np.testing.assert_array_equal(out[0], np.concatenate(ref))


@pytest.mark.slow
@pytest.mark.parametrize("name", list_systems("delay"))
def test_every_delay_system_converges(name):
    system = get_system(name)
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)[None]
    grid = _lyapunov_grid(system, max_points=2_001)
    out = simulate(system, x0, grid=grid)
    finer = simulate(system, x0, grid=grid, method=RK4(substeps=_substeps(system, grid) * 4))
    assert np.abs(out - finer).max() <= TOL * np.abs(finer).max()


def _substeps(system, grid):
    from chaosflow.integrate._backend import params_for
    from chaosflow.integrate._delay import default_delay_method

    x0 = np.asarray(system.metadata.x0, dtype=np.float64)[None]
    return default_delay_method(system, grid, x0, params_for(system, None, x0)).substeps
