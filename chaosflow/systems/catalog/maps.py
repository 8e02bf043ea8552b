"""Chaotic maps: ``rhs(t, x, p)`` returns the next state ``[batch, dim]``; λmax is per iteration.

Equations and parameters are facts from the cited papers; "Sprott (2003)" is J. C. Sprott,
*Chaos and Time-Series Analysis*, Oxford University Press, Appendix A (common chaotic systems,
with Lyapunov exponents). Where no published exponent was at hand, or the published one is for
other parameters, the reference is chaosflow's own Benettin/QR estimate (``benchmarks/
lyapunov_sweep.py``: tangent dynamics by autograd, 8 initial conditions × 20,000 iterations
after 1,000 transient) and the citation says so; an exact value (``ln 2`` ...) is used where
the map's invariant measure gives one.

Maps on a circle or torus reduce with ``x - floor(x)`` (array-generic, differentiable almost
everywhere). Piecewise-linear maps whose slope is 2 (tent, Bernoulli shift) collapse onto 0 in
binary floating point after ~53 iterations, so they use a slope just below 2 (λ = ln slope).
"""

from __future__ import annotations

import math

from chaosflow.systems._array import namespace, stack
from chaosflow.systems._base import Metadata, System
from chaosflow.systems._registry import register_system

SPROTT = "Sprott, J. C. (2003) Chaos and Time-Series Analysis, Oxford UP, Appendix A"
OWN = "λmax: chaosflow Benettin/QR estimate (benchmarks/lyapunov_sweep.py)"
TWO_PI = 2.0 * math.pi


def _frac(x):
    """``x mod 1`` for numpy and torch alike."""
    return x - namespace(x).floor(x)


def _mod2pi(x):
    return x - TWO_PI * namespace(x).floor(x / TWO_PI)


def _map(name, params, rhs, x0, lyap, citation, description=""):
    register_system(
        System(
            name=name,
            dim=len(x0),
            kind="map",
            params=params,
            rhs=rhs,
            metadata=Metadata(
                dt=1.0,
                period=1.0,
                lyapunov_max=lyap,
                x0=tuple(float(v) for v in x0),
                citation=citation,
                description=description,
            ),
        )
    )


# ---------------------------------------------------------------- one-dimensional maps


def _logistic(t, x, p):
    u = x[..., 0]
    return stack([p["r"] * u * (1.0 - u)])


_map(
    "Logistic",
    {"r": 4.0},
    _logistic,
    (0.51,),
    math.log(2.0),
    "May, R. M. (1976) Simple mathematical models with very complicated dynamics. Nature 261, "
    "459. λ = ln 2 at r = 4 (Ulam & von Neumann 1947; " + SPROTT + ").",
    "x' = r x (1 - x)",
)


def _tent(t, x, p):
    u = x[..., 0]
    return stack([p["mu"] * namespace(u).minimum(u, 1.0 - u)])


_map(
    "Tent",
    {"mu": 1.99},
    _tent,
    (0.51,),
    math.log(1.99),
    "Tent map, e.g. " + SPROTT + ". Constant slope ±mu on the attractor: λ = ln mu exactly "
    "(mu = 2 collapses to 0 in binary floating point).",
    "x' = mu min(x, 1 - x)",
)


def _sine(t, x, p):
    u = x[..., 0]
    return stack([p["a"] * namespace(u).sin(math.pi * u)])


_map(
    "Sine",
    {"a": 1.0},
    _sine,
    (0.51,),
    0.6890,
    "Sine map, " + SPROTT + " (λ = 0.6890 at a = 1).",
    "x' = a sin(pi x)",
)


def _chebyshev(t, x, p):
    xp = namespace(x)
    u = xp.clip(x[..., 0], -1.0, 1.0)
    return stack([xp.cos(p["a"] * xp.arccos(u))])


_map(
    "Chebyshev",
    {"a": 6.0},
    _chebyshev,
    (0.51,),
    math.log(6.0),
    "Chebyshev map T_a(x) = cos(a arccos x); Adler, R. L. & Rivlin, T. J. (1964) Ergodic and "
    "mixing properties of Chebyshev polynomials. Proc. AMS 15, 794. λ = ln a for integer a.",
    "x' = cos(a arccos x)",
)


def _ricker(t, x, p):
    u = x[..., 0]
    return stack([p["a"] * u * namespace(u).exp(-u)])


_map(
    "Ricker",
    {"a": 20.0},
    _ricker,
    (0.51,),
    0.3850,
    "Ricker, W. E. (1954) Stock and recruitment. J. Fish. Res. Board Can. 11, 559. "
    "Form and λ = 0.385 at a = 20: " + SPROTT + ".",
    "x' = a x exp(-x)",
)


