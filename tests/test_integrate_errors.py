"""DivergenceError crosses process boundaries intact (Dask workers and process pools pickle it)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from chaosflow.integrate import DivergenceError, Grid, simulate
from chaosflow.systems import get_system


def _raised() -> DivergenceError:
    lorenz = get_system("Lorenz")
    x0 = np.array([[1.0, 1.0, 1.0], [1e200, 1e200, 1e200]])
    with pytest.raises(DivergenceError) as info:
        simulate(lorenz, x0, grid=Grid(dt=0.01, n=20))
    return info.value


def test_divergence_error_names_the_row() -> None:
    err = _raised()
    assert err.system == "Lorenz"
    assert err.indices == [1]
    assert "Lorenz" in str(err)


def test_divergence_error_survives_pickling() -> None:
    err = _raised()
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is DivergenceError
    assert (back.system, back.indices, back.times) == (err.system, err.indices, err.times)
    assert str(back) == str(err)
