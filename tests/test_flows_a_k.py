"""The dysts flows A–K: registration, numpy/torch agreement, dynamics and physics checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from chaosflow.systems import get_system, list_systems
from chaosflow.systems.catalog import flows_a_k
from chaosflow.systems.catalog._dysts import output_dt

# Every chaotic, non-delay dysts flow whose name starts with A–K (dysts chaotic_attractors.json),
# except Lorenz and Rossler, which live in ``flows.py``.
A_K = (
    "Aizawa",
    "AnishchenkoAstakhov",
    "Arneodo",
    "ArnoldBeltramiChildress",
    "ArnoldWeb",
    "AtmosphericRegime",
    "BeerRNN",
    "BelousovZhabotinsky",
    "BickleyJet",
    "Blasius",
    "BlinkingRotlet",
    "BlinkingVortex",
    "Bouali",
    "Bouali2",
    "BurkeShaw",
    "CaTwoPlus",
    "CaTwoPlusQuasiperiodic",
    "CellCycle",
    "CellularNeuralNetwork",
    "Chen",
    "ChenLee",
    "Chua",
    "CircadianRhythm",
    "CoevolvingPredatorPrey",
    "Colpitts",
    "Coullet",
    "Dadras",
    "DequanLi",
    "DoubleGyre",
    "DoublePendulum",
    "Duffing",
    "ExcitableCell",
    "Finance",
    "FluidTrampoline",
    "ForcedBrusselator",
    "ForcedFitzHughNagumo",
    "ForcedVanDerPol",
    "GenesioTesi",
    "GuckenheimerHolmes",
    "Hadley",
    "Halvorsen",
    "HastingsPowell",
    "HenonHeiles",
    "HindmarshRose",
    "Hopfield",
    "HyperBao",
    "HyperCai",
    "HyperJha",
    "HyperLorenz",
    "HyperLu",
    "HyperPang",
    "HyperQi",
    "HyperRossler",
    "HyperWang",
    "HyperXu",
    "HyperYan",
    "HyperYangChen",
    "InteriorSquirmer",
    "IsothermalChemical",
    "ItikBanksTumor",
    "JerkCircuit",
    "KawczynskiStrizhak",
)


#: Output steps finer than period / 30 where a faster oscillation needs resolving.
FINER_DT = {"AtmosphericRegime": 0.2, "InteriorSquirmer": 0.1}


def rk4(system, x: np.ndarray, h: float, n_steps: int, params=None) -> np.ndarray:
    """``n_steps`` classical RK4 steps of size ``h`` from ``x: [batch, dim]``."""
    p = system.params if params is None else params

    def f(y):
        return system.rhs(0.0, y, p)

    for _ in range(n_steps):
        k1 = f(x)
        k2 = f(x + 0.5 * h * k1)
        k3 = f(x + 0.5 * h * k2)
        k4 = f(x + h * k3)
        x = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return x


def trajectory(system, n_out: int, substeps: int = 20) -> np.ndarray:
    """``[n_out + 1, dim]`` samples every ``metadata.dt`` from ``x0`` (RK4, dt/substeps)."""
    x = np.asarray(system.metadata.x0, dtype=float)[None]
    h = system.metadata.dt / substeps
    out = [x[0]]
    with np.errstate(all="ignore"):  # a blow-up shows up as non-finite values, asserted below
        for _ in range(n_out):
            x = rk4(system, x, h, substeps)
            out.append(x[0])
            if not np.all(np.isfinite(x)):
                break
    return np.stack(out)


def near_x0(system, n: int, seed: int) -> np.ndarray:
    """``[n, dim]`` points within ~1 % of ``x0``, from a seeded ``Generator``."""
    x0 = np.asarray(system.metadata.x0, dtype=float)
    rng = np.random.default_rng(seed)
    return x0 + 0.01 * (1.0 + np.abs(x0)) * rng.standard_normal((n, system.dim))


def test_all_a_k_flows_are_registered():
    flows = set(list_systems("flow"))
    assert set(A_K) <= flows
    assert len(A_K) == 62
    assert set(flows_a_k.KNOWN_ISSUES) <= set(A_K)


@pytest.mark.parametrize("name", A_K)
def test_metadata_is_consistent(name):
    s = get_system(name)
    md = s.metadata
    assert s.kind == "flow"
    assert s.name == name
    assert len(md.x0) == s.dim
    assert md.period > 0
    assert md.lyapunov_max > 0
    if name in FINER_DT:
        assert md.dt == FINER_DT[name]
    else:
        assert md.dt == output_dt(md.period)
        assert md.period / 45 < md.dt < md.period / 20
    assert md.extra["dysts_dt"] < md.dt
    assert "dysts chaotic_attractors.json" in md.citation
    assert all(0 <= i < s.dim for i in md.extra.get("unbounded_indices", ()))


def test_output_dt_rounds_period_over_30_to_one_digit():
    assert output_dt(2.5837) == 0.09
    assert output_dt(0.58689) == 0.02
    assert output_dt(87826.57) == 3000.0


@pytest.mark.parametrize("name", A_K)
def test_numpy_and_torch_rhs_agree(name):
    s = get_system(name)
    x = np.concatenate([np.asarray(s.metadata.x0, dtype=float)[None], near_x0(s, 7, seed=3)])
    ref = s.rhs(0.0, x, s.params)
    got = s.rhs(0.0, torch.tensor(x, dtype=torch.float64), s.params)
    assert isinstance(ref, np.ndarray)
    assert isinstance(got, torch.Tensor)
    assert got.dtype == torch.float64
    assert ref.shape == got.shape == x.shape
    assert np.all(np.isfinite(ref))
    scale = float(np.max(np.abs(ref)))
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("name", A_K)
def test_parameter_batches_match_scalar_parameters(name):
    """``[batch]`` parameter arrays (sweeps) give row i the rhs of parameter set i."""
    s = get_system(name)
    x = near_x0(s, 3, seed=5)
    factors = np.array([1.0, 1.01, 0.98])
    batched = {k: v * factors for k, v in s.params.items()}
    rows = [
        s.rhs(0.0, x[i : i + 1], {k: v * f for k, v in s.params.items()})[0]
        for i, f in enumerate(factors)
    ]
    np.testing.assert_allclose(s.rhs(0.0, x, batched), np.stack(rows), rtol=1e-12, atol=1e-14)
    torch_batched = {k: torch.tensor(v) for k, v in batched.items()}
    got = s.rhs(0.0, torch.tensor(x), torch_batched).numpy()
    np.testing.assert_allclose(got, np.stack(rows), rtol=1e-12, atol=1e-14)


def _check_dynamics(name: str, n_out: int) -> None:
    """Finite, bounded and not settled on a fixed point (bounded coordinates only)."""
    s = get_system(name)
    traj = trajectory(s, n_out)
    assert traj.shape == (n_out + 1, s.dim), f"{name}: non-finite state after {len(traj)} steps"
    assert np.all(np.isfinite(traj))
    unbounded = s.metadata.extra.get("unbounded_indices", ())
    bounded = [i for i in range(s.dim) if i not in unbounded]
    if bounded:
        part = traj[:, bounded]
        scale = 1.0 + float(np.max(np.abs(np.asarray(s.metadata.x0)[bounded])))
        assert float(np.max(np.abs(part))) < 100.0 * scale
    else:  # only angles (ABC flow): a fixed point would still show as zero spread
        part = traj
    late = part[len(part) // 2 :]
    assert float(np.max(late.std(axis=0))) > 1e-6 * float(np.max(np.abs(part)))


@pytest.mark.parametrize("name", A_K)
def test_short_rk4_run_stays_on_a_bounded_nonstationary_orbit(name):
    _check_dynamics(name, n_out=150)  # 5 dominant periods: metadata.dt = period / 30


@pytest.mark.slow
@pytest.mark.parametrize("name", A_K)
def test_long_rk4_run_stays_on_a_bounded_nonstationary_orbit(name):
    _check_dynamics(name, n_out=1000)


# --- physics with known answers ---------------------------------------------------------------


def _henon_heiles_energy(x: np.ndarray, lam: float) -> np.ndarray:
    q1, q2, p1, p2 = x.T
    return 0.5 * (p1**2 + p2**2) + 0.5 * (q1**2 + q2**2) + lam * (q1**2 * q2 - q2**3 / 3.0)


def _double_pendulum_energy(x: np.ndarray, d: float, m: float) -> np.ndarray:
    """H = p . theta_dot / 2 + V: rod kinetic energy; V = -3 m g d (cos th1 + cos th2) / 2.

    dysts' momentum equations carry ``3 g/d sin(theta)`` for both rods, so its potential is
    symmetric; the physical double rod (Wikipedia, "Double pendulum") has ``cos th2`` with
    weight 1. The flow is Hamiltonian either way; this is the integral of dysts' version.
    """
    th1, th2, p1, p2 = x.T
    rates = get_system("DoublePendulum").rhs(0.0, x, {"d": d, "m": m})
    g = 9.82
    return 0.5 * (p1 * rates[:, 0] + p2 * rates[:, 1]) - 1.5 * m * g * d * (
        np.cos(th1) + np.cos(th2)
    )


@pytest.mark.parametrize(
    ("name", "energy", "steps"),
    [
        # steps per two periods where the drift is well above round-off and RK4 is asymptotic
        ("HenonHeiles", lambda x, p: _henon_heiles_energy(x, p["lam"]), (200, 400)),
        ("DoublePendulum", lambda x, p: _double_pendulum_energy(x, p["d"], p["m"]), (1600, 3200)),
    ],
)
def test_hamiltonian_flows_conserve_energy(name, energy, steps):
    """The Hamiltonian is a first integral: RK4 drift shrinks like h^4 (known answer)."""
    s = get_system(name)
    x0 = np.asarray(s.metadata.x0, dtype=float)[None]
    e0 = energy(x0, s.params)[0]
    t_end = 2.0 * s.metadata.period
    drifts = []
    for n in steps:
        x = rk4(s, x0, t_end / n, n)
        drifts.append(abs(energy(x, s.params)[0] - e0) / max(abs(e0), 1.0))
    assert drifts[1] < 1e-5
    assert drifts[1] < drifts[0] / 8.0  # fourth order: halving h divides the error by ~16


def _divergence(name: str, x: np.ndarray) -> np.ndarray:
    """Trace of the Jacobian at ``x: [batch, dim]`` by torch autograd."""
    s = get_system(name)
    xt = torch.tensor(x, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda y: s.rhs(0.0, y, s.params).sum(0), xt)
    return torch.einsum("ibi->b", jac).numpy()  # d rhs_i / d x_i per batch row


# Divergences of the published equations (constant for these flows), from the parameters.
DIVERGENCE = {
    "ArnoldBeltramiChildress": lambda p: 0.0,
    "HenonHeiles": lambda p: 0.0,
    "DoublePendulum": lambda p: 0.0,
    "Arneodo": lambda p: -p["c"],
    "GenesioTesi": lambda p: -p["a"],
    "BurkeShaw": lambda p: 1.0 - p["n"],
    "Chen": lambda p: -p["a"] + p["c"] - p["b"],
    "ChenLee": lambda p: p["a"] + p["b"] + p["c"],
    "Dadras": lambda p: -p["p"] + p["r"] - p["e"],
    "Halvorsen": lambda p: -3.0 * p["a"],
    "HyperBao": lambda p: -p["a"] + p["c"] - p["b"],
    "HyperCai": lambda p: -p["a"] + p["c"] - p["d"],
    "HyperJha": lambda p: -p["a"] - 1.0 - p["c"] + p["d"],
    "HyperLorenz": lambda p: -p["a"] - 1.0 - p["b"] + p["d"],
    "HyperLu": lambda p: -p["a"] + p["c"] - p["b"] + p["d"],
    "HyperPang": lambda p: -p["a"] + p["c"] - p["b"],
    "HyperQi": lambda p: -p["a"] + p["b"] - p["c"] - p["d"],
    "HyperWang": lambda p: -p["a"] - p["c"],
    "HyperXu": lambda p: -p["a"] - p["c"],
    "HyperYangChen": lambda p: -p["a"] - p["b"],
}


@pytest.mark.parametrize("name", sorted(DIVERGENCE))
def test_phase_space_divergence_matches_the_equations(name):
    s = get_system(name)
    got = _divergence(name, near_x0(s, 4, seed=11))
    np.testing.assert_allclose(got, DIVERGENCE[name](s.params), atol=1e-9)


def test_chen_equilibria_are_fixed_points():
    """Chen & Ueta (1999): C± = (±√(b(2c−a)), ±√(b(2c−a)), 2c−a)."""
    s = get_system("Chen")
    a, b, c = s.params["a"], s.params["b"], s.params["c"]
    r = math.sqrt(b * (2 * c - a))
    eq = np.array([[r, r, 2 * c - a], [-r, -r, 2 * c - a], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(s.rhs(0.0, eq, s.params), 0.0, atol=1e-12)


def test_unforced_duffing_has_its_double_well_minima():
    """With gamma = 0, beta = -1, alpha = 1 the wells sit at x = ±1 and trajectories decay."""
    s = get_system("Duffing", gamma=0.0)
    wells = np.array([[1.0, 0.0, 0.3], [-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(s.rhs(0.0, wells, s.params)[:, :2], 0.0, atol=1e-15)
    x = rk4(s, np.array([[0.9, 0.3, 0.0]]), 0.1, 4000)  # 400 time units, decay exp(-20)
    np.testing.assert_allclose(x[0, :2], [1.0, 0.0], atol=1e-6)


def _lyapunov_max(name: str, periods: int) -> float:
    """λmax by two-trajectory renormalisation every output step (Benettin), per time unit."""
    s = get_system(name)
    dt, sub = s.metadata.dt, 20
    x = rk4(s, np.asarray(s.metadata.x0, dtype=float)[None], dt / sub, 10 * 30 * sub)
    d0 = 1e-7
    v = np.random.default_rng(1).standard_normal(s.dim)
    pair = np.concatenate([x, x + d0 * v[None] / np.linalg.norm(v)])
    log_growth = 0.0
    for _ in range(30 * periods):
        pair = rk4(s, pair, dt / sub, sub)
        sep = pair[1] - pair[0]
        norm = float(np.linalg.norm(sep))
        log_growth += math.log(norm / d0)
        pair[1] = pair[0] + sep * (d0 / norm)
    return log_growth / (30 * periods * dt)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["BurkeShaw", "Dadras", "Halvorsen", "HyperCai", "HyperPang"])
def test_largest_lyapunov_exponent_matches_dysts(name):
    """Published reference (dysts' estimate) within 25 % after 40 periods."""
    s = get_system(name)
    assert _lyapunov_max(name, periods=40) == pytest.approx(s.metadata.lyapunov_max, rel=0.25)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("name", A_K)
def test_rhs_runs_on_cuda_and_matches_cpu(name):
    """Same code on the device: float64 agrees with numpy, float32 to single precision."""
    s = get_system(name)
    x = near_x0(s, 16, seed=7)
    ref = s.rhs(0.0, x, s.params)
    scale = float(np.max(np.abs(ref)))
    for dtype, rtol in ((torch.float64, 1e-12), (torch.float32, 1e-4)):
        got = s.rhs(0.0, torch.tensor(x, dtype=dtype, device="cuda"), s.params)
        assert got.device.type == "cuda"
        assert got.dtype == dtype
        np.testing.assert_allclose(got.cpu().double().numpy(), ref, rtol=rtol, atol=rtol * scale)
