"""The compiled (numba) path of ``simulate``: same numbers as numpy, same divergence report."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("numba")

from chaosflow.integrate import (
    DOP853,
    RK4,
    DivergenceError,
    Dopri5,
    Euler,
    EulerMaruyama,
    Grid,
    _compiled,
    compiled_support,
    default_method,
    simulate,
    simulate_checked,
)
from chaosflow.systems import Metadata, System, get_system, list_systems
from chaosflow.systems._array import namespace, stack


@pytest.fixture(autouse=True)
def _compiled_on(monkeypatch):
    monkeypatch.delenv(_compiled.ENV_SWITCH, raising=False)


def _ics(system, n, spread=1e-2):
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    offsets = np.cos(np.arange(n * system.dim).reshape(n, system.dim) * 1.7)
    return x0 + spread * (np.abs(x0) + 1.0) * offsets


def _both(system, x0, **kw):
    return (
        simulate_checked(system, x0, backend="compiled", **kw),
        simulate_checked(system, x0, backend="numpy", **kw),
    )


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b))))


SYSTEMS = [
    ("Lorenz", {}),
    ("Rossler", {}),
    ("Lorenz96", {"dim": 6}),
]


@pytest.mark.parametrize(("name", "kw"), SYSTEMS)
@pytest.mark.parametrize("method", [RK4(substeps=2), DOP853(substeps=1), Euler(substeps=4)])
def test_compiled_matches_numpy_to_rounding(name, kw, method):
    system = get_system(name, **kw)
    assert compiled_support(system)[0]
    x0 = _ics(system, 5)
    # ~0.2 Lyapunov times: rounding differences cannot grow much yet
    n = max(2, round(0.2 * system.metadata.lyapunov_time / system.metadata.dt))
    grid = Grid(dt=system.metadata.dt, n=min(n, 50))
    comp, ref = _both(system, x0, grid=grid, method=method)
    assert comp.x.shape == ref.x.shape == (5, grid.n, system.dim)
    assert _rel(comp.x, ref.x) <= 1e-12
    assert not comp.diverged.any()
    np.testing.assert_array_equal(comp.n_steps, ref.n_steps)


def test_one_step_agrees_to_a_few_ulps():
    lorenz = get_system("Lorenz")
    x0 = _ics(lorenz, 8, spread=0.5)
    comp, ref = _both(lorenz, x0, grid=Grid(dt=0.01, n=2), method=DOP853(substeps=1))
    np.testing.assert_allclose(comp.x, ref.x, rtol=4e-16 * 8, atol=0)


@pytest.mark.parametrize(("name", "tol"), [("Lorenz", 1e-9), ("Lorenz", 1e-6), ("Rossler", 1e-5)])
def test_adaptive_dopri5_matches_numpy(name, tol):
    """Same accepted/rejected step counts, same dense output to rounding."""
    system = get_system(name)
    x0 = _ics(system, 4)
    grid = Grid(dt=system.metadata.dt, n=40)
    comp, ref = _both(system, x0, grid=grid, method=Dopri5(rtol=tol, atol=tol))
    np.testing.assert_array_equal(comp.n_steps, ref.n_steps)
    np.testing.assert_array_equal(comp.n_rejected, ref.n_rejected)
    assert ref.n_rejected.sum() > 0 or tol < 1e-8  # the loose runs really reject steps
    assert _rel(comp.x, ref.x) <= 1e-12


def test_adaptive_on_a_kink_agrees_to_tolerance():
    """Chua's piecewise-linear diode: at a kink the accept/reject decision hangs on rounding
    (numpy against itself from x0·(1 + 1e-15) moves step counts too), so compare outputs at
    the tolerance and step counts within a few percent."""
    chua = get_system("Chua")
    x0 = _ics(chua, 4)
    grid = Grid(dt=chua.metadata.dt, n=40)
    comp, ref = _both(chua, x0, grid=grid, method=Dopri5(rtol=1e-10, atol=1e-10))
    assert _rel(comp.x, ref.x) <= 1e-6
    assert np.all(np.abs(comp.n_steps - ref.n_steps) <= 0.03 * ref.n_steps)


def test_adaptive_divergence_report_is_identical():
    x0 = np.array([[0.5], [2.0], [np.nan], [1.0]])
    grid = Grid(dt=0.01, n=150)
    comp, ref = _both(BLOWUP, x0, grid=grid, method=Dopri5(rtol=1e-8, atol=1e-8))
    np.testing.assert_array_equal(comp.diverged, [False, True, True, True])
    np.testing.assert_array_equal(comp.diverged, ref.diverged)
    np.testing.assert_array_equal(comp.diverged_at, ref.diverged_at)
    np.testing.assert_array_equal(comp.n_steps, ref.n_steps)
    np.testing.assert_array_equal(np.isnan(comp.x), np.isnan(ref.x))
    assert _rel(comp.x[0], ref.x[0]) <= 1e-12
    # near the blow-up dx/dx0 grows like x^2: rounding reaches 1e-7 relative at x ~ 1e9
    ok = np.isfinite(ref.x)
    np.testing.assert_allclose(comp.x[ok], ref.x[ok], rtol=1e-5)
    np.testing.assert_allclose(comp.x[ok & (ref.x < 1e4)], ref.x[ok & (ref.x < 1e4)], rtol=1e-11)


def test_compiled_is_deterministic():
    lorenz = get_system("Lorenz")
    x0 = _ics(lorenz, 4)
    grid = Grid(dt=0.01, n=300)
    a = simulate(lorenz, x0, grid=grid, method=DOP853(substeps=1), backend="compiled")
    b = simulate(lorenz, x0, grid=grid, method=DOP853(substeps=1), backend="compiled")
    assert a.tobytes() == b.tobytes()


def test_parameter_sweep_uses_one_kernel_per_row():
    lorenz = get_system("Lorenz")
    rho = np.array([20.0, 24.0, 28.0, 35.0])
    x0 = _ics(lorenz, 4)
    grid = Grid(dt=0.01, n=30)
    comp, ref = _both(lorenz, x0, grid=grid, method=RK4(substeps=2), params={"rho": rho})
    assert _rel(comp.x, ref.x) <= 1e-12
    # each row really used its own rho: row 2 equals a plain rho = 28 run
    plain = simulate(lorenz, x0[2:3], grid=grid, method=RK4(substeps=2), backend="compiled")
    np.testing.assert_array_equal(comp.x[2:3], plain)
    lorenz96 = get_system("Lorenz96", dim=6)
    forcing = np.array([6.0, 8.0, 10.0])
    comp, ref = _both(
        lorenz96,
        _ics(lorenz96, 3),
        grid=Grid(dt=0.05, n=10),
        method=DOP853(),
        params={"F": forcing},
    )
    assert _rel(comp.x, ref.x) <= 1e-12


# dx/dt = x^2 blows up at t = 1/x0; a NaN start is diverged at index 0.
BLOWUP = System(
    name="TestCompiledBlowup",
    dim=1,
    kind="flow",
    params={"k": 1.0},
    rhs=lambda t, x, p: p["k"] * x * x,
    metadata=Metadata(dt=0.01, period=1.0, lyapunov_max=0.0, x0=(1.0,), citation="test"),
)


def test_divergence_report_is_identical():
    x0 = np.array([[0.5], [-1.0], [2.0], [np.nan], [1.0]])
    grid = Grid(dt=0.01, n=150)  # x0 = 0.5 blows up at t = 2, after the grid
    comp, ref = _both(BLOWUP, x0, grid=grid, method=RK4(substeps=10))
    np.testing.assert_array_equal(comp.diverged, [False, False, True, True, True])
    np.testing.assert_array_equal(comp.diverged, ref.diverged)
    np.testing.assert_array_equal(comp.diverged_at, ref.diverged_at)
    np.testing.assert_array_equal(np.isnan(comp.x), np.isnan(ref.x))
    ok = np.isfinite(ref.x)
    assert _rel(comp.x[ok], ref.x[ok]) <= 1e-12
    assert comp.diverged_at[3] == 0
    assert abs(comp.diverged_times[0] - 0.5) < 0.02  # 1/x0 = 0.5 for x0 = 2
    errors = []
    for backend in ("compiled", "numpy"):
        with pytest.raises(DivergenceError) as info:
            simulate(BLOWUP, x0, grid=grid, method=RK4(substeps=10), backend=backend)
        errors.append((info.value.indices, info.value.times))
    assert errors[0] == errors[1]
    nan_rows = simulate(
        BLOWUP, x0, grid=grid, method=RK4(substeps=10), on_divergence="nan", backend="compiled"
    )
    np.testing.assert_array_equal(np.isnan(nan_rows), np.isnan(ref.x))


def _branchy_rhs(t, x, p):
    """Python ``if`` on the state: runs on numpy, cannot be traced."""
    xp = namespace(x)
    a, b = x[..., 0], x[..., 1]
    if (xp.abs(a) > 1.0).any():
        a = a / 2.0
    return stack([-b, a])


BRANCHY = System(
    name="TestCompiledBranchy",
    dim=2,
    kind="flow",
    params={},
    rhs=_branchy_rhs,
    metadata=Metadata(dt=0.01, period=6.3, lyapunov_max=0.0, x0=(0.5, 0.0), citation="test"),
)


def test_untraceable_system_falls_back_with_a_reason():
    ok, reason = compiled_support(BRANCHY)
    assert not ok
    assert "not traceable" in reason
    x0 = np.array([[0.5, 0.0], [0.2, 0.1]])
    grid = Grid(dt=0.01, n=50)
    auto = simulate(BRANCHY, x0, grid=grid, method=RK4())
    plain = simulate(BRANCHY, x0, grid=grid, method=RK4(), backend="numpy")
    assert auto.tobytes() == plain.tobytes()
    with pytest.raises(ValueError, match="compiled backend unavailable"):
        simulate(BRANCHY, x0, grid=grid, method=RK4(), backend="compiled")
    numpy_direct = System(
        name="TestCompiledNumpyDirect", dim=1, kind="flow", params={},
        rhs=lambda t, x, p: np.sin(x),  # numpy itself, not namespace(x): untraceable
        metadata=Metadata(dt=0.1, period=1.0, lyapunov_max=0.0, x0=(1.0,), citation="t"),
    )  # fmt: skip
    ok, reason = compiled_support(numpy_direct)
    assert not ok
    assert "not traceable" in reason


def test_matrix_tables_broadcast_like_numpy():
    """MacArthur: constant tables, [..., :, None] broadcasting, amin over an axis, sum(-1)."""
    system = get_system("MacArthur")
    assert compiled_support(system)[0]
    x0 = _ics(system, 3)
    comp, ref = _both(system, x0, grid=Grid(dt=system.metadata.dt, n=20), method=RK4())
    assert _rel(comp.x, ref.x) <= 1e-12


def test_backend_compiled_refuses_what_it_does_not_cover():
    lorenz = get_system("Lorenz")
    x0 = _ics(lorenz, 2)
    with pytest.raises(ValueError, match="EulerMaruyama"):
        simulate(lorenz, x0, grid=Grid(0.01, 5), method=EulerMaruyama(0.1, 0), backend="compiled")
    with pytest.raises(ValueError, match="maps"):
        simulate(get_system("Henon"), np.zeros((1, 2)), grid=Grid(1, 5), backend="compiled")
    with pytest.raises(ValueError, match="backend must be one of"):
        simulate(lorenz, x0, grid=Grid(0.01, 5), method=RK4(), backend="numba")


def test_env_switch_and_torch_input_take_the_numpy_path(monkeypatch):
    torch = pytest.importorskip("torch")
    lorenz = get_system("Lorenz")
    kernel = _compiled.kernel_for(lorenz)
    x0 = _ics(lorenz, 3)
    grid = Grid(dt=0.01, n=40)
    before = kernel.runs
    simulate(lorenz, x0, grid=grid, method=RK4())
    assert kernel.runs == before + 1
    monkeypatch.setenv(_compiled.ENV_SWITCH, "0")
    off = simulate(lorenz, x0, grid=grid, method=RK4())
    assert kernel.runs == before + 1
    plain = simulate(lorenz, x0, grid=grid, method=RK4(), backend="numpy")
    assert off.tobytes() == plain.tobytes()
    monkeypatch.delenv(_compiled.ENV_SWITCH)
    out = simulate(lorenz, torch.tensor(x0), grid=grid, method=RK4())
    assert torch.is_tensor(out)
    assert kernel.runs == before + 1
    simulate(lorenz, x0.astype(np.float32), grid=grid, method=RK4())
    assert kernel.runs == before + 1


def test_without_numba_the_numpy_path_runs(monkeypatch):
    def rhs(t, x, p):  # a fresh rhs: the kernel registry is keyed by the function
        return -p["k"] * x

    decay = System(
        name="TestCompiledDecay", dim=2, kind="flow", params={"k": 0.5}, rhs=rhs,
        metadata=Metadata(dt=0.1, period=1.0, lyapunov_max=0.0, x0=(1.0, 2.0), citation="t"),
    )  # fmt: skip
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` now fails
    ok, reason = compiled_support(decay)
    assert not ok
    assert "numba is not installed" in reason
    x = simulate(decay, np.array([[1.0, 2.0]]), grid=Grid(dt=0.1, n=11), method=RK4(substeps=4))
    np.testing.assert_allclose(x[0, -1], np.exp(-0.5) * np.array([1.0, 2.0]), rtol=1e-6)


def test_one_interpreter_serves_every_system():
    """Systems are programs for one compiled interpreter: running several systems (and a new
    parameter value) adds no machine code, so a worker's memory does not grow with them."""
    from chaosflow.integrate import _vm

    def rhs(t, x, p):  # a fresh rhs
        return stack([x[..., 1], -p["w"] * x[..., 0]])

    def oscillator(w):
        return System(
            name="TestCompiledOscillator", dim=2, kind="flow", params={"w": w}, rhs=rhs,
            metadata=Metadata(dt=0.1, period=6.3, lyapunov_max=0.0, x0=(1.0, 0.0), citation="t"),
        )  # fmt: skip

    def compiled():
        return [len(f.signatures) for f in (_vm.integrate, _vm.adaptive, _vm.run_program)]

    x = simulate(oscillator(4.0), np.array([[1.0, 0.0]]), grid=Grid(0.1, 11), backend="compiled")
    np.testing.assert_allclose(x[0, -1, 0], np.cos(2.0), atol=1e-9)  # w = 4: cos(2 t) at t = 1
    simulate(oscillator(1.0), np.array([[1.0, 0.0]]), grid=Grid(0.1, 11),
             method=Dopri5(1e-6, 1e-6), backend="compiled")  # fmt: skip
    before = compiled()
    for name, kw in (*SYSTEMS, ("Chua", {}), ("MacArthur", {}), ("Thomas", {})):
        system = get_system(name, **kw)
        simulate(system, _ics(system, 3), grid=Grid(system.metadata.dt, 5), method=RK4(),
                 backend="compiled")  # fmt: skip
        simulate(system, _ics(system, 3), grid=Grid(system.metadata.dt, 5),
                 method=Dopri5(1e-6, 1e-6), backend="compiled")  # fmt: skip
    assert compiled() == before
    assert before[:2] == [1, 1]
    ok, what = compiled_support(oscillator(1.0))
    assert ok
    assert what.endswith("registers")


