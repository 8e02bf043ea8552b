"""Trace an array-generic ``rhs(t, x, p)`` into a scalar expression graph.

The compiled path calls the catalog's own ``rhs`` once with symbolic stand-ins: ``x`` is a
``SymArray`` of ``dim`` symbols (``x[..., i]`` gives symbol ``x_i``), each parameter is a symbol
(so parameter sweeps reuse one kernel) and ``t`` is a symbol. A ``SymArray`` holds its trailing
axes as a numpy object array of nodes, so numpy itself broadcasts and indexes it. Arithmetic,
``namespace(x).sin`` and friends, ``stack``, ``roll``, reductions and slicing record nodes in a
``Tape``; identical nodes are shared (hash-consing), so the graph is already
common-subexpression-eliminated. Anything the stand-ins cannot represent — Python ``if`` on
the state, ``float(x)``, numpy called directly, torch-only code — raises, and ``trace`` turns
that into ``Untraceable`` with the reason.

Nothing is simplified algebraically: each node is the operation numpy would do, in the same
order, so the interpreted program rounds like the numpy path (transcendental functions and
sums of many terms aside).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from chaosflow.systems._array import Symbolic

#: Element-wise functions of one argument that the stand-ins accept (numpy names).
UNARY = (
    "sin", "cos", "tan", "exp", "log", "log1p", "expm1", "sqrt", "tanh", "sinh", "cosh",
    "arctan", "arcsin", "arccos", "arcsinh", "arctanh", "sign", "floor", "abs",
)  # fmt: skip
BINARY = ("add", "sub", "mul", "truediv", "pow", "maximum", "minimum", "arctan2", "mod")
COMPARE = ("lt", "le", "gt", "ge")


class Untraceable(Exception):
    """The right-hand side uses something the symbolic stand-ins cannot represent."""


class Tape:
    """The recorded graph: ``nodes[i] = (op, args)``; args are node indices or Python numbers.

    Leaves are ``("x", (i,))``, ``("p", (k,))`` and ``("t", ())``.
    """

    def __init__(self) -> None:
        self.nodes: list[tuple[str, tuple]] = []
        self._index: dict[tuple, int] = {}
        self.namespace = _make_namespace(self)

    def node(self, op: str, args: Sequence[Any]) -> Expr:
        """The (shared) node ``op(args)``; ``args`` are ``Expr`` or Python numbers."""
        refs = tuple(("n", a.idx) if isinstance(a, Expr) else ("c", _number(a)) for a in args)
        # 1 and 1.0, 0.0 and -0.0 are different constants: key floats by their hex form
        key = (op, tuple((k, type(v).__name__, v.hex() if isinstance(v, float) else v)
                         for k, v in refs))  # fmt: skip
        if key not in self._index:
            self._index[key] = len(self.nodes)
            self.nodes.append((op, refs))
        return Expr(self, self._index[key])


def _number(value: Any) -> float | int:
    """A Python number from a float/int/numpy scalar; anything else is untraceable."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _number(value[()])
    raise Untraceable(f"operand of type {type(value).__name__} is not a scalar constant")


def _is_const(value: Any) -> bool:
    return not isinstance(value, Symbolic)


