"""Chaotic ODE flows of the dysts collection, names L–M, and the helpers the L–Z modules share.

Names N–S (but the Sprott family) live in ``flows_l_z_2``, the Sprott family and T–Z in
``flows_l_z_3``.

Equations follow the papers cited per system as implemented in dysts (Gilpin 2021,
``dysts/flows.py``); parameters, initial conditions and dominant periods are dysts' published
values (``dysts/data/chaotic_attractors.json``), the reference largest Lyapunov exponents
follow ``_lyapunov_refs`` (a published value read from its source, else chaosflow's independent
scipy-QR reference where it passed its exact checks, else dysts' QR λ1, else dysts' naive
estimate). Every ``rhs`` is array-generic: ``s: [batch, dim]`` numpy or torch, parameters floats or ``[batch]`` arrays.

Non-autonomous dysts systems carry their forcing phase as a state coordinate that grows
linearly in time; those coordinates, and drifting positions or winding angles, are listed in
``metadata.extra["unbounded_indices"]``. ``metadata.param_bounds`` guards parameters that
divide or sit under a root.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from chaosflow.systems._array import namespace, stack
from chaosflow.systems._base import Metadata, System
from chaosflow.systems._registry import register_system
from chaosflow.systems.catalog._dysts import departure_extra, values_note
from chaosflow.systems.catalog._lyapunov_refs import reference_lyapunov

#: Systems that keep their place in the catalog although they fail a generic expectation
#: (chaotic, bounded) at the dysts defaults; name -> reason. The sibling modules keep their own.
KNOWN_ISSUES: dict[str, str] = {}

#: L–Z flows whose dysts ``maximum_lyapunov_estimated`` (the catalog's reference until the
#: rule of ``_lyapunov_refs`` replaced it) disagrees with chaosflow's estimate by more than 2x;
#: name -> measurement; the current list is ``lyapunov.LYAPUNOV_EXCEPTIONS``. Measured from
#: ``x0`` by two-trajectory renormalisation every output step (RK4 at ``dt / 20``, 10 periods
#: of transient, then 50 / 100 / 200 dominant periods); "spectrum" is the leading entry of
#: dysts' own ``lyapunov_spectrum_estimated``, which often disagrees with its maximum too.
LYAPUNOV_MISMATCH: dict[str, str] = {
    "LidDrivenCavityFlow": "0.65, 0.70, 0.70 vs dysts 2.17 (spectrum 1.01)",
    "MacArthur": "0.022, 0.021, 0.017 vs dysts 0.249 (spectrum 0.193)",
    "MultiChua": "0.26, 0.30, 0.27 vs dysts 1.46 (spectrum 0.22)",
    "SaltonSea": "0.50, 0.48, 0.42 vs dysts 1.07 (spectrum 0.39)",
    "SprottG": "0.041, 0.037, 0.034 vs dysts 0.091 (spectrum 0.033)",
    "StickSlipOscillator": "0.015, 0.028, 0.025 after 200, 400, 800 periods vs dysts 0.064 "
    "(spectrum 0.071)",
    "WindmiReduced": "0.094, 0.088, 0.084 vs dysts 0.40 (spectrum 0.16)",
    "YuWang2": "0.46, 0.47, 0.45 vs dysts 1.16 (spectrum 0.80)",
    "SprottMore": "not chaotic from x0, see flows_l_z_3.KNOWN_ISSUES",
    "Tsucs2": "not chaotic from x0, see flows_l_z_3.KNOWN_ISSUES",
    "Torus": "quasi-periodic by construction, see flows_l_z_3.KNOWN_ISSUES",
}


def output_step(period: float) -> float:
    """Recommended output step: ``period / 30`` rounded down to 1, 2 or 5 × 10^k time units.

    dysts' own ``dt`` is its integrator step (often 1e-4); datasets want ~30–75 samples per
    dominant period instead.
    """
    raw = period / 30.0
    exponent = math.floor(math.log10(raw))
    mantissa = raw / 10.0**exponent
    nice = 5 if mantissa >= 5 else 2 if mantissa >= 2 else 1
    return float(f"{nice}e{exponent}")


def register_flow(
    name: str,
    rhs: Callable[[Any, Any, Mapping[str, Any]], Any],
    params: Mapping[str, float],
    *,
    period: float,
    x0: Sequence[float],
    citation: str,
    description: str = "",
    extra: Mapping[str, Any] | None = None,
    param_bounds: Mapping[str, tuple[float, float]] | None = None,
) -> System:
    """Build and register a dysts flow; ``dt`` is derived from ``period`` (``output_step``).

    ``metadata.lyapunov_max`` follows ``_lyapunov_refs.reference_lyapunov`` (one rule for every
    dysts flow); its source is in the citation and in ``metadata.extra["lyapunov_source"]``.
    """
    lyapunov_max, source = reference_lyapunov(name)
    system = System(
        name=name,
        dim=len(x0),
        kind="flow",
        params=params,
        rhs=rhs,
        metadata=Metadata(
            dt=output_step(period),
            period=period,
            lyapunov_max=lyapunov_max,
            x0=tuple(float(v) for v in x0),
            citation=f"{citation} ; λmax: {source} ; {values_note(name)}",
            description=description,
            extra={**(extra or {}), "lyapunov_source": source, **departure_extra(name)},
            param_bounds=dict(param_bounds or {}),
        ),
    )
    register_system(system)
    return system


def cols(s: Any) -> tuple[Any, ...]:
    """The ``dim`` coordinate columns ``[batch]`` of a state ``s: [batch, dim]``."""
    return tuple(s[..., i] for i in range(s.shape[-1]))


def like(value: Any, ref: Any) -> Any:
    """``value`` (float or ``[batch]`` array) broadcast into ``ref``'s namespace and shape."""
    return value + 0 * ref


