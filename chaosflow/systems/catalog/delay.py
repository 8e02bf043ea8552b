"""Delay differential equations dx/dt = f(x(t), x(t − τ)), the six that dysts lists.

Convention (see ``System``): parameter ``tau`` is the delay in time units; ``rhs(t, z, p)``
receives ``z: [batch, 2*dim]`` = x(t) ‖ x(t − τ) and returns dx/dt ``[batch, dim]``;
``metadata.x0`` is a constant initial history. The method-of-steps integrator lives in
``chaosflow.integrate``.

Equations and default parameters follow the cited papers as collected in dysts (Gilpin, W.
(2021) Chaos as an interpretable benchmark for forecasting and data-driven modelling,
NeurIPS Datasets & Benchmarks); Mackey–Glass uses its classic τ = 17 parameters. λmax
references: dysts' ``maximum_lyapunov_estimated`` (DYSTS_LYAPUNOV) except Mackey–Glass
(τ = 17), whose first exponent 0.0056 comes from a 100-node RK4 discretisation of the
history (Farmer 1982's method; "Lyapunov spectrum" notes by Y. Sano,
https://sites.google.com/view/lyapunov-spectrum/home/mackey-glass_eq).
``benchmarks/lyapunov_sweep.py`` re-estimates all six on a history buffer.
"""

from __future__ import annotations

from chaosflow.systems._array import namespace, stack
from chaosflow.systems._base import Metadata, System
from chaosflow.systems._registry import register_system

POSITIVE_TAU = {"tau": (0.0, float("inf"))}
DYSTS_LYAPUNOV = " λmax: dysts maximum_lyapunov_estimated (Gilpin 2021)."


def _delay(name, params, rhs, x0, dt, period, lyap, citation, description=""):
    register_system(
        System(
            name=name,
            dim=1,
            kind="delay",
            params=params,
            rhs=rhs,
            metadata=Metadata(
                dt=dt,
                period=period,
                lyapunov_max=lyap,
                x0=(float(x0),),
                citation=citation,
                description=description,
                param_bounds=POSITIVE_TAU,
            ),
        )
    )


def _mackey_glass(t, z, p):
    x, xt = z[..., 0], z[..., 1]
    return stack([p["beta"] * xt / (1.0 + xt ** p["n"]) - p["gamma"] * x])


_delay(
    "MackeyGlass",
    {"beta": 0.2, "gamma": 0.1, "n": 10.0, "tau": 17.0},
    _mackey_glass,
    x0=1.2,
    dt=0.5,
    period=50.0,
    lyap=0.0056,
    citation="Mackey, M. C. & Glass, L. (1977) Oscillation and chaos in physiological control "
    "systems. Science 197, 287. Exponents: Farmer, J. D. (1982) Chaotic attractors of an "
    "infinite-dimensional dynamical system. Physica D 4, 366; λmax = 0.0056 at τ = 17 from a "
    "100-node history (Y. Sano, sites.google.com/view/lyapunov-spectrum).",
    description="x' = beta x_tau / (1 + x_tau^n) - gamma x",
)


def _ikeda_delay(t, z, p):
    x, xt = z[..., 0], z[..., 1]
    return stack([p["mu"] * namespace(z).sin(xt - p["x0"]) - p["c"] * x])


_delay(
    "IkedaDelay",
    {"c": 1.0, "mu": -20.0, "tau": 2.0, "x0": 0.0},
    _ikeda_delay,
    x0=0.94144317,
    dt=0.02,
    period=1.4865,
    lyap=0.448,
    citation="Ikeda, K. & Matsumoto, K. (1987) High-dimensional chaotic behavior in systems "
    "with time-delayed feedback. Physica D 29, 223." + DYSTS_LYAPUNOV,
    description="x' = mu sin(x_tau - x0) - c x",
)


def _sprott_delay(t, z, p):
    return stack([namespace(z).sin(z[..., 1])])


_delay(
    "SprottDelay",
    {"tau": 5.1},
    _sprott_delay,
    x0=9.30770542,
    dt=0.05,
    period=14.156,
    lyap=0.0795,
    citation="Sprott, J. C. (2007) A simple chaotic delay differential equation. Phys. Lett. A "
    "366, 397." + DYSTS_LYAPUNOV,
    description="x' = sin(x_tau)",
)


def _voss_delay(t, z, p):
    x, xt = z[..., 0], z[..., 1]
    f = -10.44 * xt**3 - 13.95 * xt**2 - 3.63 * xt + 0.85
    return stack([-p["alpha"] * x + f])


_delay(
    "VossDelay",
    {"alpha": 3.24, "tau": 13.28},
    _voss_delay,
    x0=0.24640194,
    dt=0.083,
    period=26.57,
    lyap=0.01726,
    citation="Voss, H. U. (2002) Real-time anticipation of chaotic states of an electronic "
    "circuit. Int. J. Bifurcat. Chaos 12, 1619." + DYSTS_LYAPUNOV,
    description="x' = -alpha x + f(x_tau), f cubic (circuit fit)",
)


def _scroll_delay(t, z, p):
    xt = z[..., 1]
    return stack([-p["alpha"] * xt + p["beta"] * namespace(z).tanh(10.0 * xt)])


_delay(
    "ScrollDelay",
    {"alpha": 0.2, "beta": 0.2, "tau": 10.0},
    _scroll_delay,
    x0=-0.70009241,
    dt=0.1,
    period=152.4,
    lyap=0.02486,
    citation="Driver, R. D. (1977) Ordinary and Delay Differential Equations, Springer; "
    "form as in dysts (Gilpin 2021)." + DYSTS_LYAPUNOV,
    description="x' = -alpha x_tau + beta tanh(10 x_tau)",
)


def _piecewise_circuit(t, z, p):
    xt = z[..., 1]
    f = -((xt / p["c"]) ** 3) + 3.0 * xt / p["c"]
    return stack([-p["alpha"] * xt + p["beta"] * f])


_delay(
    "PiecewiseCircuit",
    {"alpha": 1.0, "beta": 1.0, "c": 2.24, "tau": 4.9},
    _piecewise_circuit,
    x0=-0.37155972,
    dt=0.07,
    period=53.0,
    lyap=0.0361,
    citation="Tamaševičius, A., Mykolaitis, G., Bumelienė, S. (2006) Delayed feedback chaotic "
    "oscillator with improved spectral characteristics. Electron. Lett. 42, 736." + DYSTS_LYAPUNOV,
    description="x' = -alpha x_tau + beta (3 x_tau / c - (x_tau / c)^3)",
)
