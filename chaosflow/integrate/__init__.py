"""chaosflow.integrate: batched integration of catalog systems on numpy and torch.

``simulate(system, x0[batch, dim], *, grid=Grid(dt, n), method=None, params=None)`` returns
``[batch, n, dim]`` in the input's array type; ``sample_on_attractor`` draws seeded initial
conditions on the attractor. Fixed-step methods and Dopri5 on float64 numpy input run the
system's traced ``rhs`` on one shared numba interpreter when possible
(``compiled_support(system)`` says whether and why not). See ``DESIGN.md`` next to this file.
"""

from chaosflow.integrate._compiled import compiled_support
from chaosflow.integrate._errors import DivergenceError
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._methods import DOP853, RK4, Dopri5, Euler, EulerMaruyama, FixedStep
from chaosflow.integrate._monitor import Simulation
from chaosflow.integrate._noise import add_observation_noise
from chaosflow.integrate._sample import sample_on_attractor
from chaosflow.integrate._simulate import default_method, simulate, simulate_checked

__all__ = [
    "DOP853",
    "RK4",
    "DivergenceError",
    "Dopri5",
    "Euler",
    "EulerMaruyama",
    "FixedStep",
    "Grid",
    "Simulation",
    "add_observation_noise",
    "compiled_support",
    "default_method",
    "sample_on_attractor",
    "simulate",
    "simulate_checked",
]