# --- L -------------------------------------------------------------------------------------


def _laser(t, s, p):
    x, y, z = cols(s)
    return stack(
        [
            p["a"] * (y - x) + p["b"] * y * z**2,
            p["c"] * x + p["d"] * x * z**2,
            p["h"] * z + p["k"] * x**2,
        ]
    )


register_flow(
    "Laser",
    _laser,
    {"a": 10.0, "b": 1.0, "c": 5.0, "d": -1.0, "h": -5.0, "k": -6.0},
    period=0.94667,
    x0=(-2.540801356216252, -1.940570579119389, -2.9680975444071955),
    citation="Abooee, Yaghini-Bonabi & Jahed-Motlagh (2013) Analysis and circuitry realization "
    "of a novel three-dimensional chaotic system. Commun. Nonlinear Sci. Numer. Simul. 18, 1235",
    description="Semiconductor laser model",
)


def _lid_modes(x, y, a, b):
    """Velocity of the first two Stokes modes of a lid-driven cavity (per unit lid speed)."""
    xp = namespace(x)
    out = []
    for m in (1, 2):
        q = m * math.pi / a  # wavenumber of mode m
        qb = like(q * b, x)
        norm = 2 * m * b * math.pi + a * xp.sinh(2 * qb)
        vx = (
            -m * b * math.pi * xp.sinh(qb) * xp.sinh(q * y)
            + xp.cosh(qb) * (m * math.pi * y * xp.cosh(q * y) + a * xp.sinh(q * y))
        ) * (2 * xp.sin(q * x) / norm)
        vy = (b * xp.sinh(qb) * xp.cosh(q * y) - xp.cosh(qb) * y * xp.sinh(q * y)) * (
            2 * m * math.pi * xp.cos(q * x) / norm
        )
        out.append((vx, vy))
    return out


def _lid_driven_cavity(t, s, p):
    x, y, clock = cols(s)
    xp = namespace(s)
    (vx1, vy1), (vx2, vy2) = _lid_modes(x, y, p["a"], p["b"])
    # dysts blends the two lid protocols (+u1, -u1) with w = (1 + tanh(20 tau sin(2 pi t/tau)))/2;
    # the velocity is linear in u1, so the blend is u1 * (2w - 1) = u1 * tanh(...).
    sign = xp.tanh(20 * p["tau"] * xp.sin(2 * math.pi * clock / p["tau"]))
    u1, u2 = p["u1"] * sign, p["u2"]
    return stack([u1 * vx1 + u2 * vx2, u1 * vy1 + u2 * vy2, 1.0 + 0 * clock])


