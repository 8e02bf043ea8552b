"""Long-term geometry: state-space divergence D_stsp (binned KL for dim < 6, Gaussian-mixture
Monte-Carlo KL for dim ≥ 6).

Follows the GTF-shPLRNN study (Hess et al., ICML 2023) and its reference implementation;
``DESIGN.md`` lists every convention and where it comes from.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import logsumexp

from chaosflow.metrics._arrays import pooled

#: Dimensions below this use the binned estimate, the rest the Gaussian-mixture one (GTF rule).
BINNING_MAX_DIM = 5


def state_space_divergence(
    x_gen: Any,
    x_true: Any,
    *,
    n_bins: int = 30,
    smoothing: float = 1e-5,
    scaling: float = 1.0,
    max_points: int = 10_000,
    mc_samples: int = 1_000,
    seed: int | np.random.SeedSequence = 0,
) -> float:
    """D_stsp = KL(p_true ‖ p_gen) between state-space occupations, in nats.

    ``x_gen``, ``x_true``: ``[T, d]`` or ``[B, T, d]`` (trajectories pooled; lengths may differ).
    ``d ≤ 5``: binned estimate (:func:`binned_kl`, ``n_bins``, ``smoothing``); ``d ≥ 6``:
    Gaussian-mixture estimate (:func:`gmm_kl`, ``scaling``, ``max_points``, ``mc_samples``,
    ``seed``). Returns NaN when no generated point lands in the true data's box (binning) or
    ``x_gen`` has no finite point.
    """
    g, t = pooled(x_gen, "x_gen"), pooled(x_true, "x_true")
    if g.shape[1] != t.shape[1]:
        raise ValueError(f"x_gen has dim {g.shape[1]}, x_true has dim {t.shape[1]}")
    if t.shape[1] <= BINNING_MAX_DIM:
        return binned_kl(g, t, n_bins=n_bins, smoothing=smoothing)
    return gmm_kl(g, t, scaling=scaling, max_points=max_points, mc_samples=mc_samples, seed=seed)


def _bin_index(x: np.ndarray, lo: np.ndarray, width: np.ndarray, n_bins: int) -> np.ndarray:
    """Flat bin index ``[n]`` of points inside the grid; points outside (or non-finite) dropped."""
    with np.errstate(invalid="ignore"):
        idx = np.floor((x - lo) / width)
    inside = np.all((idx >= 0) & (idx < n_bins), axis=1)
    idx = idx[inside].astype(np.int64)
    return np.ravel_multi_index(tuple(idx.T), (n_bins,) * x.shape[1])


def binned_kl(
    x_gen: np.ndarray, x_true: np.ndarray, *, n_bins: int = 30, smoothing: float = 1e-5
) -> float:
    """Binned KL(p_true ‖ p_gen) for pooled ``[n, d]`` samples (the GTF "default" binning).

    The grid has ``n_bins`` equal bins per dimension spanning the TRUE data's range padded by
    0.1 σ_true on each side. Generated points outside the grid are dropped, as in the
    reference (a histogram with fixed edges ignores them), so the generated occupation is
    normalized over in-grid points only. Laplace smoothing: ``p = (h + α) / (Σh + α·n_bins^d)``.
    The ``n_bins^d`` bins are never materialized: bins empty in both histograms share one
    constant term, added in closed form.
    """
    lo = x_true.min(axis=0) - 0.1 * x_true.std(axis=0, ddof=1)
    hi = x_true.max(axis=0) + 0.1 * x_true.std(axis=0, ddof=1)
    width = (hi - lo) / n_bins
    width = np.where(width > 0, width, 1.0)  # constant true coordinate: one populated bin
    i_true = _bin_index(x_true, lo, width, n_bins)
    i_gen = _bin_index(x_gen, lo, width, n_bins)
    if i_gen.size == 0:
        return float("nan")
    bins, inverse = np.unique(np.concatenate([i_true, i_gen]), return_inverse=True)
    h_true = np.bincount(inverse[: i_true.size], minlength=bins.size)
    h_gen = np.bincount(inverse[i_true.size :], minlength=bins.size)
    n_all = float(n_bins) ** x_true.shape[1]
    alpha = float(smoothing)
    z_true, z_gen = i_true.size + alpha * n_all, i_gen.size + alpha * n_all
    p, q = (h_true + alpha) / z_true, (h_gen + alpha) / z_gen
    kl = float(np.sum(p * np.log(p / q)))
    n_empty = n_all - bins.size
    if n_empty > 0 and alpha > 0:
        p0, q0 = alpha / z_true, alpha / z_gen
        kl += n_empty * p0 * np.log(p0 / q0)
    return kl


def _gmm_log_density(samples: np.ndarray, centers: np.ndarray, var: float) -> np.ndarray:
    """log of the mixture ``mean_t N(s; c_t, var·I)`` at each sample, ``[m]`` (chunked)."""
    d = samples.shape[1]
    out = np.empty(samples.shape[0])
    c2 = np.sum(centers**2, axis=1)
    for start in range(0, samples.shape[0], 256):
        s = samples[start : start + 256]
        sq = np.sum(s**2, axis=1)[:, None] - 2.0 * s @ centers.T + c2[None, :]
        out[start : start + 256] = logsumexp(-0.5 * np.maximum(sq, 0.0) / var, axis=1)
    return out - np.log(centers.shape[0]) - 0.5 * d * np.log(2.0 * np.pi * var)


def _subsample(x: np.ndarray, max_points: int) -> np.ndarray:
    """Evenly strided subsample of at most ``max_points`` rows (keeps the time ordering)."""
    if x.shape[0] <= max_points:
        return x
    return x[np.linspace(0, x.shape[0] - 1, max_points).round().astype(np.int64)]


def gmm_kl(
    x_gen: np.ndarray,
    x_true: np.ndarray,
    *,
    scaling: float = 1.0,
    max_points: int = 10_000,
    mc_samples: int = 1_000,
    seed: int | np.random.SeedSequence = 0,
) -> float:
    """Gaussian-mixture Monte-Carlo KL(p_true ‖ p_gen) for pooled ``[n, d]`` samples.

    Both sets are standardized with the TRUE data's per-dimension mean and std; each set
    becomes a mixture with one Gaussian of covariance ``scaling·I`` on each of at most
    ``max_points`` (evenly strided) points. ``mc_samples`` draws from the true mixture estimate
    ``E[log p_true − log p_gen]`` (Hershey & Olsen 2007), seeded by ``seed``. Log-densities use
    log-sum-exp, so far-away generated points give a large finite value instead of the
    underflow that the reference filters out.
    """
    finite = np.all(np.isfinite(x_gen), axis=1)
    if not finite.any():
        return float("nan")
    mu, sd = x_true.mean(axis=0), x_true.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    t = _subsample((x_true - mu) / sd, max_points)
    g = _subsample((x_gen[finite] - mu) / sd, max_points)
    rng = np.random.default_rng(seed)
    picks = t[rng.integers(0, t.shape[0], size=mc_samples)]
    samples = picks + np.sqrt(scaling) * rng.standard_normal(picks.shape)
    log_p = _gmm_log_density(samples, t, scaling)
    log_q = _gmm_log_density(samples, g, scaling)
    return float(np.mean(log_p - log_q))
