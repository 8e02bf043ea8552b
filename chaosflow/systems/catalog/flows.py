"""Chaotic ODE flows. Equations, parameters and reference values are cited per system."""

from __future__ import annotations

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


def lorenz96(dim: int = 10, F: float = 8.0) -> System:
    """Lorenz-96 with ``dim`` ≥ 4 sites: dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F."""
    if int(dim) != dim or dim < 4:
        raise ValueError(f"Lorenz96: dim must be an integer >= 4, got {dim!r}")
    dim = int(dim)

    def rhs(t, x, p):
        xp = namespace(x)
        return (xp.roll(x, -1, -1) - xp.roll(x, 2, -1)) * xp.roll(x, 1, -1) - x + p["F"]

    # Near the attractor; ``sample_on_attractor`` integrates the transient away.
    x0 = tuple(float(F) + (0.5 * ((i * 7) % 5 - 2)) for i in range(dim))
    return System(
        name="Lorenz96",
        dim=dim,
        kind="flow",
        params={"F": float(F)},
        rhs=rhs,
        metadata=Metadata(
            dt=0.05,
            period=0.2 * 20,
            # Placeholder until the catalog's Benettin sweep pins it per dim (issue 3).
            lyapunov_max=1.2,
            x0=x0,
            citation="Lorenz, E. N. (1996) Predictability: a problem partly solved. ECMWF Seminar. "
            "Lyapunov exponents vs N: Karimi & Paul (2010) Chaos 20, 043105.",
            extra={"scalable": True},
        ),
    )


register_system(lorenz96, name="Lorenz96", kind="flow")
