"""Benettin estimators on exact answers, and the shape of the exception list."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaosflow.systems import Metadata, System, list_systems
from chaosflow.systems._array import is_torch
from chaosflow.systems.lyapunov import (
    LYAPUNOV_EXCEPTIONS,
    map_step,
    max_lyapunov,
    max_lyapunov_fd,
    relative_error,
    rk4_step,
)


def _linear(kind: str, diag: tuple[float, ...]) -> System:
    def rhs(t, x, p):
        return x * x.new_tensor(diag) if is_torch(x) else x * np.asarray(diag)

    meta = Metadata(dt=1.0, period=1.0, lyapunov_max=1.0, x0=(1.0,) * len(diag), citation="x")
    return System("Linear", len(diag), kind, {}, rhs, meta)


def test_autograd_benettin_on_a_linear_map_is_exact():
    s = _linear("map", (1.5, -0.5, 0.2))
    lam = max_lyapunov(map_step(s), np.ones((3, 3)), 50, transient=60)
    np.testing.assert_allclose(lam, math.log(1.5), rtol=1e-12)


def test_finite_difference_benettin_on_a_linear_flow():
    s = _linear("flow", (0.5, -1.0))
    lam = max_lyapunov_fd(rk4_step(s, 0.01), np.ones((2, 2)), 2000, dt=0.01, transient=3000)
    # RK4's per-step growth is exp(0.005) to 1e-14; the state itself grows to ~1e10, so the
    # difference quotient carries ~1e-8 round-off per step.
    np.testing.assert_allclose(lam, 0.5, rtol=1e-6)


def test_relative_error():
    assert relative_error(1.1, 1.0) == pytest.approx(0.1)
    assert relative_error(1.0, 0.0) == math.inf


def test_exceptions_name_registered_systems_with_reasons():
    registered = set(list_systems())
    for name, reason in LYAPUNOV_EXCEPTIONS.items():
        assert name in registered, name
        assert "chaosflow λmax" in reason
        assert "reference" in reason
