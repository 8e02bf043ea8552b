"""Chaotic ODE flows of the dysts collection: the Sprott family and names T–Z.

Facts and conventions as in ``flows_l_z``: equations from the cited papers as implemented in
dysts (Gilpin 2021), values from dysts' ``chaotic_attractors.json``; array-generic ``rhs``.
"""

from __future__ import annotations

import math

from chaosflow.systems._array import namespace, stack
from chaosflow.systems.catalog.flows_l_z import cols, like, register_flow
from chaosflow.systems.catalog.flows_l_z_2 import dequan_li_rhs

#: Catalog members that fail a generic expectation at the dysts defaults; name -> reason.
#: Lyapunov estimates as in ``flows_l_z.LYAPUNOV_MISMATCH`` (RK4 at dt / 10 here), after 200,
#: 400 and 800 dominant periods; "log growth" is estimate x time, bounded for a torus.
KNOWN_ISSUES: dict[str, str] = {
    "SprottMore": "not chaotic from dysts' x0: λmax estimates 0.0072, 0.0039, 0.0021 (log "
    "growth 9.5, 10.3, 11.0); dysts lists 1.09",
    "Tsucs2": "not chaotic from dysts' x0: λmax estimates 0.0043, 0.023, 0.0030 (log growth "
    "0.3, 3.1, 0.8; unchanged at dt / 100); dysts lists 0.136",
    "SprottQ": "small basin of attraction: of 32 starts perturbed by 1% of (|x0| + 1), 7 escape "
    "to infinity within 30 time units (none at 0.3%); sample initial conditions close to x0",
    "Torus": "quasi-periodic by construction (an explicit function of t; dysts lists a zero "
    "Lyapunov spectrum); kept for parity with the dysts collection",
}

# --- Sprott (1994) Phys. Rev. E 50, R647: cases A-S ------------------------------------------


def _sprott_a(t, s, p):
    x, y, z = cols(s)
    return stack([y, -x + y * z, 1 - y**2])


def _sprott_b(t, s, p):
    x, y, z = cols(s)
    return stack([y * z, x - y, 1 - x * y])


def _sprott_c(t, s, p):
    x, y, z = cols(s)
    return stack([y * z, x - y, 1 - x**2])


def _sprott_d(t, s, p):
    x, y, z = cols(s)
    return stack([-y, x + z, x * z + 3 * y**2])


def _sprott_e(t, s, p):
    x, y, z = cols(s)
    return stack([y * z, x**2 - y, 1 - 4 * x])


def _sprott_f(t, s, p):
    x, y, z = cols(s)
    return stack([y + z, -x + p["a"] * y, x**2 - z])


def _sprott_g(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] * x + z, x * z - y, -x + y])


def _sprott_h(t, s, p):
    x, y, z = cols(s)
    return stack([-y + z**2, x + p["a"] * y, x - z])


def _sprott_i(t, s, p):
    x, y, z = cols(s)
    return stack([-p["a"] * y, x + z, x + y**2 - z])


def _sprott_j(t, s, p):
    x, y, z = cols(s)
    return stack([2 * z, -2 * y + z, -x + y + y**2])


def _sprott_k(t, s, p):
    x, y, z = cols(s)
    return stack([x * y - z, x - y, x + p["a"] * z])


def _sprott_l(t, s, p):
    x, y, z = cols(s)
    return stack([y + p["b"] * z, p["a"] * x**2 - y, 1 - x])


def _sprott_m(t, s, p):
    x, y, z = cols(s)
    return stack([-z, -(x**2) - y, p["a"] * (1 + x) + y])


def _sprott_n(t, s, p):
    x, y, z = cols(s)
    return stack([-2 * y, x + z**2, 1 + y - 2 * z])


def _sprott_o(t, s, p):
    x, y, z = cols(s)
    return stack([y, x - z, x + x * z + p["a"] * y])


def _sprott_p(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] * y + z, -x + y**2, x + y])


def _sprott_q(t, s, p):
    x, y, z = cols(s)
    return stack([-z, x - y, p["a"] * x + y**2 + p["b"] * z])


def _sprott_r(t, s, p):
    x, y, z = cols(s)
    return stack([p["a"] - y, p["b"] + z, x * y - z])


def _sprott_s(t, s, p):
    x, y, z = cols(s)
    return stack([-x - 4 * y, x + z**2, 1 + x])


