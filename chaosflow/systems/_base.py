"""The ``System`` interface: a chaotic system is data plus a pure, array-generic function."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

Kind = Literal["flow", "map", "delay", "pde"]
KINDS: tuple[Kind, ...] = ("flow", "map", "delay", "pde")

#: ``rhs(t, x, p)``: ``x`` is ``[batch, dim]`` (numpy or torch); ``p`` maps parameter names to
#: floats or ``[batch]`` arrays (parameter sweeps); returns ``dx/dt`` (flows) or ``x_{n+1}``
#: (maps) with the shape and namespace of ``x``.
Rhs = Callable[[Any, Any, Mapping[str, Any]], Any]

#: ``step(x, dt, p) -> x_next``: a system's own time stepper (the PDE's ETDRK4), used by
#: ``simulate`` instead of Runge–Kutta when present; ``x: [batch, dim]`` numpy or torch.
Step = Callable[[Any, float, Mapping[str, Any]], Any]


class SystemError_(ValueError):
    """Base for bad system names, parameters or values (a ``ValueError``)."""


class UnknownParameterError(SystemError_):
    """A parameter override names a parameter the system does not have."""


@dataclass(frozen=True)
class Metadata:
    """Reference facts about a system.

    ``dt``: recommended output step, in the system's time units (1 for maps).
    ``period``: dominant period of the attractor, in time units.
    ``lyapunov_max``: reference largest Lyapunov exponent, per time unit (per iteration for maps).
    ``x0``: an initial condition on (or near) the attractor.
    ``citation``: where the equations, parameters and reference values come from.
    ``param_bounds``: ``{name: (low, high)}`` open interval a parameter override must lie in
    (e.g. a delay ``tau > 0``); parameters not listed only need to be finite.
    """

    dt: float
    period: float
    lyapunov_max: float
    x0: tuple[float, ...]
    citation: str
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    param_bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def lyapunov_time(self) -> float:
        """1/λmax in time units (``inf`` for non-chaotic references)."""
        return 1.0 / self.lyapunov_max if self.lyapunov_max > 0 else math.inf


@dataclass(frozen=True)
class System:
    """A dynamical system: a name, a dimension, parameters, a pure ``rhs`` and metadata.

    ``rhs(t, x, p)`` takes ``x: [batch, dim]`` and runs unchanged on numpy arrays and torch
    tensors. ``jac(t, x, p) -> [batch, dim, dim]`` is optional (autograd or finite differences
    stand in where it is missing). ``step(x, dt, p)`` is an optional exact-structure stepper
    (ETDRK4 for Kuramoto–Sivashinsky) that integrators prefer over Runge–Kutta.

    Kind conventions: ``flow`` — ``rhs`` is dx/dt; ``map`` — ``rhs`` is the next state and
    ``metadata.dt == 1``; ``delay`` — parameter ``tau`` is the delay, ``rhs`` receives
    ``[batch, 2*dim]`` = x(t) ‖ x(t−τ) and returns dx/dt ``[batch, dim]``; ``pde`` — ``rhs`` is
    the semi-discrete right-hand side on the grid.
    """

    name: str
    dim: int
    kind: Kind
    params: Mapping[str, float]
    rhs: Rhs
    metadata: Metadata
    jac: Rhs | None = None
    step: Step | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SystemError_(f"system {self.name!r}: kind {self.kind!r} not one of {KINDS}")
        if len(self.metadata.x0) != self.dim:
            raise SystemError_(
                f"system {self.name!r}: x0 has {len(self.metadata.x0)} entries, dim is {self.dim}"
            )
        if self.kind == "delay" and "tau" not in self.params:
            raise SystemError_(f"delay system {self.name!r} needs a 'tau' parameter")
        if self.kind == "map" and self.metadata.dt != 1:
            raise SystemError_(f"map {self.name!r}: metadata.dt must be 1, got {self.metadata.dt}")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def with_params(self, **overrides: float) -> System:
        """A copy with some parameters replaced; unknown names and non-finite values fail."""
        unknown = sorted(set(overrides) - set(self.params))
        if unknown:
            raise UnknownParameterError(
                f"system {self.name!r} has no parameter(s) {unknown}; "
                f"its parameters are {sorted(self.params)}"
            )
        for key, value in overrides.items():
            try:
                ok = math.isfinite(float(value))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise SystemError_(
                    f"system {self.name!r}: parameter {key!r} must be a finite number, "
                    f"got {value!r}"
                )
            low, high = self.metadata.param_bounds.get(key, (-math.inf, math.inf))
            if not low < float(value) < high:
                raise SystemError_(
                    f"system {self.name!r}: parameter {key!r} must lie in ({low}, {high}), "
                    f"got {value!r}"
                )
        merged = {**self.params, **{k: float(v) for k, v in overrides.items()}}
        return dataclasses.replace(self, params=merged)

    def __call__(self, t: Any, x: Any, p: Mapping[str, Any] | None = None) -> Any:
        """Evaluate ``rhs`` with the system's own parameters unless ``p`` is given."""
        return self.rhs(t, x, self.params if p is None else p)
