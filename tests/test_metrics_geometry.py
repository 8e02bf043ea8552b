"""D_stsp and D_H against known answers and an independent dense reference."""

import numpy as np
import pytest
import torch
from scipy.stats import entropy

from chaosflow.metrics import (
    binned_kl,
    gmm_kl,
    power_spectrum_distance,
    smoothed_spectrum,
    state_space_divergence,
)
from chaosflow.metrics._lyapunov import rk4_step
from chaosflow.systems import get_system


@pytest.fixture(scope="module")
def lorenz():
    """One Lorenz-63 trajectory ``[20000, 3]`` at dt = 0.01 after a transient."""
    system = get_system("Lorenz")
    step = rk4_step(system, 0.01)
    x = np.array([system.metadata.x0])
    for _ in range(1000):
        x = step(x)
    out = np.empty((20_000, 3))
    for i in range(out.shape[0]):
        out[i] = x[0]
        x = step(x)
    return out


def _dense_reference(x_gen, x_true, n_bins, alpha):
    """Dense histogramdd + scipy entropy: the literal definition, for small grids."""
    sd = x_true.std(axis=0, ddof=1)
    edges = [
        np.linspace(lo, hi, n_bins + 1)
        for lo, hi in zip(x_true.min(0) - 0.1 * sd, x_true.max(0) + 0.1 * sd, strict=True)
    ]
    h_true = np.histogramdd(x_true, bins=edges)[0].ravel()
    h_gen = np.histogramdd(x_gen, bins=edges)[0].ravel()
    p = (h_true + alpha) / (h_true.sum() + alpha * h_true.size)
    q = (h_gen + alpha) / (h_gen.sum() + alpha * h_gen.size)
    return entropy(p, q)


def test_binned_kl_matches_dense_reference():
    rng = np.random.default_rng(2)
    x_true = rng.normal(size=(5000, 3))
    x_gen = rng.normal(loc=0.3, scale=1.2, size=(4000, 3))  # some points fall off the grid
    got = binned_kl(x_gen, x_true, n_bins=12, smoothing=1e-5)
    ref = _dense_reference(x_gen, x_true, 12, 1e-5)
    np.testing.assert_allclose(got, ref, rtol=1e-10)


def test_dstsp_identical_is_zero_and_batch_pooled(lorenz):
    assert state_space_divergence(lorenz, lorenz) == 0.0
    batched = lorenz.reshape(4, 5000, 3)
    assert state_space_divergence(batched, lorenz) == pytest.approx(0.0, abs=1e-12)


def test_dstsp_white_noise_vs_lorenz_is_large(lorenz):
    rng = np.random.default_rng(3)
    noise = lorenz.mean(0) + lorenz.std(0) * rng.standard_normal(lorenz.shape)
    half = state_space_divergence(lorenz[:10_000], lorenz[10_000:])
    far = state_space_divergence(noise, lorenz)
    assert half < 0.5
    assert far > 2.0
    assert far > 10 * half


def test_dstsp_is_affine_invariant(lorenz):
    a = lorenz[:10_000] * np.array([2.0, 0.5, 3.0]) + 7.0
    b = lorenz[10_000:] * np.array([2.0, 0.5, 3.0]) + 7.0
    np.testing.assert_allclose(
        state_space_divergence(a, b),
        state_space_divergence(lorenz[:10_000], lorenz[10_000:]),
        rtol=1e-9,
    )


def test_dstsp_drops_generated_points_off_the_grid(lorenz):
    far = np.full((500, 3), 1e3)
    assert state_space_divergence(np.concatenate([lorenz, far]), lorenz) == pytest.approx(0.0)
    assert np.isnan(state_space_divergence(far, lorenz))
    with_nan = np.concatenate([lorenz, np.full((5, 3), np.nan)])
    assert state_space_divergence(with_nan, lorenz) == pytest.approx(0.0)


def test_gmm_kl_gaussian_shift_matches_closed_form():
    # A kernel estimate with kernel variance s of N(0, I) data is ≈ N(0, (1 + s) I), so the
    # mixture KL between N(0, I) and N(m, I) samples is ≈ |m|² / (2 (1 + s)).
    rng = np.random.default_rng(4)
    d, s = 6, 1.0
    x_true = rng.standard_normal((10_000, d))
    x_gen = rng.standard_normal((10_000, d)) + 0.5
    got = gmm_kl(x_gen, x_true, scaling=s, mc_samples=2000, seed=5)
    expected = d * 0.25 / (2 * (1 + s))
    assert got == pytest.approx(expected, rel=0.15)


def test_dstsp_uses_gmm_from_dim_6_and_is_seeded():
    rng = np.random.default_rng(6)
    x_true = rng.standard_normal((3000, 6))
    x_gen = 0.8 * rng.standard_normal((3000, 6))
    assert state_space_divergence(x_true, x_true) == 0.0
    a = state_space_divergence(x_gen, x_true, seed=1)
    assert a == state_space_divergence(x_gen, x_true, seed=1)
    assert a == gmm_kl(x_gen, x_true, seed=1)
    assert a > 0


def _sines(freqs, n=4096, phase=0.0):
    t = np.arange(n)
    return np.stack([np.sin(2 * np.pi * f * t / n + phase) for f in freqs], axis=-1)


def test_dh_identical_is_zero(lorenz):
    assert power_spectrum_distance(lorenz, lorenz) == 0.0


def test_dh_is_phase_and_scale_invariant_for_whole_periods():
    a = _sines([50, 300])
    b = 5.0 * _sines([50, 300], phase=1.0) + 3.0
    assert power_spectrum_distance(b, a) == pytest.approx(0.0, abs=1e-6)


def test_dh_disjoint_spectra_is_one():
    # peaks 1500 bins apart, far beyond the σ = 20 smoothing: no overlap
    assert power_spectrum_distance(_sines([100]), _sines([1600])) == pytest.approx(1.0, abs=1e-6)


def test_dh_half_overlap_matches_closed_form():
    # p = smoothed (δ_100 + δ_1600)/2 vs q = smoothed δ_100: BC = sqrt(1/2), H = sqrt(1 − √½)
    mix = _sines([100]) + _sines([1600])
    got = power_spectrum_distance(mix, _sines([100]))
    assert got == pytest.approx(np.sqrt(1 - np.sqrt(0.5)), abs=1e-6)


def test_dh_fixed_point_scores_one_and_diverged_nan(lorenz):
    const = np.ones_like(lorenz)
    assert power_spectrum_distance(const, lorenz) == 1.0
    bad = lorenz.copy()
    bad[-1] = np.inf
    assert np.isnan(power_spectrum_distance(bad, lorenz))


def test_smoothed_spectrum_is_normalized_and_batch_averaged(lorenz):
    one = smoothed_spectrum(lorenz[:4096])
    two = smoothed_spectrum(np.stack([lorenz[:4096], lorenz[:4096]]))
    np.testing.assert_allclose(one.sum(axis=0), 1.0)
    np.testing.assert_allclose(one, two)
    assert one.shape == (2049, 3)


def test_torch_inputs_are_accepted(lorenz):
    t = torch.from_numpy(lorenz[:5000])
    assert state_space_divergence(t, t) == 0.0
    assert power_spectrum_distance(t, t) == 0.0
    with pytest.raises(ValueError, match="same length"):
        power_spectrum_distance(lorenz[:100], lorenz[:200])
