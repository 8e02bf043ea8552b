"""Per-trajectory divergence detection without host synchronisation (GPU friendly).

A row is diverged once its state is non-finite or any coordinate exceeds ``BOUND`` in magnitude.
It keeps being integrated from its last good state (so no overflow spreads), and every output
point from the divergence on is NaN; the caller raises or drops and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chaosflow.integrate import _backend as B
from chaosflow.systems._array import namespace

#: No catalog system comes near this magnitude on its attractor.
BOUND = 1e12


class Monitor:
    """Tracks ``diverged: bool[batch]`` and ``first: int[batch]`` (output index, -1 if never)."""

    def __init__(self, x0: Any) -> None:
        batch = x0.shape[0]
        self.diverged = B.full((batch,), False, x0, dtype=B.bool_dtype(x0))
        self.first = B.full((batch,), -1, x0, dtype=B.int_dtype(x0))

    def check(self, i: int, x: Any, prev: Any) -> Any:
        """Record rows of ``x: [batch, dim]`` diverged at output ``i``; restore them to ``prev``."""
        xp = namespace(x)
        bad = ~xp.isfinite(x).all(-1) | (xp.abs(x) > BOUND).any(-1)
        self.first = xp.where(bad & ~self.diverged, i, self.first)
        self.diverged = self.diverged | bad
        return x if prev is None else xp.where(bad[:, None], prev, x)

    def masked(self, x: Any) -> Any:
        """``x`` with diverged rows replaced by NaN (what is written to the output)."""
        return namespace(x).where(self.diverged[:, None], float("nan"), x)


@dataclass(frozen=True)
class Simulation:
    """What ``simulate_checked`` returns (one type, always).

    ``x``: ``[batch, n, dim]`` in the input's namespace, NaN from a row's divergence on;
    ``diverged``: ``bool[batch]``; ``diverged_at``: ``int[batch]`` output index of the first bad
    point (-1 if none); ``times``: ``[n]``; ``n_steps`` / ``n_rejected``: ``int[batch]`` accepted
    and rejected integrator steps per trajectory (0 rejections for fixed-step methods).
    """

    x: Any
    diverged: np.ndarray
    diverged_at: np.ndarray
    times: np.ndarray
    n_steps: np.ndarray
    n_rejected: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Indices of the rows that never diverged (``x[ok]`` is safe to store)."""
        return np.flatnonzero(~self.diverged)

    @property
    def diverged_times(self) -> np.ndarray:
        """Divergence time per diverged row, in system time units."""
        return self.times[self.diverged_at[self.diverged]]
