"""Invariants and robustness of generated trajectories: correlation dimension
(Grassberger & Procaccia 1983) and the fraction of diverged or fixed-point rollouts."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial.distance import pdist

from chaosflow.metrics._arrays import as_batch


def correlation_dimension(
    x: Any,
    *,
    n_points: int = 2000,
    c_range: tuple[float, float] = (1e-3, 3e-2),
    n_radii: int = 12,
    theiler: int = 10,
    seed: int | np.random.SeedSequence = 0,
) -> float:
    """Correlation dimension D2 by Grassberger & Procaccia (1983), dimensionless.

    ``x``: ``[T, d]`` or ``[B, T, d]`` (pooled). ``n_points`` points are drawn at random
    (``seed``); ``C(r)`` is the fraction of point pairs closer than ``r``, pairs from the same
    trajectory less than ``theiler`` steps apart excluded (Theiler 1986). D2 is the
    least-squares slope of ``log C`` against ``log r`` at ``n_radii`` radii where ``C`` runs
    log-evenly through ``c_range``, the scaling range (radii are quantiles of the pair
    distances, so every point of the fit sits exactly on the target ``C``). Lorenz-63 gives
    ≈ 2.05 (Grassberger & Procaccia 1983).
    """
    a = as_batch(x, "x")
    b, t, _ = a.shape
    rng = np.random.default_rng(seed)
    flat = rng.choice(b * t, size=min(n_points, b * t), replace=False)
    pts = a.reshape(b * t, -1)[flat]
    if not np.all(np.isfinite(pts)):
        return float("nan")
    dist = pdist(pts)
    # (trajectory, time) as one number with a gap > theiler between trajectories
    key = (flat // t) * (t + theiler + 1) + flat % t
    dist = dist[pdist(key[:, None].astype(np.float64), "cityblock") >= theiler]
    c = np.logspace(np.log10(c_range[0]), np.log10(c_range[1]), n_radii)
    r = np.quantile(dist, c)
    if np.any(r <= 0):
        return 0.0
    return float(np.polyfit(np.log(r), np.log(c), 1)[0])


def _scale(x_true: Any, d: int) -> tuple[np.ndarray, np.ndarray]:
    if x_true is None:
        return np.zeros(d), np.ones(d)
    t = as_batch(x_true, "x_true").reshape(-1, d)
    sd = t.std(axis=0)
    return t.mean(axis=0), np.where(sd > 0, sd, 1.0)


def diverged_mask(x_gen: Any, *, x_true: Any = None, factor: float = 10.0) -> np.ndarray:
    """``bool [B]``: the rollout holds a non-finite value or, when ``x_true`` is given, leaves
    the box ``|x_i − mean_i| ≤ factor · std_i`` of the true data (per dimension)."""
    g = as_batch(x_gen, "x_gen")
    mu, sd = _scale(x_true, g.shape[-1])
    bad = ~np.all(np.isfinite(g), axis=(1, 2))
    if x_true is not None:
        with np.errstate(invalid="ignore"):
            bad |= np.any(np.abs(g - mu) > factor * sd, axis=(1, 2))
    return bad


def fixed_point_mask(
    x_gen: Any, *, x_true: Any = None, tail: float = 0.1, tol: float = 1e-3
) -> np.ndarray:
    """``bool [B]``: over the last ``tail`` fraction of steps (≥ 2) every dimension's std is
    below ``tol`` (in units of the true data's std when ``x_true`` is given, else absolute).
    Diverged rollouts are not fixed points."""
    g = as_batch(x_gen, "x_gen")
    _, sd = _scale(x_true, g.shape[-1])
    n = max(2, round(tail * g.shape[1]))
    spread = g[:, -n:].std(axis=1) / sd
    with np.errstate(invalid="ignore"):
        return np.all(spread < tol, axis=1)


def diverged_fraction(x_gen: Any, *, x_true: Any = None, factor: float = 10.0) -> float:
    """Fraction of rollouts in ``x_gen: [B, T, d]`` flagged by :func:`diverged_mask`."""
    return float(np.mean(diverged_mask(x_gen, x_true=x_true, factor=factor)))


def fixed_point_fraction(
    x_gen: Any, *, x_true: Any = None, tail: float = 0.1, tol: float = 1e-3
) -> float:
    """Fraction of rollouts in ``x_gen: [B, T, d]`` flagged by :func:`fixed_point_mask`."""
    return float(np.mean(fixed_point_mask(x_gen, x_true=x_true, tail=tail, tol=tol)))
