"""Shared helpers for the dysts flows (``flows_a_k*``): registration, output step, columns.

Facts (parameters, initial conditions, periods) come from dysts' ``chaotic_attractors.json``:
Gilpin, W. (2021) Chaos as an interpretable benchmark for forecasting and data-driven
modelling. NeurIPS Datasets and Benchmarks. Reference Lyapunov exponents follow the rule of
``_lyapunov_refs`` (a published value read from its source, else chaosflow's independent
scipy-QR reference where it passed its exact checks, else dysts' QR λ1, else dysts' naive
estimate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from chaosflow.systems._array import namespace
from chaosflow.systems._base import Metadata, Rhs, System
from chaosflow.systems._registry import register_system
from chaosflow.systems.catalog._lyapunov_refs import reference_lyapunov

_VALUES = "values: dysts chaotic_attractors.json (Gilpin 2021)"

#: Flows whose defaults differ from dysts' because dysts' values are not chaotic (or not
#: reproducible) from its x0; name -> what differs and why (the measurements are in the comment
#: at each definition and in ``benchmarks/results/lyapunov_flows.txt``). Shown by ``chaosflow
#: systems show`` and kept in ``metadata.extra["departs_from_dysts"]`` and the citation.
DEPARTURES: dict[str, str] = {
    "CellCycle": "x0 on the chaotic attractor: from dysts' x0 RK4 at P/100 reaches a slow "
    "periodic orbit",
    "ForcedVanDerPol": "w = 2π/10 (dysts 0.63, where every start tried is regular) and x0 on "
    "its attractor",
    "HenonHeiles": "x0 in the chaotic sea at the energy of dysts' x0 (0.137), which lies on a "
    "regular orbit",
    "IsothermalChemical": "x0 inside the chaotic basin: dysts' x0 is near the boundary with a "
    "coexisting periodic orbit",
    "LiuChen": "x0 on the attractor: dysts' x0 is on the invariant line y = z = 0",
    "Lorenz84": "x0 on the chaotic attractor: dysts' x0 reaches a coexisting periodic orbit",
    "NoseHoover": "x0 (0, 5, 0) in the chaotic sea: dysts' x0 is on an invariant torus",
    "SprottA": "x0 (0, 5, 0) of Sprott (1994), in the chaotic sea: dysts' x0 is on an "
    "invariant torus",
}


def values_note(name: str) -> str:
    """The citation's note on where a dysts flow's values come from (and where they differ)."""
    departs = DEPARTURES.get(name)
    return f"{_VALUES}, except: {departs}" if departs else _VALUES


def departure_extra(name: str) -> dict[str, str]:
    """``{"departs_from_dysts": why}`` for a flow in ``DEPARTURES``, else ``{}``."""
    return {"departs_from_dysts": DEPARTURES[name]} if name in DEPARTURES else {}


def output_dt(period: float) -> float:
    """Output step: the dominant period / 30, rounded to one significant digit (time units)."""
    return float(f"{period / 30:.0e}")


def cols(x: Any) -> tuple[Any, ...]:
    """The columns ``x[..., i]`` of ``x: [batch, dim]``, each ``[batch]``."""
    return tuple(x[..., i] for i in range(x.shape[-1]))


def positive_part(x: Any) -> Any:
    """``max(x, 0)`` element-wise, array-generic (numpy's and torch's ``clip`` differ)."""
    return 0.5 * (x + namespace(x).abs(x))


def dysts_flow(
    name: str,
    rhs: Rhs,
    params: Mapping[str, float],
    *,
    x0: Sequence[float],
    period: float,
    dysts_dt: float,
    citation: str,
    description: str = "",
    unbounded: Sequence[int] = (),
    nonautonomous: bool = False,
    dt: float | None = None,
    smooth: bool = True,
) -> System:
    """Build and register a dysts flow; ``dysts_dt`` is dysts' own (tiny) integration step.

    ``dt`` overrides the output step where ``period / 30`` would undersample a faster
    oscillation than the dominant period. ``smooth=False`` marks a right-hand side with kinks
    or jumps (``abs``, switches), where high-order steps stop converging at their order.
    ``metadata.lyapunov_max`` follows ``_lyapunov_refs.reference_lyapunov`` (one rule for every
    dysts flow); its source is in the citation and in ``metadata.extra["lyapunov_source"]``.
    """
    lyapunov_max, source = reference_lyapunov(name)
    extra: dict[str, Any] = {"dysts_dt": dysts_dt, "lyapunov_source": source}
    extra.update(departure_extra(name))
    if unbounded:
        extra["unbounded_indices"] = tuple(unbounded)
    if nonautonomous:
        extra["nonautonomous"] = True
    if not smooth:
        extra["smooth"] = False
    system = System(
        name=name,
        dim=len(x0),
        kind="flow",
        params={k: float(v) for k, v in params.items()},
        rhs=rhs,
        metadata=Metadata(
            dt=output_dt(period) if dt is None else dt,
            period=period,
            lyapunov_max=lyapunov_max,
            x0=tuple(float(v) for v in x0),
            citation=f"{citation} ; λmax: {source} ; {values_note(name)}",
            description=description,
            extra=extra,
        ),
    )
    register_system(system)
    return system


def blinking_weight(tt: Any, tau: Any) -> Any:
    """Smoothed square wave in [0, 1] of period ``tau``: which stirrer is on (dysts protocol)."""
    xp = namespace(tt)
    return 0.5 + 0.5 * xp.tanh(tau * 20.0 * xp.sin(2.0 * math.pi * tt / tau))
