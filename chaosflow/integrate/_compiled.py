"""The compiled CPU path: a numba kernel per system, generated from its array-generic ``rhs``.

``kernel_for(system)`` traces ``rhs`` (``_compiled_trace``), checks the traced scalar code
against the numpy ``rhs`` at a few states, writes the module source (``_compiled_source``) to
``kernel_dir()/<name>_<hash>.py`` and imports it; numba's ``cache=True`` keeps the machine code
in ``__pycache__`` beside it, so a second process loads instead of compiling. The hash covers
the generated text (system name, traced expressions, driver template) and the numba and numpy
versions. Anything unsupported raises ``Unsupported`` with the reason; ``compiled_support``
reports it without raising, and ``simulate`` falls back to the numpy path.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar

import numpy as np

from chaosflow.integrate._compiled_source import module_source
from chaosflow.integrate._compiled_trace import Untraceable, trace
from chaosflow.integrate._grid import Grid
from chaosflow.integrate._methods import Dopri5
from chaosflow.integrate._monitor import BOUND
from chaosflow.integrate._tableaus import DOPRI5, DOPRI5_DENSE, Tableau

T = TypeVar("T")
Backend = Literal["auto", "numpy", "compiled"]
BACKENDS: tuple[Backend, ...] = ("auto", "numpy", "compiled")
#: ``CHAOSFLOW_COMPILED=0`` makes ``backend="auto"`` mean numpy.
ENV_SWITCH = "CHAOSFLOW_COMPILED"
#: Where generated kernels (and numba's cache of them) live; default ``$XDG_CACHE_HOME``.
ENV_DIR = "CHAOSFLOW_KERNEL_DIR"

log = logging.getLogger(__name__)
#: Per ``rhs`` function: {(name, dim, parameter names): Kernel or the reason it is off}.
_KERNELS: weakref.WeakKeyDictionary[Any, dict[tuple, Kernel | str]] = weakref.WeakKeyDictionary()
_KERNELS_STRONG: dict[Any, dict[tuple, Kernel | str]] = {}  # rhs objects without weakrefs
_MODULES: dict[str, ModuleType] = {}


class Unsupported(Exception):
    """This system (or call) cannot use the compiled path; the message says why."""


def kernel_dir() -> Path:
    """``$CHAOSFLOW_KERNEL_DIR``, else ``$XDG_CACHE_HOME/chaosflow/kernels`` (``~/.cache``)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "chaosflow" / "kernels"


