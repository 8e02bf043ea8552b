"""Chaotic ODE flows of the dysts collection, names N–S (all but the Sprott family).

Facts and conventions as in ``flows_l_z``: equations from the cited papers as implemented in
dysts (Gilpin 2021), values from dysts' ``chaotic_attractors.json``; array-generic ``rhs``.
"""

from __future__ import annotations

import math

from chaosflow.systems._array import namespace, stack
from chaosflow.systems.catalog.flows_l_z import cols, register_flow, sakarya_rhs

#: Catalog members that fail a generic expectation at the dysts defaults; name -> reason.
KNOWN_ISSUES: dict[str, str] = {
    "SwingingAtwood": "singular at the pulley: trajectories with p_theta near 0 can reach r = 0, "
    "where p_theta^2 / (m1 r^3) blows up; near x0 some neighbours get there within ~30 periods, "
    "after which fixed or adaptive steps give non-physical energy jumps (r may cross 0). Kept "
    "for parity with dysts; use short horizons or drop diverged rows",
}


# --- N -------------------------------------------------------------------------------------


def _newton_leipnik(t, s, p):
    x, y, z = cols(s)
    return stack(
        [
            -p["a"] * x + y + 10 * y * z,
            -x - 0.4 * y + 5 * x * z,
            p["b"] * z - 5 * x * y,
        ]
    )


register_flow(
    "NewtonLiepnik",  # dysts' spelling
    _newton_leipnik,
    {"a": 0.4, "b": 0.175},
    period=8.5095,
    x0=(0.29430753, 0.10649486, 0.29081125),
    citation="Leipnik & Newton (1981) Double strange attractors in rigid body motion with "
    "linear feedback control. Phys. Lett. A 86, 63",
    description="Rigid-body Euler equations with linear feedback",
)


def _nose_hoover(t, s, p):
    x, y, z = cols(s)
    return stack([y, -x + y * z, p["a"] - y**2])


register_flow(
    "NoseHoover",
    _nose_hoover,
    {"a": 1.5},
    period=5.8673,
    # dysts' x0 (-1.98, 0.25, 0.79) lies on an invariant torus of this time-reversible flow
    # (λmax -> 0); (0, 5, 0), the chaotic-sea start of Sprott (1994) case A, the same flow
    # at a = 1, is in the chaotic sea here too (λmax 0.043 over 300 periods).
    x0=(0.0, 5.0, 0.0),
    citation="Nose (1984) A unified formulation of the constant temperature molecular dynamics "
    "methods. J. Chem. Phys. 81, 511; Hoover (1985) Canonical dynamics: equilibrium "
    "phase-space distributions. Phys. Rev. A 31, 1695",
    description="Thermostatted oscillator (time-reversible, conservative on average)",
)


def _nuclear_quadrupole(t, s, p):
    q1, q2, p1, p2 = cols(s)
    a, b, d = p["a"], p["b"], p["d"]
    r2 = q1**2 + q2**2
    return stack(
        [
            a * p1,
            a * p2,
            -a * q1 + 3 / math.sqrt(2) * b * (q1**2 - q2**2) - d * q1 * r2,
            -a * q2 - 3 * math.sqrt(2) * b * q1 * q2 - d * q2 * r2,
        ]
    )


register_flow(
    "NuclearQuadrupole",
    _nuclear_quadrupole,
    {"a": 1.0, "b": 0.55, "d": 0.4},
    period=6.023076923076923,
    x0=(-0.85591178, 1.48078342, -0.85075322, 1.63576085),
    citation="Baran & Raduta (1998) Classical and quantal chaos described by a fourth order "
    "quadrupole boson Hamiltonian. Int. J. Mod. Phys. E 7, 527",
    description="Quadrupole boson Hamiltonian (conservative)",
)


# --- O, P ----------------------------------------------------------------------------------


