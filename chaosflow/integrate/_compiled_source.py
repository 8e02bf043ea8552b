"""Python source of a compiled kernel: the traced ``rhs`` as scalar code plus the RK driver.

The module written for one system holds ``_rhs_py(t, x, p, k, s)`` (writes ``dx/dt`` into row
``s`` of the stage buffer ``k``), its ``numba.njit`` twin ``rhs`` and ``integrate``, the
explicit Runge–Kutta loop over (trajectory, output point, substep, stage) with the tableau
passed as arrays, so one compiled kernel serves Euler, RK4 and DOP853. The driver reproduces
``_rk.fixed_advance`` / ``run_grid`` / ``Monitor``: the same stage times, stage inputs
``x + h · Σ a_ij k_j``, update ``x + h · Σ b_j k_j``, and the same divergence rule.
"""

from __future__ import annotations

import math
from typing import Any

from chaosflow.integrate._compiled_trace import BINARY, COMPARE, UNARY, Tape

#: Bump when the emitted code changes meaning (it is part of the cache hash).
TEMPLATE_VERSION = "1"

_INFIX = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "lt": "<", "le": "<=",
          "gt": ">", "ge": ">="}  # fmt: skip


def _const(value: float | int) -> str:
    value = float(value)
    if math.isnan(value):
        return "np.nan"
    if math.isinf(value):
        return "np.inf" if value > 0 else "(-np.inf)"
    return f"({value!r})" if value < 0 or math.copysign(1.0, value) < 0 else repr(value)


def _pow(base: str, exponent: tuple[str, Any], name: str) -> str:
    """``base ** e`` the way numpy evaluates it for a constant ``e`` (square, sqrt, 1/x, pow)."""
    kind, e = exponent
    if kind == "c":
        e = float(e)
        fast = {2.0: f"{base} * {base}", 0.5: f"np.sqrt({base})", -1.0: f"1.0 / {base}",
                1.0: f"+{base}", 0.0: "1.0"}  # fmt: skip
        return fast.get(e, f"{base} ** {_const(e)}")
    return f"{base} ** {name}"


def rhs_lines(tape: Tape, outputs: list[Any]) -> list[str]:
    """Body lines of ``_rhs_py``: only the nodes the outputs need, in creation order."""
    live: set[int] = set()
    stack = [o.idx for o in outputs if hasattr(o, "idx")]
    while stack:
        i = stack.pop()
        if i not in live:
            live.add(i)
            stack.extend(r for k, r in tape.nodes[i][1] if k == "n")

    names: dict[int, str] = {}
    lines: list[str] = []
    for i in sorted(live):
        op, refs = tape.nodes[i]
        args = [names[r] if k == "n" else _const(r) for k, r in refs]
        if op in ("x", "p"):
            names[i] = f"{op}_{refs[0][1]}"
            lines.append(f"{names[i]} = {op}[{refs[0][1]}]")
            continue
        if op == "t":
            names[i] = "t"
            continue
        names[i] = f"v{i}"
        lines.append(f"{names[i]} = {_expr(op, args, refs)}")
    for j, o in enumerate(outputs):
        lines.append(f"k[s, {j}] = {names[o.idx] if hasattr(o, 'idx') else _const(o)}")
    return lines


def _expr(op: str, args: list[str], refs: tuple) -> str:
    if op in _INFIX:
        return f"{args[0]} {_INFIX[op]} {args[1]}"
    if op == "neg":
        return f"-{args[0]}"
    if op == "pow":
        return _pow(args[0], refs[1], args[1])
    if op == "abs":
        return f"abs({args[0]})"
    if op == "where":
        return f"{args[1]} if {args[0]} else {args[2]}"
    if op == "mod":
        return f"np.remainder({args[0]}, {args[1]})"
    if op in UNARY or op in BINARY:
        return f"np.{op}({', '.join(args)})"
    raise AssertionError(f"unknown op {op!r} (COMPARE: {COMPARE})")


_DRIVER = '''
BOUND = {bound!r}


@njit(cache=True, error_model="numpy", nogil=True)
def _bad(x):
    for j in range(x.shape[0]):
        v = x[j]
        if not np.isfinite(v) or abs(v) > BOUND:
            return True
    return False


@njit(cache=True, error_model="numpy", nogil=True)
def integrate(x0, params, t0, dt, n, substeps, a, b, c, out, diverged, first):
    """Fill out[batch, n, dim]; rows that diverge get NaN from their first bad point on."""
    batch, dim = x0.shape
    stages = b.shape[0]
    h = dt / substeps
    k = np.empty((stages, dim))
    x = np.empty(dim)
    xs = np.empty(dim)
    for r in range(batch):
        p = params[r]
        for j in range(dim):
            x[j] = x0[r, j]
        if _bad(x):
            diverged[r] = True
            first[r] = 0
            out[r, :, :] = np.nan
            continue
        out[r, 0, :] = x
        for i in range(1, n):
            t = t0 + (i - 1) * dt
            for q in range(substeps):
                tq = t + q * h
                for s in range(stages):
                    if s == 0:
                        xs[:] = x
                    else:
                        for j in range(dim):
                            acc = 0.0
                            for m in range(s):
                                acc += a[s, m] * k[m, j]
                            xs[j] = x[j] + h * acc
                    rhs(tq + c[s] * h, xs, p, k, s)
                for j in range(dim):
                    acc = 0.0
                    for m in range(stages):
                        acc += b[m] * k[m, j]
                    x[j] = x[j] + h * acc
            if _bad(x):
                diverged[r] = True
                first[r] = i
                out[r, i:, :] = np.nan
                break
            out[r, i, :] = x
'''


def module_source(system_name: str, tape: Tape, outputs: list[Any], bound: float) -> str:
    """The whole generated module (deterministic text: it is hashed to name the cache file)."""
    body = "\n".join(f"    {line}" for line in rhs_lines(tape, outputs))
    return (
        f'"""chaosflow generated kernel for {system_name!r} (template {TEMPLATE_VERSION})."""\n'
        "import numpy as np\nfrom numba import njit\n\n\n"
        f"def _rhs_py(t, x, p, k, s):\n{body}\n\n\n"
        'rhs = njit(cache=True, error_model="numpy", nogil=True)(_rhs_py)\n'
        + _DRIVER.format(bound=bound)
    )
