"""Short-term forecast metrics: NRMSE, sMAPE and PE per horizon, valid prediction time.

All take ``pred`` and ``true`` of shape ``[B, T, d]`` (``[T, d]`` is read as B = 1), numpy or
torch, where index ``t`` is the forecast ``t`` steps ahead of a shared initial condition (so
``pred[:, 0] == true[:, 0]`` for a model rollout). Definitions and citations: ``DESIGN.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chaosflow.metrics._arrays import as_batch, as_numpy, check_pair, true_std


def _pair(pred: Any, true: Any) -> tuple[np.ndarray, np.ndarray]:
    p, t = as_batch(pred, "pred"), as_batch(true, "true")
    check_pair(p, t)
    return p, t


def prediction_error(pred: Any, true: Any) -> np.ndarray:
    """Mean squared error per horizon, ``PE(n) = mean_{b,i} (x̂_{b,n,i} − x_{b,n,i})²``.

    Returns ``[T]`` in squared data units; ``PE(n)`` is entry ``n`` (Koppe et al. 2019; the
    GTF study reports PE(20), Hess et al. 2023).
    """
    p, t = _pair(pred, true)
    return np.mean((p - t) ** 2, axis=(0, 2))


def _normalized_sq_error(p: np.ndarray, t: np.ndarray, std: Any) -> np.ndarray:
    """``[B, T, d]`` squared errors divided by the per-dimension variance."""
    s = true_std(t, std)
    return (p - t) ** 2 / s**2


def nrmse(pred: Any, true: Any, *, std: Any = None) -> np.ndarray:
    """Normalized root-mean-square error per horizon, ``[T]`` (dimensionless).

    ``NRMSE(t) = sqrt( mean_{b,i} (x̂_{b,t,i} − x_{b,t,i})² / σ_i² )`` with ``σ_i`` the std of
    dimension ``i`` of ``true`` over batch and time, or ``std`` (``[d]`` or scalar) when given;
    pass the training data's std to compare runs on one scale.
    """
    p, t = _pair(pred, true)
    return np.sqrt(np.mean(_normalized_sq_error(p, t, std), axis=(0, 2)))


def smape(pred: Any, true: Any) -> np.ndarray:
    """Symmetric mean absolute percentage error per horizon, ``[T]`` in percent (0 to 200).

    ``sMAPE(t) = 100 · mean_{b,i} 2 |x̂_{b,t,i} − x_{b,t,i}| / (|x̂_{b,t,i}| + |x_{b,t,i}|)``,
    with a term ``0/0`` (both values exactly zero) counted as 0 (Makridakis 1993; as used for
    chaotic forecasting by Gilpin 2021, "Chaos as an interpretable benchmark...").
    """
    p, t = _pair(pred, true)
    num = 2.0 * np.abs(p - t)
    den = np.abs(p) + np.abs(t)
    ratio = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    ratio = np.where(np.isfinite(p), ratio, np.nan)
    return 100.0 * np.mean(ratio, axis=(0, 2))


def valid_prediction_time(pred: Any, true: Any, *, eps: float = 0.4, std: Any = None) -> np.ndarray:
    """Number of valid forecast steps per trajectory, ``int64 [B]`` (Pathak et al. 2018).

    The error ``e(b, t) = sqrt( mean_i (x̂_{b,t,i} − x_{b,t,i})² / σ_i² )`` (σ as in
    :func:`nrmse`) is compared with ``eps``; the result is the first index ``t`` with
    ``e > eps`` (a non-finite error counts as exceeding), or ``T`` if that never happens. With
    index 0 the shared initial condition, this is also the time of first failure in steps:
    multiply by ``dt`` (:func:`prediction_time`) or by ``dt·λmax`` (:func:`lyapunov_times`).
    """
    p, t = _pair(pred, true)
    err = np.sqrt(np.mean(_normalized_sq_error(p, t, std), axis=2))
    exceeded = ~(err <= eps)
    first = np.argmax(exceeded, axis=1)
    return np.where(exceeded.any(axis=1), first, p.shape[1]).astype(np.int64)


def prediction_time(n_valid: Any, dt: float) -> np.ndarray:
    """Valid steps → model time, ``n_valid · dt`` (float array, same shape as ``n_valid``)."""
    return as_numpy(n_valid) * float(dt)


def lyapunov_times(n_valid: Any, dt: float, lyapunov_max: float) -> np.ndarray:
    """Valid steps → Lyapunov times, ``n_valid · dt · λmax`` (λmax per time unit, > 0)."""
    if not lyapunov_max > 0:
        raise ValueError(f"lyapunov_max must be positive, got {lyapunov_max}")
    return prediction_time(n_valid, dt) * float(lyapunov_max)
