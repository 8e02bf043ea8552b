"""The independent reference estimator (``benchmarks/lyapunov_reference.py``) on known answers."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.lyapunov_reference import (
    Settings,
    checks,
    is_autonomous,
    qr_spectrum,
    starts_near_x0,
)
from chaosflow.systems import Metadata, System, get_system

FAST = Settings(transient=2.0, starts=3, max_seconds=60.0)


def _linear(diag: tuple[float, ...], forced: bool = False) -> System:
    """dx/dt = diag(a) x (+ sin t in the first component when ``forced``)."""

    def rhs(t, x, p):
        out = x * np.asarray(diag)
        if forced:
            out[:, 0] += np.sin(t)
        return out

    meta = Metadata(dt=0.1, period=1.0, lyapunov_max=1.0, x0=(1.0,) * len(diag), citation="x")
    return System("Linear", len(diag), "flow", {}, rhs, meta)


def test_full_spectrum_of_a_linear_flow_is_its_eigenvalues():
    """Tangent dynamics of dx/dt = A x is A itself: the spectrum is diag(A), sorted."""
    system = _linear((-1.0, 0.3, -0.2))
    spec = qr_spectrum(system, np.full((2, 3), 1e-3), FAST, horizon=20.0)
    np.testing.assert_allclose(spec.lambdas, [[0.3, -0.2, -1.0]] * 2, atol=1e-6)
    np.testing.assert_allclose(spec.divergence, -0.9, atol=1e-6)
    assert spec.time == pytest.approx(20.0, abs=0.2)


def test_lorenz_spectrum_short_run():
    """Lorenz (σ=10, ρ=28, β=8/3): Σλ = −(σ + 1 + β) exactly, a zero exponent, and λ1 near
    the published 0.906 (Sprott 2003, App. A) already over 60 time units."""
    system = get_system("Lorenz")
    p = system.params
    spec = qr_spectrum(system, starts_near_x0(system, 3), FAST, horizon=60.0)
    lam = spec.lambdas.mean(axis=0)
    trace = -(p["sigma"] + 1.0 + p["beta"])
    np.testing.assert_allclose(spec.lambdas.sum(axis=1), trace, rtol=1e-6)
    np.testing.assert_allclose(spec.divergence, trace, rtol=1e-9)
    assert lam[0] == pytest.approx(0.906, rel=0.1)
    assert abs(lam[1]) < 0.05 * lam[0]
    assert lam[2] == pytest.approx(-14.57, rel=0.02)
    period = system.metadata.period
    found = checks(spec.lambdas, spec.divergence, spec.lambdas[:, 0], period, True, spec.time)
    assert found == dict.fromkeys(
        ("liouville", "zero", "chaos", "length", "spread", "tolerance"), ""
    )


def _check(rows: list[list[float]], divergence: float = -13.67, rerun=None, autonomous=True):
    """``checks`` on Lorenz-like spectra ``rows`` (one per start); '' keys dropped."""
    lam = np.asarray(rows)
    first = lam[:, 0] if rerun is None else np.asarray(rerun)
    div = np.full(lam.shape[0], divergence)
    return {k for k, v in checks(lam, div, first, 0.75, autonomous).items() if v}


def test_checks_reject_what_they_should():
    good = [[0.90, 0.0, -14.57], [0.91, 0.0, -14.58], [0.905, 0.0, -14.575]]
    assert _check(good) == set()
    no_zero = [[0.90, 0.2, -14.77], [0.91, 0.2, -14.78], [0.905, 0.2, -14.775]]
    assert _check(no_zero) == {"zero"}
    assert _check(no_zero, autonomous=False) == set()  # a forced flow has no zero exponent
    assert _check(good, divergence=-10.0) == {"liouville"}
    scattered = [[0.5, 0.0, -14.17], [1.3, 0.0, -14.97], [0.9, 0.0, -14.57]]
    assert "spread" in _check(scattered)
    assert _check(good, rerun=[0.70, 0.71, 0.72]) == {"tolerance"}
    regular = [[0.001, 0.0, -13.671], [0.0012, 0.0, -13.6712], [0.0011, 0.0, -13.6711]]
    assert "chaos" in _check(regular)
    lam = np.asarray(good)
    short = checks(lam, np.full(3, -13.67), lam[:, 0], 0.75, True, span=20.0)  # 18 e-foldings
    assert {k for k, v in short.items() if v} == {"length"}


def test_is_autonomous():
    assert is_autonomous(_linear((1.0, 2.0)))
    assert not is_autonomous(_linear((1.0, 2.0), forced=True))
    assert is_autonomous(get_system("Lorenz"))
