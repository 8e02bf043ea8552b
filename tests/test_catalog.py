"""Checks every registered system passes (flows, maps, delay equations, PDE) — issue 3.

Parametrized over ``list_systems()`` at collection time, so systems added to the catalog (or
by a plugin) are covered automatically.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from chaosflow.integrate import RK4, DivergenceError, Grid, simulate
from chaosflow.systems import KINDS, get_system, list_systems

ALL = list_systems()
MINIMUM_COUNTS = {"flow": 135, "delay": 6, "map": 20, "pde": 1}


def _points(system, n: int = 4, seed: int = 0) -> np.ndarray:
    """``[n, width]`` rhs inputs near x0 (width 2·dim for delay: x(t) ‖ x(t−τ))."""
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    rng = np.random.default_rng(seed)
    scale = 0.01 * (1.0 + np.abs(x0))
    pts = x0 + scale * rng.standard_normal((n, system.dim))
    if system.kind == "delay":
        lagged = x0 + scale * rng.standard_normal((n, system.dim))
        pts = np.concatenate([pts, lagged], axis=-1)
    return pts


def _stiffness(system) -> float:
    """Round-off amplification of ``rhs``: the PDE's |k|^4 on its grid, else 1."""
    if system.kind != "pde":
        return 1.0
    k_max = 2.0 * math.pi / system.params["L"] * (system.dim // 2)
    return k_max**4


@pytest.mark.parametrize("name", ALL)
def test_numpy_and_torch_rhs_agree(name):
    system = get_system(name)
    pts = _points(system)
    out_np = np.asarray(system.rhs(0.0, pts, system.params))
    out_t = system.rhs(0.0, torch.tensor(pts), system.params)
    assert torch.is_tensor(out_t)
    assert out_t.dtype == torch.float64
    assert out_np.shape == (pts.shape[0], system.dim)
    scale = max(1.0, float(np.abs(out_np).max())) * _stiffness(system)
    np.testing.assert_allclose(out_t.numpy(), out_np, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("name", ALL)
def test_metadata_is_complete(name):
    system = get_system(name)
    meta = system.metadata
    assert system.kind in KINDS
    assert meta.dt > 0
    assert meta.period > 0
    assert len(meta.citation) > 10
    assert np.all(np.isfinite(meta.x0))
    assert math.isfinite(meta.lyapunov_max)
    assert meta.lyapunov_max > 0, "the catalog holds chaotic systems only"
    if system.kind == "map":
        assert meta.dt == 1
    if system.kind == "delay":
        assert system.params["tau"] > 0


def _unbounded(system) -> list[int]:
    return list(system.metadata.extra.get("unbounded_indices", ()))


def _fast_method(system):
    """RK4 with >= 200 steps per dominant period for flows; the default for other kinds.

    ``simulate``'s default (DOP853 with pilot-chosen substeps) is checked by the slow variant.
    """
    if system.kind != "flow":
        return None
    return RK4(substeps=max(1, math.ceil(200 * system.metadata.dt / system.metadata.period)))


@pytest.mark.parametrize("name", ALL)
def test_thousand_points_stay_bounded_and_move(name):
    _check_thousand_points(get_system(name), _fast_method)


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_thousand_points_with_the_default_method(name):
    _check_thousand_points(get_system(name), lambda system: None)


def _check_thousand_points(system, method_for):
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)[None]
    grid = Grid(dt=system.metadata.dt, n=1000)
    method = method_for(system)
    try:
        x = simulate(system, x0, grid=grid, method=method)
    except DivergenceError:
        if method is None:
            raise
        x = simulate(system, x0, grid=grid)  # stiff: the fixed RK4 shortcut is too coarse
    assert x.shape == (1, 1000, system.dim)
    assert np.isfinite(x).all()
    keep = [i for i in range(system.dim) if i not in _unbounded(system)]
    # Coordinates that grow by design (phases, advected positions) are judged by their steps.
    bounded = np.concatenate([x[0][:, keep], np.diff(x[0], axis=0, prepend=x0)], axis=1)
    first, last = np.abs(bounded[:500]).max(), np.abs(bounded[500:]).max()
    assert last <= 10.0 * first + 1e-9, f"growing: max {first:.3g} then {last:.3g}"
    assert last < 1e6 * (1.0 + np.abs(x0).max())
    tail = bounded[-200:]
    spread = tail.std(axis=0).max()
    assert spread > 1e-6 * (1.0 + np.abs(tail).max()), "the trajectory sits on a fixed point"


@pytest.mark.parametrize("kind", KINDS)
def test_catalog_counts_per_kind(kind):
    assert len(list_systems(kind)) >= MINIMUM_COUNTS[kind]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("name", ALL)
def test_cuda_rhs_agrees_with_numpy(name):
    system = get_system(name)
    pts = _points(system)
    out_np = np.asarray(system.rhs(0.0, pts, system.params))
    out_cuda = system.rhs(0.0, torch.tensor(pts, device="cuda"), system.params)
    assert out_cuda.device.type == "cuda"
    scale = max(1.0, float(np.abs(out_np).max())) * _stiffness(system)
    np.testing.assert_allclose(out_cuda.cpu().numpy(), out_np, rtol=1e-12, atol=1e-12 * scale)


def test_departures_from_dysts_are_recorded_on_the_systems():
    from chaosflow.systems.catalog._dysts import DEPARTURES

    for name, why in DEPARTURES.items():
        s = get_system(name)
        assert s.kind == "flow"
        assert s.metadata.extra["departs_from_dysts"] == why
        assert f"except: {why}" in s.metadata.citation


def _henon_heiles_energy(x) -> float:
    x, y, px, py = x
    return 0.5 * (px**2 + py**2) + 0.5 * (x**2 + y**2) + x**2 * y - y**3 / 3.0


def test_henon_heiles_x0_keeps_the_energy_of_dysts_x0():
    """The departure moves x0 within its energy shell (H is conserved; Hénon & Heiles 1964)."""
    s = get_system("HenonHeiles")
    dysts_x0 = (-0.29707259, -0.0031367513, 0.42548865, 0.071905482)
    assert s.params["lam"] == 1.0
    assert _henon_heiles_energy(s.metadata.x0) == pytest.approx(
        _henon_heiles_energy(dysts_x0), abs=1e-6
    )


@pytest.mark.slow
def test_forced_van_der_pol_is_chaotic_at_2pi_over_10_and_regular_at_0_63():
    """Why ForcedVanDerPol departs from dysts' w = 0.63 (``_dysts.DEPARTURES``)."""
    from chaosflow.systems.lyapunov import max_lyapunov_fd, rk4_step

    s = get_system("ForcedVanDerPol")
    assert s.params["w"] == pytest.approx(2.0 * math.pi / 10.0, rel=1e-15)
    rng = np.random.default_rng(0)
    starts = np.column_stack(
        [rng.uniform(-2, 2, 4), rng.uniform(-2, 2, 4), rng.uniform(0, 2 * math.pi, 4)]
    )
    lam = {}
    for w in (0.63, 2.0 * math.pi / 10.0):
        h = 2.0 * math.pi / w / 400
        n = 300 * 400
        step = rk4_step(s, h, params={**s.params, "w": w})
        lam[w] = max_lyapunov_fd(step, starts, n, dt=h, transient=n // 10)
    assert np.all(lam[0.63] < 5e-4), lam  # a limit cycle or torus: λmax ≤ 0
    assert np.all(lam[2.0 * math.pi / 10.0] > 3e-3), lam