@pytest.mark.parametrize("method", [RK4(substeps=2), Dopri5(rtol=1e-8, atol=1e-8)])
def test_rows_do_not_depend_on_their_block(method):
    """A row's bytes are the same alone, in a block of 32, or past the first block."""
    lorenz = get_system("Lorenz")
    x0 = _ics(lorenz, 70, spread=0.3)
    grid = Grid(dt=0.01, n=200)
    full = simulate(lorenz, x0, grid=grid, method=method, backend="compiled")
    for r in (0, 31, 33, 69):
        one = simulate(lorenz, x0[r : r + 1], grid=grid, method=method, backend="compiled")
        assert one.tobytes() == full[r : r + 1].tobytes()


def test_pilot_picks_the_same_substeps_on_both_backends():
    for name in ("Lorenz", "Rossler"):
        system = get_system(name)
        x0 = _ics(system, 4)
        # [batch] parameters: the pilot's per-(system, params, dt) cache is bypassed
        p = {k: np.full(4, v) for k, v in system.params.items()}
        grid = Grid(dt=system.metadata.dt, n=100)
        picks = {b: default_method(system, grid, x0, p, backend=b) for b in ("auto", "numpy")}
        assert picks["auto"] == picks["numpy"]


@pytest.mark.slow
def test_every_supported_catalog_flow_matches_numpy():
    names = list_systems("flow")
    supported, unsupported = [], {}
    for name in names:
        system = get_system(name)
        ok, reason = compiled_support(system)
        if not ok:
            unsupported[name] = reason
            continue
        supported.append(name)
        x0 = _ics(system, 2, spread=1e-3)
        dt = min(system.metadata.dt, system.metadata.lyapunov_time / 100)
        comp, ref = _both(system, x0, grid=Grid(dt=dt, n=101), method=RK4(substeps=2))
        np.testing.assert_array_equal(comp.diverged, ref.diverged, err_msg=name)
        ok = np.isfinite(ref.x)
        assert _rel(comp.x[ok], ref.x[ok]) <= 1e-9, name
        # adaptive: kinks make accept/reject hang on rounding, so compare at the tolerance
        comp, ref = _both(system, x0, grid=Grid(dt=dt, n=21), method=Dopri5(1e-9, 1e-9))
        np.testing.assert_array_equal(comp.diverged, ref.diverged, err_msg=name)
        ok = np.isfinite(ref.x)
        assert _rel(comp.x[ok], ref.x[ok]) <= 1e-6, name
        assert np.all(np.abs(comp.n_steps - ref.n_steps) <= 0.03 * ref.n_steps + 1), name
    print(f"\ncompiled: {len(supported)} of {len(names)} flows; numpy fallback: {unsupported}")
    assert len(supported) >= 0.9 * len(names)


@pytest.mark.slow
def test_pilot_choice_is_backend_independent_over_the_catalog():
    differ = {}
    for name in list_systems("flow"):
        system = get_system(name)
        x0 = _ics(system, 4, spread=1e-3)
        p = {k: np.full(4, v) for k, v in system.params.items()}  # bypasses the pilot cache
        grid = Grid(dt=system.metadata.dt, n=1000)
        with np.errstate(all="ignore"):  # as inside simulate: escaping pilot rows overflow
            picks = {b: default_method(system, grid, x0, p, backend=b) for b in ("auto", "numpy")}
        if picks["auto"] != picks["numpy"]:
            differ[name] = picks
    assert not differ
