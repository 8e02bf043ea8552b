"""Flows beyond dysts (``flows_extra``): registration, numpy/torch, orbits, published λ1."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from chaosflow.metrics import lyapunov_spectrum, rk4_step
from chaosflow.systems import get_system, list_systems
from chaosflow.systems.catalog import flows_extra

EXTRA = flows_extra.EXTRA_FLOWS
NAMES = [
    "DiffusionlessLorenz",
    "ComplexButterfly",
    "LinzSprott",
    "DoubleScrollJerk",
    "MalasomaCubic",
    "Liu",
    "VanoLotkaVolterra",
    "Ueda",
    "DrivenPendulum",
]
#: Cheap enough (fast λ1, short period) for the default run; the rest run with ``-m slow``.
CHEAP = ["DiffusionlessLorenz", "ComplexButterfly"]


def _orbit(system, n: int, substeps: int = 10) -> np.ndarray:
    """``n`` RK4 output points ``[n, dim]`` from ``metadata.x0`` at the output step ``dt``."""
    step = rk4_step(system, system.metadata.dt / substeps)
    x = np.asarray(system.metadata.x0, dtype=np.float64)[None]
    out = np.empty((n, system.dim))
    for i in range(n):
        out[i] = x[0]
        for _ in range(substeps):
            x = step(x)
    return out


def test_new_flows_registered_and_catalog_reaches_135():
    # names are unique across the catalog: register_system refuses a second registration
    assert EXTRA == NAMES
    flows = set(list_systems("flow"))
    assert set(EXTRA) <= flows
    assert len(flows) >= 135  # issue 3: at least 135 chaotic flows
    for name in EXTRA:
        system = get_system(name)
        assert system.kind == "flow"
        assert system.dim == len(system.metadata.x0)
        assert system.metadata.lyapunov_max > 0
        assert "lyapunov_source" in system.metadata.extra


@pytest.mark.parametrize("name", EXTRA)
def test_numpy_and_torch_rhs_agree(name):
    system = get_system(name)
    rng = np.random.default_rng(7)
    x0 = np.asarray(system.metadata.x0)
    x = x0 + rng.normal(scale=0.5 + 0.1 * np.abs(x0), size=(8, system.dim))
    x = np.abs(x) if name == "VanoLotkaVolterra" else x  # populations stay positive
    f_np = system.rhs(0.0, x, system.params)
    f_t = system.rhs(0.0, torch.as_tensor(x, dtype=torch.float64), system.params)
    assert isinstance(f_t, torch.Tensor)
    assert f_t.dtype == torch.float64
    assert f_np.shape == (8, system.dim)
    np.testing.assert_allclose(f_t.numpy(), f_np, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", EXTRA)
def test_parameter_sweep_rows_match_scalar_calls(name):
    """``p`` values may be ``[batch]`` arrays; row i must equal a call with the scalars of row i."""
    system = get_system(name)
    x = np.tile(np.asarray(system.metadata.x0), (3, 1))
    scales = np.array([0.98, 1.0, 1.02])
    swept = {k: v * scales for k, v in system.params.items()}
    f = system.rhs(0.0, x, swept)
    for i in range(3):
        row = system.rhs(0.0, x[i : i + 1], {k: v[i] for k, v in swept.items()})
        np.testing.assert_allclose(f[i], row[0], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", EXTRA)
def test_orbit_from_x0_is_bounded_and_moving(name):
    system = get_system(name)
    orbit = _orbit(system, 1000)
    assert np.isfinite(orbit).all()
    keep = [
        i for i in range(system.dim) if i not in system.metadata.extra.get("unbounded_indices", ())
    ]
    bounded = orbit[:, keep]
    # x0 lies on the attractor: the orbit stays within a few attractor widths of where it starts
    width = np.ptp(bounded, axis=0)
    assert (width > 1e-2).all(), "orbit is stuck at a fixed point"
    assert (np.abs(bounded - bounded.mean(0)) < 10 * width + 1).all()
    # no settling: the last quarter still moves as much as the first
    assert np.ptp(bounded[750:], axis=0).min() > 0.2 * np.ptp(bounded[:250], axis=0).min()


def _lambda1(system, periods: float, n_starts: int = 4) -> float:
    """QR estimate of λ1 from ``n_starts`` points of the orbit, RK4 at ``dt / 5``."""
    dt = system.metadata.dt / 5
    starts = _orbit(system, 50 * n_starts)[::50]
    n_steps = int(periods * system.metadata.period / dt)
    lam = lyapunov_spectrum(
        rk4_step(system, dt), starts, n_steps, dt=dt, n_exponents=1, transient=n_steps // 10
    )
    return float(lam[0])


@pytest.mark.parametrize("name", CHEAP)
def test_cheap_lyapunov_within_20_percent_of_published(name):
    system = get_system(name)
    lam = _lambda1(system, periods=40)
    assert lam == pytest.approx(system.metadata.lyapunov_max, rel=0.2)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in EXTRA if n not in CHEAP])
def test_lyapunov_within_20_percent_of_published(name):
    system = get_system(name)
    lam = _lambda1(system, periods=400)
    assert lam == pytest.approx(system.metadata.lyapunov_max, rel=0.2)
