"""Lyapunov spectrum by the QR (Benettin) method on a one-step map, and one-step RK4 maps
built from a :class:`~chaosflow.systems.System` so flows can be measured the same way.

Benettin et al. (1980) Meccanica 15, 9; Eckmann & Ruelle (1985) Rev. Mod. Phys. 57, 617.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from chaosflow.systems._array import is_torch

Step = Callable[[Any], Any]


def rk4_step(system: Any, dt: float, *, params: Any = None) -> Step:
    """One classical RK4 step of a flow ``x: [B, d] -> x(t + dt): [B, d]`` (maps: one iteration).

    Array-generic (numpy or torch, differentiable by autograd) because ``system.rhs`` is.
    """
    p = system.params if params is None else params
    if system.kind == "map":
        return lambda x: system.rhs(0.0, x, p)
    if system.kind != "flow":
        raise ValueError(f"rk4_step: system {system.name!r} is a {system.kind!r}, not a flow/map")
    f, h = system.rhs, float(dt)

    def step(x: Any) -> Any:
        k1 = f(0.0, x, p)
        k2 = f(0.0, x + 0.5 * h * k1, p)
        k3 = f(0.0, x + 0.5 * h * k2, p)
        k4 = f(0.0, x + h * k3, p)
        return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

    return step


def rk4_step_jacobian(system: Any, dt: float, *, params: Any = None) -> Step | None:
    """Exact Jacobian ``[B, d, d]`` of :func:`rk4_step` from the system's analytic ``jac``.

    Chain rule through the four stages: ``K_i = J(y_i) (I + c_i h K_{i−1})``. Returns None when
    the system has no ``jac`` (then :func:`lyapunov_spectrum` falls back to autograd).
    """
    if system.jac is None:
        return None
    p = system.params if params is None else params
    if system.kind == "map":
        return lambda x: system.jac(0.0, x, p)
    f, jac, h = system.rhs, system.jac, float(dt)

    def jacobian(x: Any) -> Any:
        eye = _eye_like(x)
        k1 = f(0.0, x, p)
        j1 = jac(0.0, x, p)
        k2 = f(0.0, x + 0.5 * h * k1, p)
        j2 = jac(0.0, x + 0.5 * h * k1, p) @ (eye + 0.5 * h * j1)
        k3 = f(0.0, x + 0.5 * h * k2, p)
        j3 = jac(0.0, x + 0.5 * h * k2, p) @ (eye + 0.5 * h * j2)
        j4 = jac(0.0, x + h * k3, p) @ (eye + h * j3)
        return eye + (h / 6.0) * (j1 + 2.0 * j2 + 2.0 * j3 + j4)

    return jacobian


def _eye_like(x: Any) -> Any:
    d = x.shape[-1]
    if is_torch(x):
        return torch.eye(d, dtype=x.dtype, device=x.device)
    return np.eye(d)
