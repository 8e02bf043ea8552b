"""Seeded noise: dynamical (Euler–Maruyama) inside ``simulate`` and observational on outputs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chaosflow.integrate._methods import EulerMaruyama
from chaosflow.integrate._monitor import Monitor
from chaosflow.integrate._rk import run_grid
from chaosflow.systems._array import is_torch


def normal_source(seed: int | np.random.SeedSequence, like: Any):
    """``draw(shape) -> N(0, 1)`` samples like ``like`` (numpy or torch ``Generator``)."""
    if not is_torch(like):
        rng = np.random.default_rng(seed)
        return lambda shape: rng.standard_normal(shape).astype(like.dtype, copy=False)
    import torch

    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    gen = torch.Generator(device=like.device)
    gen.manual_seed(int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))
    return lambda shape: torch.randn(shape, generator=gen, dtype=like.dtype, device=like.device)


def run_sde(system, x0, grid, method: EulerMaruyama, p, monitor: Monitor):
    """``dx = f dt + sigma dW`` with ``method.substeps`` Euler–Maruyama steps per output."""
    h = grid.dt / method.substeps
    amp = method.sigma * math.sqrt(h)
    draw, rhs = normal_source(method.seed, x0), system.rhs

    def advance(t: float, x: Any) -> Any:
        for k in range(method.substeps):
            x = x + h * rhs(t + k * h, x, p) + amp * draw(tuple(x.shape))
        return x

    return run_grid(advance, x0, grid, monitor), (grid.n - 1) * method.substeps, 0


def add_observation_noise(
    x: Any, sigma: float, seed: int | np.random.SeedSequence, *, relative: bool = True
) -> Any:
    """``x + sigma · s · ξ`` for ``x: [batch, time, dim]``; ``ξ ~ N(0, 1)`` seeded.

    ``s`` is each coordinate's standard deviation over batch and time when ``relative`` (dysts'
    convention: noise as a fraction of the signal), else 1. Same array type as ``x``.
    """
    if not sigma >= 0:
        raise ValueError(f"observation noise sigma must be >= 0, got {sigma!r}")
    if not is_torch(x):
        x = np.asarray(x, dtype=np.float64 if x.dtype.kind != "f" else x.dtype)
    scale = x.reshape(-1, x.shape[-1]).std(0) if relative else 1.0
    noise = normal_source(seed, x)(tuple(x.shape))
    return x + sigma * scale * noise
