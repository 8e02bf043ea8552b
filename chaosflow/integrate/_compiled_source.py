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
TEMPLATE_VERSION = "3"

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
    """``base ** e`` for a constant ``e``: numpy's fast paths (square, sqrt, 1/x), products for
    cubes and fourth powers (``pow`` would cost ~20 ns; the product differs by an ulp), else
    ``pow`` like numpy."""
    kind, e = exponent
    if kind == "c":
        e = float(e)
        fast = {2.0: f"{base} * {base}", 0.5: f"np.sqrt({base})", -1.0: f"1.0 / {base}",
                1.0: f"+{base}", 0.0: "1.0", 3.0: f"{base} * {base} * {base}",
                4.0: f"({base} * {base}) * ({base} * {base})"}  # fmt: skip
        return fast.get(e, f"{base} ** {_const(e)}")
    return f"{base} ** {name}"


#: Batched Dormand–Prince 5(4) of ``_adaptive.run``, one row at a time: the same initial step,
#: error norm, controller, FSAL reuse, dense output and divergence rules (NaN-propagating
#: ``_mx``/``_mn`` stand for numpy's ``maximum``/``minimum``/``clip``).
_ADAPTIVE = '''

@njit(cache=True, error_model="numpy", nogil=True)
def _mx(u, v):
    return np.nan if (u != u or v != v) else (u if u >= v else v)


@njit(cache=True, error_model="numpy", nogil=True)
def _mn(u, v):
    return np.nan if (u != u or v != v) else (u if u <= v else v)


@njit(cache=True, error_model="numpy", nogil=True)
def _rms(v, w):
    acc = 0.0
    for j in range(v.shape[0]):
        q = v[j] / w[j]
        acc += q * q
    return np.sqrt(acc / v.shape[0])


@njit(cache=True, error_model="numpy", nogil=True)
def _initial_step(t, x, p, k, scale, xs, k1):
    d0 = _rms(x, scale)
    d1 = _rms(k[0], scale)
    if d0 < 1e-5 or d1 < 1e-5:
        h0 = 1e-6 + 0 * d0
    else:
        h0 = 0.01 * d0 / _mx(d1, 1e-300)
    for j in range(x.shape[0]):
        xs[j] = x[j] + h0 * k[0, j]
    rhs(t + h0, xs, p, k1, 0)
    for j in range(x.shape[0]):
        xs[j] = k1[0, j] - k[0, j]
    d2 = _rms(xs, scale) / h0
    big = _mx(d1, d2)
    if big <= 1e-15:
        h1 = _mx(h0 * 1e-3, 1e-6)
    else:
        h1 = (0.01 / _mx(big, 1e-300)) ** 0.2
    return _mn(100 * h0, h1)


@njit(cache=True, error_model="numpy", nogil=True)
def adaptive(x0, params, times, rtol, atol, max_steps, safety, min_factor, max_factor, tiny,
             a, b, c, e, d, out, diverged, first, steps, rejected):
    """Dopri5 onto times[n] per row; out[batch, n, dim], steps/rejected[batch] filled."""
    batch, dim = x0.shape
    n = times.shape[0]
    stages = b.shape[0]
    t_end = times[n - 1]
    k = np.empty((stages, dim))
    k1 = np.empty((1, dim))
    x = np.empty(dim)
    xs = np.empty(dim)
    x_new = np.empty(dim)
    err_vec = np.empty(dim)
    sc = np.empty(dim)
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
        t = times[0]
        nxt = 1
        rhs(t, x, p, k, 0)
        for j in range(dim):
            sc[j] = atol + rtol * abs(x[j])
        h = _mn(_initial_step(t, x, p, k, sc, xs, k1), t_end - t)
        while nxt < n:
            h_use = _mx(_mn(h, t_end - t), tiny)
            for s in range(1, stages):
                for j in range(dim):
                    acc = 0.0
                    for m in range(s):
                        acc += a[s, m] * k[m, j]
                    xs[j] = x[j] + h_use * acc
                rhs(t + c[s] * h_use, xs, p, k, s)
            finite = True
            for j in range(dim):
                acc = 0.0
                acc_e = 0.0
                for m in range(stages):
                    acc += b[m] * k[m, j]
                    acc_e += e[m] * k[m, j]
                x_new[j] = x[j] + h_use * acc
                err_vec[j] = h_use * acc_e
                sc[j] = atol + rtol * _mx(abs(x[j]), abs(x_new[j]))
                finite = finite and np.isfinite(x_new[j])
            err = _rms(err_vec, sc)
            finite = finite and np.isfinite(err)
            ok = finite and err <= 1.0
            t_new = t + h_use
            if ok:
                slack = 1e-12 * (1.0 + abs(t_new))
                while nxt < n and times[nxt] <= t_new + slack:
                    theta = _mn((times[nxt] - t) / h_use, 1.0)
                    th1 = 1 - theta
                    for j in range(dim):
                        ydiff = x_new[j] - x[j]
                        bspl = h_use * k[0, j] - ydiff
                        r4 = ydiff - h_use * k[6, j] - bspl
                        acc = 0.0
                        for m in range(stages):
                            acc += d[m] * k[m, j]
                        r5 = h_use * acc
                        out[r, nxt, j] = x[j] + theta * (
                            ydiff + th1 * (bspl + theta * (r4 + th1 * r5)))
                    nxt += 1
            safe_err = err if finite else 1e6 + 0 * err
            factor = safety * _mx(safe_err, 1e-10) ** -0.2
            factor = _mn(_mx(factor, min_factor), max_factor)
            if not ok:
                factor = _mn(factor, 1.0)
                rejected[r] += 1
            else:
                t = t_new
                for j in range(dim):
                    x[j] = x_new[j]
                    k[0, j] = k[6, j]
                steps[r] += 1
            h = h_use * factor
            big = False
            for j in range(dim):
                big = big or abs(x[j]) > BOUND
            if big or h < tiny or steps[r] + rejected[r] > max_steps:
                diverged[r] = True
                first[r] = nxt
                out[r, nxt:, :] = np.nan
                break
'''


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
        + _ADAPTIVE
    )
