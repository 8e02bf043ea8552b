"""Methods: tableau order conditions, measured convergence orders, adaptive control, delays,
maps, steppers and noise, each against a known answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from numpy.polynomial import Polynomial
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from chaosflow.integrate import (
    DOP853,
    RK4,
    Dopri5,
    Euler,
    EulerMaruyama,
    Grid,
    add_observation_noise,
    simulate,
    simulate_checked,
)
from chaosflow.integrate._tableaus import DOP853 as DOP853_TABLEAU
from chaosflow.integrate._tableaus import DOPRI5
from chaosflow.integrate._tableaus import RK4 as RK4_TABLEAU
from chaosflow.systems import Metadata, System, get_system

_M = np.array([[-0.1, 2.0], [-2.0, -0.1]])  # damped rotation, exact solution via expm


def _meta(**kw):
    base = {"dt": 0.1, "period": 1.0, "lyapunov_max": 0.0, "x0": (1.0,), "citation": "test"}
    return Metadata(**(base | kw))


def _rotation_rhs(t, x, p):
    m = torch.as_tensor(_M, dtype=x.dtype) if torch.is_tensor(x) else _M
    k = p["k"][:, None] if hasattr(p["k"], "shape") else p["k"]
    return k * (x @ m.T)


ROTATION = System("TestRotation", 2, "flow", {"k": 1.0}, _rotation_rhs, _meta(x0=(1.0, 0.0)))


@pytest.fixture(params=["numpy", "torch"])
def backend_fn(request):
    """Array constructor per backend: numpy float64 or torch CPU float64."""
    if request.param == "numpy":
        return lambda a: np.asarray(a, dtype=np.float64)
    return lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)


@pytest.mark.parametrize("tab", [RK4_TABLEAU, DOPRI5, DOP853_TABLEAU])
def test_tableau_quadrature_order_conditions(tab):
    b, c = np.array(tab.b), np.array(tab.c)
    for k in range(1, tab.order + 1):
        assert b @ c ** (k - 1) == pytest.approx(1.0 / k, abs=1e-13)
    a = np.zeros((tab.stages, tab.stages))
    for i, row in enumerate(tab.a):
        a[i, :i] = row
    np.testing.assert_allclose(a.sum(1), c, atol=1e-13)
    assert b @ a @ c == pytest.approx(1 / 6, abs=1e-13)  # an order-3 tree condition


def test_dop853_tableau_matches_scipy_copy():
    coeffs = pytest.importorskip("scipy.integrate._ivp.dop853_coefficients")
    n = DOP853_TABLEAU.stages
    np.testing.assert_allclose(DOP853_TABLEAU.c, coeffs.C[:n], rtol=1e-15)
    np.testing.assert_allclose(DOP853_TABLEAU.b, coeffs.B, rtol=1e-15)
    for i, row in enumerate(DOP853_TABLEAU.a):
        np.testing.assert_allclose(row, coeffs.A[i, :i], rtol=1e-15)


@pytest.mark.parametrize(("method", "order", "dts"), [
    (Euler, 1, [0.1, 0.05, 0.025]),
    (RK4, 4, [0.2, 0.1, 0.05]),
    (DOP853, 8, [0.5, 0.4, 0.25, 0.2]),
])  # fmt: skip
def test_fixed_step_methods_show_their_convergence_order(method, order, dts):
    x0 = np.array([[1.0, 0.5]])
    t_end = 4.0
    errs = []
    for dt in dts:
        n = round(t_end / dt)
        out = simulate(ROTATION, x0, grid=Grid(dt=dt, n=n + 1), method=method(substeps=1))
        errs.append(np.abs(out[0, -1] - expm(_M * t_end) @ x0[0]).max())
    slope = np.polyfit(np.log(dts), np.log(errs), 1)[0]
    assert abs(slope - order) < 0.35, (slope, errs)


def test_dopri5_dense_output_matches_exact_solution_between_steps(backend_fn):
    x0 = np.array([[1.0, 0.5], [0.2, -1.0]])
    grid = Grid(dt=0.005, n=801)  # output points lie inside steps: dense output is exercised
    res = simulate_checked(ROTATION, backend_fn(x0), grid=grid, method=Dopri5(rtol=1e-9, atol=1e-9))
    assert (res.n_steps < grid.n // 3).all()
    exact = np.stack([x0 @ expm(_M * t).T for t in grid.times], axis=1)
    x = res.x.numpy() if torch.is_tensor(res.x) else res.x
    np.testing.assert_allclose(x, exact, atol=1e-7, rtol=0)


def test_dopri5_takes_scipy_rk45_steps_and_errors():
    lorenz = get_system("Lorenz")
    x0 = np.array(lorenz.metadata.x0)
    grid = Grid(dt=0.01, n=201)
    p = dict(lorenz.params)

    def field(t, x):
        return lorenz.rhs(t, x[None], p)[0]

    ref = solve_ivp(field, (0, 2), x0, "DOP853", rtol=1e-13, atol=1e-13, t_eval=grid.times).y.T
    rk45 = solve_ivp(field, (0, 2), x0, "RK45", rtol=1e-9, atol=1e-9, t_eval=grid.times)
    res = simulate_checked(lorenz, x0[None], grid=grid, method=Dopri5(rtol=1e-9, atol=1e-9))
    scipy_steps = (rk45.nfev - 2) / 6  # 6 new stages per step (FSAL), 2 for the first step
    assert abs(res.n_steps[0] + res.n_rejected[0] - scipy_steps) <= 0.05 * scipy_steps
    ours, theirs = np.abs(res.x[0] - ref).max(), np.abs(rk45.y.T - ref).max()
    assert 0.3 * theirs < ours < 3 * theirs


def test_dopri5_controls_steps_per_trajectory():
    x0 = np.array([[1.0, 0.5]] * 2)
    res = simulate_checked(
        ROTATION, x0, grid=Grid(dt=0.1, n=21), method=Dopri5(), params={"k": np.array([1.0, 8.0])}
    )
    assert res.n_steps[1] > 3 * res.n_steps[0]
    slow = simulate(ROTATION, x0[:1], grid=Grid(dt=0.1, n=21), method=Dopri5(), params={"k": 8.0})
    np.testing.assert_allclose(res.x[1], slow[0], rtol=0, atol=1e-12)


# x'(t) = -x(t - 1), history 1: the exact solution is a polynomial on each [k, k+1].
DELAY = System("TestDelay", 1, "delay", {"tau": 1.0}, lambda t, z, p: -z[:, 1:2], _meta(period=4.0))


def _delay_exact(t):
    pieces = [Polynomial([1.0])]
    for k in range(5):
        shifted = pieces[-1](Polynomial([-1.0, 1.0])) if k else Polynomial([1.0])
        anti = (-shifted).integ()
        pieces.append(anti - anti(float(k)) + pieces[-1](float(k)))
    return np.array([pieces[max(0, math.ceil(s - 1e-12))](s) if s > 0 else 1.0 for s in t])


def test_delay_method_of_steps_is_exact_on_polynomial_pieces(backend_fn):
    grid = Grid(dt=0.1, n=41)
    out = simulate(DELAY, backend_fn(np.ones((2, 1))), grid=grid, method=RK4(substeps=2))
    out = out.numpy() if torch.is_tensor(out) else out
    np.testing.assert_allclose(out[:, :, 0], np.tile(_delay_exact(grid.times), (2, 1)), atol=1e-13)


def test_delay_sweep_over_tau_equals_separate_runs():
    grid = Grid(dt=0.1, n=81)
    tau = np.array([1.0, 0.5, 1.7])
    method = RK4(substeps=4)
    swept = simulate(DELAY, np.ones((3, 1)), grid=grid, method=method, params={"tau": tau})
    for i, t in enumerate(tau):
        one = simulate(DELAY, np.ones((1, 1)), grid=grid, method=method, params={"tau": float(t)})
        np.testing.assert_allclose(swept[i], one[0], rtol=0, atol=1e-14)
    np.testing.assert_allclose(swept[0, :41, 0], _delay_exact(grid.times[:41]), atol=1e-12)
    with pytest.raises(ValueError, match="tau"):
        simulate(DELAY, np.ones((1, 1)), grid=grid, method=RK4(substeps=1), params={"tau": 0.05})


def test_delay_rk4_converges_at_fourth_order():
    # Mackey–Glass (beta 0.2, gamma 0.1, n 10, tau 17): self-convergence against a fine run.
    def mg(t, z, p):
        x, xd = z[:, :1], z[:, 1:]
        return 0.2 * xd / (1 + xd**10) - 0.1 * x

    sys = System("TestMG", 1, "delay", {"tau": 17.0}, mg, _meta(x0=(1.2,), period=50.0))
    grid = Grid(dt=1.0, n=61)
    fine = simulate(sys, np.full((1, 1), 1.2), grid=grid, method=RK4(substeps=64))
    errs = [
        np.abs(simulate(sys, np.full((1, 1), 1.2), grid=grid, method=RK4(substeps=k)) - fine).max()
        for k in (2, 4, 8)
    ]
    slope = np.log2(errs[0] / errs[2]) / 2
    assert 3.3 < slope < 4.7, errs


def test_maps_are_iterated():
    logistic = System(
        "TestLogistic", 1, "map", {"r": 3.9}, lambda t, x, p: p["r"] * x * (1 - x),
        _meta(dt=1.0, x0=(0.3,)),
    )  # fmt: skip
    out = simulate(logistic, np.array([[0.3]]), grid=Grid(dt=2.0, n=6))
    x, ref = 0.3, [0.3]
    for _ in range(5):
        x = 3.9 * (3.9 * x * (1 - x)) * (1 - 3.9 * x * (1 - x))
        ref.append(x)
    np.testing.assert_allclose(out[0, :, 0], ref, rtol=1e-12)


def test_system_step_field_is_used():
    # Exact exponential-decay stepper; rhs deliberately wrong so only ``step`` can pass.
    decay = System(
        "TestStepper", 1, "pde", {"lam": 0.5}, lambda t, x, p: 0 * x, _meta(),
        step=lambda x, dt, p: x * math.exp(-p["lam"] * dt),
    )  # fmt: skip
    grid = Grid(dt=0.1, n=11)
    out = simulate(decay, np.array([[2.0]]), grid=grid, method=RK4(substeps=3))
    np.testing.assert_allclose(out[0, :, 0], 2.0 * np.exp(-0.5 * grid.times), rtol=1e-14)


def test_euler_maruyama_is_seeded_and_has_the_ou_variance(backend_fn):
    theta, sigma = 1.0, 0.6
    ou = System(
        "TestOU", 1, "flow", {"theta": theta}, lambda t, x, p: -p["theta"] * x, _meta(x0=(0.0,))
    )
    x0 = backend_fn(np.zeros((4000, 1)))
    method = EulerMaruyama(sigma=sigma, seed=11, substeps=10)
    a = simulate(ou, x0, grid=Grid(dt=0.5, n=9), method=method)
    b = simulate(ou, x0, grid=Grid(dt=0.5, n=9), method=method)
    a, b = (v.numpy() if torch.is_tensor(v) else v for v in (a, b))
    assert a.tobytes() == b.tobytes()
    var = a[:, -1, 0].var()  # stationary variance sigma^2 / (2 theta) = 0.18
    assert var == pytest.approx(sigma**2 / (2 * theta), rel=0.08)


def test_observation_noise_is_relative_and_seeded():
    x = np.stack([np.sin(np.linspace(0, 20, 500)), 10 * np.cos(np.linspace(0, 20, 500))], -1)[None]
    noisy = add_observation_noise(x, 0.1, np.random.SeedSequence(5))
    again = add_observation_noise(x, 0.1, np.random.SeedSequence(5))
    assert noisy.tobytes() == again.tobytes()
    ratio = (noisy - x).std((0, 1)) / x.std((0, 1))
    np.testing.assert_allclose(ratio, 0.1, rtol=0.15)
    noisy_t = add_observation_noise(torch.tensor(x), 0.1, 5)
    assert torch.is_tensor(noisy_t)
    assert noisy_t.shape == x.shape


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    lorenz = get_system("Lorenz")
    x0 = torch.tensor([lorenz.metadata.x0] * 4, dtype=torch.float64)
    grid = Grid(dt=0.01, n=101)
    cpu = simulate(lorenz, x0, grid=grid, method=DOP853(substeps=2))
    gpu = simulate(lorenz, x0.cuda(), grid=grid, method=DOP853(substeps=2))
    assert gpu.device.type == "cuda"
    np.testing.assert_allclose(gpu.cpu().numpy(), cpu.numpy(), atol=1e-10)
    ada = simulate(lorenz, x0.cuda(), grid=grid, method=Dopri5())
    np.testing.assert_allclose(ada.cpu().numpy(), cpu.numpy(), atol=1e-6)


def test_sample_on_attractor_for_a_delay_system():
    from chaosflow.integrate import sample_on_attractor

    def mg(t, z, p):
        x, xd = z[:, :1], z[:, 1:]
        return 0.2 * xd / (1 + xd**10) - 0.1 * x

    # Lyapunov time and period chosen short so the transient stays cheap in a unit test.
    meta = _meta(dt=1.0, x0=(1.2,), period=50.0, lyapunov_max=1.0)
    sys = System("TestMGSample", 1, "delay", {"tau": 17.0}, mg, meta)
    a = sample_on_attractor(sys, 6, 3)
    assert a.tobytes() == sample_on_attractor(sys, 6, 3).tobytes()
    # The Mackey–Glass attractor (tau 17) lives in roughly [0.2, 1.4] and is not a fixed point.
    assert np.all((a > 0.2) & (a < 1.45))
    assert a.std() > 0.05
