"""Integration methods: small frozen strategy objects passed to ``simulate(method=...)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from chaosflow.integrate import _tableaus
from chaosflow.integrate._tableaus import Tableau


def _check_substeps(name: str, substeps: int) -> None:
    if int(substeps) != substeps or substeps < 1:
        raise ValueError(f"{name}: substeps must be a positive integer, got {substeps!r}")


@dataclass(frozen=True)
class FixedStep:
    """Fixed-step explicit Runge–Kutta: ``substeps`` equal steps per output interval."""

    substeps: int = 1
    tableau: ClassVar[Tableau]

    def __post_init__(self) -> None:
        _check_substeps(type(self).__name__, self.substeps)


@dataclass(frozen=True)
class Euler(FixedStep):
    """Forward Euler, order 1 (tests and the deterministic part of Euler–Maruyama)."""

    tableau: ClassVar[Tableau] = _tableaus.EULER


@dataclass(frozen=True)
class RK4(FixedStep):
    """Classical 4th-order Runge–Kutta."""

    tableau: ClassVar[Tableau] = _tableaus.RK4


@dataclass(frozen=True)
class DOP853(FixedStep):
    """The 12-stage 8th-order Dormand–Prince weights, used at a fixed step (no error control)."""

    tableau: ClassVar[Tableau] = _tableaus.DOP853


@dataclass(frozen=True)
class Dopri5:
    """Adaptive Dormand–Prince 5(4): per-trajectory step-size control, dense output to the grid.

    ``rtol``/``atol`` bound the local error per step (mixed test ``atol + rtol·|x|``);
    ``max_steps`` bounds accepted-plus-rejected steps per trajectory before it is declared
    diverged; ``safety``, ``min_factor``, ``max_factor`` are the usual controller constants.
    """

    rtol: float = 1e-9
    atol: float = 1e-9
    max_steps: int = 1_000_000
    safety: float = 0.9
    min_factor: float = 0.2
    max_factor: float = 10.0
    tableau: ClassVar[Tableau] = _tableaus.DOPRI5

    def __post_init__(self) -> None:
        if not (self.rtol > 0 and self.atol > 0):
            raise ValueError(
                f"Dopri5: rtol and atol must be positive, got {self.rtol}, {self.atol}"
            )


@dataclass(frozen=True)
class EulerMaruyama:
    """Dynamical (additive) noise: ``dx = f dt + sigma dW``, ``substeps`` steps per output.

    ``sigma`` is in state units per sqrt(time unit), the same for every coordinate. For additive
    noise Milstein's method coincides with Euler–Maruyama (strong order 1). ``seed`` (int) drives
    a numpy ``Generator`` for numpy input and a ``torch.Generator`` on the tensor's device for
    torch input: reproducible per backend, not across backends.
    """

    sigma: float
    seed: int
    substeps: int = 10

    def __post_init__(self) -> None:
        _check_substeps("EulerMaruyama", self.substeps)
        if not self.sigma >= 0:
            raise ValueError(f"EulerMaruyama: sigma must be >= 0, got {self.sigma!r}")


Method = FixedStep | Dopri5 | EulerMaruyama
