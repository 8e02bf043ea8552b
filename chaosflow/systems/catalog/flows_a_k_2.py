"""Chaotic ODE flows of the dysts collection, names C–D (see ``flows_a_k`` for conventions)."""

from __future__ import annotations

import math
from typing import Any

from chaosflow.systems._array import namespace, stack
from chaosflow.systems.catalog._dysts import cols, dysts_flow, positive_part


def _hill(x: Any, k: Any, n: Any) -> Any:
    """Hill function ``x^n / (k^n + x^n)``."""
    return x**n / (k**n + x**n)


def _ca_two_plus(t, X, p):
    z, y, a = cols(X)
    v2 = p["Vm2"] * _hill(z, p["K2"], 2.0)
    v3 = p["Vm3"] * _hill(z, p["Kz"], p["m"]) * _hill(y, p["Ky"], 2.0) * _hill(a, p["Ka"], 4.0)
    v5 = p["Vm5"] * _hill(a, p["K5"], p["p"]) * _hill(z, p["Kd"], p["n"])
    v_in = p["V0"] + p["V1"] * p["beta"]
    return stack(
        [
            v_in - v2 + v3 + p["kf"] * y - p["k"] * z,
            v2 - v3 - p["kf"] * y,
            p["beta"] * p["V4"] - v5 - p["eps"] * a,
        ]
    )


_CA_CITATION = (
    "Houart, G., Dupont, G. & Goldbeter, A. (1999) Bursting, chaos and birhythmicity "
    "originating from self-modulation of the inositol 1,4,5-trisphosphate signal in a model "
    "for intracellular Ca2+ oscillations. Bull. Math. Biol. 61, 507"
)
dysts_flow(
    "CaTwoPlus",
    _ca_two_plus,
    {
        "K2": 0.1,
        "K5": 0.3194,
        "Ka": 0.1,
        "Kd": 1,
        "Ky": 0.3,
        "Kz": 0.6,
        "V0": 2,
        "V1": 2,
        "V4": 3,
        "Vm2": 6,
        "Vm3": 30,
        "Vm5": 50,
        "beta": 0.65,
        "eps": 13,
        "k": 10,
        "kf": 1,
        "m": 2,
        "n": 4,
        "p": 1,
    },
    x0=(0.26162904, 1.0055612, 0.14407867),
    period=1.343,
    dysts_dt=0.000268644774129001,
    citation=_CA_CITATION,
    description="Intracellular calcium oscillations; state (cytosolic Ca, stored Ca, IP3).",
)
dysts_flow(
    "CaTwoPlusQuasiperiodic",
    _ca_two_plus,
    {
        "K2": 0.1,
        "K5": 0.3,
        "Ka": 0.2,
        "Kd": 0.5,
        "Ky": 0.2,
        "Kz": 0.5,
        "V0": 2,
        "V1": 2,
        "V4": 5,
        "Vm2": 6,
        "Vm3": 20,
        "Vm5": 30,
        "beta": 0.51,
        "eps": 0.1,
        "k": 10,
        "kf": 1,
        "m": 2,
        "n": 4,
        "p": 2,
    },
    x0=(0.26321067, 0.87886607, 0.3148781),
    period=0.65614,
    dysts_dt=0.00013124987497917573,
    citation=_CA_CITATION,
    description="Calcium oscillations at dysts' quasiperiodic parameter values.",
)


def _cell_cycle(t, X, p):
    c1, m1, x1, c2, m2, x2 = cols(X)
    K, kim, vd, kd_big, kd1 = p["K"], p["Kim"], p["vd"], p["Kd1"], p["kd1"]

    def up_down(s, rate_up, rate_down):  # Goldbeter-Koshland switch, both Michaelis constants K
        return rate_up * (1.0 - s) / (K + 1.0 - s) - rate_down * s / (K + s)

    v1 = p["Vm1"] * c1 / (p["Kc"] + c1)
    u1 = p["Vm1"] * c2 / (p["Kc"] + c2)
    return stack(
        [
            p["vi"] * kim / (kim + m2) - vd * x1 * c1 / (kd_big + c1) - kd1 * c1,
            up_down(m1, v1, p["V2"]),
            up_down(x1, m1 * p["Vm3"], p["V4"]),
            p["vi"] * kim / (kim + m1) - vd * x2 * c2 / (kd_big + c2) - kd1 * c2,
            up_down(m2, u1, p["V2"]),
            up_down(x2, m2 * p["Vm3"], p["V4"]),
        ]
    )


