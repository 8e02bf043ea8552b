"""Chaotic ODE flows of the dysts collection, names E–H except the Hyper* family.

See ``flows_a_k`` for conventions; values: dysts' ``chaotic_attractors.json`` (Gilpin 2021).
"""

from __future__ import annotations

import math

from chaosflow.systems._array import namespace, stack
from chaosflow.systems.catalog._dysts import cols, dysts_flow


def _excitable_cell(t, X, p):
    v, n, c = cols(X)
    xp = namespace(X)
    alpha_m = 0.1 * (25.0 + v) / (1.0 - xp.exp(-0.1 * v - 2.5))
    beta_m = 4.0 * xp.exp(-(v + 50.0) / 18.0)
    m_inf = alpha_m / (alpha_m + beta_m)
    alpha_h = 0.07 * xp.exp(-0.05 * v - 2.5)
    beta_h = 1.0 / (1.0 + xp.exp(-0.1 * v - 2.0))
    h_inf = alpha_h / (alpha_h + beta_h)
    alpha_n = 0.01 * (20.0 + v) / (1.0 - xp.exp(-0.1 * v - 2.0))
    beta_n = 0.125 * xp.exp(-(v + 30.0) / 80.0)
    n_inf = alpha_n / (alpha_n + beta_n)
    tau_n = 1.0 / (230.0 * (alpha_n + beta_n))
    na_drive = m_inf**3 * h_inf
    vk = p["vk"]
    vdot = (
        p["gi"] * na_drive * (p["vi"] - v)
        + p["gkv"] * n**4 * (vk - v)
        + p["gkc"] * c / (1.0 + c) * (vk - v)
        + p["gl"] * (p["vl"] - v)
    )
    return stack([vdot, (n_inf - n) / tau_n, p["rho"] * (na_drive * (p["vc"] - v) - p["kc"] * c)])


dysts_flow(
    "ExcitableCell",
    _excitable_cell,
    {
        "gi": 1800,
        "gkc": 11,
        "gkv": 1700,
        "gl": 7,
        "kc": 0.183333,
        "rho": 0.27,
        "vc": 100,
        "vi": 100,
        "vk": -75,
        "vl": -40,
    },
    x0=(-44.57779976420271, 0.13121643614884418, 0.4658533583951385),
    period=0.5528,
    dysts_dt=0.00011057842973826836,
    citation="Chay, T. R. (1985) Chaos in a three-variable model of an excitable cell. "
    "Physica D 16, 233",
    description="Reduced Hodgkin-Huxley-type model of a pancreatic beta cell; state (V, n, "
    "Ca). gkc controls the onset of chaos; dysts' unused vm, vn parameters are dropped.",
)


def _finance(t, X, p):
    x, y, z = cols(X)
    b = p["b"]
    return stack([(1.0 / b - p["a"]) * x + z + x * y, -b * y - x**2, -x - p["c"] * z])


dysts_flow(
    "Finance",
    _finance,
    {"a": 0.001, "b": 0.2, "c": 1.1},
    x0=(-0.51664739, -3.9568707, 0.0012893581),
    period=9.8932,
    dysts_dt=0.001978969828304571,
    citation="Cai, G. & Huang, J. (2007) A new finance chaotic attractor. Int. J. Nonlinear Sci. 3",
    description="Interest rate, investment demand and price index under varying savings.",
)


def _fluid_trampoline(t, X, p):
    x, y, th = cols(X)
    xp = namespace(X)
    # The film pushes back only while the drop is below it (x < 0): Heaviside(-x) switch.
    film = (x < 0) * (x + p["psi"] * y * xp.abs(y))
    return stack([y, -1.0 - film + p["gamma"] * xp.cos(th), p["w"] + 0.0 * th])


