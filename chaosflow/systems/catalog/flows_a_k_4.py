"""Chaotic ODE flows of the dysts collection: the Hyper* family and names I–K.

See ``flows_a_k`` for conventions; values: dysts' ``chaotic_attractors.json`` (Gilpin 2021).
The Hyper* systems are 4-D hyperchaotic extensions of Lorenz-like flows (two positive
Lyapunov exponents).
"""

from __future__ import annotations

from chaosflow.systems._array import namespace, stack
from chaosflow.systems.catalog._dysts import blinking_weight, cols, dysts_flow

_MEIER = "Meier, J. (2003) Presentation of Attractors with Cinema"


def _hyper_bao(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [
            p["a"] * (y - x) + w,
            p["c"] * y - x * z,
            x * y - p["b"] * z,
            p["e"] * x + p["d"] * y * z,
        ]
    )


def _hyper_cai(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [
            p["a"] * (y - x),
            p["b"] * x + p["c"] * y - x * z + w,
            -p["d"] * z + y**2,
            -p["e"] * x,
        ]
    )


def _hyper_jha(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [p["a"] * (y - x) + w, -x * z + p["b"] * x - y, x * y - p["c"] * z, -x * z + p["d"] * w]
    )


def _hyper_lorenz(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [p["a"] * (y - x) + w, -x * z + p["c"] * x - y, -p["b"] * z + x * y, p["d"] * w - x * z]
    )


def _hyper_lu(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [p["a"] * (y - x) + w, -x * z + p["c"] * y, x * y - p["b"] * z, p["d"] * w + x * z]
    )


def _hyper_pang(t, X, p):
    x, y, z, w = cols(X)
    return stack([p["a"] * (y - x), -x * z + p["c"] * y + w, x * y - p["b"] * z, -p["d"] * (x + y)])


def _hyper_qi(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [
            p["a"] * (y - x) + y * z,
            p["b"] * (x + y) - x * z,
            -p["c"] * z - p["e"] * w + x * y,
            -p["d"] * w + p["f"] * z + x * y,
        ]
    )


def _hyper_rossler(t, X, p):
    x, y, z, w = cols(X)
    return stack([-y - z, x + p["a"] * y + w, p["b"] + x * z, -p["c"] * z + p["d"] * w])


def _hyper_wang(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [p["a"] * (y - x), -x * z + p["b"] * x + w, -p["c"] * z + p["e"] * x**2, -p["d"] * x]
    )


def _hyper_xu(t, X, p):
    x, y, z, w = cols(X)
    return stack(
        [p["a"] * (y - x) + w, p["b"] * x + p["e"] * x * z, -p["c"] * z - x * y, x * z - p["d"] * y]
    )


def _hyper_yan(t, X, p):
    x, y, z, w = cols(X)
    a, c = p["a"], p["c"]
    return stack(
        [
            a * (y - x),
            (c - a) * x - x * z + c * y,
            -p["b"] * z + x * y - y * z + x * z - w,
            -p["d"] * w + y * z - x * z,
        ]
    )


def _hyper_yang_chen(t, X, p):
    x, y, z, w = cols(X)
    return stack([p["a"] * (y - x), p["c"] * x - x * z + w, -p["b"] * z + x * y, -p["d"] * x])