def _oscillating_flow(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    k, u = p["k"], p["u"]
    f = x + p["b"] * xp.sin(z)
    return stack(
        [
            u * xp.cos(k * y) * xp.sin(k * f),
            -u * xp.sin(k * y) * xp.cos(k * f),
            p["omega"] + 0 * z,
        ]
    )


register_flow(
    "OscillatingFlow",
    _oscillating_flow,
    {"b": 0.48, "k": 1.0, "omega": 0.49, "u": 0.72},
    period=23.857,
    x0=(3.14159265, 1.04719755, 0.4),
    citation="Solomon & Gollub (1988) Chaotic particle transport in time-dependent "
    "Rayleigh-Benard convection. Phys. Rev. A 38, 6280",
    description="Tracer in laterally oscillating convection rolls; x drifts across rolls, "
    "coordinate 2 is the forcing phase",
    extra={"unbounded_indices": (0, 2), "nonautonomous": True},
)


def dequan_li_rhs(t, s, p):
    """Dequan Li form (PanXuZhou, Tsucs2): parameters a, c, d, eps, f, k."""
    x, y, z = cols(s)
    a = p["a"]
    return stack(
        [
            a * (y - x) + p["d"] * x * z,
            p["k"] * x + p["f"] * y - x * z,
            p["c"] * z + x * y - p["eps"] * x**2,
        ]
    )


register_flow(
    "PanXuZhou",
    dequan_li_rhs,
    {"a": 10.0, "c": -2.6667, "d": 0.0, "eps": 0.0, "f": 0.0, "k": 16.0},
    period=1.7829,
    x0=(-3.03805747, -1.98052429, 14.65665869),
    citation="Zhou, Xu, Pan et al. (2008) On dynamics analysis of a new chaotic attractor. "
    "Phys. Lett. A 372, 5773",
    description="Dequan Li-form quadratic flow",
)


def _pehlivan_wei(t, s, p):
    x, y, z = cols(s)
    return stack([y - y * z, y + y * z - 2 * x, 2 - x * y - y**2])


register_flow(
    "PehlivanWei",
    _pehlivan_wei,
    {},
    period=3.7487330316742087,
    x0=(0.21665608, 0.86710502, 0.50627859),
    citation="Pehlivan & Wei (2012) Analysis, nonlinear control, and chaos generator circuit of "
    "another strange chaotic system. Turk. J. Elec. Eng. Comp. Sci. 20, 1229",
    description="Quadratic flow with codimension-1 and -2 Hopf bifurcations",
)


# --- Q, R ----------------------------------------------------------------------------------


def _qi(t, s, p):
    x, y, z, w = cols(s)
    return stack(
        [
            p["a"] * (y - x) + y * z * w,
            p["b"] * (x + y) - x * z * w,
            -p["c"] * z + x * y * w,
            -p["d"] * w + x * y * z,
        ]
    )


register_flow(
    "Qi",
    _qi,
    {"a": 45.0, "b": 10.0, "c": 1.0, "d": 10.0},
    period=0.40821,
    x0=(0.2562042648386667, 0.1956116640569919, 7.259823760387948, 1.3162558970131963),
    citation="Qi, van Wyk, van Wyk & Chen (2008) On a new hyperchaotic system. Phys. Lett. A "
    "372, 124",
    description="4-D system with cubic couplings and a wide power spectrum",
)


def _qi_chen(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] * (y - x) + y * z, p["c"] * x + y - x * z, x * y - p["b"] * z])


register_flow(
    "QiChen",
    _qi_chen,
    {"a": 38.0, "b": 2.666, "c": 80.0},
    period=0.39179,
    x0=(17.420882, 5.5459627, 78.89139),
    citation="Qi, Chen, van Wyk, van Wyk & Zhang (2008) A four-wing chaotic attractor generated "
    "from a new 3-D quadratic autonomous system. Chaos Solitons Fractals 38, 705",
    description="Double-wing attractor from two bistable attractors",
)


