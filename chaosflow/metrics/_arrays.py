"""Array plumbing shared by the metrics: torch → numpy, batch pooling, shape checks."""

from __future__ import annotations

from typing import Any

import numpy as np


def as_numpy(x: Any) -> np.ndarray:
    """A float64 numpy copy of ``x`` (numpy array, torch tensor on any device, or nested list)."""
    if type(x).__module__.startswith("torch"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def as_batch(x: Any, name: str) -> np.ndarray:
    """``[T, d]`` or ``[B, T, d]`` → float64 ``[B, T, d]`` (a single trajectory becomes B = 1)."""
    a = as_numpy(x)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3:
        raise ValueError(f"{name} must be [T, d] or [B, T, d], got shape {a.shape}")
    return a


def pooled(x: Any, name: str) -> np.ndarray:
    """``[T, d]`` or ``[B, T, d]`` → ``[B*T, d]`` (all trajectories pooled into one sample)."""
    a = as_batch(x, name)
    return a.reshape(-1, a.shape[-1])


def check_pair(pred: np.ndarray, true: np.ndarray) -> None:
    """Raise a readable error when two ``[B, T, d]`` arrays do not line up."""
    if pred.shape != true.shape:
        raise ValueError(
            f"pred and true must have the same shape, got {pred.shape} and {true.shape}"
        )


def true_std(true: np.ndarray, std: Any) -> np.ndarray:
    """Per-dimension scale ``[d]``: the given ``std`` or the std of ``true`` over batch and time."""
    if std is None:
        s = true.reshape(-1, true.shape[-1]).std(axis=0)
    else:
        s = np.broadcast_to(as_numpy(std), (true.shape[-1],))
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"per-dimension std must be finite and positive, got {s}")
    return s
