"""The compiled CPU path: every system runs on one numba interpreter (``_vm``).

``kernel_for(system)`` traces ``rhs`` (``_compiled_trace``) into a register program
(``_vm.program``) and checks it against the numpy ``rhs`` at a few states; ``Kernel.run`` and
``Kernel.run_adaptive`` hand the program to the interpreter's fixed-step and Dopri5 drivers.
The interpreter is compiled once per machine (numba ``cache=True`` beside ``_vm.py``, or
numba's own cache folder when that is read-only) and shared by all systems, so a process that
integrates hundreds of systems holds one copy of machine code. Anything unsupported raises
``Unsupported`` with the reason; ``compiled_support`` reports it without raising, and
``simulate`` falls back to the numpy path.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal, TypeVar

import numpy as np

from chaosflow.integrate._compiled_trace import Untraceable, trace
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._methods import Dopri5
from chaosflow.integrate._tableaus import DOPRI5, DOPRI5_DENSE, Tableau

T = TypeVar("T")
Backend = Literal["auto", "numpy", "compiled"]
BACKENDS: tuple[Backend, ...] = ("auto", "numpy", "compiled")
#: ``CHAOSFLOW_COMPILED=0`` makes ``backend="auto"`` mean numpy.
ENV_SWITCH = "CHAOSFLOW_COMPILED"

log = logging.getLogger(__name__)
#: Per ``rhs`` function: {(name, dim, parameter names): Kernel or the reason it is off}.
_KERNELS: weakref.WeakKeyDictionary[Any, dict[tuple, Kernel | str]] = weakref.WeakKeyDictionary()
_KERNELS_STRONG: dict[Any, dict[tuple, Kernel | str]] = {}  # rhs objects without weakrefs


class Unsupported(Exception):
    """This system (or call) cannot use the compiled path; the message says why."""


class Kernel:
    """A system's traced program: ``run`` integrates a float64 batch on a grid."""

    def __init__(self, vm: ModuleType, prog: Any, param_names: tuple[str, ...]) -> None:
        self.vm, self.program, self.param_names = vm, prog, param_names
        self.runs = 0  # calls so far (benchmarks and tests read it)

    @property
    def head(self) -> tuple:
        """The program arguments every driver takes first."""
        g = self.program
        return (g.code, g.consts, g.n_regs, g.x_base, g.p_base, g.t_reg, g.outputs)

    def run(
        self, x0: np.ndarray, p: dict[str, Any], grid: Grid, tab: Tableau, substeps: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(out [batch, n, dim], diverged bool[batch], first int64[batch])`` like ``run_grid``."""
        batch, dim = x0.shape
        out, diverged, first = _outputs(batch, grid.n, dim)
        a, b, c = _tableau_arrays(tab)
        self.vm.integrate(*self.head, np.ascontiguousarray(x0), self._params(p, batch),
                          float(grid.t0), float(grid.dt), grid.n, int(substeps), a, b, c,
                          out, diverged, first)  # fmt: skip
        self.runs += 1
        return out, diverged, first

    def run_adaptive(
        self, x0: np.ndarray, p: dict[str, Any], grid: Grid, method: Dopri5
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``_adaptive.run``, each row on its own step: ``(out, diverged, first, steps,
        rejected)``."""
        batch, dim = x0.shape
        out, diverged, first = _outputs(batch, grid.n, dim)
        steps, rejected = np.zeros(batch, dtype=np.int64), np.zeros(batch, dtype=np.int64)
        a, b, c = _tableau_arrays(DOPRI5)
        e = b - np.asarray(DOPRI5.b_low, dtype=np.float64)
        tiny = 1e-14 * max(1.0, abs(grid.t0) + grid.duration)
        self.vm.adaptive(*self.head, np.ascontiguousarray(x0), self._params(p, batch),
                         np.ascontiguousarray(grid.times, dtype=np.float64),
                         float(method.rtol), float(method.atol), int(method.max_steps),
                         float(method.safety), float(method.min_factor),
                         float(method.max_factor), tiny, a, b, c, e,
                         np.asarray(DOPRI5_DENSE, dtype=np.float64),
                         out, diverged, first, steps, rejected)  # fmt: skip
        self.runs += 1
        return out, diverged, first, steps, rejected

    def _params(self, p: dict[str, Any], batch: int) -> np.ndarray:
        params = np.empty((batch, len(self.param_names)))
        for j, name in enumerate(self.param_names):
            params[:, j] = p[name]
        return params


def _outputs(batch: int, n: int, dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    out = np.empty((batch, n, dim))
    return out, np.zeros(batch, dtype=np.bool_), np.full(batch, -1, dtype=np.int64)


def _tableau_arrays(tab: Tableau) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.zeros((tab.stages, tab.stages))
    for i, row in enumerate(tab.a):
        a[i, :i] = row
    return a, np.asarray(tab.b, dtype=np.float64), np.asarray(tab.c, dtype=np.float64)


def compiled_support(system: Any) -> tuple[bool, str]:
    """``(True, "<n> instructions, <r> registers")`` or ``(False, why numpy is used)``.

    Traces and checks the system (cheap, cached); the shared interpreter compiles (or loads
    from numba's cache) on first use in a process.
    """
    try:
        kernel = kernel_for(system)
    except Unsupported as exc:
        return False, str(exc)
    g = kernel.program
    return True, f"{len(g.code)} instructions, {g.n_regs} registers"


def kernel_for(system: Any) -> Kernel:
    """The (cached) kernel of ``system``; raises ``Unsupported`` with the reason."""
    names, key = tuple(system.params), _key(system)
    per_rhs = _registry(system.rhs)
    if key not in per_rhs:
        try:
            per_rhs[key] = _build(system, names)
        except Unsupported as exc:
            log.debug("compiled path off for %s: %s", system.name, exc)
            per_rhs[key] = str(exc)
    found = per_rhs[key]
    if isinstance(found, str):
        raise Unsupported(found)
    return found


def _registry(rhs: Any) -> dict[tuple, Kernel | str]:
    try:
        return _KERNELS.setdefault(rhs, {})
    except TypeError:  # not weak-referenceable (a callable object): keep it alive instead
        try:
            return _KERNELS_STRONG.setdefault(rhs, {})
        except TypeError:
            return {}  # unhashable: no memo, trace again next time


def _key(system: Any) -> tuple:
    return (system.name, system.dim, tuple(system.params))


def _build(system: Any, names: tuple[str, ...]) -> Kernel:
    if system.kind != "flow":
        raise Unsupported(f"kind {system.kind!r} (only flows are compiled)")
    if getattr(system, "step", None) is not None:
        raise Unsupported("the system has its own step function")
    try:
        import numba  # noqa: F401

        from chaosflow.integrate import _vm
    except ImportError as exc:
        raise Unsupported(f"numba is not installed ({exc})") from exc
    try:
        tape, outputs = trace(system.rhs, system.dim, names)
    except Untraceable as exc:
        raise Unsupported(f"rhs not traceable: {exc}") from exc
    kernel = Kernel(_vm, _vm.program(tape, outputs, system.dim, len(names)), names)
    _check(system, kernel)
    return kernel


def _check(system: Any, kernel: Kernel) -> None:
    """The traced program must reproduce the numpy ``rhs`` at a few states and times."""
    vm, g = kernel.vm, kernel.program
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    p = np.asarray([float(system.params[n]) for n in kernel.param_names], dtype=np.float64)
    regs = np.zeros((g.n_regs, vm.BLOCK))
    regs[: len(g.consts), 0] = g.consts
    regs[g.p_base : g.p_base + len(p), 0] = p
    with np.errstate(all="ignore"):
        for j, t in enumerate((0.0, 0.37, 1.3, 2.9)):
            x = x0 * (1.0 + 0.01 * j) + 0.05 * j * np.cos(np.arange(system.dim) + j)
            want = np.asarray(system.rhs(t, x[None], dict(system.params)), dtype=np.float64)[0]
            regs[g.x_base : g.x_base + system.dim, 0] = x
            regs[g.t_reg, 0] = t
            vm.run_program(g.code, regs, 1)
            got = regs[g.outputs, 0]
            scale = max(1.0, float(np.nanmax(np.abs(want), initial=0.0)))
            if not np.allclose(got, want, rtol=1e-12, atol=1e-12 * scale, equal_nan=True):
                raise Unsupported(f"traced rhs disagrees with numpy at t={t} (max diff "
                                  f"{np.nanmax(np.abs(got - want)):.3g})")  # fmt: skip


def try_run(
    system: Any, x0: Any, p: dict[str, Any], grid: Grid, backend: Backend,
    job: Callable[[Kernel], T],
) -> T | None:  # fmt: skip
    """``job(kernel)``, or ``None`` when this call takes the numpy/torch path.

    ``"auto"``: compiled for float64 numpy input when the system is supported (and
    ``CHAOSFLOW_COMPILED`` is not ``0``); ``"numpy"``: never; ``"compiled"``: always, raising
    ``ValueError`` with the reason when it cannot.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "numpy" or (backend == "auto" and os.environ.get(ENV_SWITCH, "1") == "0"):
        return None
    if backend == "auto" and (grid.n == 1 or x0.shape[0] == 0):
        return None  # nothing to integrate: not worth a compile
    try:
        if not isinstance(x0, np.ndarray) or x0.dtype != np.float64:
            raise Unsupported("input is not a float64 numpy array")
        if any(not isinstance(v, float | np.ndarray) for v in p.values()):
            raise Unsupported("parameters are not floats or numpy arrays")
        kernel = kernel_for(system)
        try:
            return job(kernel)
        except Unsupported as exc:
            _registry(system.rhs)[_key(system)] = str(exc)  # remember: do not retry each call
            log.debug("compiled path off for %s: %s", system.name, exc)
            raise
    except Unsupported as exc:
        if backend == "compiled":
            raise ValueError(
                f"system {system.name!r}: compiled backend unavailable: {exc}"
            ) from exc
        return None
