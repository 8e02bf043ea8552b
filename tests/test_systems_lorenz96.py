"""Lorenz-96: any N >= 4, fixed point, non-symmetric x0, tabulated λmax against Benettin."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaosflow.systems import get_system
from chaosflow.systems.catalog.flows import LORENZ96_LYAPUNOV_F8
from chaosflow.systems.lyapunov import max_lyapunov_fd, rk4_step


@pytest.mark.parametrize("dim", [4, 5, 10, 37])
def test_uniform_state_is_the_fixed_point(dim):
    s = get_system("Lorenz96", dim=dim, F=8.0)
    x = np.full((2, dim), 8.0)
    np.testing.assert_allclose(s.rhs(0, x, s.params), 0.0, atol=1e-14)


def test_rhs_by_hand_with_cyclic_indices():
    s = get_system("Lorenz96", dim=5)
    x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    # dx_0 = (x_1 - x_3) x_4 - x_0 + F with indices mod 5
    expected = [
        (x[0, (i + 1) % 5] - x[0, (i - 2) % 5]) * x[0, (i - 1) % 5] - x[0, i] + 8.0
        for i in range(5)
    ]
    np.testing.assert_allclose(s.rhs(0, x, s.params)[0], expected)


@pytest.mark.parametrize("dim", [6, 10, 12, 40])
def test_x0_has_no_spatial_period(dim):
    # A state with spatial period p < N stays in that invariant subspace forever.
    x0 = np.asarray(get_system("Lorenz96", dim=dim).metadata.x0)
    for shift in range(1, dim):
        if dim % shift == 0:
            assert not np.allclose(np.roll(x0, shift), x0), shift


def test_lyapunov_table_and_interpolation():
    assert get_system("Lorenz96").metadata.lyapunov_max == LORENZ96_LYAPUNOV_F8[10]
    lam7 = get_system("Lorenz96", dim=7).metadata.lyapunov_max
    assert lam7 == pytest.approx(0.5 * (LORENZ96_LYAPUNOV_F8[6] + LORENZ96_LYAPUNOV_F8[8]))
    assert get_system("Lorenz96", dim=400).metadata.lyapunov_max == LORENZ96_LYAPUNOV_F8[40]
    assert math.isnan(get_system("Lorenz96", F=10.0).metadata.lyapunov_max)


def test_benettin_reproduces_the_tabulated_exponent_at_n8():
    s = get_system("Lorenz96", dim=8)
    x0 = np.asarray(s.metadata.x0) + 0.01 * np.random.default_rng(0).standard_normal((4, 8))
    lam = max_lyapunov_fd(rk4_step(s, 0.02), x0, 10_000, dt=0.02, transient=2_000).mean()
    assert lam == pytest.approx(LORENZ96_LYAPUNOV_F8[8], rel=0.1)