def _rabinovich_fabrikant(t, s, p):
    x, y, z = cols(s)
    g = p["g"]
    return stack(
        [
            y * (z - 1 + x**2) + g * x,
            x * (3 * z + 1 - x**2) + g * y,
            -2 * z * (p["a"] + x * y),
        ]
    )


register_flow(
    "RabinovichFabrikant",
    _rabinovich_fabrikant,
    {"a": 1.1, "g": 0.87},
    period=2.3356,
    x0=(-1.8207276, 0.83440917, 0.2078248),
    citation="Rabinovich & Fabrikant (1979) Stochastic self-modulation of waves in "
    "nonequilibrium media. Sov. Phys. JETP 50, 311",
    description="Modulation instability of waves in non-equilibrium media",
)


def _rayleigh_benard(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] * (y - x), p["r"] * y - x * z, x * y - p["b"] * z])


register_flow(
    "RayleighBenard",
    _rayleigh_benard,
    {"a": 30.0, "b": 5.0, "r": 18.0},
    period=0.91967,
    x0=(-15.660582, -13.32018, 26.879362),
    citation="Yanagita & Kaneko (1995) Rayleigh-Benard convection patterns, chaos, "
    "spatiotemporal chaos and turbulence. Physica D 82, 288",
    description="Reduced convective-cell model",
)


def _rikitake(t, s, p):
    x, y, z = cols(s)
    mu = p["mu"]
    return stack([-mu * x + y * z, -mu * y - p["a"] * x + x * z, 1 - x * y])


register_flow(
    "RikitakeDynamo",
    _rikitake,
    {"a": 1.0, "mu": 1.0},
    period=5.8975,
    x0=(-0.7791562791136255, -0.6302244598741468, 2.671200187214492),
    citation="Rikitake (1958) Oscillations of a system of disk dynamos. Proc. Camb. Phil. Soc. "
    "54, 89",
    description="Two coupled disk dynamos (geomagnetic reversals)",
)


def _rucklidge(t, s, p):
    x, y, z = cols(s)
    return stack([-p["a"] * x + p["b"] * y - y * z, x, -z + y**2])


register_flow(
    "Rucklidge",
    _rucklidge,
    {"a": 2.0, "b": 6.7},
    period=6.0721,
    x0=(1.9257158, 3.1923835, 5.7829655),
    citation="Rucklidge (1992) Chaos in models of double convection. J. Fluid Mech. 237, 209",
    description="Double convection with lateral constraints",
)


# --- S (but Sprott) ------------------------------------------------------------------------


register_flow(
    "Sakarya",
    sakarya_rhs,
    {"a": -1.0, "b": 1.0, "c": 1.0, "h": 1.0, "p": 1.0, "q": 0.4, "r": 0.3, "s": 1.0},
    period=4.9844,
    x0=(-2.8976045, 3.8877978, 3.07465),
    citation="Li, Pehlivan, Sprott & Akgul (2015) A novel four-wing strange attractor born in "
    "bistability. IEICE Electron. Express 12, 20141116",
    description="Four-wing attractor from merging bistable attractors",
)


def _salton_sea(t, s, p):
    x, y, z = cols(s)
    a, lam = p["a"], p["lam"]
    return stack(
        [
            p["r"] * x * (1 - (x + y) / p["k"]) - lam * x * y,
            lam * x * y - p["m"] * y * z / (y + a) - p["mu"] * y,
            p["th"] * y * z / (y + a) - p["d"] * z,
        ]
    )


register_flow(
    "SaltonSea",
    _salton_sea,
    {
        "a": 15.0,
        "d": 8.3,
        "k": 400.0,
        "lam": 0.06,
        "m": 15.5,
        "mu": 3.4,
        "r": 22.0,
        "th": 10.0,
    },
    period=0.96738,
    x0=(231.92548, 89.511944, 56.753804),
    citation="Upadhyay, Bairagi, Kundu & Chattopadhyay (2008) Chaos in eco-epidemiological "
    "problem of the Salton Sea and its possible control. Appl. Math. Comput. 196, 392",
    description="Fish (susceptible, infected) and pelican abundances",
    param_bounds={"a": (0.0, math.inf), "k": (0.0, math.inf)},
)