def _gauss(t, x, p):
    u = x[..., 0]
    return stack([namespace(u).exp(-p["a"] * u * u) + p["b"]])


_map(
    "Gauss",
    {"a": 6.2, "b": -0.55},
    _gauss,
    (0.5,),
    0.3708,
    "Gaussian (mouse) map; Hilborn, R. C. (2000) Chaos and Nonlinear Dynamics, 2nd ed., OUP. "
    + OWN
    + ".",
    "x' = exp(-a x^2) + b",
)


def _circle(t, x, p):
    u = x[..., 0]
    kick = p["k"] / TWO_PI * namespace(u).sin(TWO_PI * u)
    return stack([_frac(u + p["omega"] - kick)])


_map(
    "Circle",
    {"omega": 0.333, "k": 5.7},
    _circle,
    (0.1,),
    1.084,
    "Sine circle map (Arnold 1965; e.g. Ott, E. (2002) Chaos in Dynamical Systems, CUP, "
    "§6.2); chaotic for k > 1. Parameters as in dysts (Gilpin 2021). " + OWN + ".",
    "x' = x + omega - k/(2 pi) sin(2 pi x) mod 1",
)


# ---------------------------------------------------------------- two- and three-dimensional maps


def _henon(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([1.0 - p["a"] * u * u + v, p["b"] * u])


_map(
    "Henon",
    {"a": 1.4, "b": 0.3},
    _henon,
    (0.6314, 0.1894),
    0.41922,
    "Hénon, M. (1976) A two-dimensional mapping with a strange attractor. Commun. Math. Phys. "
    "50, 69. λ = 0.41922: " + SPROTT + ".",
    "x' = 1 - a x^2 + y, y' = b x",
)


def _lozi(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([1.0 - p["a"] * namespace(u).abs(u) + v, p["b"] * u])


_map(
    "Lozi",
    {"a": 1.7, "b": 0.5},
    _lozi,
    (-0.1, 0.1),
    0.47023,
    "Lozi, R. (1978) Un attracteur étrange du type attracteur de Hénon. J. Phys. Colloques 39, "
    "C5-9. λ = 0.47023: " + SPROTT + ".",
    "x' = 1 - a |x| + y, y' = b x",
)


def _ikeda(t, x, p):
    xp = namespace(x)
    u, v = x[..., 0], x[..., 1]
    phase = 0.4 - 6.0 / (1.0 + u * u + v * v)
    c, s = xp.cos(phase), xp.sin(phase)
    return stack([1.0 + p["u"] * (u * c - v * s), p["u"] * (u * s + v * c)])


_map(
    "Ikeda",
    {"u": 0.9},
    _ikeda,
    (0.9, 0.55524451),
    0.50760,
    "Ikeda, K. (1979) Multiple-valued stationary state and its instability of the transmitted "
    "light by a ring cavity system. Opt. Commun. 30, 257; Hammel, Jones & Moloney (1985) "
    "J. Opt. Soc. Am. B 2, 552. λ = 0.50760: " + SPROTT + ".",
    "z' = 1 + u z exp(i (0.4 - 6/(1 + |z|^2)))",
)


def _tinkerbell(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack(
        [
            u * u - v * v + p["a"] * u + p["b"] * v,
            2.0 * u * v + p["c"] * u + p["d"] * v,
        ]
    )


_map(
    "Tinkerbell",
    {"a": 0.9, "b": -0.6013, "c": 2.0, "d": 0.5},
    _tinkerbell,
    (-0.72, -0.64),
    0.18997,
    "Nusse, H. E. & Yorke, J. A. (1994) Dynamics: Numerical Explorations, Springer. "
    "λ = 0.18997: " + SPROTT + ".",
    "x' = x^2 - y^2 + a x + b y, y' = 2 x y + c x + d y",
)


def _gingerbreadman(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([1.0 - v + namespace(u).abs(u), u])


_map(
    "Gingerbreadman",
    {},
    _gingerbreadman,
    (-0.1, 0.0),
    0.07238,
    "Devaney, R. L. (1984) A piecewise linear model for the zones of instability of an "
    "area-preserving map. Physica D 10, 387. λ = 0.07238 (from x0 = (-0.1, 0)): " + SPROTT + ".",
    "x' = 1 - y + |x|, y' = x (area-preserving)",
)


def _chirikov(t, x, p):
    theta, mom = x[..., 0], x[..., 1]
    mom_next = mom + p["k"] * namespace(x).sin(theta)
    return stack([_mod2pi(theta + mom_next), _mod2pi(mom_next)])


_map(
    "Chirikov",
    {"k": 6.0},
    _chirikov,
    (0.1, 0.1),
    1.136,
    "Chirikov, B. V. (1979) A universal instability of many-dimensional oscillator systems. "
    "Phys. Rep. 52, 263 (standard map on the torus). For k >> 1, λ ≈ ln(k/2); at k = 6 the "
    "phase space is almost fully chaotic. " + OWN + ".",
    "p' = p + k sin(theta), theta' = theta + p' (both mod 2 pi)",
)


def _zaslavskii(t, x, p):
    u, v = x[..., 0], x[..., 1]
    decay = math.e ** (-p["r"]) if isinstance(p["r"], float) else namespace(x).exp(-p["r"])
    mu = (1.0 - decay) / p["r"]
    kick = p["eps"] * namespace(x).cos(TWO_PI * u)
    return stack([_frac(u + p["nu"] * (1.0 + mu * v) + p["nu"] * mu * kick), decay * (v + kick)])


_map(
    "Zaslavskii",
    {"eps": 0.3, "nu": 400.0 / 3.0, "r": 3.0},
    _zaslavskii,
    (0.51, 0.1),
    3.69,
    "Zaslavskii, G. M. (1978) The simplest case of a strange attractor. Phys. Lett. A 69, 145. "
    "Parameters of the paper (dysts' eps=5, nu=0.2, r=2 settle on a periodic orbit). " + OWN + ".",
    "x' = x + nu (1 + mu y) + eps nu mu cos(2 pi x) mod 1, y' = exp(-r) (y + eps cos(2 pi x))",
)


def _kaplan_yorke(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([_frac(p["a"] * u), p["alpha"] * v + namespace(x).cos(4.0 * math.pi * u)])


_map(
    "KaplanYorke",
    {"a": 1.99, "alpha": 0.2},
    _kaplan_yorke,
    (0.2, 0.2),
    math.log(1.99),
    "Kaplan, J. L. & Yorke, J. A. (1979) Chaotic behavior of multidimensional difference "
    "equations. LNM 730, 204. Triangular Jacobian: λ1 = ln a exactly (a = 2 in the paper "
    "collapses to 0 in binary floating point).",
    "x' = a x mod 1, y' = alpha y + cos(4 pi x)",
)


def _arnold_cat(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([_frac(u + v), _frac(u + 2.0 * v)])


_map(
    "ArnoldCat",
    {},
    _arnold_cat,
    (0.1234567, 0.7654321),
    math.log((3.0 + math.sqrt(5.0)) / 2.0),
    "Arnold, V. I. & Avez, A. (1968) Ergodic Problems of Classical Mechanics, Benjamin. "
    "Linear hyperbolic automorphism of the torus: λ = ln((3 + √5)/2) exactly.",
    "x' = x + y mod 1, y' = x + 2 y mod 1",
)


def _duffing_map(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([v, -p["b"] * u + p["a"] * v - v * v * v])


_map(
    "DuffingMap",
    {"a": 2.75, "b": 0.2},
    _duffing_map,
    (0.51, 0.1),
    0.4783,
    "Holmes, P. J. (1979) A nonlinear oscillator with a strange attractor. Phil. Trans. R. "
    "Soc. A 292, 419 (the Holmes cubic / Duffing map; Sprott (2003) lists d = 2.77, "
    "λ = 0.59485). " + OWN + " at a = 2.75.",
    "x' = y, y' = -b x + a y - y^3",
)


def _burgers(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([p["a"] * u - v * v, p["b"] * v + u * v])


_map(
    "BurgersMap",
    {"a": 0.75, "b": 1.75},
    _burgers,
    (-0.1, 0.1),
    0.13730,
    "Whitehead, R. R. & MacDonald, N. (1984) A chaotic map that displays its own homoclinic "
    "structure. Physica D 13, 401 (Burgers' map). λ = 0.13730: " + SPROTT + ".",
    "x' = a x - y^2, y' = b y + x y",
)


def _dejong(t, x, p):
    xp = namespace(x)
    u, v = x[..., 0], x[..., 1]
    return stack(
        [
            xp.sin(p["a"] * v) - xp.cos(p["b"] * u),
            xp.sin(p["c"] * u) - xp.cos(p["d"] * v),
        ]
    )


_map(
    "DeJong",
    {"a": 1.641, "b": 1.902, "c": 0.316, "d": 1.525},
    _dejong,
    (1.78166133, -1.15791549),
    0.2820,
    "Peter de Jong attractor; Pickover, C. A. (1990) Computers, Pattern, Chaos and Beauty, "
    "St. Martin's. Parameters as in dysts (Gilpin 2021). " + OWN + ".",
    "x' = sin(a y) - cos(b x), y' = sin(c x) - cos(d y)",
)


def _clifford(t, x, p):
    xp = namespace(x)
    u, v = x[..., 0], x[..., 1]
    return stack(
        [
            xp.sin(p["a"] * v) + p["c"] * xp.cos(p["a"] * u),
            xp.sin(p["b"] * u) + p["d"] * xp.cos(p["b"] * v),
        ]
    )


_map(
    "Pickover",
    {"a": -1.4, "b": 1.6, "c": 1.0, "d": 0.7},
    _clifford,
    (-0.97631884, -1.2040783),
    0.2905,
    "Clifford (Pickover) attractor; Pickover, C. A. (1995) The Pattern Book, World Scientific. "
    "Parameters as in dysts (Gilpin 2021). " + OWN + ".",
    "x' = sin(a y) + c cos(a x), y' = sin(b x) + d cos(b y)",
)


def _svensson(t, x, p):
    xp = namespace(x)
    u, v = x[..., 0], x[..., 1]
    return stack(
        [
            p["d"] * xp.sin(p["a"] * u) - xp.sin(p["b"] * v),
            p["c"] * xp.cos(p["a"] * u) + xp.cos(p["b"] * v),
        ]
    )


_map(
    "Svensson",
    {"a": 1.5, "b": -1.8, "c": 1.6, "d": 0.9},
    _svensson,
    (0.5, 0.5),
    0.5811,
    "Johnny Svensson attractor (via P. Bourke's catalogue of 2-D maps). Parameters as in "
    "dysts (Gilpin 2021). " + OWN + ".",
    "x' = d sin(a x) - sin(b y), y' = c cos(a x) + cos(b y)",
)


def _delayed_logistic(t, x, p):
    u, v = x[..., 0], x[..., 1]
    return stack([p["a"] * u * (1.0 - v), u])


_map(
    "DelayedLogistic",
    {"a": 2.27},
    _delayed_logistic,
    (0.5, 0.6),
    0.18312,
    "Aronson, D. G., Chory, M. A., Hall, G. R. & McGehee, R. P. (1982) Bifurcations from an "
    "invariant circle for two-parameter families of maps of the plane. Commun. Math. Phys. "
    "83, 303. λ = 0.18312: " + SPROTT + ".",
    "x' = a x (1 - y), y' = x",
)


def _dissipative_standard(t, x, p):
    theta, mom = x[..., 0], x[..., 1]
    mom_next = p["b"] * mom + p["k"] * namespace(x).sin(theta)
    return stack([_mod2pi(theta + mom_next), _mod2pi(mom_next)])


_map(
    "DissipativeStandard",
    {"b": 0.1, "k": 8.8},
    _dissipative_standard,
    (0.1, 0.1),
    1.46819,
    "Schmidt, G. & Wang, B. H. (1985) Dissipative standard map. Phys. Rev. A 32, 2994. "
    "λ = 1.46819: " + SPROTT + ".",
    "y' = b y + k sin x, x' = x + y' (both mod 2 pi)",
)


def _sinai(t, x, p):
    u, v = x[..., 0], x[..., 1]
    bend = p["delta"] * namespace(x).cos(TWO_PI * v)
    return stack([_frac(u + v + bend), _frac(u + 2.0 * v)])


_map(
    "Sinai",
    {"delta": 0.1},
    _sinai,
    (0.5, 0.5),
    0.95946,
    "Sinai, Ya. G. (1972) Gibbs measures in ergodic theory. Russ. Math. Surv. 27, 21. "
    "λ = 0.95946: " + SPROTT + ".",
    "x' = x + y + delta cos(2 pi y) mod 1, y' = x + 2 y mod 1",
)


def _generalized_henon(t, x, p):
    u, v, w = x[..., 0], x[..., 1], x[..., 2]
    return stack([p["a"] - v * v - p["b"] * w, u, v])


_map(
    "GeneralizedHenon",
    {"a": 1.76, "b": 0.1},
    _generalized_henon,
    (1.0, 0.1, 0.0),
    0.2250,
    "Baier, G. & Klein, M. (1990) Maximum hyperchaos in generalized Hénon maps. Phys. Lett. A "
    "151, 281 (hyperchaotic, two positive exponents). " + OWN + ".",
    "x' = a - y^2 - b z, y' = x, z' = y",
)
