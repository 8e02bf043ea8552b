"""Power-spectrum distance D_H: Hellinger distance of Gaussian-smoothed power spectra.

Follows the GTF-shPLRNN study (Hess et al., ICML 2023; Mikhaeil et al., NeurIPS 2022). See
``DESIGN.md`` for every convention.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter1d

from chaosflow.metrics._arrays import as_batch


def smoothed_spectrum(x: Any, *, sigma: float = 20.0) -> np.ndarray:
    """Normalized, smoothed power spectrum ``[T//2 + 1, d]``, averaged over the batch.

    ``x``: ``[T, d]`` or ``[B, T, d]``. Each trajectory and dimension is z-scored, its power
    ``|rfft|²`` smoothed by a Gaussian of std ``sigma`` frequency bins (scipy's
    ``gaussian_filter1d``, reflect padding, radius 4σ), clipped at 0 and normalized to sum 1;
    spectra are then averaged over the batch. A constant series has no spectrum: its column is
    NaN, and NaN-columns are left out of the batch average (all-NaN stays NaN).
    """
    a = as_batch(x, "x")
    centered = a - a.mean(axis=1, keepdims=True)
    sd = a.std(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sd > 0, centered / sd, np.nan)
    ps = np.abs(np.fft.rfft(z, axis=1)) ** 2
    if sigma > 0:
        ps = np.clip(gaussian_filter1d(ps, float(sigma), axis=1, mode="reflect"), 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        ps = ps / ps.sum(axis=1, keepdims=True)
    ok = np.all(np.isfinite(ps), axis=1, keepdims=True)
    n_ok = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, ps, 0.0).sum(axis=0) / np.where(n_ok > 0, n_ok, np.nan)


def hellinger(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hellinger distance per column of two ``[K, d]`` distributions, ``[d]`` in [0, 1].

    ``H = sqrt(1 − Σ_k sqrt(p_k q_k)) = ‖√p − √q‖₂ / √2`` for normalized inputs; the second
    form is computed (exactly 0 for identical inputs, no cancellation).
    """
    return np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2, axis=0) / 2.0)


def power_spectrum_distance(x_gen: Any, x_true: Any, *, sigma: float = 20.0) -> float:
    """D_H: Hellinger distance of smoothed power spectra, averaged over dimensions.

    ``x_gen``, ``x_true``: ``[T, d]`` or ``[B, T, d]`` with the same ``T`` and ``d`` (batch sizes
    may differ; spectra are batch-averaged, see :func:`smoothed_spectrum`). A dimension where
    the generated data are constant (a fixed point) scores 1, the maximum; non-finite
    generated data give NaN.
    """
    g, t = as_batch(x_gen, "x_gen"), as_batch(x_true, "x_true")
    if g.shape[1:] != t.shape[1:]:
        raise ValueError(
            f"x_gen and x_true need the same length and dim, got {g.shape} and {t.shape}"
        )
    if not np.all(np.isfinite(g)):
        return float("nan")
    p, q = smoothed_spectrum(t, sigma=sigma), smoothed_spectrum(g, sigma=sigma)
    h = hellinger(p, q)
    h = np.where(np.isnan(q).all(axis=0) & ~np.isnan(p).all(axis=0), 1.0, h)
    return float(np.mean(h))