class Kernel:
    """A loaded kernel for one system: ``run`` integrates a float64 batch on a grid."""

    def __init__(self, module: ModuleType, param_names: tuple[str, ...], path: Path) -> None:
        self.module, self.param_names, self.path = module, param_names, path
        self.ready: set[str] = set()  # drivers numba has compiled (or loaded) so far
        self.runs = 0  # calls so far (benchmarks and tests read it)

    def run(
        self, x0: np.ndarray, p: dict[str, Any], grid: Grid, tab: Tableau, substeps: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(out [batch, n, dim], diverged bool[batch], first int64[batch])`` like ``run_grid``."""
        batch, dim = x0.shape
        out, diverged, first = _outputs(batch, grid.n, dim)
        a, b, c = _tableau_arrays(tab)
        self._call("integrate", np.ascontiguousarray(x0), self._params(p, batch),
                   float(grid.t0), float(grid.dt), grid.n, int(substeps), a, b, c,
                   out, diverged, first)  # fmt: skip
        return out, diverged, first

    def run_adaptive(
        self, x0: np.ndarray, p: dict[str, Any], grid: Grid, method: Dopri5
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``_adaptive.run`` row by row: ``(out, diverged, first, steps, rejected)``."""
        batch, dim = x0.shape
        out, diverged, first = _outputs(batch, grid.n, dim)
        steps, rejected = np.zeros(batch, dtype=np.int64), np.zeros(batch, dtype=np.int64)
        a, b, c = _tableau_arrays(DOPRI5)
        e = b - np.asarray(DOPRI5.b_low, dtype=np.float64)
        tiny = 1e-14 * max(1.0, abs(grid.t0) + grid.duration)
        self._call("adaptive", np.ascontiguousarray(x0), self._params(p, batch), grid.times,
                   float(method.rtol), float(method.atol), int(method.max_steps),
                   float(method.safety), float(method.min_factor), float(method.max_factor),
                   tiny, a, b, c, e, np.asarray(DOPRI5_DENSE, dtype=np.float64),
                   out, diverged, first, steps, rejected)  # fmt: skip
        return out, diverged, first, steps, rejected

    def _params(self, p: dict[str, Any], batch: int) -> np.ndarray:
        params = np.empty((batch, len(self.param_names)))
        for j, name in enumerate(self.param_names):
            params[:, j] = p[name]
        return params

    def _call(self, name: str, *args: Any) -> None:
        try:
            getattr(self.module, name)(*args)
        except Exception as exc:  # typing/lowering errors surface on the first call only
            if name in self.ready:
                raise
            raise Unsupported(f"numba could not compile the kernel: {exc}") from exc
        self.ready.add(name)
        self.runs += 1


def _outputs(batch: int, n: int, dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    out = np.empty((batch, n, dim))
    return out, np.zeros(batch, dtype=np.bool_), np.full(batch, -1, dtype=np.int64)


def _tableau_arrays(tab: Tableau) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.zeros((tab.stages, tab.stages))
    for i, row in enumerate(tab.a):
        a[i, :i] = row
    return a, np.asarray(tab.b, dtype=np.float64), np.asarray(tab.c, dtype=np.float64)


def compiled_support(system: Any) -> tuple[bool, str]:
    """``(True, path of the kernel source)`` or ``(False, why the numpy path is used)``.

    Traces and checks the system (cheap, cached), but does not compile machine code.
    """
    try:
        kernel = kernel_for(system)
    except Unsupported as exc:
        return False, str(exc)
    return True, str(kernel.path)


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
        import numba
    except ImportError as exc:
        raise Unsupported("numba is not installed") from exc
    try:
        tape, outputs = trace(system.rhs, system.dim, names)
    except Untraceable as exc:
        raise Unsupported(f"rhs not traceable: {exc}") from exc
    source = module_source(system.name, tape, outputs, BOUND)
    digest = hashlib.sha256(
        f"{source}\nnumba {numba.__version__} numpy {np.__version__}".encode()
    ).hexdigest()[:20]
    module, path = _load(system.name, source, digest)
    _check(system, module, names)
    return Kernel(module, names, path)


def _load(name: str, source: str, digest: str) -> tuple[ModuleType, Path]:
    """Write the source once (atomically) and import it as ``chaosflow_kernel_<digest>``."""
    folder = kernel_dir()
    path = folder / f"{re.sub(r'[^A-Za-z0-9]+', '_', name)[:40]}_{digest}.py"
    if digest in _MODULES:
        return _MODULES[digest], path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != source:
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(source)
            os.replace(tmp, path)  # rewriting would change mtime and void numba's cache
    except OSError as exc:
        raise Unsupported(f"kernel directory {folder} not writable: {exc}") from exc
    modname = f"chaosflow_kernel_{digest}"
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    _MODULES[digest] = module
    return module, path


def _check(system: Any, module: ModuleType, names: tuple[str, ...]) -> None:
    """The traced scalar code must reproduce the numpy ``rhs`` at a few states and times."""
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    p = np.asarray([float(system.params[n]) for n in names], dtype=np.float64)
    k = np.empty((1, system.dim))
    with np.errstate(all="ignore"):
        for j, t in enumerate((0.0, 0.37, 1.3, 2.9)):
            x = x0 * (1.0 + 0.01 * j) + 0.05 * j * np.cos(np.arange(system.dim) + j)
            want = np.asarray(system.rhs(t, x[None], dict(system.params)), dtype=np.float64)[0]
            module._rhs_py(t, x, p, k, 0)
            scale = max(1.0, float(np.nanmax(np.abs(want), initial=0.0)))
            if not np.allclose(k[0], want, rtol=1e-12, atol=1e-12 * scale, equal_nan=True):
                raise Unsupported(f"traced rhs disagrees with numpy at t={t} (max diff "
                                  f"{np.nanmax(np.abs(k[0] - want)):.3g})")  # fmt: skip


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
