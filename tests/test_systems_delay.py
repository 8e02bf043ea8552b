"""Delay equations: the x(t) ‖ x(t−τ) convention, hand-computed values, equilibria, histories."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from chaosflow.integrate import Grid, simulate
from chaosflow.systems import get_system, list_systems

DYSTS_DELAY = [
    "MackeyGlass",
    "IkedaDelay",
    "SprottDelay",
    "VossDelay",
    "ScrollDelay",
    "PiecewiseCircuit",
]


def test_the_six_dysts_delay_equations_are_registered():
    assert set(DYSTS_DELAY) <= set(list_systems("delay"))
    for name in DYSTS_DELAY:
        s = get_system(name)
        assert s.params["tau"] > 0
        assert s.metadata.dt < s.params["tau"]


def test_rhs_takes_current_and_lagged_state():
    s = get_system("MackeyGlass")
    z = np.array([[0.5, 1.5], [1.5, 0.5]])
    lagged = z[:, 1]
    expected = 0.2 * lagged / (1 + lagged**10) - 0.1 * z[:, 0]
    out = s.rhs(0.0, z, s.params)
    assert out.shape == (2, 1)
    np.testing.assert_allclose(out[:, 0], expected, rtol=1e-15)


def test_mackey_glass_equilibrium():
    # beta x/(1 + x^n) = gamma x  at  x* = (beta/gamma - 1)^(1/n) = 1 for the defaults.
    s = get_system("MackeyGlass")
    np.testing.assert_allclose(s.rhs(0.0, np.array([[1.0, 1.0]]), s.params), [[0.0]], atol=1e-15)


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("IkedaDelay", (0.3, 0.7), -20.0 * math.sin(0.7) - 0.3),
        ("SprottDelay", (0.3, 0.7), math.sin(0.7)),
        ("VossDelay", (0.3, 0.2), -3.24 * 0.3 - 10.44 * 0.008 - 13.95 * 0.04 - 3.63 * 0.2 + 0.85),
        ("ScrollDelay", (0.3, 0.2), -0.2 * 0.2 + 0.2 * math.tanh(2.0)),
        ("PiecewiseCircuit", (0.3, 0.2), -0.2 + 3 * 0.2 / 2.24 - (0.2 / 2.24) ** 3),
    ],
)
def test_rhs_by_hand(name, z, expected):
    s = get_system(name)
    out = s.rhs(0.0, np.array([z]), s.params)
    np.testing.assert_allclose(out, [[expected]], rtol=1e-13)
    out_t = s.rhs(0.0, torch.tensor([z], dtype=torch.float64), s.params)
    np.testing.assert_allclose(out_t.numpy(), out, rtol=1e-14)


def test_many_constant_histories_at_once_match_single_runs():
    s = get_system("MackeyGlass")
    x0 = np.array([[0.5], [1.2], [0.9]])
    grid = Grid(dt=s.metadata.dt, n=200)
    batch = simulate(s, x0, grid=grid)
    single = simulate(s, x0[1:2], grid=grid)
    np.testing.assert_allclose(batch[1:2], single, rtol=1e-12, atol=1e-12)
    assert not np.allclose(batch[0], batch[1])


def test_mackey_glass_oscillates_in_its_known_range():
    # The τ = 17 attractor lives in roughly 0.4 < x < 1.4 (Mackey & Glass 1977, fig. 2).
    s = get_system("MackeyGlass")
    x = simulate(s, np.array([[1.2]]), grid=Grid(dt=1.0, n=1500))[0, 500:, 0]
    assert 0.2 < x.min() < 0.6
    assert 1.1 < x.max() < 1.5
