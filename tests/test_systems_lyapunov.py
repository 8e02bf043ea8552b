"""Benettin estimators on exact answers, the reference rule, and the exception list."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from chaosflow.systems import Metadata, System, get_system, list_systems
from chaosflow.systems._array import is_torch
from chaosflow.systems.catalog._lyapunov_refs import (
    DYSTS_LYAPUNOV,
    DYSTS_NAIVE,
    DYSTS_QR,
    INDEPENDENT,
    INDEPENDENT_QR,
    PUBLISHED,
    RECALLED,
    reference_lyapunov,
)
from chaosflow.systems.lyapunov import (
    _SWEEP,
    _WHY,
    LYAPUNOV_EXCEPTIONS,
    divergence,
    is_conservative,
    map_step,
    max_lyapunov,
    max_lyapunov_fd,
    mean_divergence,
    relative_error,
    rk4_step,
)

REFERENCE_RUNS = Path(__file__).parents[1] / "benchmarks/results/lyapunov_reference.json"


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


def test_exception_rows_match_the_catalog_and_lie_outside_20_percent():
    """The table is the sweep's: its references are the catalog's current ones (to the 3
    digits kept), and every listed flow is outside 20% or not step-converged (15%)."""
    for name, (category, fine, coarse, reference, _detail) in _SWEEP.items():
        assert category in _WHY, name
        assert reference == pytest.approx(get_system(name).metadata.lyapunov_max, rel=5e-3)
        if category == "unconverged":
            assert abs(fine - coarse) > 0.15 * max(abs(fine), abs(coarse)), name
        elif math.isfinite(fine):
            assert relative_error(fine, reference) > 0.2, name


def test_reference_rule_is_applied_to_every_dysts_flow():
    for name in DYSTS_LYAPUNOV:
        meta = get_system(name).metadata
        value, source = reference_lyapunov(name)
        assert meta.lyapunov_max == value, name
        if "lyapunov_source" in meta.extra:  # Lorenz and Rossler live in catalog.flows
            assert meta.extra["lyapunov_source"] == source
            assert source in meta.citation


def test_reference_rule_order():
    assert reference_lyapunov("SprottG") == PUBLISHED["SprottG"]  # published beats the rest
    for name, spectrum in INDEPENDENT.items():  # a passed independent reference beats dysts
        assert name not in PUBLISHED, name
        assert reference_lyapunov(name) == (spectrum[0], INDEPENDENT_QR)
    for name, (qr, naive, _, _) in DYSTS_LYAPUNOV.items():
        if name not in PUBLISHED and name not in INDEPENDENT:
            expected = (qr, DYSTS_QR) if qr > 0 else (naive, DYSTS_NAIVE)
            assert reference_lyapunov(name) == expected, name
    # a zero spectrum (Torus) and a missing one (AtmosphericRegime) fall to the naive value
    for name in ("Torus", "AtmosphericRegime"):
        if name not in INDEPENDENT:
            assert reference_lyapunov(name) == (DYSTS_LYAPUNOV[name][1], DYSTS_NAIVE)
    for name, recalled in RECALLED.items():  # recalled, never read: the last resort
        assert name not in PUBLISHED, name
        if name not in INDEPENDENT:
            assert reference_lyapunov(name) == recalled


def test_independent_references_are_the_passed_runs():
    """``INDEPENDENT`` holds exactly the reference runs that passed their checks (one rule for
    all flows, results in benchmarks/results), and their spectra pass the exact tests."""
    rows = json.loads(REFERENCE_RUNS.read_text())
    passed = {name for name, row in rows.items() if row["passed"] and name not in PUBLISHED}
    assert set(INDEPENDENT) == passed
    for name, spectrum in INDEPENDENT.items():
        row = rows[name]
        np.testing.assert_allclose(spectrum, row["spectrum"], rtol=1e-3, atol=1e-6)
        assert list(spectrum) == sorted(spectrum, reverse=True), name
        assert abs(sum(spectrum) - row["divergence"]) <= 0.011 * sum(map(abs, spectrum)), name
        if row["autonomous"]:
            assert min(map(abs, spectrum)) <= 0.05 * spectrum[0] + 1e-4, name


def test_divergence_of_lorenz_is_its_constant_trace():
    s = get_system("Lorenz")
    x = np.random.default_rng(3).normal(0.0, 10.0, (16, 3))
    trace = -(s.params["sigma"] + 1.0 + s.params["beta"])
    np.testing.assert_allclose(divergence(s, x), trace, rtol=1e-7)
    assert mean_divergence(s, steps_per_period=50, periods=2) == pytest.approx(trace, rel=1e-7)


def test_conservative_flows_are_recognised():
    for name in ("ArnoldBeltramiChildress", "HenonHeiles", "DoubleGyre", "SprottA"):
        assert is_conservative(get_system(name)), name
    for name in ("Lorenz", "Rossler", "SprottB"):
        assert not is_conservative(get_system(name)), name
