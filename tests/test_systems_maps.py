"""Maps: hand-computed iterates, exact Lyapunov exponents, parameter sweeps, torus wrapping."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from chaosflow.systems import get_system, list_systems
from chaosflow.systems.lyapunov import map_step, max_lyapunov


def test_henon_one_step_by_hand():
    s = get_system("Henon")
    x = np.array([[0.5, 0.2], [-1.0, 0.0]])
    expected = np.array([[1 - 1.4 * 0.25 + 0.2, 0.3 * 0.5], [1 - 1.4, -0.3]])
    np.testing.assert_allclose(s.rhs(0, x, s.params), expected, rtol=1e-15)


def test_ikeda_is_a_complex_rotation():
    s = get_system("Ikeda")
    x = np.array([[0.3, -0.4]])
    z = complex(0.3, -0.4)
    phase = 0.4 - 6.0 / (1.0 + abs(z) ** 2)
    w = 1.0 + 0.9 * z * complex(math.cos(phase), math.sin(phase))
    np.testing.assert_allclose(s.rhs(0, x, s.params), [[w.real, w.imag]], rtol=1e-14)


def test_parameter_sweep_rows_use_their_own_values():
    s = get_system("Logistic")
    x = np.full((3, 1), 0.3)
    r = np.array([2.0, 3.0, 4.0])
    out = s.rhs(0, x, {"r": r})
    np.testing.assert_allclose(out[:, 0], r * 0.3 * 0.7)
    out_t = s.rhs(0, torch.tensor(x), {"r": torch.tensor(r)})
    np.testing.assert_allclose(out_t.numpy(), out)


@pytest.mark.parametrize(
    "name", ["ArnoldCat", "Sinai", "KaplanYorke", "Circle", "Chirikov", "DissipativeStandard"]
)
def test_periodic_coordinates_stay_in_their_domain(name):
    s = get_system(name)
    rng = np.random.default_rng(3)
    x = np.asarray(s.metadata.x0) + 0.01 * rng.standard_normal((64, s.dim))
    upper = 2 * math.pi if name in ("Chirikov", "DissipativeStandard") else 1.0
    for _ in range(200):
        x = s.rhs(0, x, s.params)
    wrapped = x if name not in ("KaplanYorke", "Circle") else x[:, :1]
    assert (wrapped >= 0).all()
    assert (wrapped < upper).all()


def test_arnold_cat_preserves_area_and_wraps():
    s = get_system("ArnoldCat")
    x = np.array([[0.75, 0.5]])
    np.testing.assert_allclose(s.rhs(0, x, s.params), [[0.25, 0.75]], atol=1e-15)


@pytest.mark.parametrize(
    ("name", "exact"),
    [
        ("ArnoldCat", math.log((3 + math.sqrt(5)) / 2)),
        ("Tent", math.log(1.99)),
        ("KaplanYorke", math.log(1.99)),
        ("Logistic", math.log(2.0)),
        ("Chebyshev", math.log(6.0)),
    ],
)
def test_exact_lyapunov_exponents(name, exact):
    s = get_system(name)
    x0 = np.asarray(s.metadata.x0) + 1e-3 * np.arange(1, 5)[:, None]
    lam = max_lyapunov(map_step(s), x0, 3000, transient=100).mean()
    assert lam == pytest.approx(exact, rel=0.02)
    assert s.metadata.lyapunov_max == pytest.approx(exact, rel=1e-6)


def test_henon_lyapunov_matches_published_value():
    s = get_system("Henon")
    x0 = np.asarray(s.metadata.x0) + 1e-3 * np.arange(1, 9)[:, None]
    lam = max_lyapunov(map_step(s), x0, 4000, transient=200).mean()
    assert lam == pytest.approx(0.41922, rel=0.03)  # Sprott (2003)


def test_maps_are_listed_and_iterate_on_torch():
    names = list_systems("map")
    assert len(names) >= 20
    for name in names:
        s = get_system(name)
        x = torch.tensor([s.metadata.x0], dtype=torch.float64)
        for _ in range(20):
            x = s.rhs(0, x, s.params)
        assert torch.isfinite(x).all(), name