def _san_um_srisuchinwong(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    return stack([y - x, -z * xp.tanh(x), -p["a"] + x * y + xp.abs(y)])


register_flow(
    "SanUmSrisuchinwong",
    _san_um_srisuchinwong,
    {"a": 2.0},
    period=7.4654,
    x0=(0.63878078, 1.0901873, 2.4479814),
    citation="San-Um & Srisuchinwong (2012) Highly complex chaotic system with piecewise linear "
    "nonlinearity and compound structures. J. Comput. 7, 1041",
    description="Two-scroll attractor with piecewise nonlinearities (Wimol-Banlue system)",
    extra={"smooth": False},  # |y| kink
)


def _shimizu_morioka(t, s, p):
    x, y, z = cols(s)
    return stack([y, x - p["a"] * y - x * z, -p["b"] * z + x**2])


register_flow(
    "ShimizuMorioka",
    _shimizu_morioka,
    {"a": 0.85, "b": 0.5},
    period=12.038,
    x0=(0.016838697, 0.03489384, 0.35346848),
    citation="Shimizu & Morioka (1980) On the bifurcation of a symmetric limit cycle to an "
    "asymmetric one in a simple model. Phys. Lett. A 76, 201",
    description="Lorenz-like symmetric switching",
)


def _stick_slip(t, s, p):
    x, v, phase = cols(s)
    xp = namespace(s)
    dv = v - p["vs"]
    friction = p["t0"] * xp.sign(dv) - p["alpha"] * v + p["beta"] * dv**3
    return stack(
        [
            v,
            p["eps"] * (p["gamma"] * xp.cos(phase) - friction) + p["a"] * x - p["b"] * x**3,
            p["w"] + 0 * phase,
        ]
    )


register_flow(
    "StickSlipOscillator",
    _stick_slip,
    {
        "a": 1.0,
        "alpha": 0.3,
        "b": 1.0,
        "beta": 0.3,
        "eps": 0.05,
        "gamma": 1.0,
        "t0": 0.3,
        "vs": 0.4,
        "w": 2.0,
    },
    period=1.6129,
    x0=(0.85539847, -0.39125834, 0.0),
    citation="Awrejcewicz & Holicke (1999) Melnikov's method and stick-slip chaotic "
    "oscillations in very weakly forced mechanical systems. Int. J. Bifurcat. Chaos 9, 505",
    description="Weakly forced Duffing oscillator on a moving belt with dry friction; "
    "coordinate 2 is the forcing phase",
    extra={"unbounded_indices": (2,), "nonautonomous": True, "smooth": False},
)

_GRAVITY = 9.82  # dysts' value, m/s^2


def _swinging_atwood(t, s, p):
    r, th, pr, pth = cols(s)
    xp = namespace(s)
    m1, m2 = p["m1"], p["m2"]
    return stack(
        [
            pr / (m1 + m2),
            pth / (m1 * r**2),
            pth**2 / (m1 * r**3) - m2 * _GRAVITY + m1 * _GRAVITY * xp.cos(th),
            -m1 * _GRAVITY * r * xp.sin(th),
        ]
    )


register_flow(
    "SwingingAtwood",
    _swinging_atwood,
    {"m1": 1.0, "m2": 4.5},
    period=0.3417647058823529,
    x0=(0.113296, 1.5707963267948966, 0.10992, 0.17747),
    citation="Tufillaro, Abbott & Griffiths (1984) Swinging Atwood's machine. Am. J. Phys. 52, 895",
    description="Two masses on a rope over pulleys, m1 swinging (Hamiltonian; r, theta, p_r, "
    "p_theta); theta can wind around, as in dysts",
    extra={"unbounded_indices": (1,)},
    param_bounds={"m1": (0.0, math.inf), "m2": (0.0, math.inf)},
)