register_flow(
    "LidDrivenCavityFlow",
    _lid_driven_cavity,
    {"a": 6.0, "b": 1.0, "tau": 1.1, "u1": 9.92786, "u2": 8.34932},
    period=2.7333134945588955,
    x0=(3.966790341130254, 0.18425981346720144, 0.0),
    citation="Grover, Ross, Stremler & Kumar (2012) Topological chaos, braiding and "
    "bifurcation of almost-cyclic sets. Chaos 22, 043135",
    description="Passive tracer in a cavity whose lid alternates direction; coordinate 2 is "
    "the clock (dt/dt = 1)",
    extra={"unbounded_indices": (2,), "nonautonomous": True},
    param_bounds={"a": (0.0, math.inf), "b": (0.0, math.inf), "tau": (0.0, math.inf)},
)


def sakarya_rhs(t, s, p):
    """Sakarya form (also LiuChen): quadratic flow with parameters a, b, c, h, p, q, r, s."""
    x, y, z = cols(s)
    return stack(
        [
            p["a"] * x + p["h"] * y + p["s"] * y * z,
            -p["b"] * y - p["p"] * x + p["q"] * x * z,
            p["c"] * z - p["r"] * x * y,
        ]
    )


register_flow(
    "LiuChen",
    sakarya_rhs,
    {"a": 0.4, "b": 12.0, "c": -5.0, "h": 0.0, "p": 0.0, "q": -1.0, "r": 1.0, "s": 1.0},
    period=8.0164,
    # dysts' x0 (4.67, 5e-10, -6e-10) sits on the invariant line y = z = 0 that the attractor
    # grazes: from there rounding grows ~1e8-fold in one Lyapunov time, so no two solvers agree.
    # This point lies on the attractor after 800 time units from a start 1e-3 off that line.
    x0=(-15.69130859, 0.361065814, 0.4517043342),
    citation="Liu & Chen (2004) Dynamical analysis of a new chaotic attractor. Int. J. "
    "Bifurcat. Chaos 14, 1395",
    description="Sakarya-form quadratic flow",
)


def _lorenz84(t, s, p):
    x, y, z = cols(s)
    a, b = p["a"], p["b"]
    return stack(
        [
            -a * x - y**2 - z**2 + a * p["f"],
            -y + x * y - b * x * z + p["g"],
            -z + b * x * y + x * z,
        ]
    )


register_flow(
    "Lorenz84",
    _lorenz84,
    {"a": 1.32, "b": 7.91, "f": 4.83, "g": 4.194},
    period=6.2586,
    # A chaotic attractor coexists with a periodic orbit here. dysts' x0 (1.93, -0.13, -1.72)
    # reaches the periodic orbit under RK4 at P/100 and P/200 (λmax ≈ 1e-4); this point, where
    # that orbit from dysts' x0 is after 100 periods at P/200, is on the chaotic attractor
    # (λmax 0.41 over 300 periods; 5 of 12 starts around x0 end there).
    x0=(1.82328, -1.83624, -1.42081),
    citation="Lorenz, E. N. (1984) Irregularity: a fundamental property of the atmosphere. "
    "Tellus A 36, 98",
    description="Hadley circulation model",
)


def _lorenz_bounded(t, s, p):
    x, y, z = cols(s)
    # dysts' expanded polynomial equals the Lorenz field times (1 - |s|^2 / r^2).
    damp = 1 - (x**2 + y**2 + z**2) / p["r"] ** 2
    return stack(
        [
            p["sigma"] * (y - x) * damp,
            (p["rho"] * x - x * z - y) * damp,
            (x * y - p["beta"] * z) * damp,
        ]
    )


register_flow(
    "LorenzBounded",
    _lorenz_bounded,
    {"beta": 2.667, "r": 64.0, "rho": 28.0, "sigma": 10.0},
    period=1.3716,
    x0=(-13.284881, -12.444334, 34.188198),
    citation="Sprott & Xiong (2015) Classifying and quantifying basins of attraction. "
    "Chaos 25, 083101",
    description="Lorenz attractor in a confining potential of radius r",
    param_bounds={"r": (0.0, math.inf)},
)


