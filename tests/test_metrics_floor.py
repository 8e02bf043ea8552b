"""Ground-truth floor on the published GTF Lorenz-63 files (skipped when they are absent)."""

import os
from pathlib import Path

import numpy as np
import pytest

from chaosflow.metrics import power_spectrum_distance, state_space_divergence


def _gtf_dir() -> Path:
    shared = os.environ.get("CHAOSFLOW_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return root / "data" / "gtf"


@pytest.fixture(scope="module")
def gtf_lorenz():
    d = _gtf_dir()
    train, test = d / "lorenz63_on0.05_train.npy", d / "lorenz63_test.npy"
    if not (train.exists() and test.exists()):
        pytest.skip(f"GTF Lorenz-63 files not found under {d} (set CHAOSFLOW_SHARED)")
    return np.load(train), np.load(test)


def test_floor_matches_the_published_range(gtf_lorenz):
    train, test = gtf_lorenz
    d_stsp = state_space_divergence(train, test)
    d_h = power_spectrum_distance(train, test)
    assert 0.1 <= d_stsp <= 0.25  # data README: ≈ 0.12
    assert 0.05 <= d_h <= 0.07


def test_floor_is_far_below_a_bad_model(gtf_lorenz):
    _, test = gtf_lorenz
    noise = np.random.default_rng(0).standard_normal(test.shape)
    assert state_space_divergence(noise, test) > 1.0
    assert power_spectrum_distance(noise, test) > 0.5
