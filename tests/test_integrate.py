"""chaosflow.integrate core: exact solutions, scipy reference, backends, divergence, sampling."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from chaosflow.integrate import (
    DOP853,
    RK4,
    DivergenceError,
    Grid,
    sample_on_attractor,
    simulate,
    simulate_checked,
)
from chaosflow.systems import Metadata, System, get_system

# A damped rotation dx/dt = M x: exact solution expm(M t) x0 (test-only, not registered).
_M = np.array([[-0.1, 2.0, 0.0], [-2.0, -0.1, 0.0], [0.0, 0.0, -0.5]])


def _linear_rhs(t, x, p):
    return p["k"] * (x @ (torch.as_tensor(_M, dtype=x.dtype) if torch.is_tensor(x) else _M).T)


LINEAR = System(
    name="TestLinear",
    dim=3,
    kind="flow",
    params={"k": 1.0},
    rhs=_linear_rhs,
    metadata=Metadata(dt=0.05, period=np.pi, lyapunov_max=0.0, x0=(1.0, 0.0, 1.0), citation="test"),
)

# dx/dt = x^2 blows up at t = 1/x0: a known divergence time.
BLOWUP = System(
    name="TestBlowup",
    dim=1,
    kind="flow",
    params={},
    rhs=lambda t, x, p: x * x,
    metadata=Metadata(dt=0.01, period=1.0, lyapunov_max=0.0, x0=(1.0,), citation="test"),
)


def _scipy(system, x0, grid, params=None):
    p = dict(system.params) | dict(params or {})
    sol = solve_ivp(
        lambda t, x: system.rhs(t, x[None], p)[0],
        (grid.t0, grid.t0 + grid.duration),
        x0,
        method="DOP853",
        rtol=1e-12,
        atol=1e-12,
        t_eval=grid.times,
    )
    return sol.y.T


@pytest.fixture(params=["numpy", "torch"])
def backend(request):
    """Array constructor for each backend: numpy float64 or torch CPU float64."""
    if request.param == "numpy":
        return lambda a: np.asarray(a, dtype=np.float64)
    return lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)


def _np(x):
    return x.numpy() if torch.is_tensor(x) else x


@pytest.mark.parametrize("method", [RK4(substeps=20), DOP853(substeps=1), None])
def test_linear_system_matches_matrix_exponential(backend, method):
    x0 = np.array([[1.0, 0.0, 1.0], [0.3, -2.0, 0.5]])
    grid = Grid(dt=0.05, n=41)
    out = simulate(LINEAR, backend(x0), grid=grid, method=method)
    assert type(out) is type(backend(x0))
    assert out.shape == (2, 41, 3)
    exact = np.stack([x0 @ expm(_M * t).T for t in grid.times], axis=1)
    tol = 1e-9 if isinstance(method, RK4) else 1e-12
    np.testing.assert_allclose(_np(out), exact, atol=tol, rtol=0)


def test_lorenz_matches_scipy_over_one_lyapunov_time(backend):
    lorenz = get_system("Lorenz")
    x0 = np.array([lorenz.metadata.x0, [1.0, 1.0, 20.0]])
    n = int(np.ceil(lorenz.metadata.lyapunov_time / lorenz.metadata.dt)) + 1
    grid = Grid(dt=lorenz.metadata.dt, n=n)
    out = _np(simulate(lorenz, backend(x0), grid=grid))
    for row in range(2):
        ref = _scipy(lorenz, x0[row], grid)
        assert np.max(np.abs(out[row] - ref)) < 1e-6 * np.abs(ref).max()


def test_numpy_and_torch_agree_to_rounding():
    lorenz = get_system("Lorenz")
    x0 = np.array([lorenz.metadata.x0]) + np.linspace(0, 1, 5)[:, None]
    grid = Grid(dt=0.01, n=101)
    a = simulate(lorenz, x0, grid=grid, method=DOP853(substeps=2))
    b = simulate(lorenz, torch.tensor(x0), grid=grid, method=DOP853(substeps=2))
    np.testing.assert_allclose(b.numpy(), a, rtol=0, atol=1e-11)


def test_torch_float32_stays_float32():
    lorenz = get_system("Lorenz")
    x0 = torch.tensor([lorenz.metadata.x0], dtype=torch.float32)
    out = simulate(lorenz, x0, grid=Grid(dt=0.01, n=51), method=RK4(substeps=2))
    assert out.dtype == torch.float32
    ref = simulate(lorenz, x0.double(), grid=Grid(dt=0.01, n=51), method=RK4(substeps=2))
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-4, atol=1e-4)


def test_parameter_sweep_equals_separate_runs(backend):
    lorenz = get_system("Lorenz")
    x0 = np.array([lorenz.metadata.x0] * 3)
    rho = np.array([20.0, 28.0, 35.0])
    grid = Grid(dt=0.01, n=51)
    swept = _np(simulate(lorenz, backend(x0), grid=grid, params={"rho": backend(rho)}))
    for i, r in enumerate(rho):
        one = simulate(lorenz, x0[i : i + 1], grid=grid, params={"rho": float(r)})
        np.testing.assert_allclose(swept[i], one[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(swept[0], _scipy(lorenz, x0[0], grid, {"rho": 20.0}), atol=1e-9)


def test_divergence_is_reported_per_trajectory(backend):
    x0 = np.array([[1.0], [-1.0], [0.5]])  # rows 0 and 2 blow up at t = 1 and t = 2
    grid = Grid(dt=0.25, n=13)
    res = simulate_checked(BLOWUP, backend(x0), grid=grid, method=RK4(substeps=50))
    assert res.diverged.tolist() == [True, False, True]
    t0, t2 = res.times[res.diverged_at[[0, 2]]]
    assert 1.0 <= t0 <= 1.5
    assert 2.0 <= t2 <= 2.5
    x = _np(res.x)
    assert np.isnan(x[0, res.diverged_at[0] :]).all()
    assert np.isfinite(x[0, : res.diverged_at[0]]).all()
    np.testing.assert_allclose(x[1, :, 0], -1.0 / (1.0 + grid.times), rtol=1e-9)
    assert res.ok.tolist() == [1]
    with pytest.raises(DivergenceError, match="TestBlowup") as info:
        simulate(BLOWUP, backend(x0), grid=grid, method=RK4(substeps=50))
    assert info.value.indices == [0, 2]
    assert np.isnan(_np(simulate(BLOWUP, backend(x0), grid=grid, on_divergence="nan"))[0, -1, 0])


def test_bad_inputs_fail_with_clear_messages():
    lorenz = get_system("Lorenz")
    with pytest.raises(ValueError, match=r"\[batch, 3\]"):
        simulate(lorenz, np.zeros(3), grid=Grid(dt=0.01, n=3))
    with pytest.raises(ValueError, match="no parameter"):
        simulate(lorenz, np.zeros((1, 3)), grid=Grid(dt=0.01, n=3), params={"r": 1.0})
    with pytest.raises(ValueError, match="shape"):
        simulate(lorenz, np.zeros((2, 3)), grid=Grid(dt=0.01, n=3), params={"rho": [1.0]})
    with pytest.raises(ValueError, match="dt"):
        Grid(dt=0.0, n=3)
    with pytest.raises(ValueError, match="substeps"):
        RK4(substeps=0)
    with pytest.raises(ValueError, match="on_divergence"):
        simulate(lorenz, np.zeros((1, 3)), grid=Grid(dt=0.01, n=3), on_divergence="drop")


def test_grid_from_period():
    lorenz = get_system("Lorenz")
    grid = Grid.from_period(lorenz, 100, 10)
    assert grid.dt == pytest.approx(lorenz.metadata.period / 100)
    assert grid.times[-1] == pytest.approx(9 * grid.dt)


@pytest.fixture(scope="module")
def rossler_samples():
    rossler = get_system("Rossler")
    return rossler, sample_on_attractor(rossler, 12, 7), sample_on_attractor(rossler, 12, 7)


def test_sample_on_attractor_is_deterministic_and_spread(rossler_samples):
    rossler, a, b = rossler_samples
    assert a.shape == (12, 3)
    assert a.dtype == np.float64
    assert a.tobytes() == b.tobytes()
    # Spread along the attractor: the x-y radius varies and points are far from each other.
    dists = np.linalg.norm(a[:, None] - a[None], axis=-1)[np.triu_indices(12, 1)]
    assert dists.min() > 1e-3
    assert np.ptp(np.linalg.norm(a[:, :2], axis=1)) > 2.0
    # On the attractor: continuing them stays bounded in the known box (|x|,|y| < 15, z < 30).
    out = simulate(rossler, a, grid=Grid(dt=0.1, n=200))
    assert np.abs(out[..., :2]).max() < 15
    assert out[..., 2].max() < 30


def test_sample_on_attractor_seed_changes_points():
    henon = get_system("Henon")
    a = sample_on_attractor(henon, 64, np.random.SeedSequence(1))
    b = sample_on_attractor(henon, 64, np.random.SeedSequence(2))
    assert not np.allclose(a, b)
    # The Hénon attractor lies in |x| < 1.3, |y| < 0.4 and satisfies no fixed point.
    assert np.all(np.abs(a[:, 0]) < 1.3)
    assert np.all(np.abs(a[:, 1]) < 0.4)
    assert np.unique(a.round(6), axis=0).shape[0] == 64


def test_empty_batch_and_single_point_grids():
    lorenz = get_system("Lorenz")
    assert simulate(lorenz, np.zeros((0, 3)), grid=Grid(dt=0.01, n=5)).shape == (0, 5, 3)
    x0 = np.array([lorenz.metadata.x0])
    np.testing.assert_array_equal(simulate(lorenz, x0, grid=Grid(dt=0.01, n=1))[:, 0], x0)
