"""The dysts flows L–Z: registration, numpy/torch agreement, sweeps, short orbits, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from chaosflow.systems import get_system, list_systems
from chaosflow.systems.catalog import flows_l_z, flows_l_z_2, flows_l_z_3

# Every chaotic ODE flow of dysts' chaotic_attractors.json named L–Z, minus the delay equations
# (MackeyGlass, PiecewiseCircuit, ScrollDelay, SprottDelay, VossDelay) and the three flows
# registered in ``flows.py`` (Lorenz, Lorenz96, Rossler).
DYSTS_L_Z = [
    "Laser",
    "LidDrivenCavityFlow",
    "LiuChen",
    "Lorenz84",
    "LorenzBounded",
    "LorenzCoupled",
    "LorenzStenflo",
    "LuChen",
    "LuChenCheng",
    "MacArthur",
    "MooreSpiegel",
    "MultiChua",
    "NewtonLiepnik",
    "NoseHoover",
    "NuclearQuadrupole",
    "OscillatingFlow",
    "PanXuZhou",
    "PehlivanWei",
    "Qi",
    "QiChen",
    "RabinovichFabrikant",
    "RayleighBenard",
    "RikitakeDynamo",
    "Rucklidge",
    "Sakarya",
    "SaltonSea",
    "SanUmSrisuchinwong",
    "ShimizuMorioka",
    "SprottA",
    "SprottB",
    "SprottC",
    "SprottD",
    "SprottE",
    "SprottF",
    "SprottG",
    "SprottH",
    "SprottI",
    "SprottJ",
    "SprottJerk",
    "SprottK",
    "SprottL",
    "SprottM",
    "SprottMore",
    "SprottN",
    "SprottO",
    "SprottP",
    "SprottQ",
    "SprottR",
    "SprottS",
    "SprottTorus",
    "StickSlipOscillator",
    "SwingingAtwood",
    "Thomas",
    "ThomasLabyrinth",
    "Torus",
    "Tsucs2",
    "TurchinHanski",
    "VallisElNino",
    "WangSun",
    "WindmiReduced",
    "YuWang",
    "YuWang2",
    "ZhouChen",
]
KNOWN_ISSUES = {**flows_l_z.KNOWN_ISSUES, **flows_l_z_2.KNOWN_ISSUES, **flows_l_z_3.KNOWN_ISSUES}
# Known issues that break the 1000-step orbit check (the others are about chaos, not bounds).
ORBIT_FAILS = {"SwingingAtwood"}


def rk4(system, x0: np.ndarray, *, h: float, n_out: int, substeps: int) -> np.ndarray:
    """Classic fixed-step RK4 on ``x0: [B, d]``; returns ``[B, n_out, d]`` every ``substeps``."""
    f, p, x, t = system.rhs, system.params, np.array(x0, dtype=float), 0.0
    out = [x]
    for _ in range(n_out - 1):
        for _ in range(substeps):
            k1 = f(t, x, p)
            k2 = f(t + h / 2, x + h / 2 * k1, p)
            k3 = f(t + h / 2, x + h / 2 * k2, p)
            k4 = f(t + h, x + h * k3, p)
            x, t = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), t + h
        out.append(x)
    return np.stack(out, axis=1)


def near_x0(system, n: int, seed: int) -> np.ndarray:
    """``[n, d]`` points within ~1% of the state scale around ``x0`` (row 0 is ``x0``)."""
    x0 = np.asarray(system.metadata.x0)
    rng = np.random.default_rng(seed)
    jitter = 0.01 * (np.abs(x0) + 0.1) * rng.standard_normal((n, x0.size))
    jitter[0] = 0.0
    return x0 + jitter


def test_every_dysts_l_z_flow_is_registered():
    flows = set(list_systems(kind="flow"))
    assert len(DYSTS_L_Z) == 63
    assert set(DYSTS_L_Z) <= flows, sorted(set(DYSTS_L_Z) - flows)
    assert set(KNOWN_ISSUES) <= set(DYSTS_L_Z)
    assert set(flows_l_z.LYAPUNOV_MISMATCH) <= set(DYSTS_L_Z)


@pytest.mark.parametrize("name", DYSTS_L_Z)
def test_metadata_is_consistent(name):
    system = get_system(name)
    meta = system.metadata
    assert system.kind == "flow"
    assert len(meta.x0) == system.dim
    assert meta.period / 75 <= meta.dt <= meta.period / 30
    assert meta.lyapunov_max > 0
    assert "dysts" in meta.citation
    assert set(meta.extra.get("unbounded_indices", ())) <= set(range(system.dim))
    for key, (low, high) in meta.param_bounds.items():
        assert low < system.params[key] < high


@pytest.mark.parametrize("name", DYSTS_L_Z)
def test_numpy_and_torch_rhs_agree(name):
    system = get_system(name)
    x = near_x0(system, 8, seed=1)
    for t in (0.0, 0.37):
        ref = system.rhs(t, x, system.params)
        got = system.rhs(torch.tensor(t, dtype=torch.float64), torch.tensor(x), system.params)
        assert isinstance(got, torch.Tensor)
        assert got.dtype == torch.float64
        assert ref.shape == got.shape == x.shape
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12, atol=1e-12)
        # A plain float time works with torch states too.
        np.testing.assert_allclose(system.rhs(t, torch.tensor(x), system.params).numpy(), ref)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("name", DYSTS_L_Z)
def test_rhs_on_cuda_matches_numpy(name):
    system = get_system(name)
    x = near_x0(system, 8, seed=10)
    got = system.rhs(0.37, torch.tensor(x, device="cuda"), system.params)
    assert got.device.type == "cuda"
    assert got.dtype == torch.float64
    ref = system.rhs(0.37, x, system.params)
    np.testing.assert_allclose(got.cpu().numpy(), ref, rtol=1e-12, atol=1e-11)


@pytest.mark.parametrize("name", DYSTS_L_Z)
def test_batched_parameters_match_row_by_row(name):
    system = get_system(name)
    if not system.params:
        pytest.skip(f"{name} has no parameters")
    x = near_x0(system, 4, seed=2)
    scales = np.array([1.0, 0.99, 1.01, 1.02])
    swept = {k: v * scales for k, v in system.params.items()}
    got = system.rhs(0.2, x, swept)
    for row, scale in enumerate(scales):
        one = {k: v * scale for k, v in system.params.items()}
        np.testing.assert_allclose(got[row], system.rhs(0.2, x[row : row + 1], one)[0])
    got_torch = system.rhs(0.2, torch.tensor(x), {k: torch.tensor(v) for k, v in swept.items()})
    np.testing.assert_allclose(got_torch.numpy(), got, rtol=1e-12, atol=1e-12)


def check_orbit(name: str, n_out: int) -> None:
    """RK4 at dt/20 from x0 and two neighbours: finite, bounded, no late growth, not settled."""
    system = get_system(name)
    meta = system.metadata
    x0 = near_x0(system, 3, seed=3)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        traj = rk4(system, x0, h=meta.dt / 20, n_out=n_out, substeps=20)
    assert np.isfinite(traj).all()
    bounded = [i for i in range(system.dim) if i not in meta.extra.get("unbounded_indices", ())]
    ref = traj[..., bounded]
    half = ref.shape[1] // 2
    scale = np.abs(ref).max()
    assert scale < 1e3 * (1 + np.abs(x0[:, bounded]).max())
    # No late growth: the second half stays within the range seen in the first half (x3).
    assert np.abs(ref[:, half:]).max() <= 3 * np.abs(ref[:, :half]).max() + 1e-12
    # Not settled on a fixed point.
    assert ref[:, half:].std(axis=1).max(axis=-1).min() > 1e-6 * scale


@pytest.mark.parametrize("name", DYSTS_L_Z)
def test_short_orbit_is_finite_bounded_and_moving(name):
    """~8 dominant periods (240-400 output steps)."""
    meta = get_system(name).metadata
    check_orbit(name, n_out=min(400, max(120, math.ceil(8 * meta.period / meta.dt))))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_ISSUES[n], strict=True))
        if n in ORBIT_FAILS
        else n
        for n in DYSTS_L_Z
    ],
)
def test_long_orbit_is_finite_bounded_and_moving(name):
    """1000 output steps (~15-30 dominant periods); ~2 min for all systems on one core."""
    check_orbit(name, n_out=1000)


def test_lorenz_bounded_matches_dysts_polynomial():
    """The factorised field equals dysts' expanded form of Sprott & Xiong (2015)."""
    system = get_system("LorenzBounded")
    beta, r, rho, sigma = (system.params[k] for k in ("beta", "r", "rho", "sigma"))
    pts = np.random.default_rng(4).normal(0, 20, (16, 3))
    x, y, z = pts.T
    q = 1 / r**2
    dx = (
        sigma * y - sigma * x - sigma * q * y * x**2 - sigma * q * y**3 - sigma * q * y * z**2
    ) + sigma * q * (x**3 + x * y**2 + x * z**2)
    dy = (
        rho * x
        - x * z
        - y
        - rho * q * (x**3 + x * y**2 + x * z**2)
        + q * (z * x**3 + x * z * y**2 + x * z**3 + y * x**2 + y**3 + y * z**2)
    )
    dz = (
        x * y
        - beta * z
        - q * (y * x**3 + x * y**3 + x * y * z**2)
        + beta * q * z * (x**2 + y**2 + z**2)
    )
    np.testing.assert_allclose(system.rhs(0, pts, system.params), np.stack([dx, dy, dz], -1))


