"""Divergence reporting: a diverged trajectory is named, never stored silently."""

from __future__ import annotations

from collections.abc import Sequence


class DivergenceError(RuntimeError):
    """Some trajectories became non-finite or left every plausible bound.

    Attributes: ``system`` (name), ``indices`` (batch rows, ascending) and ``times`` (the first
    output time, in system time units, at which each of those rows was found diverged).
    """

    def __init__(self, system: str, indices: Sequence[int], times: Sequence[float]) -> None:
        self.system = system
        self.indices = [int(i) for i in indices]
        self.times = [float(t) for t in times]
        shown = ", ".join(
            f"{i}@t={t:g}" for i, t in zip(self.indices[:8], self.times[:8], strict=False)
        )
        more = f" and {len(self.indices) - 8} more" if len(self.indices) > 8 else ""
        super().__init__(
            f"system {system!r}: {len(self.indices)} trajectory(ies) diverged "
            f"(batch index@time: {shown}{more}); use a smaller step, other initial conditions, "
            "or simulate_checked(...) to drop and report them"
        )

    def __reduce__(self):
        # Rebuild from the constructor's arguments: pickling (a Dask worker or process pool
        # sending the error back) would otherwise call __init__ with the message alone.
        return type(self), (self.system, self.indices, self.times)
