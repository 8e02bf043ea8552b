"""The pilot's substep choice is a function of (system, parameters, dt), never of call order."""

from __future__ import annotations

import numpy as np

from chaosflow.integrate import Grid, _auto, default_method, sample_on_attractor
from chaosflow.systems import get_system


def _choice(system, rows: np.ndarray):
    grid = Grid(dt=system.metadata.dt, n=100)
    return default_method(system, grid, rows, dict(system.params))


def test_choice_does_not_depend_on_the_first_callers_rows() -> None:
    system = get_system("Rossler")
    a = sample_on_attractor(system, 4, 1)
    b = a * 3.0 + 7.0  # far from the attractor: a different pilot if it used these rows
    _auto._CACHE.clear()
    first_a = (_choice(system, a), _choice(system, b))
    _auto._CACHE.clear()
    first_b = (_choice(system, b), _choice(system, a))
    assert first_a[0] == first_a[1] == first_b[0] == first_b[1]


def test_sampling_is_independent_of_what_ran_before() -> None:
    lorenz = get_system("Lorenz")
    _auto._CACHE.clear()
    fresh = sample_on_attractor(lorenz, 3, 7)
    _auto._CACHE.clear()
    sample_on_attractor(lorenz, 5, 99)  # another shard first, in the same process
    after = sample_on_attractor(lorenz, 3, 7)
    np.testing.assert_array_equal(fresh, after)