def test_macarthur_matches_matrix_form():
    """Column-wise rhs equals the matrix form of Huisman & Weissing (1999)."""
    system = get_system("MacArthur")
    k, c, s = (np.array(system.metadata.extra[key]) for key in ("K", "C", "S"))
    p = system.params
    pts = np.abs(np.random.default_rng(5).normal(1, 0.5, (6, 10)))
    for row in pts:
        n, res = row[:5], row[5:]
        mu = (p["r"] * res[:, None] / (k + res[:, None])).min(axis=0)  # min over resources
        expected = np.concatenate([n * (mu - p["m"]), p["d"] * (s - res) - c @ (mu * n)])
        np.testing.assert_allclose(system.rhs(0, row[None], p)[0], expected, rtol=1e-13)


def test_multichua_diode_slopes():
    """The diode is piecewise linear with slope m_i between breakpoints c_i and c_{i+1}."""
    system = get_system("MultiChua")
    p = system.params
    breaks = [0.0] + [p[f"c{i}"] for i in range(1, 6)] + [20.0]
    for i in range(6):
        mid = 0.5 * (breaks[i] + breaks[i + 1])
        x = np.array([[mid - 1e-3, 0, 0], [mid + 1e-3, 0, 0]])
        diode = -system.rhs(0, x, p)[:, 0] / p["a"]
        assert (diode[1] - diode[0]) / 2e-3 == pytest.approx(p[f"m{i}"], rel=1e-9)