def _lorenz_coupled(t, s, p):
    x1, y1, z1, x2, y2, z2 = cols(s)
    sigma, beta = p["sigma"], p["beta"]
    return stack(
        [
            sigma * (y1 - x1),
            p["rho1"] * x1 - x1 * z1 - y1,
            x1 * y1 - beta * z1,
            sigma * (y2 - x2) + p["eps"] * (x1 - x2),
            p["rho2"] * x2 - x2 * z2 - y2,
            x2 * y2 - beta * z2,
        ]
    )


register_flow(
    "LorenzCoupled",
    _lorenz_coupled,
    # dysts also lists rho = 28, which its equations never use; omitted here.
    {"beta": 2.667, "eps": 2.85, "rho1": 35.0, "rho2": 1.15, "sigma": 10.0},
    period=1.6207,
    x0=(7.0921483, 10.117408, 25.708428, 2.1689893, 0.96121877, 0.89550187),
    citation="Lorenz, E. N. (1963) Deterministic nonperiodic flow. J. Atmos. Sci. 20, 130 "
    "(two copies, one-way coupled)",
    description="Chaotic Lorenz system driving a second, sub-critical one",
)


def _lorenz_stenflo(t, s, p):
    x, y, z, w = cols(s)
    a = p["a"]
    return stack(
        [
            a * (y - x) + p["d"] * w,
            p["c"] * x - x * z - y,
            x * y - p["b"] * z,
            -x - a * w,
        ]
    )


register_flow(
    "LorenzStenflo",
    _lorenz_stenflo,
    {"a": 2.0, "b": 0.7, "c": 26.0, "d": 1.5},
    period=3.8877142857142855,
    x0=(4.233438598886809, 9.08970605484108, 21.86662535600487, -1.4080695182833802),
    citation="Stenflo (1996) Generalized Lorenz equations for acoustic-gravity waves in the "
    "atmosphere. Phys. Scr. 53, 83; Letellier & Rossler (2007) Hyperchaos. Scholarpedia 2, 1936",
    description="Atmospheric acoustic-gravity waves (4-D Lorenz extension)",
)


def _lu_chen(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] * (y - x), -x * z + p["c"] * y, x * y - p["b"] * z])


register_flow(
    "LuChen",
    _lu_chen,
    {"a": 36.0, "b": 3.0, "c": 18.0},
    period=2.3385,
    x0=(10.956479, 9.8813092, 22.676714),
    citation="Lu & Chen (2002) A new chaotic attractor coined. Int. J. Bifurcat. Chaos 12, 659",
    description="Bridge between the Lorenz and Chen attractors",
)


def _lu_chen_cheng(t, s, p):
    x, y, z = cols(s)
    a, b = p["a"], p["b"]
    return stack([-(a * b) / (a + b) * x - y * z + p["c"], a * y + x * z, b * z + x * y])


register_flow(
    "LuChenCheng",
    _lu_chen_cheng,
    {"a": -10.0, "b": -4.0, "c": 18.1},
    period=0.92333,
    x0=(-5.5177615, 2.4990595, 10.461798),
    citation="Lu, Chen & Cheng (2004) A new chaotic system and beyond: the generalized "
    "Lorenz-like system. Int. J. Bifurcat. Chaos 14, 1507",
    description="Four-scroll attractor",
)


# --- M -------------------------------------------------------------------------------------

# Huisman & Weissing (1999) five-species / five-resource community as used by dysts:
# K[j][i] half-saturation of species i on resource j, C[j][i] content of resource j in i.
_MACARTHUR_K = (
    (0.39, 0.34, 0.30, 0.24, 0.23),
    (0.22, 0.39, 0.34, 0.30, 0.27),
    (0.27, 0.22, 0.39, 0.34, 0.30),
    (0.30, 0.24, 0.22, 0.39, 0.34),
    (0.34, 0.30, 0.22, 0.20, 0.39),
)
_MACARTHUR_C = (
    (0.04, 0.04, 0.07, 0.04, 0.04),
    (0.08, 0.08, 0.08, 0.10, 0.08),
    (0.10, 0.10, 0.10, 0.10, 0.14),
    (0.05, 0.03, 0.03, 0.03, 0.03),
    (0.07, 0.09, 0.07, 0.07, 0.07),
)
_MACARTHUR_S = (6.0, 10.0, 14.0, 4.0, 9.0)