dysts_flow(
    "CellCycle",
    _cell_cycle,
    {
        "K": 0.01,
        "Kc": 0.5,
        "Kd1": 0.02,
        "Kim": 0.65,
        "V2": 0.15,
        "V4": 0.05,
        "Vm1": 0.3,
        "Vm3": 0.1,
        "kd1": 0.001,
        "vd": 0.025,
        "vi": 0.05,
    },
    # dysts' x0 sits where RK4 at P/100 leaves for a slow periodic orbit (λmax ≈ 1e-4) and at
    # P/200 stays chaotic; this point, where the P/200 orbit from dysts' x0 is after 100
    # periods, is on the chaotic attractor.
    x0=(0.85513, 0.96404, 0.98945, 0.85546, 0.96406, 0.98945),
    period=204.71,
    dysts_dt=0.04094882480413617,
    citation="Romond, P.-C., Rustici, M., Gonze, D. & Goldbeter, A. (1999) Alternating "
    "oscillations and chaos in a model of two coupled biochemical oscillators driving "
    "successive phases of the cell cycle. Ann. N. Y. Acad. Sci. 879, 180",
    description="Two coupled cyclin/cdc2 oscillators (c, m, x per oscillator); Kim controls "
    "the bifurcations.",
)


def _pwl(x: Any) -> Any:
    """Saturating piecewise-linear output ``(|x + 1| - |x - 1|) / 2``."""
    xp = namespace(x)
    return 0.5 * (xp.abs(x + 1.0) - xp.abs(x - 1.0))


def _cellular_neural_network(t, X, p):
    x, y, z = cols(X)
    fx, fy, fz = _pwl(x), _pwl(y), _pwl(z)
    a, b = p["a"], p["b"]
    return stack(
        [
            -x + p["d"] * fx - b * fy - b * fz,
            -y - b * fx + p["c"] * fy - a * fz,
            -z - b * fx + a * fy + fz,
        ]
    )


dysts_flow(
    "CellularNeuralNetwork",
    _cellular_neural_network,
    {"a": 4.4, "b": 3.21, "c": 1.1, "d": 1.24},
    x0=(-0.26574016, -0.36754928, -0.073094132),
    period=3.2,
    dysts_dt=0.0006401066844473746,
    citation="Arena, P., Caponetto, R., Fortuna, L. & Porto, D. (1998) Bifurcation and chaos "
    "in noninteger order cellular neural networks. Int. J. Bifurcation Chaos 8, 1527",
    description="Three-cell cellular neural network with saturating outputs.",
    smooth=False,
)


def _chen(t, X, p):
    x, y, z = cols(X)
    a, c = p["a"], p["c"]
    return stack([a * (y - x), (c - a) * x - x * z + c * y, x * y - p["b"] * z])


dysts_flow(
    "Chen",
    _chen,
    {"a": 35.0, "b": 3.0, "c": 28.0},
    x0=(3.2689697, 5.2990458, 19.435349),
    period=0.58689,
    dysts_dt=0.00011739756626106157,
    citation="Chen, G. & Ueta, T. (1999) Yet another chaotic attractor. Int. J. Bifurcation "
    "Chaos 9, 1465. dysts cites Chen (1997) Proc. First Int. Conf. Control of Oscillations "
    "and Chaos",
    description="A Lorenz-like system from feedback anti-control.",
)


def _chen_lee(t, X, p):
    x, y, z = cols(X)
    return stack([p["a"] * x - y * z, p["b"] * y + x * z, p["c"] * z + x * y / 3.0])