dysts_flow(
    "HyperBao",
    _hyper_bao,
    {"a": 36.0, "b": 3.0, "c": 20.0, "d": 0.1, "e": 21.0},
    x0=(9.271308063781017, 9.752247178805291, 23.919154915696105, -16.69675939965203),
    period=0.5831505997603473,
    dysts_dt=0.00011664956154566752,
    citation="Bao, B.-C. & Liu, Z. (2008) A hyperchaotic attractor coined from the chaotic Lü "
    "system. Chin. Phys. Lett. 25, 2396",
    description="Hyperchaos in the Lü system.",
)
dysts_flow(
    "HyperCai",
    _hyper_cai,
    {"a": 27.5, "b": 3.0, "c": 19.3, "d": 2.9, "e": 3.3},
    x0=(-10.691273602120157, -15.541159376570342, 18.388272900250726, -14.904493939514888),
    period=0.6113936187028436,
    dysts_dt=0.0001222991069250412,
    citation="Cai, G. & Huang, J. (2007) A new finance chaotic attractor. Int. J. Nonlinear Sci. 3",
    description="A hyperchaotic variant of the Finance system.",
)
dysts_flow(
    "HyperJha",
    _hyper_jha,
    {"a": 10.0, "b": 28.0, "c": 2.667, "d": 1.3},
    x0=(13.76544888070825, 20.203791990082554, 32.08179795423583, -51.189321449994914),
    period=0.8564467295817622,
    dysts_dt=0.00017131789889951677,
    citation=_MEIER,
    description="A hyperchaotic Lorenz-type system.",
)
dysts_flow(
    "HyperLorenz",
    _hyper_lorenz,
    {"a": 10.0, "b": 2.667, "c": 28.0, "d": 1.1},
    x0=(-9.186073735061425, -0.6744570634419695, 16.440536886214517, -145.0243848950473),
    period=1.277546730110058,
    dysts_dt=0.00025555193801167774,
    citation=_MEIER,
    description="A hyperchaotic variant of the Lorenz attractor.",
)
dysts_flow(
    "HyperLu",
    _hyper_lu,
    {"a": 36.0, "b": 3.0, "c": 20.0, "d": 1.3},
    x0=(8.11348619, 10.55664382, 18.44590719, -28.38151717),
    period=0.7162856981996777,
    dysts_dt=0.00014328101980993325,
    citation="Chen, A., Lu, J., Lü, J. & Yu, S. (2006) Generating hyperchaotic Lü attractor "
    "via state feedback control. Physica A 364, 103",
    description="A hyperchaotic variant of the Lü attractor.",
)
dysts_flow(
    "HyperPang",
    _hyper_pang,
    {"a": 36.0, "b": 3.0, "c": 20.0, "d": 2.0},
    x0=(8.40863585, 4.67210241, 27.91032548, -1.26300886),
    period=0.8439374360017028,
    dysts_dt=0.0001688156231375615,
    citation="Pang, S. & Liu, Y. (2011) A new hyperchaotic system from the Lü system and its "
    "control. J. Comput. Appl. Math. 235, 2775",
    description="A hyperchaotic extension of the Lü system.",
)
dysts_flow(
    "HyperQi",
    _hyper_qi,
    {"a": 50.0, "b": 24.0, "c": 13.0, "d": 8.0, "e": 33.0, "f": 30.0},
    x0=(11.250900857894639, -3.647077762541555, 50.16987924937642, -168.2485185683687),
    period=0.06186038560173437,
    dysts_dt=1.2374139476927226e-05,
    citation="Qi, G., van Wyk, M. A., van Wyk, B. J. & Chen, G. (2008) On a new hyperchaotic "
    "system. Phys. Lett. A 372, 124",
    description="A hyperchaotic variant of the Qi system.",
)
dysts_flow(
    "HyperRossler",
    _hyper_rossler,
    {"a": 0.25, "b": 3.0, "c": 0.5, "d": 0.05},
    x0=(-93.667697, 15.5078, 0.032086964, 43.792796),
    period=1.1157476694793766,
    dysts_dt=0.00022318673168449264,
    citation="Rössler, O. E. (1979) An equation for hyperchaos. Phys. Lett. A 71, 155",
    description="Rössler's hyperchaotic flow.",
)
dysts_flow(
    "HyperWang",
    _hyper_wang,
    {"a": 10.0, "b": 40.0, "c": 2.5, "d": 10.6, "e": 4.0},
    x0=(0.16824907, 0.16854103, 37.04033781, -15.29027381),
    period=0.6481520567576332,
    dysts_dt=0.0001296520200215312,
    citation="Wang, Z., Sun, Y., van Wyk, B. J., Qi, G. & van Wyk, M. A. (2009) A 3-D "
    "four-wing attractor and its analysis. Braz. J. Phys. 39",
    description="A hyperchaotic variant of the Wang system.",
)
dysts_flow(
    "HyperXu",
    _hyper_xu,
    {"a": 10.0, "b": 40.0, "c": 2.5, "d": 2.0, "e": 16.0},
    x0=(0.68944486, -0.60254126, -0.5814657, 0.26629277),
    period=1.1328151255687646,
    dysts_dt=0.00022660079191240358,
    citation="Letellier, C. & Rössler, O. E. (2007) Hyperchaos. Scholarpedia 2(8), 1936",
    description="A hyperchaotic four-dimensional flow.",
)
dysts_flow(
    "HyperYan",
    _hyper_yan,
    {"a": 37.0, "b": 3.0, "c": 26.0, "d": 38.0},
    x0=(-6.576620730899293, -4.617145437320736, 17.796515255115004, 0.8072357311545831),
    period=0.9127028626966961,
    dysts_dt=0.00018257100103951984,
    citation=_MEIER,
    description="A hyperchaotic Chen-type system.",
)
dysts_flow(
    "HyperYangChen",
    _hyper_yang_chen,
    {"a": 30.0, "b": 3.0, "c": 35.0, "d": 8.0},
    x0=(3.534464234888686, 4.82852516302869, 25.04917588890622, 17.118520274514353),
    period=0.9127028626966961,
    dysts_dt=0.00018257100103951984,
    citation=_MEIER,
    description="A hyperchaotic Yang-Chen system.",
)

