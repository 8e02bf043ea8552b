"""Chaotic ODE flows of the dysts collection, names A–B; C–K are in ``flows_a_k_2..4``.

Equations follow the original papers named in each citation; parameter values, initial
conditions and dominant periods are those of dysts' ``chaotic_attractors.json`` (Gilpin
2021); the reference largest Lyapunov exponents follow ``_lyapunov_refs`` (a published value
read from its source, else chaosflow's independent scipy-QR reference where it passed its exact
checks, else dysts' QR λ1, else dysts' naive estimate). Non-autonomous systems carry their
driving phase as an extra coordinate (``dphase/dt = omega``), as in dysts; coordinates that grow without
bound (phases, angles) are listed in ``metadata.extra["unbounded_indices"]``.

Every ``rhs`` indexes columns ``x[..., i]`` and combines them with ``stack``, so it runs
unchanged on numpy arrays and torch tensors; parameters may be floats or ``[batch]`` arrays.
Importing this module registers all A–K flows (it imports its siblings).
"""

from __future__ import annotations

from typing import Any

from chaosflow.systems._array import namespace, stack

# The siblings register C–K; importing them here keeps one entry point for the catalog.
from chaosflow.systems.catalog import flows_a_k_2, flows_a_k_3, flows_a_k_4  # noqa: F401
from chaosflow.systems.catalog._dysts import blinking_weight, cols, dysts_flow, positive_part

#: A–K dysts flows that are not chaotic or are stiff at dysts' defaults, as measured here:
#: largest Lyapunov exponent by two-trajectory renormalisation (RK4, metadata.dt / 20, 10
#: periods of transient, then 50 / 100 / 200 dominant periods), and RK4 error over one period
#: against dt / 320. All pass the bounded, finite, non-stationary check and stay registered.
KNOWN_ISSUES: dict[str, str] = {
    "CaTwoPlusQuasiperiodic": "quasiperiodic, as its name says: λmax estimates 0.058, 0.026, "
    "0.009 after 50, 100, 200 periods (→ 0); dysts lists 0.48",
    "CircadianRhythm": "not chaotic from dysts' x0: λmax estimates 3e-4, 1e-3, 4e-4 over 50, "
    "100, 200 periods (bounded log growth); dysts lists 0.0063",
    "KawczynskiStrizhak": "mixed-mode but not chaotic from dysts' x0: λmax estimates 0.0088, "
    "0.0047, 0.0029 over 50, 100, 200 periods (→ 0); dysts lists 0.076",
    "ForcedFitzHughNagumo": "not chaotic from dysts' x0: λmax estimates 0.0063, 0.0022, "
    "0.0009 over 50, 100, 200 periods (→ 0); dysts lists 0.0076",
    "JerkCircuit": "stiff: the diode term eps·exp(y / 0.026) needs ~80 RK4 substeps per "
    "output step (dt = 0.6) for 1e-6 relative accuracy over a period (20 give 4e-3)",
}


def _aizawa(t, X, p):
    x, y, z = cols(X)
    return stack(
        [
            x * z - p["b"] * x - p["d"] * y,
            p["d"] * x + y * z - p["b"] * y,
            p["c"]
            + p["a"] * z
            - z**3 / 3.0
            - x**2
            - y**2
            - p["e"] * z * (x**2 + y**2)
            + p["f"] * z * x**3,
        ]
    )


dysts_flow(
    "Aizawa",
    _aizawa,
    {"a": 0.95, "b": 0.7, "c": 0.6, "d": 3.5, "e": 0.25, "f": 0.1},
    x0=(-0.78450179, -0.62887672, -0.17620268),
    period=2.5837,
    dysts_dt=0.0005168261376896056,
    citation="Aizawa, Y. & Uezu, T. (1982) Topological aspects in chaos and in 2^k-period "
    "doubling cascade. Prog. Theor. Phys. 67, 982. Langford (1984) Numerical studies of torus "
    "bifurcations. Numerical Methods for Bifurcation Problems, Birkhauser, 285",
    description="A torus-like attractor related to the forced Lorenz system.",
)


def _anishchenko_astakhov(t, X, p):
    x, y, z = cols(X)
    return stack([p["mu"] * x + y - x * z, -x, p["eta"] * (positive_part(x) * x - z)])


