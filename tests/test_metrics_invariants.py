"""Correlation dimension and rollout-failure fractions against known answers."""

import numpy as np
import pytest

from chaosflow.metrics import (
    correlation_dimension,
    diverged_fraction,
    diverged_mask,
    fixed_point_fraction,
    fixed_point_mask,
    rk4_step,
)
from chaosflow.systems import get_system


@pytest.fixture(scope="module")
def lorenz():
    """Four Lorenz-63 trajectories ``[4, 5000, 3]`` at dt = 0.01 after a transient."""
    system = get_system("Lorenz")
    step = rk4_step(system, 0.01)
    x = np.array(system.metadata.x0) + np.random.default_rng(0).normal(size=(4, 3))
    for _ in range(1000):
        x = step(x)
    out = np.empty((4, 5000, 3))
    for i in range(5000):
        out[:, i] = x
        x = step(x)
    return out


def test_lorenz_correlation_dimension(lorenz):
    # D2 = 2.05 ± 0.01 (Grassberger & Procaccia 1983, Phys. Rev. Lett. 50, 346)
    assert correlation_dimension(lorenz, seed=1) == pytest.approx(2.05, abs=0.1)


def test_correlation_dimension_of_simple_sets():
    rng = np.random.default_rng(2)
    t = np.linspace(0.0, 100.0, 20_000)
    circle = np.stack([np.cos(t), np.sin(t), 0 * t], axis=-1)
    assert correlation_dimension(circle) == pytest.approx(1.0, abs=0.05)
    cube = rng.uniform(size=(20_000, 3))
    assert correlation_dimension(cube) == pytest.approx(3.0, abs=0.15)
    assert correlation_dimension(cube, seed=3) == correlation_dimension(cube, seed=3)
    assert np.isnan(correlation_dimension(np.full((100, 2), np.nan)))


def test_failure_masks(lorenz):
    gen = lorenz.copy()
    gen[1, 100:] = np.nan  # blew up
    gen[2, 4000:] = 1e4  # ran away without NaN
    gen[3, 2000:] = gen[3, 1999]  # stuck at a point
    np.testing.assert_array_equal(diverged_mask(gen), [False, True, False, False])
    np.testing.assert_array_equal(diverged_mask(gen, x_true=lorenz), [False, True, True, False])
    np.testing.assert_array_equal(fixed_point_mask(gen, x_true=lorenz), [0, 0, 1, 1])
    assert diverged_fraction(gen, x_true=lorenz) == 0.5
    assert fixed_point_fraction(gen, x_true=lorenz) == 0.5
    assert fixed_point_fraction(lorenz, x_true=lorenz) == 0.0
    assert diverged_fraction(lorenz, x_true=lorenz) == 0.0