#: Number of surface modes in dysts' InteriorSquirmer (structure; coefficients are parameters).
_SQUIRMER_MODES = 5


def _interior_squirmer(t, X, p):
    r, th, tt = cols(X)
    xp = namespace(X)
    # The slip velocity switches between its sine (a_n) and cosine (g_n) parts (dysts protocol).
    phase = blinking_weight(tt, p["tau"])
    vr, vth = 0.0 * r, 0.0 * r
    for n in range(1, _SQUIRMER_MODES + 1):
        a_n, g_n = p[f"a{n}"] * phase, p[f"g{n}"] * (1.0 - phase)
        sin_n, cos_n, r_n = xp.sin(n * th), xp.cos(n * th), r**n
        vr = vr + (g_n * cos_n + a_n * sin_n) * n * r_n * (r**2 - 1.0) / r
        vth = vth + (a_n * cos_n - g_n * sin_n) * (2.0 * r + (r**2 - 1.0) * n / r) * r_n
    return stack([vr, vth / r, 1.0 + 0.0 * tt])


dysts_flow(
    "InteriorSquirmer",
    _interior_squirmer,
    {
        **{f"a{n}": 0.5 for n in range(1, _SQUIRMER_MODES + 1)},
        **{f"g{n}": 0.5 for n in range(1, _SQUIRMER_MODES + 1)},
        "tau": 3.0,
    },
    x0=(0.1, 0.1, 0.1),
    period=28.822573200111794,
    dysts_dt=0.005765475552614134,
    # The slip protocol switches every tau / 2 = 1.5 time units; period / 30 = 1 would alias it.
    dt=0.1,
    citation="Blake, J. R. (1971) Self propulsion due to oscillations on the surface of a "
    "cylinder at low Reynolds number. Bull. Austral. Math. Soc. 5, 255",
    description="Stokes flow inside a cylinder driven by a blinking surface slip; state (r, "
    "theta, time); dysts' a, g arrays split into a1..a5, g1..g5.",
    unbounded=(1, 2),  # dysts lists only time; theta is an angle and winds too
    nonautonomous=True,
)