dysts_flow(
    "AnishchenkoAstakhov",
    _anishchenko_astakhov,
    {"eta": 0.5, "mu": 1.2},
    x0=(3.6225814, 3.3226339, 1.9973142),
    period=6.814,
    dysts_dt=0.001363027171195199,
    citation="Anishchenko, V. S. et al. (2007) Nonlinear Dynamics of Chaotic and Stochastic "
    "Systems: Tutorial and Modern Developments. Springer",
    description="A self-oscillator with inertial nonlinearity (stochastic resonance studies).",
)


def _arneodo(t, X, p):
    x, y, z = cols(X)
    return stack([y, z, -p["a"] * x - p["b"] * y - p["c"] * z + p["d"] * x**3])


_ARNEODO_CITATION = (
    "Arneodo, A., Coullet, P. & Tresser, C. (1980) Occurrence of strange attractors in "
    "three-dimensional Volterra equations. Phys. Lett. A 79, 259"
)
dysts_flow(
    "Arneodo",
    _arneodo,
    {"a": -5.5, "b": 4.5, "c": 1.0, "d": -1.0},
    x0=(-2.7515698, 0.19079818, 3.4703629),
    period=3.1641,
    dysts_dt=0.000632925487581133,
    citation=_ARNEODO_CITATION,
    description="A modified Lotka-Volterra ecosystem (the ACT attractor).",
)
dysts_flow(
    "Coullet",
    _arneodo,
    {"a": -0.8, "b": 1.1, "c": 0.45, "d": -1.0},
    x0=(0.34539837958549907, 0.4284701181998099, 0.086983698175975),
    period=5.7663,
    dysts_dt=0.0011534522420402027,
    citation=_ARNEODO_CITATION,
    description="A variant of the Arneodo attractor.",
)


def _abc(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    a, b, c = p["a"], p["b"], p["c"]
    return stack(
        [
            a * xp.sin(z) + c * xp.cos(y),
            b * xp.sin(x) + a * xp.cos(z),
            c * xp.sin(y) + b * xp.cos(x),
        ]
    )


dysts_flow(
    "ArnoldBeltramiChildress",
    _abc,
    {"a": 1.73205, "b": 1.41421, "c": 1.0},
    x0=(147.91266, -1762.805, -647.37622),
    period=2.8508,
    dysts_dt=0.0005702550425070285,
    citation="Arnold, V. I. (1966) J. Appl. Math. Mech. 30, 223",
    description="ABC flow: an exact steady solution of Euler's equations (angles unbounded).",
    unbounded=(0, 1, 2),
)


def _arnold_web(t, X, p):
    p1, p2, x1, x2, z = cols(X)
    xp = namespace(X)
    denom = 4.0 + xp.cos(z) + xp.cos(x1) + xp.cos(x2)
    return stack(
        [
            -p["mu"] * xp.sin(x1) / denom**2,
            -p["mu"] * xp.sin(x2) / denom**2,
            p1,
            p2,
            p["w"] + 0.0 * z,
        ]
    )


dysts_flow(
    "ArnoldWeb",
    _arnold_web,
    {"mu": 0.01, "w": 1.0},
    x0=(0.10469507, 0.0892929984, 11025.3686, 6055.32273, 0.1),
    period=67.25,
    dysts_dt=0.013452242040339115,
    citation="Froeschle, C., Guzzo, M. & Lega, E. (2000) Graphical evolution of the Arnold "
    "web: from order to chaos. Science 289",
    description="A quasi-integrable Hamiltonian system with Arnold diffusion.",
    unbounded=(2, 3, 4),
    nonautonomous=True,
)


def _atmospheric_regime(t, X, p):
    x, y, z = cols(X)
    mu2, omega, alpha, beta, sigma = p["mu2"], p["omega"], p["alpha"], p["beta"], p["sigma"]
    return stack(
        [
            p["mu1"] * x + sigma * x * y,
            mu2 * y + omega * z + alpha * y * z + beta * z**2 - sigma * x**2,
            mu2 * z - omega * y - alpha * y**2 - beta * y * z,
        ]
    )


dysts_flow(
    "AtmosphericRegime",
    _atmospheric_regime,
    {"alpha": -2.0, "beta": -5.0, "mu1": 0.05, "mu2": -0.01, "omega": 3.0, "sigma": 1.1},
    x0=(0.026544189906947246, 0.20580772677536016, 0.43758119702219506),
    period=89.59496756697331,
    dysts_dt=0.01792198051014566,
    # The dominant period is the slow regime switching; the fast oscillation (omega = 3) has
    # period 2.1, which period / 30 = 3 would alias.
    dt=0.2,
    citation="Tuwankotta, J. M. (2006) Chaos in a coupled oscillators system with widely "
    "spaced frequencies and energy-preserving non-linearity",
    description="Regime transitions in atmospheric flows; widely separated time scales.",
)


def _sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + namespace(x).exp(-x))