def test_lid_driven_cavity_is_incompressible_with_walls():
    system = get_system("LidDrivenCavityFlow")
    p = system.params
    a, b = p["a"], p["b"]
    rng = np.random.default_rng(6)
    pts = np.stack([rng.uniform(0, a, 32), rng.uniform(-b, b, 32), rng.uniform(0, 3, 32)], -1)
    x = torch.tensor(pts, requires_grad=True)
    v = system.rhs(0, x, p)
    (gx,) = torch.autograd.grad(v[:, 0].sum(), x, retain_graph=True)
    (gy,) = torch.autograd.grad(v[:, 1].sum(), x)
    divergence = (gx[:, 0] + gy[:, 1]).detach().numpy()
    assert np.abs(divergence).max() < 1e-10 * np.abs(v.detach().numpy()[:, :2]).max()
    walls_x = np.stack([np.repeat([0.0, a], 16), rng.uniform(-b, b, 32), rng.uniform(0, 3, 32)], -1)
    walls_y = np.stack([rng.uniform(0, a, 32), np.repeat([-b, b], 16), rng.uniform(0, 3, 32)], -1)
    np.testing.assert_allclose(system.rhs(0, walls_x, p)[:, 0], 0, atol=1e-12)
    np.testing.assert_allclose(system.rhs(0, walls_y, p)[:, 1], 0, atol=1e-12)
    np.testing.assert_allclose(system.rhs(0, pts, p)[:, 2], 1.0)


def _quadrupole_energy(s, p):
    q1, q2, p1, p2 = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
    r2 = q1**2 + q2**2
    cubic = p["b"] / math.sqrt(2) * (q1**3 - 3 * q1 * q2**2)
    return p["a"] / 2 * (p1**2 + p2**2 + r2) - cubic + p["d"] / 4 * r2**2


def _atwood_energy(s, p):
    r, th, pr, pth = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
    m1, m2, g = p["m1"], p["m2"], 9.82
    kinetic = pr**2 / (2 * (m1 + m2)) + pth**2 / (2 * m1 * r**2)
    return kinetic + g * r * (m2 - m1 * np.cos(th))


@pytest.mark.parametrize(
    ("name", "energy"),
    [("NuclearQuadrupole", _quadrupole_energy), ("SwingingAtwood", _atwood_energy)],
)
def test_hamiltonian_flows_conserve_energy(name, energy):
    system = get_system(name)
    meta = system.metadata
    x0 = near_x0(system, 2, seed=7)
    traj = rk4(system, x0, h=meta.dt / 20, n_out=200, substeps=20)
    e = energy(traj, system.params)
    drift = np.abs(e - e[:, :1]).max()
    assert drift < 1e-6 * (1 + np.abs(e[:, 0]).max())