# name: (rhs, params, period, x0), values from dysts.
_SPROTT_1994 = {
    # Conservative (Nosé–Hoover): dysts' x0 (1.54, 1.43, -1.53) lies on an invariant torus
    # (λmax -> 0); Sprott (1994) starts in the chaotic sea at (0, 5, 0), as here.
    "SprottA": (_sprott_a, {}, 6.3728461538461545, (0.0, 5.0, 0.0)),
    "SprottB": (_sprott_b, {}, 11.050142857142857, (1.6878282, 1.4848132, -0.53706628)),
    "SprottC": (_sprott_c, {}, 8.8852, (-0.47199823, -0.27198066, 1.9418244)),
    "SprottD": (_sprott_d, {}, 4.8333, (-1.3396906, -0.21238338, 0.32982163)),
    "SprottE": (_sprott_e, {}, 7.6275, (0.6173759, 0.66599285, -1.6575023)),
    "SprottF": (_sprott_f, {"a": 0.5}, 19.244, (-0.98941275, -1.4191706, 0.85797204)),
    "SprottG": (_sprott_g, {"a": 0.4}, 8.7097, (-0.77182478, -0.74756595, 1.3073285)),
    "SprottH": (_sprott_h, {"a": 0.5}, 20.229, (-1.360042, 0.62585352, -1.2788196)),
    "SprottI": (_sprott_i, {"a": 0.2}, 10.93, (-0.060099389, -0.49558355, 0.023159035)),
    "SprottJ": (_sprott_j, {}, 4.836, (4.4786928, 2.2977432, 6.5847115)),
    "SprottK": (_sprott_k, {"a": 0.3}, 7.006, (-1.3165015, -1.5429951, 0.664053)),
    "SprottL": (
        _sprott_l,
        {"a": 0.9, "b": 3.9},
        6.7262,
        (4.3611557, 13.705573, -2.6835659),
    ),
    "SprottM": (_sprott_m, {"a": 1.7}, 5.3644, (1.6024402, -1.5983203, -2.6236374)),
    "SprottN": (_sprott_n, {}, 4.8135, (-8.3258705, 7.3033716, 3.2798909)),
    "SprottO": (_sprott_o, {"a": 2.7}, 9.755, (0.20549455, 0.022792985, 0.93636949)),
    "SprottP": (_sprott_p, {"a": 2.7}, 5.3414, (0.83420675, 0.14915817, 0.44028635)),
    "SprottQ": (
        _sprott_q,
        {"a": 3.1, "b": 0.5},
        4.8443,
        (2.978102, -0.065260683, -2.8031286),
    ),
    "SprottR": (
        _sprott_r,
        {"a": 0.9, "b": 0.4},
        7.0133,
        (-1.6914909, -1.9783678, 1.9807775),
    ),
    "SprottS": (_sprott_s, {}, 3.3505, (0.12635702, 0.12260693, 1.2215429)),
}

for _name, (_rhs, _params, _period, _x0) in _SPROTT_1994.items():
    register_flow(
        _name,
        _rhs,
        _params,
        period=_period,
        x0=_x0,
        citation="Sprott, J. C. (1994) Some simple chaotic flows. Phys. Rev. E 50, R647",
        description=f"Sprott case {_name[-1]}: algebraically simplest chaotic flows",
    )


def _sprott_jerk(t, s, p):
    x, y, z = cols(s)
    return stack([y, z, -x + y**2 - p["mu"] * z])


register_flow(
    "SprottJerk",
    _sprott_jerk,
    {"mu": 2.017},
    period=11.921,
    x0=(-0.54106056, 0.59383201, 0.45127217),
    citation="Sprott, J. C. (1997) Simplest dissipative chaotic flow. Phys. Lett. A 228, 271",
    description="Quadratic jerk equation x''' = -mu x'' + x'^2 - x",
)


