"""Naive baselines every learned model must beat: persistence and the climatological mean."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import Tensor

from chaosflow.models._base import Model


class Persistence(Model):
    """``x_{t+1} = x_t``: valid for a handful of steps on a chaotic flow."""

    name: ClassVar[str] = "persistence"
    defaults: ClassVar[dict[str, Any]] = {}
    fitting: ClassVar[str] = "none"
    default_forcing: ClassVar[str] = "none"

    def step(self, z: Tensor) -> Tensor:
        return z


class Mean(Model):
    """Climatological mean of the training data after the first step (0 standardized)."""

    name: ClassVar[str] = "mean"
    defaults: ClassVar[dict[str, Any]] = {}
    fitting: ClassVar[str] = "none"
    default_forcing: ClassVar[str] = "none"

    def step(self, z: Tensor) -> Tensor:
        return z * 0