def test_torus_matches_its_closed_form():
    """x' = d/dt[R(t) cos t], y' = d/dt[R(t) sin t], z' = d/dt[a sin nt], R = r + a cos nt."""
    system = get_system("Torus")
    p, meta = system.params, system.metadata
    x0 = np.asarray(meta.x0)[None]
    traj = rk4(system, x0, h=meta.dt / 20, n_out=100, substeps=20)[0]
    t = meta.dt * np.arange(100)
    radius = p["r"] + p["a"] * np.cos(p["n"] * t)
    exact = np.stack(
        [
            x0[0, 0] + radius * np.cos(t) - (p["r"] + p["a"]),
            x0[0, 1] + radius * np.sin(t),
            x0[0, 2] + p["a"] * np.sin(p["n"] * t),
        ],
        -1,
    )
    np.testing.assert_allclose(traj, exact, atol=1e-7)


def test_thomas_pair_shares_equations():
    thomas, labyrinth = get_system("Thomas"), get_system("ThomasLabyrinth")
    x = near_x0(labyrinth, 5, seed=8)
    np.testing.assert_allclose(
        thomas.rhs(0, x, labyrinth.params), labyrinth.rhs(0, x, labyrinth.params)
    )


def test_turchin_hanski_phase_wrap_is_harmless():
    """dysts' phase 30363.85 and our wrapped x0 give the same field (phase only via sin)."""
    system = get_system("TurchinHanski")
    ours = np.asarray(system.metadata.x0)[None]
    dysts = ours.copy()
    dysts[0, 2] = 30363.85
    np.testing.assert_allclose(
        system.rhs(0, ours, system.params), system.rhs(0, dysts, system.params), rtol=1e-9
    )


def test_overrides_reach_the_equations():
    base = get_system("SprottF")
    tweaked = get_system("SprottF", a=0.6)
    x = near_x0(base, 3, seed=9)
    diff = tweaked.rhs(0, x, tweaked.params) - base.rhs(0, x, base.params)
    np.testing.assert_allclose(diff[:, 1], 0.1 * x[:, 1])
    np.testing.assert_allclose(diff[:, [0, 2]], 0)


def largest_lyapunov(system, *, transient: int, steps: int, substeps: int = 20) -> float:
    """λmax per time unit from ``x0``: two trajectories, renormalised every output step."""
    meta = system.metadata
    h = meta.dt / substeps
    x = rk4(system, np.asarray(meta.x0)[None], h=h, n_out=transient + 1, substeps=substeps)
    x = x[:, -1]
    eps = 1e-8 * (1 + np.abs(x).max())
    pair = np.concatenate([x, x + eps / math.sqrt(system.dim)])
    total = 0.0
    for _ in range(steps):
        # Autonomous systems only (time restarts at 0 in every call).
        pair = rk4(system, pair, h=h, n_out=2, substeps=substeps)[:, -1]
        gap = np.linalg.norm(pair[1] - pair[0])
        total += math.log(gap / eps)
        pair[1] = pair[0] + (pair[1] - pair[0]) * (eps / gap)
    return total / (steps * meta.dt)


# dysts' λmax agrees with our estimates here (ratio 0.93-1.06 over 3000 steps in a sweep).
#: Lorenz84 and LuChen left this list when their references moved to dysts' QR λ1 (and Lorenz84
#: to an x0 on the chaotic set); SprottP needs longer than 3000 steps to meet its published 0.087.
#: All three stay covered by benchmarks/lyapunov_sweep.py.
LYAPUNOV_AGREES = [
    "LorenzCoupled",
    "NuclearQuadrupole",
    "RayleighBenard",
    "ShimizuMorioka",
    "SprottB",
    "SprottF",
    "ThomasLabyrinth",
    "VallisElNino",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", LYAPUNOV_AGREES)
def test_largest_lyapunov_matches_dysts(name):
    """A published exponent pins the equations: 25% over ~60 periods (3000 output steps)."""
    system = get_system(name)
    estimate = largest_lyapunov(system, transient=300, steps=3000)
    assert estimate == pytest.approx(system.metadata.lyapunov_max, rel=0.25)


@pytest.mark.parametrize(
    ("name", "override"),
    [
        ("LorenzBounded", {"r": 0.0}),
        ("SwingingAtwood", {"m1": -1.0}),
        ("WindmiReduced", {"vsw": -5.0}),
    ],
)
def test_overrides_outside_bounds_are_refused(name, override):
    with pytest.raises(ValueError, match=next(iter(override))):
        get_system(name, **override)
