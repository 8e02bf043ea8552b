"""Tiny array-namespace helpers so one ``rhs`` runs on numpy arrays and torch tensors."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np


class Symbolic:
    """Base of symbolic stand-ins for arrays (the tracer of ``chaosflow.integrate``'s compiled
    path); they carry their own ``namespace`` and ``namespace.stack``."""

    __slots__ = ()
    namespace: Any


def is_torch(x: Any) -> bool:
    """True for a ``torch.Tensor`` without importing torch when it is not loaded."""
    return type(x).__module__.startswith("torch")


def namespace(x: Any) -> ModuleType:
    """The array module (``numpy`` or ``torch``) that owns ``x``.

    Both expose the element-wise functions the catalog uses (sin, cos, exp, tanh, abs, sqrt,
    sign, roll, where) under the same names.
    """
    if is_torch(x):
        import torch

        return torch
    if isinstance(x, Symbolic):
        return x.namespace
    return np


def stack(columns: Sequence[Any]) -> Any:
    """Stack per-coordinate arrays ``[batch]`` into ``[batch, dim]`` in their own namespace."""
    first = next((c for c in columns if hasattr(c, "shape")), None)
    if first is not None and is_torch(first):
        import torch

        cols = [c if is_torch(c) else torch.full_like(first, float(c)) for c in columns]
        cols = torch.broadcast_tensors(*cols)
        return torch.stack(cols, dim=-1)
    if isinstance(first, Symbolic):
        return first.namespace.stack(columns)
    # Allocate once and assign columns: same values as np.stack, ~3x less overhead per call
    # (this sits in every right-hand side evaluation).
    cols = [np.asarray(c) for c in columns]
    shape = np.broadcast_shapes(*(c.shape for c in cols))
    out = np.empty((*shape, len(cols)), dtype=np.result_type(*cols))
    for i, c in enumerate(cols):
        out[..., i] = c
    return out
