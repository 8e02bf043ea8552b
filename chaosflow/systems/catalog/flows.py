"""Chaotic ODE flows. Equations, parameters and reference values are cited per system."""

from __future__ import annotations

import math

import numpy as np

from chaosflow.systems._array import namespace, stack
from chaosflow.systems._base import Metadata, System
from chaosflow.systems._registry import register_system


def _lorenz(t, x, p):
    a, b, c = x[..., 0], x[..., 1], x[..., 2]
    return stack([p["sigma"] * (b - a), a * (p["rho"] - c) - b, a * b - p["beta"] * c])


def _lorenz_jac(t, x, p):
    """``[batch, 3, 3]`` Jacobian, rows = d(rhs_i)."""
    a, b, c = x[..., 0], x[..., 1], x[..., 2]
    one, zero = 1.0 + 0 * a, 0 * a
    rows = [
        stack([-p["sigma"] * one, p["sigma"] * one, zero]),
        stack([p["rho"] - c, -one, -a]),
        stack([b, a, -p["beta"] * one]),
    ]
    return stack(rows).swapaxes(-1, -2)


register_system(
    System(
        name="Lorenz",
        dim=3,
        kind="flow",
        params={"sigma": 10.0, "rho": 28.0, "beta": 8.0 / 3.0},
        rhs=_lorenz,
        jac=_lorenz_jac,
        metadata=Metadata(
            dt=0.01,
            period=0.75,
            lyapunov_max=0.9056,
            x0=(-9.79, -15.04, 20.53),
            citation="Lorenz, E. N. (1963) Deterministic nonperiodic flow. J. Atmos. Sci. 20, 130. "
            "λmax = 0.9056: Sprott, J. C. (2003) Chaos and Time-Series Analysis, OUP.",
            description="Lorenz-63 convection model",
        ),
    )
)


def _rossler(t, x, p):
    a, b, c = x[..., 0], x[..., 1], x[..., 2]
    return stack([-b - c, a + p["a"] * b, p["b"] + c * (a - p["c"])])


register_system(
    System(
        name="Rossler",
        dim=3,
        kind="flow",
        params={"a": 0.2, "b": 0.2, "c": 5.7},
        rhs=_rossler,
        metadata=Metadata(
            dt=0.05,
            period=5.9,
            lyapunov_max=0.0714,
            x0=(-6.10, -2.84, 0.026),
            citation="Rössler, O. E. (1976) An equation for continuous chaos. Phys. Lett. A 57, 397. "
            "λmax = 0.0714: Sprott (2003), Chaos and Time-Series Analysis.",
        ),
    )
)


#: λmax of Lorenz-96 at F = 8 per number of sites N, per time unit: chaosflow Benettin
#: estimates (RK4 dt = 0.01, 4 initial conditions x 10^5 steps after 10^4; spread <= 0.05),
#: consistent with Karimi & Paul (2010) Chaos 20, 043105 (λmax saturates near 1.7 as N grows)
#: and with λmax ≈ 1.68 at N = 40 (Lorenz & Emanuel 1998, J. Atmos. Sci. 55, 399). N = 4 is
#: not chaotic at F = 8 (quasi-periodic, λmax ≈ 0).
LORENZ96_LYAPUNOV_F8 = {
    4: 0.0,
    5: 0.437,
    6: 0.934,
    8: 1.600,
    10: 1.220,
    12: 1.470,
    16: 1.460,
    20: 1.551,
    30: 1.656,
    40: 1.676,
}

#: A state on the N = 10, F = 8 attractor (100 time units from a non-symmetric start).
_LORENZ96_X0_N10 = (
    2.327167,
    2.932919,
    5.671856,
    5.753939,
    4.115921,
    2.989502,
    0.597453,
    4.233078,
    2.409269,
    -5.696998,
)


def _lorenz96_lyapunov(dim: int, forcing: float) -> float:
    """Tabulated λmax at F = 8 (linear in N between entries, 1.676 beyond 40); NaN otherwise."""
    if forcing != 8.0:
        return math.nan
    sizes = sorted(LORENZ96_LYAPUNOV_F8)
    if dim >= sizes[-1]:
        return LORENZ96_LYAPUNOV_F8[sizes[-1]]
    return float(np.interp(dim, sizes, [LORENZ96_LYAPUNOV_F8[n] for n in sizes]))


def lorenz96(dim: int = 10, F: float = 8.0) -> System:
    """Lorenz-96 with ``dim`` ≥ 4 sites: dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F."""
    if int(dim) != dim or dim < 4:
        raise ValueError(f"Lorenz96: dim must be an integer >= 4, got {dim!r}")
    dim = int(dim)

    def rhs(t, x, p):
        xp = namespace(x)
        forcing = p["F"]
        if getattr(forcing, "ndim", 0):  # a [batch] sweep broadcasts over the sites
            forcing = forcing[..., None]
        return (xp.roll(x, -1, -1) - xp.roll(x, 2, -1)) * xp.roll(x, 1, -1) - x + forcing

    if dim == 10 and float(F) == 8.0:
        x0 = _LORENZ96_X0_N10
    else:
        # A non-periodic-in-i start: a start with a spatial period p stays in the invariant
        # subspace of p-periodic states. ``sample_on_attractor`` integrates the transient away.
        x0 = tuple(float(F) + 0.5 * math.sin(1.7 * i + 0.3) for i in range(dim))
    return System(
        name="Lorenz96",
        dim=dim,
        kind="flow",
        params={"F": float(F)},
        rhs=rhs,
        metadata=Metadata(
            dt=0.05,
            period=4.0,
            lyapunov_max=_lorenz96_lyapunov(dim, float(F)),
            x0=x0,
            citation="Lorenz, E. N. (1996) Predictability: a problem partly solved. ECMWF Seminar. "
            "Lyapunov exponents vs N: Karimi & Paul (2010) Chaos 20, 043105; λmax per N at F = 8 "
            "measured by chaosflow (LORENZ96_LYAPUNOV_F8).",
            extra={"scalable": True},
        ),
    )


register_system(lorenz96, name="Lorenz96", kind="flow")