def _beer_rnn(t, X, p):
    s = [_sigmoid(X[..., j] + p[f"theta{j + 1}"]) for j in range(3)]
    return stack(
        [
            (-X[..., i] + sum(p[f"w{i + 1}{j + 1}"] * s[j] for j in range(3))) / p[f"tau{i + 1}"]
            for i in range(3)
        ]
    )


_BEER_W = ((5.422, -0.018, 2.75), (-0.24, 4.59, 1.21), (0.535, -2.25, 3.885))
dysts_flow(
    "BeerRNN",
    _beer_rnn,
    {
        **{f"tau{i + 1}": v for i, v in enumerate((1.0, 2.5, 1.0))},
        **{f"theta{i + 1}": v for i, v in enumerate((-4.108, -2.787, -1.114))},
        **{f"w{i + 1}{j + 1}": _BEER_W[i][j] for i in range(3) for j in range(3)},
    },
    x0=(1.5014532, 2.3742845, 0.65819415),
    period=181.58,
    dysts_dt=0.03632205367561255,
    citation="Beer, R. D. (1995) On the dynamics of small continuous-time recurrent neural "
    "networks. Adapt. Behav. 3(4), 469",
    description="Continuous-time RNN, dx_i/dt = (-x_i + sum_j w_ij sigmoid(x_j + theta_j)) "
    "/ tau_i; dysts' tau, theta, w arrays are split into scalar parameters.",
)


def _belousov_zhabotinsky(t, X, p):
    x, z, v = cols(X)
    xp = namespace(X)
    ybar = p["yb1"] * z * v / (p["y0"] * (p["yb2"] * x + p["yb3"] + p["kf"]))
    x = positive_part(x)  # dysts clamps x at 0 after ybar, for the square root and the rest
    rf = (p["ci"] - p["z0"] * z) * xp.sqrt(x)
    kf = p["kf"]
    xdot = (
        p["c1"] * x * ybar
        + p["c2"] * ybar
        + p["c3"] * x**2
        + p["c4"] * rf
        + p["c5"] * x * z
        - kf * x
    )
    zdot = (p["c6"] / p["z0"]) * rf + p["c7"] * x * z + p["c8"] * z * v + p["c9"] * z - kf * z
    vdot = p["c10"] * x * ybar + p["c11"] * ybar + p["c12"] * x**2 + p["c13"] * z * v - kf * v
    return stack([xdot * p["t0"], zdot * p["t0"], vdot * p["t0"]])


dysts_flow(
    "BelousovZhabotinsky",
    _belousov_zhabotinsky,
    {
        "c1": -8.03474,
        "c10": 0.0223915,
        "c11": 7.53559e-05,
        "c12": 8.07384e-06,
        "c13": -0.000499825,
        "c2": 0.05408,
        "c3": -0.0115886,
        "c4": 832.587,
        "c5": -0.029155,
        "c6": 0.00321617,
        "c7": -0.01352,
        "c8": -0.0831709,
        "c9": -0.0199985,
        "ci": 0.000833,
        "kf": 0.00035,
        "t0": 2308.62,
        "y0": 7.72571e-06,
        "yb1": 6.92813e-07,
        "yb2": 2.00869,
        "yb3": 0.01352,
        "z0": 8.33e-06,
    },
    x0=(0.023491701, 0.61703254, 0.84669066),
    period=0.018257,
    dysts_dt=3.6520086681113285e-06,
    citation="Gyorgyi, L. & Field, R. J. (1992) A three-variable model of deterministic chaos "
    "in the Belousov-Zhabotinsky reaction. Nature 355, 808",
    description="Reduced BZ reaction model; chaotic at kf = 3.5e-4, periodic at kf = 3e-4.",
)