def _isothermal_chemical(t, X, p):
    alpha, beta, gamma = cols(X)
    autocatalysis = alpha * beta**2 + alpha
    return stack(
        [
            p["mu"] * (p["kappa"] + gamma) - autocatalysis,
            (autocatalysis - beta) / p["sigma"],
            (beta - gamma) / p["delta"],
        ]
    )


dysts_flow(
    "IsothermalChemical",
    _isothermal_chemical,
    {"delta": 1.0, "kappa": 2.5, "mu": 0.29786, "sigma": 0.013},
    # A chaotic attractor (λmax ≈ 0.12) coexists with a periodic orbit. dysts' x0 (0.51415,
    # 0.99843, 1.0062) lies near their basin boundary: starts 1e-3 around it reach the periodic
    # orbit. This point is where a chaotic start of ``benchmarks/lyapunov_x0_scan.py`` is after
    # 300 periods; 12 of 12 starts 1e-3 around it stay chaotic over 1000 periods (λmax 0.11..0.14).
    x0=(0.348948, 0.465206, 1.172153),
    period=0.7302799999999999,
    dysts_dt=0.00014608034672445314,
    citation="Petrov, V., Scott, S. K. & Showalter, K. (1992) Mixed-mode oscillations in "
    "chemical systems. J. Chem. Phys. 97, 6191",
    description="An isothermal autocatalytic reaction with mixed-mode oscillations.",
)


def _itik_banks_tumor(t, X, p):
    x, y, z = cols(X)
    return stack(
        [
            x * (1.0 - x) - p["a12"] * x * y - p["a13"] * x * z,
            p["r2"] * y * (1.0 - y) - p["a21"] * x * y,
            p["r3"] * x * z / (x + p["k3"]) - p["a31"] * x * z - p["d3"] * z,
        ]
    )


dysts_flow(
    "ItikBanksTumor",
    _itik_banks_tumor,
    {"a12": 1.0, "a13": 2.5, "a21": 1.5, "a31": 0.2, "d3": 0.5, "k3": 1.0, "r2": 0.6, "r3": 4.5},
    x0=(0.051730215, 0.87071642, 0.015926427),
    period=49.74,
    dysts_dt=0.009949658276379978,
    citation="Itik, M. & Banks, S. P. (2010) Chaos in a three-dimensional cancer model. Int. "
    "J. Bifurcation Chaos 20, 71",
    description="Tumour, healthy and effector immune cell populations.",
)


def _jerk_circuit(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    return stack([y, z, -z - x - p["eps"] * (xp.exp(y / p["y0"]) - 1.0)])


dysts_flow(
    "JerkCircuit",
    _jerk_circuit,
    {"eps": 1e-09, "y0": 0.026},
    x0=(-1.300882, 0.065382947, 0.91801911),
    period=19.4546,
    dysts_dt=0.003891568594765431,
    citation="Sprott, J. C. (2011) A new chaotic jerk circuit. IEEE Trans. Circuits Syst. II "
    "58, 240",
    description="A jerk circuit whose nonlinearity is a diode's exponential I-V curve.",
)


def _kawczynski_strizhak(t, X, p):
    x, y, z = cols(X)
    gamma, mu, kappa = p["gamma"], p["mu"], p["kappa"]
    return stack(
        [
            gamma * (y - x**3 + 3.0 * mu * x),
            -2.0 * mu * x - y - z + p["beta"],
            kappa * (x - z),
        ]
    )


dysts_flow(
    "KawczynskiStrizhak",
    _kawczynski_strizhak,
    {"beta": -0.4, "gamma": 0.49, "kappa": 0.2, "mu": 2.1},
    x0=(-1.160501, 5.8636902, -1.2031947),
    period=7.991666666666667,
    dysts_dt=0.0015985997666280128,
    citation="Strizhak, P. E. & Kawczynski, A. L. (1995) J. Phys. Chem. 99, 10830",
    description="A three-variable model of mixed-mode oscillations in the BZ reaction.",
)