def _sprott_more(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    return stack([y, -x - xp.sign(z) * y, y**2 - xp.exp(-(x**2))])


register_flow(
    "SprottMore",
    _sprott_more,
    {},
    period=6.62095890410959,
    x0=(-1.3396906, -0.21238338, 0.32982163),
    citation="Sprott, J. C. (2020) Do we need more chaos examples? Chaos Theory Appl. 2, 49",
    description="Multifractal system with a nearly 3-D attractor",
    extra={"smooth": False},  # sign(z) jump
)


def _sprott_torus(t, s, p):
    x, y, z = cols(s)
    return stack([y + 2 * x * y + x * z, 1 - 2 * x**2 + y * z, x - x**2 - y**2])


register_flow(
    "SprottTorus",
    _sprott_torus,
    {},
    period=13.607,
    x0=(0.6883476, -0.18017646, 0.58539724),
    citation="Sprott, J. C. (2014) A dynamical system with a strange attractor and invariant "
    "tori. Phys. Lett. A 378, 1361",
    description="Strange attractor coexisting with invariant tori (depends on x0)",
)


# --- T -------------------------------------------------------------------------------------


def _thomas(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    a, b = p["a"], p["b"]
    return stack([-a * x + b * xp.sin(y), -a * y + b * xp.sin(z), -a * z + b * xp.sin(x)])


_THOMAS_1999 = (
    "Thomas, R. (1999) Deterministic chaos seen in terms of feedback circuits: analysis, "
    "synthesis, 'labyrinth chaos'. Int. J. Bifurcat. Chaos 9, 1889"
)

register_flow(
    "Thomas",
    _thomas,
    {"a": 1.85, "b": 10.0},
    period=4.969,
    x0=(2.199442, 2.3634225, 3.220197),
    citation=_THOMAS_1999,
    description="Cyclically symmetric damped particle in a lattice of forces",
)

register_flow(
    "ThomasLabyrinth",
    _thomas,
    {"a": 0.5, "b": 10.0},
    period=6.05,
    x0=(-4.9599545, 1.0302034, -4.6883893),
    citation=_THOMAS_1999,
    description="Thomas system at weak damping: trajectories wander through the lattice",
)


def _torus(t, s, p):
    xp = namespace(s)
    a, n, r = p["a"], p["n"], p["r"]
    time = like(t, s[..., 0])
    radius = r + a * xp.cos(n * time)
    d_radius = -a * n * xp.sin(n * time)
    return stack(
        [
            d_radius * xp.cos(time) - radius * xp.sin(time),
            d_radius * xp.sin(time) + radius * xp.cos(time),
            a * n * xp.cos(n * time),
        ]
    )


register_flow(
    "Torus",
    _torus,
    {"a": 0.5, "n": 15.3, "r": 1.0},
    period=6.36,
    x0=(-13.72884, 1.9094726, 0.72831447),
    citation="Strogatz, S. H. (1994) Nonlinear Dynamics and Chaos, Addison-Wesley (flow on a "
    "torus)",
    description="Quasi-periodic winding on a torus, driven explicitly by t (not chaotic)",
    extra={"nonautonomous": True},
)

register_flow(
    "Tsucs2",
    dequan_li_rhs,
    {"a": 40.0, "c": 0.833, "d": 0.5, "eps": 0.65, "f": 20.0, "k": 0.0},
    period=0.34526,
    x0=(1.2969944, 1.12138, 50.028988),
    citation="Pan, Zhou & Li (2013) Synchronization of three-scroll unified chaotic system "
    "(TSUCS) and its hyper-chaotic system using active pinning control. Nonlinear Dyn. 73, 2059",
    description="Three-scroll unified chaotic system (Dequan Li form)",
)


def _turchin_hanski(t, s, p):
    n, q, phase = cols(s)
    xp = namespace(s)
    season = 1 - p["e"] * xp.sin(phase)
    r, g, h, rate = p["r"], p["g"], p["h"], p["s"]
    return stack(
        [
            r * season * n - r * n**2 - g * n**2 / (n**2 + h**2) - p["a"] * n * q / (n + p["d"]),
            rate * season * q - rate * q**2 / n,
            2 * math.pi + 0 * phase,
        ]
    )


register_flow(
    "TurchinHanski",
    _turchin_hanski,
    {"a": 8.0, "d": 0.04, "e": 0.5, "g": 0.1, "h": 0.8, "r": 8.12, "s": 1.25},
    period=4.40529411764706,
    # dysts' phase 30363.85 reduced mod 2 pi (the phase enters only through sin).
    x0=(0.018027788, 0.013649976, 3.498595708237872),
    citation="Turchin & Hanski (1997) An empirically based model for latitudinal gradient in "
    "vole population dynamics. Am. Nat. 149, 842",
    description="Seasonally forced vole-weasel food web; coordinate 2 is the season phase",
    extra={"unbounded_indices": (2,), "nonautonomous": True},
)


# --- V-Z -----------------------------------------------------------------------------------


def _vallis_el_nino(t, s, p):
    x, y, z = cols(s)
    c = p["c"]
    return stack([p["b"] * y - c * x - c * p["p"], -y + x * z, -z - x * y + 1])


register_flow(
    "VallisElNino",
    _vallis_el_nino,
    {"b": 102.0, "c": 3.0, "p": 0.0},
    period=2.2087,
    x0=(-6.99286331487343, 0.023254276622294345, -0.1658177563067799),
    citation="Vallis, G. K. (1988) Conceptual models of El Nino and the Southern Oscillation. "
    "J. Geophys. Res. 93, 13979",
    description="Equatorial ocean-atmosphere recharge model",
)


def _wang_sun(t, s, p):
    x, y, z = cols(s)
    return stack(
        [
            p["a"] * x + p["q"] * y * z,
            p["b"] * x + p["d"] * y - x * z,
            p["e"] * z + p["f"] * x * y,
        ]
    )


register_flow(
    "WangSun",
    _wang_sun,
    {"a": 0.2, "b": -0.01, "d": -0.4, "e": -1.0, "f": -1.0, "q": 1.0},
    period=26.958,
    x0=(-0.54770787, 0.73876479, -0.0049284531),
    citation="Wang, Sun, van Wyk, Qi & van Wyk (2009) A 3-D four-wing attractor and its "
    "analysis. Braz. J. Phys. 39, 547",
    description="Four-scroll attractor",
)


def _windmi_reduced(t, s, p):
    i, v, q = cols(s)
    xp = namespace(s)
    vsw = p["vsw"]
    # dysts evaluates the paper's b2 * P^(1/2) as ``b2 * p**1 / 2`` = b2 * P / 2; its reference
    # period and Lyapunov exponent belong to that form, so it is kept here.
    return stack(
        [
            p["a1"] * (vsw - v),
            p["b1"] * i - p["b2"] * q / 2 - p["b3"] * v,
            vsw**2 - q**1.25 * vsw**0.5 * (1 + xp.tanh(p["d1"] * (i - 1))) / 2,
        ]
    )


register_flow(
    "WindmiReduced",
    _windmi_reduced,
    {"a1": 0.247, "b1": 10.8, "b2": 0.0752, "b3": 1.06, "d1": 2200.0, "vsw": 5.0},
    period=4.6733,
    x0=(0.93337506, 6.2678923, 41.969547),
    citation="Smith, Thiffeault & Horton (2000) Dynamical range of the WINDMI model. J. "
    "Geophys. Res. 105, 12983; Horton, Weigel & Sprott (2001) Chaos 11, 696",
    description="Solar-wind driven magnetosphere-ionosphere energy transfer (I, V, P)",
    extra={"smooth": False},  # tanh(2200 (I - 1)) acts as a switch
    param_bounds={"vsw": (0.0, math.inf)},
)


def _yu_wang(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    return stack([p["a"] * (y - x), p["b"] * x - p["c"] * x * z, xp.exp(x * y) - p["d"] * z])


def _yu_wang2(t, s, p):
    x, y, z = cols(s)
    xp = namespace(s)
    return stack([p["a"] * (y - x), p["b"] * x - p["c"] * x * z, xp.cosh(x * y) - p["d"] * z])


_YU_WANG_2012 = (
    "Yu & Wang (2012) A novel three dimension autonomous chaotic system with a quadratic "
    "exponential nonlinear term. Eng. Technol. Appl. Sci. Res. 2, 209"
)

register_flow(
    "YuWang",
    _yu_wang,
    {"a": 10.0, "b": 40.0, "c": 2.0, "d": 2.5},
    period=1.3366,
    x0=(-0.21422356, -0.17935495, 14.105516),
    citation=_YU_WANG_2012,
    description="Temperature-compensation circuit with an exponential nonlinearity",
)

register_flow(
    "YuWang2",
    _yu_wang2,
    {"a": 10.0, "b": 30.0, "c": 2.0, "d": 2.5},
    period=0.39265,
    x0=(0.12581483, 1.2467348, 18.358568),
    citation=_YU_WANG_2012,
    description="Yu-Wang variant with a cosh nonlinearity",
)


def _zhou_chen(t, s, p):
    x, y, z = cols(s)
    return stack(
        [
            p["a"] * x + p["b"] * y + y * z,
            p["c"] * y - x * z + p["d"] * y * z,
            p["e"] * z - x * y,
        ]
    )


register_flow(
    "ZhouChen",
    _zhou_chen,
    {"a": 2.97, "b": 0.15, "c": -3.0, "d": 1.0, "e": -8.78},
    period=0.87518,
    x0=(-0.60390203, 0.012111953, 0.00083277923),
    citation="Zhou & Chen (2004) A simple smooth chaotic system with a 3-layer attractor. Int. "
    "J. Bifurcat. Chaos 14, 1795",
    description="Three-layer attractor from a feedback circuit",
)