def _bickley_jet(t, X, p):
    # dysts orders the state (y, x, phase): y across the jet, x along it.
    y, x, z = cols(X)
    xp = namespace(X)
    ell, u = p["ell"], p["u"]
    sech2 = 1.0 / xp.cosh(y / ell) ** 2
    phases = [p[f"k{n}"] * (x - z * p[f"sigma{n}"]) for n in (1, 2, 3)]
    cos_sum = sum(p[f"eps{n}"] * xp.cos(ph) for n, ph in zip((1, 2, 3), phases, strict=True))
    sin_sum = sum(
        p[f"eps{n}"] * p[f"k{n}"] * xp.sin(ph) for n, ph in zip((1, 2, 3), phases, strict=True)
    )
    return stack(
        [
            ell * u * sech2 * sin_sum,
            u * sech2 * (-1.0 - 2.0 * cos_sum * xp.tanh(y / ell)),
            p["omega"] + 0.0 * z,
        ]
    )


dysts_flow(
    "BickleyJet",
    _bickley_jet,
    {
        "ell": 1.77,
        "omega": 1.0,
        "u": 6.266e-05,
        "eps1": 0.0075,
        "eps2": 0.15,
        "eps3": 0.3,
        "k1": 0.313922,
        "k2": 0.627845,
        "k3": 0.941767,
        "sigma1": 9.05854e-06,
        "sigma2": 1.28453e-05,
        "sigma3": 2.88863e-05,
    },
    x0=(-0.4, 0.3, 0.0),
    period=87826.57,
    dysts_dt=17.56824204034172,
    citation="Hadjighasem, A., Karrasch, D., Teramoto, H. & Haller, G. (2016) A spectral "
    "clustering approach to Lagrangian vortex detection. Phys. Rev. E 93, 063107",
    description="A zonal jet between counter-rotating vortices; state (y, x, time), dysts' "
    "eps, k, sigma arrays split into eps1..3, k1..3, sigma1..3.",
    unbounded=(1, 2),
    nonautonomous=True,
)


def _blasius(t, X, p):
    x, y, z = cols(X)
    prey = p["alpha1"] * x * y / (1.0 + p["k1"] * x)
    pred = p["alpha2"] * y * z / (1.0 + p["k2"] * y)
    return stack([p["a"] * x - prey, -p["b"] * y + prey - pred, -p["c"] * (z - p["zs"]) + pred])


dysts_flow(
    "Blasius",
    _blasius,
    {
        "a": 1.0,
        "alpha1": 0.2,
        "alpha2": 1.0,
        "b": 1.0,
        "c": 10.0,
        "k1": 0.05,
        "k2": 0.0,
        "zs": 0.006,
    },
    x0=(4.031713, 5.1113788, 0.016508812),
    period=6.6038,
    dysts_dt=0.0013209801633604456,
    citation="Blasius, B., Huppert, A. & Stone, L. (1999) Complex dynamics and phase "
    "synchronization in spatially extended ecological systems. Nature 399, 354",
    description="A chaotic food web of vegetation, consumers and predators.",
)


def _rotlet(r, theta, a, b, bc, xp):
    """Velocity ``(v_r, v_theta)`` of a rotlet at ``(b, 0)`` in a disc of radius ``a``."""
    cos, sin = xp.cos(theta), xp.sin(theta)
    kappa = a**2 + (b**2 * r**2) / a**2 - 2.0 * b * r * cos
    gamma = (1.0 - r**2 / a**2) * (a**2 - (b**2 * r**2) / a**2)
    iota = (b**2 * r) / a**2 - b * cos
    zeta = b**2 + r**2 - 2.0 * b * r * cos
    nu = a**2 + b**2 - (2.0 * b**2 * r**2) / a**2
    vr = b * sin * (-bc * (gamma / kappa**2) - 1.0 / kappa + 1.0 / zeta)
    vth = (
        bc * (gamma * iota) / kappa**2
        + bc * r * nu / (a**2 * kappa)
        + iota / kappa
        - (r - b * cos) / zeta
    )
    return vr, vth