dysts_flow(
    "FluidTrampoline",
    _fluid_trampoline,
    {"gamma": 1.82, "psi": 0.01019, "w": 1.21},
    x0=(-0.65820064, -2.8807787, 0.1),
    period=7.7351,
    dysts_dt=0.0015472778796464582,
    citation="Gilet, T. & Bush, J. W. M. (2009) The fluid trampoline: droplets bouncing on a "
    "soap film. J. Fluid Mech. 625, 167",
    description="A droplet bouncing on a vibrated soap film; state (height, velocity, phase).",
    unbounded=(2,),
    nonautonomous=True,
    smooth=False,
)


def _forced_brusselator(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    b = p["b"]
    return stack(
        [
            p["a"] + x**2 * y - (b + 1.0) * x + p["f"] * xp.cos(z),
            b * x - x**2 * y,
            p["w"] + 0.0 * z,
        ]
    )


dysts_flow(
    "ForcedBrusselator",
    _forced_brusselator,
    {"a": 0.4, "b": 1.2, "f": 0.05, "w": 0.81},
    x0=(0.40635464, 1.8192295, 6381.6484),
    period=20.411,
    dysts_dt=0.004082880480079893,
    citation="Prigogine, I. (1980) From Being to Becoming: Time and Complexity in the Physical "
    "Sciences. W. H. Freeman, New York",
    description="The periodically forced Brusselator autocatalytic reaction.",
    unbounded=(2,),
    nonautonomous=True,
)


def _forced_fitzhugh_nagumo(t, X, p):
    v, w, z = cols(X)
    xp = namespace(X)
    return stack(
        [
            v - v**3 / 3.0 - w + p["curr"] + p["f"] * xp.sin(z),
            p["gamma"] * (v + p["a"] - p["b"] * w),
            p["omega"] + 0.0 * z,
        ]
    )


dysts_flow(
    "ForcedFitzHughNagumo",
    _forced_fitzhugh_nagumo,
    {
        "a": 0.7,
        "b": 0.8,
        "curr": 0.965,
        "f": 0.4008225,
        "gamma": 0.08,
        "omega": 0.043650793650793655,
    },
    x0=(-1.2155252, -0.046470891, 0.0),
    period=42.12235294117647,
    dysts_dt=0.008425874900717644,
    citation="FitzHugh, R. (1961) Impulses and physiological states in theoretical models of "
    "nerve membrane. Biophys. J. 1, 445",
    description="A periodically driven FitzHugh-Nagumo neuron.",
    unbounded=(2,),
    nonautonomous=True,
)


def _forced_van_der_pol(t, X, p):
    x, y, z = cols(X)
    xp = namespace(X)
    return stack([y, p["mu"] * (1.0 - x**2) * y - x + p["a"] * xp.sin(z), p["w"] + 0.0 * z])


dysts_flow(
    "ForcedVanDerPol",
    _forced_van_der_pol,
    # ω = 2π/10 = 0.62832: μ = 8.53, A = 1.2, ω = 2π/10 is the commonly quoted chaotic set,
    # which dysts' w = 0.63 appears to round. At 0.63 every start tried is regular (λmax ≈ 0;
    # 32 around dysts' x0 and 40 of ``benchmarks/lyapunov_x0_scan.py``); at 2π/10 all 8
    # random starts are chaotic (λmax 0.0045..0.0081 over 1000 forcing periods, RK4 at 10/800
    # and 10/1600). x0: where the start (0.5, 0, 0) is after 200 forcing periods.
    {"a": 1.2, "mu": 8.53, "w": 2.0 * math.pi / 10.0},
    x0=(1.319485, -0.208053, 0.0),
    period=14.476875,
    dysts_dt=0.0028958576429408823,
    citation="van der Pol, B. (1920) A theory of the amplitude of free and forced triode "
    "vibrations. Radio Review 1, 701",
    description="A relaxation oscillator (triode circuit) under periodic forcing.",
    unbounded=(2,),
    nonautonomous=True,
)


def _genesio_tesi(t, X, p):
    x, y, z = cols(X)
    return stack([y, z, -p["c"] * x - p["b"] * y - p["a"] * z + x**2])


dysts_flow(
    "GenesioTesi",
    _genesio_tesi,
    {"a": 0.44, "b": 1.1, "c": 1.0},
    x0=(-0.053772565, -0.26162564, 0.33501557),
    period=5.9431,
    dysts_dt=0.0011888181363559625,
    citation="Genesio, R. & Tesi, A. (1992) Harmonic balance methods for the analysis of "
    "chaotic dynamics in nonlinear systems. Automatica 28, 531",
    description="A quadratic jerk system from feedback control.",
)


def _guckenheimer_holmes(t, X, p):
    x, y, z = cols(X)
    a, b, c, d, f = p["a"], p["b"], p["c"], p["d"], p["f"]
    r2 = x**2 + y**2
    return stack(
        [
            a * x - b * y + c * z * x + d * z * r2,
            a * y + b * x + c * z * y,
            p["e"] - z**2 - f * r2 - a * z**3,
        ]
    )


dysts_flow(
    "GuckenheimerHolmes",
    _guckenheimer_holmes,
    {"a": 0.4, "b": 20.25, "c": 3.0, "d": 1.6, "e": 1.7, "f": 0.44},
    x0=(-0.55582369, 0.05181624, 0.37766104),
    period=0.3076923076923077,
    dysts_dt=6.154871965840413e-05,
    citation="Guckenheimer, J. & Holmes, P. (1983) Nonlinear Oscillations, Dynamical Systems, "
    "and Bifurcations of Vector Fields. Springer, Applied Mathematical Sciences 42",
    description="A nonlinear oscillator near a Hopf/steady-state mode interaction.",
)


def _hadley(t, X, p):
    x, y, z = cols(X)
    a, b = p["a"], p["b"]
    return stack(
        [
            -(y**2) - z**2 - a * x + a * p["f"],
            x * y - b * x * z - y + p["g"],
            b * x * y + x * z - z,
        ]
    )


dysts_flow(
    "Hadley",
    _hadley,
    {"a": 0.2, "b": 4.0, "f": 9.0, "g": 1.0},
    x0=(1.3664423, 0.9309146, 0.64283417),
    period=1.4541,
    dysts_dt=0.00029086847807974437,
    citation="Hadley circulation as in Lorenz, E. N. (1984) Irregularity: a fundamental "
    "property of the atmosphere. Tellus A 36, 98; dysts cites Hadley, G. (1735) Phil. Trans. "
    "R. Soc. 34, 58",
    description="An atmospheric convective cell (Lorenz-84 form).",
)


def _halvorsen(t, X, p):
    x, y, z = cols(X)
    a, b = p["a"], p["b"]
    return stack(
        [
            -a * x - b * y - b * z - y**2,
            -a * y - b * z - b * x - z**2,
            -a * z - b * x - b * y - x**2,
        ]
    )


dysts_flow(
    "Halvorsen",
    _halvorsen,
    {"a": 1.4, "b": 4.0},
    x0=(-8.6807408, -2.4741399, 0.070775762),
    period=1.4889,
    dysts_dt=0.000297829638273015,
    citation="Sprott, J. C. (2010) Elegant Chaos: Algebraically Simple Chaotic Flows. World "
    "Scientific",
    description="A cyclically symmetric flow with quadratic nonlinearity.",
)


def _hastings_powell(t, X, p):
    x, y, z = cols(X)
    eat_x = p["a1"] * x * y / (1.0 + p["b1"] * x)
    eat_y = p["a2"] * y * z / (1.0 + p["b2"] * y)
    return stack([x * (1.0 - x) - eat_x, eat_x - eat_y - p["d1"] * y, eat_y - p["d2"] * z])


dysts_flow(
    "HastingsPowell",
    _hastings_powell,
    {"a1": 5.0, "a2": 0.1, "b1": 3.0, "b2": 2.0, "d1": 0.4, "d2": 0.01},
    x0=(0.73207001, 0.17549271, 9.9014657),
    period=135.19,
    dysts_dt=0.02704250708451582,
    citation="Hastings, A. & Powell, T. (1991) Chaos in a three-species food chain. Ecology "
    "72, 896",
    description="A three-species food chain with Holling type II responses.",
)


def _henon_heiles(t, X, p):
    x, y, px, py = cols(X)
    lam = p["lam"]
    return stack([px, py, -x - 2.0 * lam * x * y, -y - lam * x**2 + lam * y**2])


dysts_flow(
    "HenonHeiles",
    _henon_heiles,
    {"lam": 1.0},
    # dysts' x0 (-0.29707, -0.0031368, 0.42549, 0.071905), energy 0.13696 < 1/6, lies on a
    # regular orbit (λmax ≈ 0.001 over 3000 periods). This point has the same energy and lies
    # in the chaotic sea around it (``benchmarks/lyapunov_x0_scan.py``'s method on that energy
    # shell: 27 of 40 starts (0, y, px, py) are chaotic, λmax 0.04..0.075 over 3000 periods;
    # this is where the start (0, 0.1131, px, 0.3036), λmax 0.0645, is after them).
    x0=(-0.113036, 0.515384, -0.030566, 0.269595),
    period=6.37,
    dysts_dt=0.0012742123687280581,
    citation="Hénon, M. & Heiles, C. (1964) The applicability of the third integral of motion: "
    "some numerical experiments. Astron. J. 69, 73",
    description="A star in an axisymmetric galactic potential; Hamiltonian, state (x, y, px, py).",
)


def _hindmarsh_rose(t, X, p):
    x, y, z = cols(X)
    a, b, tx, tz = p["a"], p["b"], p["tx"], p["tz"]
    return stack(
        [
            -x + (y - a * x**3 + b * x**2 + z) / tx,
            -a * x**3 - (p["d"] - b) * x**2 + z,
            (-p["s"] * x - z + p["c"]) / tz,
        ]
    )


dysts_flow(
    "HindmarshRose",
    _hindmarsh_rose,
    {"a": 0.49, "b": 1.0, "c": 0.0322, "d": 1.0, "s": 1.0, "tx": 0.03, "tz": 0.8},
    x0=(0.031111835, -0.021557059, 0.041475046),
    period=1.752,
    dysts_dt=0.000350458409734955,
    citation="Marhl, M. & Perc, M. (2005) Chaos Solitons Fractals; model of Hindmarsh, J. L. & "
    "Rose, R. M. (1984) Proc. R. Soc. Lond. B 221, 87",
    description="A spiking and bursting neuron model.",
)

#: Frustrated 6-neuron connectivity of Lewis & Glass (1992), as in dysts (structure, not tuned).
_HOPFIELD_K = (
    (0, -1, 0, 0, -1, -1),
    (0, 0, 0, -1, -1, -1),
    (-1, -1, 0, 0, -1, 0),
    (-1, -1, -1, 0, 0, 0),
    (-1, -1, 0, -1, 0, 0),
    (0, -1, -1, -1, 0, 0),
)


def _hopfield(t, X, p):
    xp = namespace(X)
    cs = cols(X)
    rows = []
    for i in range(6):
        drive = sum(float(k) * c for k, c in zip(_HOPFIELD_K[i], cs, strict=True) if k)
        rows.append(-cs[i] / p["tau"] + 0.5 * (1.0 + xp.tanh(p["eps"] * drive)) - p["beta"])
    return stack(rows)


dysts_flow(
    "Hopfield",
    _hopfield,
    {"beta": 0.5, "eps": 10.0, "tau": 2.5},
    x0=(-0.67127393, -0.2420173, -0.055676628, 0.34697948, 0.45273118, 0.78389688),
    period=10.865,
    dysts_dt=0.002173362227038069,
    citation="Lewis, J. E. & Glass, L. (1992) Nonlinear dynamics and symbolic dynamics of "
    "neural networks. Neural Comput. 4, 621",
    description="A 6-neuron continuous Hopfield network with frustrated inhibitory coupling.",
)
