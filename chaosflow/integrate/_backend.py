"""Array plumbing shared by the integrators: numpy and torch through one small surface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from chaosflow.systems._array import is_torch, namespace


def as_batch(x0: Any, dim: int, name: str) -> Any:
    """Validate ``x0: [batch, dim]``; numpy input becomes a float array (float64 unless float32)."""
    if not is_torch(x0):
        x0 = np.asarray(x0)
        if x0.dtype not in (np.float32, np.float64):
            x0 = x0.astype(np.float64)
    elif not x0.is_floating_point():
        x0 = x0.double()
    if x0.ndim != 2 or x0.shape[1] != dim:
        raise ValueError(
            f"system {name!r}: x0 must have shape [batch, {dim}], got {tuple(x0.shape)} "
            "(use x0[None] for a single initial condition)"
        )
    return x0


def params_for(system: Any, params: Mapping[str, Any] | None, like: Any) -> dict[str, Any]:
    """System parameters with ``params`` overrides: floats or ``[batch]`` arrays like ``like``.

    Unknown names fail; arrays must have shape ``[batch]`` (one value per trajectory).
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(system.params))
    if unknown:
        raise ValueError(
            f"system {system.name!r} has no parameter(s) {unknown}; its parameters are "
            f"{sorted(system.params)}"
        )
    batch = like.shape[0]
    merged: dict[str, Any] = {}
    for key, value in {**system.params, **params}.items():
        arr = value.detach().cpu().numpy() if is_torch(value) else np.asarray(value)
        if arr.ndim == 0:
            merged[key] = float(arr)
            continue
        if arr.shape != (batch,):
            raise ValueError(
                f"system {system.name!r}: parameter {key!r} must be a scalar or have shape "
                f"[{batch}] (one value per trajectory), got {arr.shape}"
            )
        merged[key] = to_like(arr.astype(np.float64), like)
    return merged


def to_like(arr: np.ndarray, like: Any) -> Any:
    """``arr`` in the namespace, dtype and device of ``like``."""
    if is_torch(like):
        import torch

        return torch.as_tensor(arr, dtype=like.dtype, device=like.device)
    return np.asarray(arr, dtype=like.dtype)


def empty(shape: tuple[int, ...], like: Any) -> Any:
    """Uninitialised array of ``shape`` with the namespace, dtype and device of ``like``."""
    if is_torch(like):
        import torch

        return torch.empty(shape, dtype=like.dtype, device=like.device)
    return np.empty(shape, dtype=like.dtype)


def full(shape: tuple[int, ...], value: Any, like: Any, dtype: Any = None) -> Any:
    """Array filled with ``value`` (``dtype`` a numpy/torch dtype of the same namespace)."""
    if is_torch(like):
        import torch

        return torch.full(shape, value, dtype=dtype or like.dtype, device=like.device)
    return np.full(shape, value, dtype=dtype or like.dtype)


def to_numpy(x: Any) -> np.ndarray:
    """A numpy copy/view of a numpy array or torch tensor."""
    return x.detach().cpu().numpy() if is_torch(x) else np.asarray(x)


def bool_dtype(like: Any) -> Any:
    return namespace(like).bool if is_torch(like) else np.bool_


def int_dtype(like: Any) -> Any:
    return namespace(like).int64 if is_torch(like) else np.int64
