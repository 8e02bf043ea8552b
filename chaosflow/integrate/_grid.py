"""The output time grid: where ``simulate`` reports the state."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Grid:
    """``n`` output points spaced ``dt`` apart, starting at ``t0``; index 0 is the initial state.

    ``dt`` is in the system's time units (for maps, iterations per output point, an integer).
    """

    dt: float
    n: int
    t0: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.dt) and self.dt > 0):
            raise ValueError(f"Grid: dt must be a positive finite number, got {self.dt!r}")
        if int(self.n) != self.n or self.n < 1:
            raise ValueError(f"Grid: n must be a positive integer, got {self.n!r}")
        object.__setattr__(self, "n", int(self.n))

    @property
    def times(self) -> np.ndarray:
        """Output times ``[n]``, in the system's time units."""
        return self.t0 + self.dt * np.arange(self.n, dtype=np.float64)

    @property
    def duration(self) -> float:
        """Time from the first to the last output point."""
        return self.dt * (self.n - 1)

    @classmethod
    def from_period(cls, system: Any, pts_per_period: int, n: int) -> Grid:
        """``pts_per_period`` output points per dominant period (dysts' ``pts_per_period``).

        ``system.metadata.period`` sets the period; maps ignore the request and use ``dt = 1``.
        """
        if system.kind == "map":
            return cls(dt=1.0, n=n)
        if int(pts_per_period) != pts_per_period or pts_per_period < 1:
            raise ValueError(f"pts_per_period must be a positive integer, got {pts_per_period!r}")
        return cls(dt=float(system.metadata.period) / int(pts_per_period), n=n)