dysts_flow(
    "ChenLee",
    _chen_lee,
    {"a": 5.0, "b": -10.0, "c": -0.38},
    x0=(0.17177112, 0.10360479, 6.2553878),
    period=2.8043,
    dysts_dt=0.0005609534922487569,
    citation="Chen, H.-K. & Lee, C.-I. (2004) Anti-control of chaos in rigid body motion. "
    "Chaos Solitons Fractals 21, 957",
    description="A rigid body (Euler's equations) with feedback anti-control.",
)


def _chua(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    m0, m1 = p["m0"], p["m1"]
    diode = m1 * x + 0.5 * (m0 - m1) * (xp.abs(x + 1.0) - xp.abs(x - 1.0))
    return stack([p["alpha"] * (y - x - diode), x - y + z, -p["beta"] * y])


dysts_flow(
    "Chua",
    _chua,
    {"alpha": 15.6, "beta": 28.0, "m0": -1.142857, "m1": -0.71429},
    x0=(1.1262351, -0.11386474, -0.78324421),
    period=1.4235,
    dysts_dt=0.0002847474579095888,
    citation="Chua, L. O. (1969) Introduction to Nonlinear Network Theory. McGraw-Hill; "
    "double scroll: Matsumoto, T. (1984) IEEE Trans. Circuits Syst. 31, 1055",
    description="Chua's circuit with a piecewise-linear negative-resistance diode.",
    smooth=False,
)


def _circadian_rhythm(t, X, p):
    m, fc, fs, fn, th = cols(X)
    xp = namespace(X)
    # Light/dark forcing of the maximal transcription rate (dysts' vs, computed from vmin/vmax).
    vs = 2.5 * ((0.5 + 0.5 * xp.cos(th)) + p["vmin"]) * (p["vmax"] - p["vmin"])
    k1, k2, n = p["k1"], p["k2"], p["n"]
    return stack(
        [
            vs * p["Ki"] ** n / (p["Ki"] ** n + fn**n) - p["vm"] * m / (p["km"] + m),
            p["ks"] * m - k1 * fc + k2 * fn - p["k"] * fc,
            p["k"] * fc - p["vd"] * fs / (p["kd"] + fs),
            k1 * fc - k2 * fn - p["vdn"] * fn / (p["kdn"] + fn),
            2.0 * math.pi / 24.0 + 0.0 * th,
        ]
    )


dysts_flow(
    "CircadianRhythm",
    _circadian_rhythm,
    {
        "Ki": 1,
        "k": 0.5,
        "k1": 0.3,
        "k2": 0.15,
        "kd": 1.4,
        "kdn": 0.4,
        "km": 0.4,
        "ks": 1,
        "n": 4,
        "vd": 6,
        "vdn": 1.5,
        "vm": 0.7,
        "vmax": 4.7,
        "vmin": 1.0,
    },
    x0=(1.5401187, 5.3707921, 41.054266, 11.619073, 2004.0233),
    period=27.0,
    dysts_dt=0.005400900150025336,
    citation="Leloup, J.-C., Gonze, D. & Goldbeter, A. (1999) Limit cycle models for "
    "circadian rhythms based on transcriptional regulation in Drosophila and Neurospora. "
    "J. Biol. Rhythms 14, 433; Gonze, Leloup & Goldbeter (2000)",
    description="Drosophila circadian clock under a 24 h light/dark cycle; state (mRNA, "
    "cytosolic, stored and nuclear protein, phase). dysts' unused vs parameter is dropped.",
    unbounded=(4,),
    nonautonomous=True,
)


def _coevolving_predator_prey(t, X, p):
    x, y, al = cols(X)
    a1, b1, b2, d1, k1, k2, k4 = p["a1"], p["b1"], p["b2"], p["d1"], p["k1"], p["k2"], p["k4"]
    delta = p["delta"]
    growth = a1 * al * (1.0 - k1 * x * (-al + al * delta)) / (1.0 + b1 * al)
    cost = d1 * (1.0 - k2 * (-(al**2) + (al * delta) ** 2) + k4 * (-(al**4) + (al * delta) ** 4))
    return stack(
        [
            x * (-(p["a3"] * y) / (1.0 + b2 * x) + growth - cost),
            (-p["d2"] + p["a2"] * x / (1.0 + b2 * x)) * y,
            p["vv"]
            * (
                -(a1 * k1 * x * al * delta) / (1.0 + b1 * al)
                - d1 * (-2.0 * k2 * al * delta**2 + 4.0 * k4 * al**3 * delta**4)
            ),
        ]
    )


dysts_flow(
    "CoevolvingPredatorPrey",
    _coevolving_predator_prey,
    {
        "a1": 2.5,
        "a2": 0.05,
        "a3": 0.4,
        "b1": 6.0,
        "b2": 1.333,
        "d1": 0.16,
        "d2": 0.004,
        "delta": 1,
        "k1": 6.0,
        "k2": 9.0,
        "k4": 9.0,
        "vv": 0.33333,
    },
    x0=(0.10946017, 0.46664421, 0.66580212),
    period=122.77,
    dysts_dt=0.02455809301550289,
    citation="Gilpin, W. & Feldman, M. W. (2017) A phase transition induces chaos in a "
    "predator-prey ecosystem with a dynamic fitness landscape. PLOS Comput. Biol. 13, e1005644",
    description="Predator-prey dynamics with a co-evolving prey trait alpha.",
)


def _colpitts(t, X, p):
    x, y, z = cols(X)
    u = z - (p["e"] - 1.0)
    fz = positive_part(-u)  # -u (1 - H(u)): the transistor conducts only for u < 0
    return stack([y - p["a"] * fz, p["c"] - x - p["b"] * y - z, y - p["d"] * z])


dysts_flow(
    "Colpitts",
    _colpitts,
    {"a": 30.0, "b": 0.8, "c": 20.0, "d": 0.08, "e": 10.0},
    x0=(8.9389043, 0.64637337, 8.7869304),
    period=4.2676,
    dysts_dt=0.0008536622770461122,
    citation="Kennedy, M. P. (1994) Chaos in the Colpitts oscillator. IEEE Trans. Circuits "
    "Syst. I 41, 771; Li, Zhou & Yang, Chaos Solitons Fractals",
    description="A Colpitts (signal generator) circuit with a piecewise-linear transistor.",
    smooth=False,
)


def _dadras(t, X, p):
    x, y, z = cols(X)
    return stack(
        [y - p["p"] * x + p["o"] * y * z, p["r"] * y - x * z + z, p["c"] * x * y - p["e"] * z]
    )


dysts_flow(
    "Dadras",
    _dadras,
    {"c": 2.0, "e": 9.0, "o": 2.7, "p": 3.0, "r": 1.7},
    x0=(1.0284085, -3.5348655, -0.72081646),
    period=3.2886,
    dysts_dt=0.0006578296382730287,
    citation="Dadras, S. & Momeni, H. R. (2009) A novel three-dimensional autonomous chaotic "
    "system generating two, three and four-scroll attractors. Phys. Lett. A 373, 3637",
    description="A circuit producing multi-scroll attractors under bifurcations.",
)


def _dequan_li(t, X, p):
    x, y, z = cols(X)
    return stack(
        [
            p["a"] * (y - x) + p["d"] * x * z,
            p["k"] * x + p["f"] * y - x * z,
            p["c"] * z + x * y - p["eps"] * x**2,
        ]
    )


dysts_flow(
    "DequanLi",
    _dequan_li,
    {"a": 40.0, "c": 1.833, "d": 0.16, "eps": 0.65, "f": 20.0, "k": 55.0},
    x0=(-11.395722, -104.12614, 202.46173),
    period=0.083806,
    dysts_dt=1.6763993998996084e-05,
    citation="Li, D. (2008) A three-scroll chaotic attractor. Phys. Lett. A 372, 387",
    description="Three-scroll unified chaotic system (related to TSUCS-2).",
)


def _double_gyre(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    a = p["eps"] * xp.sin(z)
    b = 1.0 - 2.0 * p["eps"] * xp.sin(z)
    f = a * x**2 + b * x
    amp = p["alpha"] * math.pi
    return stack(
        [
            -amp * xp.sin(math.pi * f) * xp.cos(math.pi * y),
            amp * xp.cos(math.pi * f) * xp.sin(math.pi * y) * (2.0 * a * x + b),
            p["omega"] + 0.0 * z,
        ]
    )


dysts_flow(
    "DoubleGyre",
    _double_gyre,
    {"alpha": 0.1, "eps": 0.1, "omega": 0.62832},
    x0=(1.5327241, 0.99802126, 3879.3323),
    period=13.953,
    dysts_dt=0.002791065177530072,
    citation="Shadden, S. C., Lekien, F. & Marsden, J. E. (2005) Definition and properties of "
    "Lagrangian coherent structures from finite-time Lyapunov exponents in two-dimensional "
    "aperiodic flows. Physica D 212, 271",
    description="Time-periodic double-gyre flow; state (x, y, forcing phase).",
    unbounded=(2,),
    nonautonomous=True,
)

#: Gravitational acceleration fixed inside dysts' DoublePendulum (m/s^2).
_G = 9.82


def _double_pendulum(t, X, p):
    th1, th2, p1, p2 = cols(X)
    xp = namespace(X)
    d, m = p["d"], p["m"]
    inertia = m * d**2
    cos12, sin12 = xp.cos(th1 - th2), xp.sin(th1 - th2)
    denom = 16.0 - 9.0 * cos12**2
    th1_dot = 6.0 / inertia * (2.0 * p1 - 3.0 * cos12 * p2) / denom
    th2_dot = 6.0 / inertia * (8.0 * p2 - 3.0 * cos12 * p1) / denom
    return stack(
        [
            th1_dot,
            th2_dot,
            -0.5 * inertia * (th1_dot * th2_dot * sin12 + 3.0 * (_G / d) * xp.sin(th1)),
            -0.5 * inertia * (-th1_dot * th2_dot * sin12 + 3.0 * (_G / d) * xp.sin(th2)),
        ]
    )


dysts_flow(
    "DoublePendulum",
    _double_pendulum,
    {"d": 1.0, "m": 1.0},
    x0=(-44.334542, 223.53554, -1.2249799, 2.535486),
    period=4.0234,
    dysts_dt=0.0008048141356891847,
    citation="Double pendulum of two uniform rods (length d, mass m, g = 9.82), Hamiltonian "
    "form in angles and conjugate momenta; see Marion, J. B. (2013) Classical Dynamics of "
    "Particles and Systems",
    description="Two coupled rigid pendula without damping; state (theta1, theta2, p1, p2). "
    "As in dysts, both momentum equations carry 3 g/d sin(theta) (the physical double rod has "
    "g/d sin(theta2) in the second), so the conserved energy is dysts' symmetric one.",
    unbounded=(0, 1),
)


def _duffing(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    return stack(
        [
            y,
            -p["delta"] * y - p["beta"] * x - p["alpha"] * x**3 + p["gamma"] * xp.cos(z),
            p["omega"] + 0.0 * z,
        ]
    )


dysts_flow(
    "Duffing",
    _duffing,
    {"alpha": 1.0, "beta": -1.0, "delta": 0.1, "gamma": 0.35, "omega": 1.4},
    x0=(-1.1635382, -0.5092374, 0.0),
    period=7.4496,
    dysts_dt=0.0014901683613936711,
    citation="Duffing, G. (1918) Erzwungene Schwingungen bei veränderlicher Eigenfrequenz und "
    "ihre technische Bedeutung. Vieweg, Braunschweig",
    description="Forced double-well Duffing oscillator; state (x, dx/dt, forcing phase).",
    unbounded=(2,),
    nonautonomous=True,
)