class Expr(Symbolic):
    """One symbolic ``[batch]`` column: a node of a ``Tape``."""

    __slots__ = ("idx", "tape")
    __array_ufunc__ = None  # numpy functions on a stand-in fail instead of making object arrays
    shape = ()  # lets ``stack`` find the stand-in; no ``ndim`` (parameters read as scalars)

    def __init__(self, tape: Tape, idx: int) -> None:
        self.tape, self.idx = tape, idx

    @property
    def namespace(self) -> ModuleType:
        return self.tape.namespace

    def _op(self, op: str, *args: Any) -> Any:
        if any(isinstance(a, SymArray) for a in args):
            return _elementwise(op, args)
        return self.tape.node(op, args)

    def __neg__(self):
        return self.tape.node("neg", (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return self.tape.node("abs", (self,))

    def __bool__(self):
        raise Untraceable("Python control flow (if/and/or/min/max) on a state-dependent value")

    def __float__(self):
        raise Untraceable("float() of a state-dependent value")

    __int__ = __index__ = __float__

    def __array__(self, *args, **kwargs):
        raise Untraceable("numpy conversion of a state-dependent value")


class SymArray(Symbolic):
    """A symbolic ``[batch, *shape]`` array: an object array ``items`` of ``Expr`` or numbers.

    The batch axis is implicit, so ``items`` holds the trailing axes (``[dim]`` for a state);
    numpy's own broadcasting and indexing on the object array do the bookkeeping.
    """

    __slots__ = ("items", "tape")
    __array_ufunc__ = None
    dtype = np.dtype(np.float64)
    device = "cpu"

    def __init__(self, tape: Tape, items: Any) -> None:
        self.tape, self.items = tape, items if isinstance(items, np.ndarray) else _objects(items)

    @property
    def namespace(self) -> ModuleType:
        return self.tape.namespace

    @property
    def shape(self) -> tuple[int, ...]:
        return (1, *self.items.shape)

    @property
    def ndim(self) -> int:
        return 1 + self.items.ndim

    def __getitem__(self, key: Any) -> Any:
        key = key if isinstance(key, tuple) else (key,)
        if key[:1] == (Ellipsis,):
            rest = key
        elif key[:1] == (slice(None),) and Ellipsis not in key[1:]:
            rest = key[1:]
        else:
            raise Untraceable(f"indexing {key!r} along the batch axis")
        return self._wrap(self.items[rest])

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return SymArray(self.tape, value) if value.ndim else value[()]
        return value

    def sum(self, axis: int = -1) -> Any:
        return _reduce("add", self, axis)

    def __matmul__(self, other: Any) -> SymArray:
        m = np.asarray(other)
        n = self.items.shape[-1] if self.items.ndim == 1 else -1
        if m.ndim != 2 or m.shape[0] != n or not np.issubdtype(m.dtype, np.number):
            raise Untraceable("x @ M needs a state x and a constant matrix M with dim rows")
        return SymArray(self.tape, [_dot(self.items, m[:, j]) for j in range(m.shape[1])])

    def _op(self, op: str, *args: Any) -> SymArray:
        return _elementwise(op, args)

    __bool__ = Expr.__bool__
    __float__ = Expr.__float__
    __array__ = Expr.__array__

    def __neg__(self):
        return _elementwise("neg", (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return _elementwise("abs", (self,))

    def __iter__(self):
        raise Untraceable("iteration over the batch axis of the state")


def _objects(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of ``values`` (assigned one by one: no ``__array__`` calls)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _operand(value: Any) -> Any:
    """What a ``frompyfunc`` broadcast takes: object arrays, 0-d wrappers, numeric arrays."""
    if isinstance(value, SymArray):
        return value.items
    if isinstance(value, np.ndarray) and value.ndim:
        if not np.issubdtype(value.dtype, np.number) and value.dtype != np.bool_:
            raise Untraceable(f"constant array of dtype {value.dtype}")
        return value.astype(np.float64).astype(object)
    box = np.empty((), dtype=object)
    box[()] = value if isinstance(value, Expr) else _number(value)
    return box


def _reduce(op: str, x: Any, axis: int) -> Any:
    """``op``-fold of ``x`` over ``axis`` (of the full ``[batch, ...]`` array), in index order."""
    if not isinstance(x, SymArray):
        raise Untraceable(f"{op} reduction of a non-array")
    if axis == 0 or axis < -x.items.ndim or axis > x.items.ndim:
        raise Untraceable(f"reduction over axis {axis} (the batch axis or out of range)")
    fold = np.frompyfunc(lambda u, v: _scalar(op, (u, v)), 2, 1)
    return x._wrap(fold.reduce(x.items, axis=axis if axis < 0 else axis - 1))


def _forward(op: str) -> Callable[[Any, Any], Any]:
    return lambda self, other: self._op(op, self, other)


def _reflected(op: str) -> Callable[[Any, Any], Any]:
    return lambda self, other: self._op(op, other, self)


# Operators of both stand-ins: a + b, b + a, ..., a < b (no ==: stand-ins stay hashable).
for _cls in (Expr, SymArray):
    for _op in ("add", "sub", "mul", "truediv", "pow", "mod"):
        setattr(_cls, f"__{_op}__", _forward(_op))
        setattr(_cls, f"__r{_op}__", _reflected(_op))
    for _op in COMPARE:
        setattr(_cls, f"__{_op}__", _forward(_op))


def _dot(items: Sequence[Any], column: np.ndarray) -> Any:
    """``sum_i items[i] * column[i]`` in index order (a matrix product has no fixed order)."""
    total: Any = items[0] * float(column[0])
    for item, w in zip(items[1:], column[1:], strict=True):
        total = total + item * float(w)
    return total


def _scalar(op: str, args: Sequence[Any]) -> Any:
    """``op`` on scalars: a node if any argument is symbolic, else the numpy value as a float."""
    tape = next((a.tape for a in args if isinstance(a, Expr)), None)
    if tape is not None:
        return tape.node(op, args)
    return _fold(op, [_number(a) for a in args])


def _fold(op: str, args: list[Any]) -> float:
    ufunc = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
             "pow": np.power, "neg": np.negative, "mod": np.mod, "lt": np.less,
             "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}.get(op)  # fmt: skip
    with np.errstate(all="ignore"):
        value = (ufunc or getattr(np, op))(*(np.float64(a) for a in args))
    return float(value)


def _elementwise(op: str, args: Sequence[Any]) -> Any:
    """``op`` broadcast over ``SymArray`` arguments with numpy's rules (scalars broadcast)."""
    tape = next((a.tape for a in args if isinstance(a, SymArray)), None)
    if tape is None:
        return _scalar(op, args)
    f = np.frompyfunc(lambda *xs: _scalar(op, xs), len(args), 1)
    try:
        out = f(*(_operand(a) for a in args))
    except ValueError as exc:  # shapes that do not broadcast
        raise Untraceable(f"{op}: {exc}") from exc
    return SymArray(tape, out) if isinstance(out, np.ndarray) and out.ndim else out


def _make_namespace(tape: Tape) -> ModuleType:
    """The module-like object ``namespace(stand_in)`` returns during tracing."""
    ns = ModuleType("chaosflow_trace_namespace")
    for name in UNARY:
        setattr(ns, name, _unary(name))
    for name in ("maximum", "minimum", "arctan2"):
        setattr(ns, name, lambda a, b, _n=name: _elementwise(_n, (a, b)))
    ns.absolute = ns.abs
    ns.asin, ns.acos, ns.atan, ns.atan2 = ns.arcsin, ns.arccos, ns.arctan, ns.arctan2
    ns.pi, ns.e, ns.inf, ns.nan = math.pi, math.e, math.inf, math.nan
    ns.where = _where
    ns.roll = _roll
    ns.stack = lambda columns, axis=-1: _stack(tape, columns, axis)
    ns.concatenate = _concatenate
    ns.cat = _concatenate
    ns.square = lambda a: a * a
    ns.amin = ns.min = lambda a, axis=-1: _reduce("minimum", a, axis)
    ns.amax = ns.max = lambda a, axis=-1: _reduce("maximum", a, axis)
    ns.sum = lambda a, axis=-1: _reduce("add", a, axis)
    ns.asarray = ns.as_tensor = _constant
    return ns


def _constant(table: Any, dtype: Any = None, device: Any = None) -> np.ndarray:
    """``xp.asarray(table)`` / ``xp.as_tensor(table, ...)`` of a constant table: float64 numpy."""
    arr = np.asarray(table)
    if not np.issubdtype(arr.dtype, np.number):
        raise Untraceable("asarray of something that is not a constant numeric table")
    return arr.astype(np.float64)


def _unary(name: str) -> Callable[[Any], Any]:
    return lambda a: _elementwise(name, (a,))


def _where(cond: Any, a: Any, b: Any) -> Any:
    return _elementwise("where", (cond, a, b))


def _roll(x: Any, shift: int, axis: int = -1) -> SymArray:
    if not isinstance(x, SymArray) or axis not in (-1, x.items.ndim):
        raise Untraceable("roll is supported along the last axis only")
    return SymArray(x.tape, np.roll(x.items, int(shift), axis=-1))


def _stack(tape: Tape, columns: Sequence[Any], axis: int = -1) -> SymArray:
    if axis != -1 or any(isinstance(c, SymArray) for c in columns):
        raise Untraceable("stack of arrays (only stack([column, ...]) along the last axis)")
    return SymArray(tape, [c if isinstance(c, Expr) else _number(c) for c in columns])


def _concatenate(parts: Sequence[Any], axis: int = -1, dim: int | None = None) -> SymArray:
    axis = axis if dim is None else dim
    if axis != -1 or not all(isinstance(q, SymArray) for q in parts):
        raise Untraceable("concatenate of symbolic arrays along the last axis only")
    return SymArray(parts[0].tape, np.concatenate([q.items for q in parts], axis=-1))


def trace(rhs: Callable, dim: int, param_names: Sequence[str]) -> tuple[Tape, list[Any]]:
    """Record ``rhs(t, x, p)`` for a ``dim``-state; returns the tape and the ``dim`` outputs.

    Outputs are node handles (``Expr``) or Python numbers. Raises ``Untraceable`` with a reason.
    """
    tape = Tape()
    x = SymArray(tape, [tape.node("x", (i,)) for i in range(dim)])
    p = {name: tape.node("p", (k,)) for k, name in enumerate(param_names)}
    try:
        with np.errstate(all="ignore"):
            out = rhs(tape.node("t", ()), x, p)
    except Untraceable:
        raise
    except Exception as exc:  # whatever the stand-ins could not do: fall back, say why
        raise Untraceable(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(out, SymArray):
        raise Untraceable(f"rhs returned {type(out).__name__}, not a traced [batch, dim] array")
    if out.items.shape != (dim,):
        raise Untraceable(f"rhs returned shape {out.shape[1:]} per row, expected ({dim},)")
    return tape, [_number(v) if _is_const(v) else v for v in out.items]