def _const(table: Any, ref: Any) -> Any:
    """A constant table as an array of ``ref``'s kind (numpy, or torch on its device/dtype)."""
    xp = namespace(ref)
    if xp is np:
        return np.asarray(table, dtype=ref.dtype)
    return xp.as_tensor(table, dtype=ref.dtype, device=ref.device)


def _trailing(value: Any, n: int) -> Any:
    """A float or ``[batch]`` parameter with ``n`` trailing unit axes for broadcasting."""
    return value[(..., *(None,) * n)] if getattr(value, "ndim", 0) else value


def _macarthur(t, s, p):
    xp = namespace(s)
    species, resources = s[..., :5], s[..., 5:]
    k, c = _const(_MACARTHUR_K, s), _const(_MACARTHUR_C, s)
    # Liebig's law: species i grows at the rate allowed by its scarcest resource j,
    # mu_i = min_j r R_j / (K_ji + R_j); rates is [batch, resource j, species i].
    rates = _trailing(p["r"], 2) * resources[..., :, None] / (k + resources[..., :, None])
    mu = xp.amin(rates, -2)
    d_species = species * (mu - _trailing(p["m"], 1))
    uptake = (c * (mu * species)[..., None, :]).sum(-1)
    d_resources = _trailing(p["d"], 1) * (_const(_MACARTHUR_S, s) - resources) - uptake
    return xp.concatenate([d_species, d_resources], -1)


register_flow(
    "MacArthur",
    _macarthur,
    {"d": 0.25, "m": 0.25, "r": 1.0},
    period=43.406,
    x0=(
        9.4323333,
        18.838654,
        34.37572,
        15.08545,
        42.228427,
        0.17030505,
        0.10144427,
        0.3148045,
        0.21253581,
        0.22598604,
    ),
    citation="MacArthur (1969) Species packing, and what competition minimizes. PNAS 64, 1369; "
    "Huisman & Weissing (1999) Biodiversity of plankton by species oscillations and chaos. "
    "Nature 402, 407",
    description="Plankton consumer-resource model: coordinates 0-4 species, 5-9 resources",
    extra={"K": _MACARTHUR_K, "C": _MACARTHUR_C, "S": _MACARTHUR_S},
)


def _moore_spiegel(t, s, p):
    x, y, z = cols(s)
    return stack([y, p["a"] * z, -z + p["eps"] * y - y * x**2 - p["b"] * x])


register_flow(
    "MooreSpiegel",
    _moore_spiegel,
    {"a": 10.0, "b": 4.0, "eps": 9.0},
    period=1.2887,
    x0=(-3.4733266, 19.666962, -3.8262485),
    citation="Moore & Spiegel (1966) A thermally excited non-linear oscillator. Astrophys. J. "
    "143, 871",
    description="Thermo-mechanical oscillator",
)

_MULTICHUA_BREAKS = ("c1", "c2", "c3", "c4", "c5")


def _multichua(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    # Piecewise-linear diode with slopes m0..m5 changing at |x| = c1..c5.
    diode = p["m5"] * x
    for i, ci in enumerate(_MULTICHUA_BREAKS, start=1):
        c = p[ci]
        diode = diode + 0.5 * (p[f"m{i - 1}"] - p[f"m{i}"]) * (xp.abs(x + c) - xp.abs(x - c))
    return stack([p["a"] * (y - diode), x - y + z, -p["b"] * y])


register_flow(
    "MultiChua",
    _multichua,
    {
        "a": 9.0,
        "b": 14.286,
        "m0": -0.14285714,
        "m1": 0.28571429,
        "m2": -0.57142857,
        "m3": 0.28571429,
        "m4": -0.57142857,
        "m5": 0.28571429,
        "c1": 1.0,
        "c2": 2.15,
        "c3": 3.6,
        "c4": 8.2,
        "c5": 13.0,
    },
    period=2.2586,
    x0=(-21.160123, 1.0322356, 27.405269),
    citation="Yalcin, Suykens & Vandewalle (2005) Cellular Neural Networks, Multi-Scroll Chaos "
    "and Synchronization. World Scientific",
    description="Multi-scroll Chua circuit (dysts' m, c arrays as scalars m0..m5, c1..c5)",
    extra={"smooth": False},  # |x ± c_i| kinks
)