def _blinking_rotlet(t, X, p):
    r, theta, tt = cols(X)
    xp = namespace(X)
    a, b, bc = p["a"], p["b"], p["bc"]
    w = blinking_weight(tt, p["tau"])
    dr1, dth1 = _rotlet(r, theta, a, b, bc, xp)
    dr2, dth2 = _rotlet(r, theta, a, -b, bc, xp)
    dr = w * dr1 + (1.0 - w) * dr2
    dth = (w * dth1 + (1.0 - w) * dth2) / r
    return stack([p["sigma"] * dr, p["sigma"] * dth, 1.0 + 0.0 * tt])


dysts_flow(
    "BlinkingRotlet",
    _blinking_rotlet,
    {"a": 1.0, "b": 0.5298833894399929, "bc": 1.0, "sigma": -1.0, "tau": 3.0},
    x0=(-0.08541919, -0.05204435, 0.0),
    period=2.9520625,
    dysts_dt=0.0005905109184863022,
    citation="Meleshko, V. V. & Aref, H. (1996) A blinking rotlet model for chaotic "
    "advection. Phys. Fluids 8, 3215. See also Tallapragada & Sudarsanam, PRE 2019",
    description="Chaotic advection by two alternating rotlets in a disc; state (r, theta, time).",
    unbounded=(1, 2),  # dysts lists r too, but it stays inside the unit disc
    nonautonomous=True,
)
dysts_flow(
    "BlinkingVortex",
    _blinking_rotlet,
    {"a": 1.0, "b": 0.5, "bc": 0.0, "sigma": -1.0, "tau": 3.0},
    x0=(-0.08541919, -0.05204435, 0.0),
    period=2.7616666666666667,
    dysts_dt=0.0005524254042340715,
    citation="Aref, H. (1984) Stirring by chaotic advection. J. Fluid Mech. 143, 1",
    description="Aref's blinking vortex: two alternating point vortices; state (r, theta, time).",
    unbounded=(1, 2),  # dysts lists r too, but it stays inside the unit disc
    nonautonomous=True,
)


def _bouali(t, X, p):
    x, y, z = cols(X)
    a, m = p["a"], p["m"]
    return stack(
        [
            a * p["y0"] * x - a * x * y - p["b"] * z,
            -p["g"] * y + p["g"] * y * x**2,
            -1.5 * m * x + m * p["bb"] * x * z - p["c"] * z,
        ]
    )


_BOUALI_CITATION = (
    "Bouali, S. (1999) Feedback loop in extended van der Pol's equation applied to an economic "
    "model of cycles. Int. J. Bifurcation Chaos 9(4)"
)
dysts_flow(
    "Bouali",
    _bouali,
    {"a": 1.0, "b": -0.3, "bb": 1.0, "c": 0.05, "g": 1.0, "m": 1.0, "y0": 4.0},
    x0=(0.38673159, 3.0544196, -0.0067836194),
    period=3.0411,
    dysts_dt=0.0006083213868978987,
    citation=_BOUALI_CITATION,
    description="Economic cycles with fluctuating demand.",
)
dysts_flow(
    "Bouali2",
    _bouali,
    {"a": 3.0, "b": 2.2, "bb": 0.0, "c": 0.0, "g": 1.0, "m": -0.0026667, "y0": 1.0},
    x0=(-0.79392257, 1.3617589, -0.030578888),
    period=2.6779,
    dysts_dt=0.0005356692782129358,
    citation=_BOUALI_CITATION,
    description="A modified economic cycle model.",
)


def _burke_shaw(t, X, p):
    x, y, z = cols(X)
    n = p["n"]
    return stack([-n * x - n * y, y - n * x * z, n * x * y + p["e"]])


dysts_flow(
    "BurkeShaw",
    _burke_shaw,
    {"e": 13.0, "n": 10.0},
    x0=(-0.79153188, 0.65244479, 0.22517831),
    period=0.78333,
    dysts_dt=0.00015669211535254134,
    citation="Shaw, R. (1981) Strange attractors, chaotic behavior, and information flow. "
    "Z. Naturforsch. A 36, 80",
    description="A scroll-like attractor symmetric about the z axis.",
)
