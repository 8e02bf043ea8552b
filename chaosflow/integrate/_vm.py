"""One compiled interpreter for every system: the traced ``rhs`` as a register program.

``program(tape, outputs)`` turns a traced right-hand side (``_compiled_trace``) into a flat
instruction array; ``integrate`` and ``adaptive`` are numba kernels, compiled once per
machine and shared by all systems, that run such a program for a block of rows at a time:
each instruction loops over the rows (``regs[dst, :m] = regs[a, :m] op regs[b, :m]``), so the
dispatch is paid once per instruction and block, and the row loop vectorises.

Why an interpreter rather than a kernel per system: numba never frees machine code, so a
worker that integrates many systems grew by ~1.4 MB per system loaded (~3.9 MB compiled),
and every system paid a ~0.5 s compile on a fresh machine. One interpreter keeps a worker's
memory flat in the number of systems and compiles once.

Rounding: each instruction is the scalar operation the numpy ``rhs`` does, in the same order,
and the drivers sum the Runge–Kutta stages in a fixed order, so a row's result does not
depend on the other rows or the block size.

Register layout of a program: ``[constants | x_0..x_{d-1} | p_0..p_{P-1} | t | nodes]``.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from chaosflow.integrate._compiled_trace import BINARY, COMPARE, UNARY, Tape
from chaosflow.integrate._monitor import BOUND

#: Opcodes (the order of the interpreter's branches: common arithmetic first).
OPS = (
    "add", "sub", "mul", "truediv", "neg", "sq", "cube", "pow4", "recip", "copy", "pow",
    "lt", "le", "gt", "ge", "where", "abs", "sin", "cos", "tan", "exp", "log", "log1p",
    "expm1", "sqrt", "tanh", "sinh", "cosh", "arctan", "arcsin", "arccos", "arcsinh",
    "arctanh", "sign", "floor", "maximum", "minimum", "arctan2", "mod",
)  # fmt: skip
OP = {name: i for i, name in enumerate(OPS)}
#: Rows per block: registers are ``[n_registers, BLOCK]`` float64.
BLOCK = 32
#: ``base ** c`` for these constants is computed like numpy's fast paths.
_FAST_POW = {2.0: "sq", 3.0: "cube", 4.0: "pow4", -1.0: "recip", 0.5: "sqrt", 1.0: "copy"}


class Program(NamedTuple):
    """A traced ``rhs`` as instructions ``code[i] = (op, dst, a, b, c)`` over registers."""

    code: np.ndarray  # int64 [n_instructions, 5]
    consts: np.ndarray  # float64 [n_consts]: registers 0..n_consts-1
    n_regs: int
    x_base: int  # register of x_0
    p_base: int  # register of the first parameter
    t_reg: int
    outputs: np.ndarray  # int64 [dim]: register of dx_j/dt


def program(tape: Tape, outputs: list[Any], dim: int, n_params: int) -> Program:
    """Compile the live part of ``tape`` (what ``outputs`` need) into a ``Program``."""
    live: set[int] = set()
    stack = [o.idx for o in outputs if hasattr(o, "idx")]
    while stack:
        i = stack.pop()
        if i not in live:
            live.add(i)
            stack.extend(r for k, r in tape.nodes[i][1] if k == "n")

    consts: dict[str, int] = {}  # float hex -> register
    values: list[float] = []

    def const(value: float | int) -> int:
        value = float(value)
        key = "nan" if math.isnan(value) else value.hex()
        if key not in consts:
            consts[key] = len(values)
            values.append(value)
        return consts[key]

    # constants first (their registers must not move): collect them in a first pass
    const(1.0)
    for i in sorted(live):
        for k, r in tape.nodes[i][1]:
            if k == "c":
                const(r)
    for o in outputs:
        if not hasattr(o, "idx"):
            const(o)
    x_base = len(values)
    p_base = x_base + dim
    t_reg = p_base + n_params
    reg: dict[int, int] = {}
    code: list[tuple[int, int, int, int, int]] = []
    nxt = t_reg + 1
    for i in sorted(live):
        op, refs = tape.nodes[i]
        if op == "x":
            reg[i] = x_base + refs[0][1]
            continue
        if op == "p":
            reg[i] = p_base + refs[0][1]
            continue
        if op == "t":
            reg[i] = t_reg
            continue
        args = [reg[r] if k == "n" else const(r) for k, r in refs]
        name = op
        if op == "pow" and refs[1][0] == "c":
            e = float(refs[1][1])
            if e == 0.0:
                name, args = "copy", [const(1.0)]
            elif e in _FAST_POW:
                name, args = _FAST_POW[e], args[:1]
        if name not in OP:
            raise AssertionError(f"unknown op {op!r} (known: {UNARY + BINARY + COMPARE})")
        reg[i] = nxt
        code.append((OP[name], nxt, *args, *([0] * (3 - len(args)))))
        nxt += 1
    out = [reg[o.idx] if hasattr(o, "idx") else const(o) for o in outputs]
    return Program(
        code=np.asarray(code, dtype=np.int64).reshape(-1, 5),
        consts=np.asarray(values, dtype=np.float64),
        n_regs=nxt,
        x_base=x_base,
        p_base=p_base,
        t_reg=t_reg,
        outputs=np.asarray(out, dtype=np.int64),
    )


_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


@njit(**_JIT)
def run_program(code, regs, m):
    """Execute ``code`` on lanes ``0..m-1`` of ``regs[n_regs, BLOCK]``."""
    for i in range(code.shape[0]):
        op = code[i, 0]
        d = code[i, 1]
        a = code[i, 2]
        b = code[i, 3]
        ra = regs[a]
        rb = regs[b]
        rd = regs[d]
        if op == 0:
            for q in range(m):
                rd[q] = ra[q] + rb[q]
        elif op == 1:
            for q in range(m):
                rd[q] = ra[q] - rb[q]
        elif op == 2:
            for q in range(m):
                rd[q] = ra[q] * rb[q]
        elif op == 3:
            for q in range(m):
                rd[q] = ra[q] / rb[q]
        elif op == 4:
            for q in range(m):
                rd[q] = -ra[q]
        elif op == 5:
            for q in range(m):
                rd[q] = ra[q] * ra[q]
        elif op == 6:
            for q in range(m):
                rd[q] = ra[q] * ra[q] * ra[q]
        elif op == 7:
            for q in range(m):
                rd[q] = (ra[q] * ra[q]) * (ra[q] * ra[q])
        elif op == 8:
            for q in range(m):
                rd[q] = 1.0 / ra[q]
        elif op == 9:
            for q in range(m):
                rd[q] = ra[q]
        elif op == 10:
            for q in range(m):
                rd[q] = ra[q] ** rb[q]
        elif op == 11:
            for q in range(m):
                rd[q] = 1.0 if ra[q] < rb[q] else 0.0
        elif op == 12:
            for q in range(m):
                rd[q] = 1.0 if ra[q] <= rb[q] else 0.0
        elif op == 13:
            for q in range(m):
                rd[q] = 1.0 if ra[q] > rb[q] else 0.0
        elif op == 14:
            for q in range(m):
                rd[q] = 1.0 if ra[q] >= rb[q] else 0.0
        elif op == 15:
            rc = regs[code[i, 4]]
            for q in range(m):
                rd[q] = rb[q] if ra[q] != 0.0 else rc[q]
        elif op == 16:
            for q in range(m):
                rd[q] = abs(ra[q])
        elif op == 17:
            for q in range(m):
                rd[q] = np.sin(ra[q])
        elif op == 18:
            for q in range(m):
                rd[q] = np.cos(ra[q])
        elif op == 19:
            for q in range(m):
                rd[q] = np.tan(ra[q])
        elif op == 20:
            for q in range(m):
                rd[q] = np.exp(ra[q])
        elif op == 21:
            for q in range(m):
                rd[q] = np.log(ra[q])
        elif op == 22:
            for q in range(m):
                rd[q] = np.log1p(ra[q])
        elif op == 23:
            for q in range(m):
                rd[q] = np.expm1(ra[q])
        elif op == 24:
            for q in range(m):
                rd[q] = np.sqrt(ra[q])
        elif op == 25:
            for q in range(m):
                rd[q] = np.tanh(ra[q])
        elif op == 26:
            for q in range(m):
                rd[q] = np.sinh(ra[q])
        elif op == 27:
            for q in range(m):
                rd[q] = np.cosh(ra[q])
        elif op == 28:
            for q in range(m):
                rd[q] = np.arctan(ra[q])
        elif op == 29:
            for q in range(m):
                rd[q] = np.arcsin(ra[q])
        elif op == 30:
            for q in range(m):
                rd[q] = np.arccos(ra[q])
        elif op == 31:
            for q in range(m):
                rd[q] = np.arcsinh(ra[q])
        elif op == 32:
            for q in range(m):
                rd[q] = np.arctanh(ra[q])
        elif op == 33:
            for q in range(m):
                rd[q] = np.sign(ra[q])
        elif op == 34:
            for q in range(m):
                rd[q] = np.floor(ra[q])
        elif op == 35:
            for q in range(m):
                rd[q] = np.maximum(ra[q], rb[q])
        elif op == 36:
            for q in range(m):
                rd[q] = np.minimum(ra[q], rb[q])
        elif op == 37:
            for q in range(m):
                rd[q] = np.arctan2(ra[q], rb[q])
        else:
            for q in range(m):
                rd[q] = np.remainder(ra[q], rb[q])


@njit(**_JIT)
def _setup(consts, regs, params, start, m, p_base):
    """Constants in every lane; lane q gets the parameters of row start + q."""
    for j in range(consts.shape[0]):
        regs[j, :] = consts[j]
    for k in range(params.shape[1]):
        for q in range(m):
            regs[p_base + k, q] = params[start + q, k]


@njit(**_JIT)
def _bad(x):
    for j in range(x.shape[0]):
        v = x[j]
        if not np.isfinite(v) or abs(v) > BOUND:
            return True
    return False


@njit(**_JIT)
def integrate(code, consts, n_regs, x_base, p_base, t_reg, outs, x0, params, t0, dt, n,
              substeps, a, b, c, out, diverged, first):  # fmt: skip
    """Fixed-step explicit RK on ``[t0 + i dt]``: fill ``out[batch, n, dim]``; rows that
    diverge get NaN from their first bad point on (``diverged``, ``first``)."""
    batch, dim = x0.shape
    stages = b.shape[0]
    h = dt / substeps
    regs = np.zeros((n_regs, BLOCK))
    k = np.empty((stages, dim, BLOCK))
    x = np.empty((dim, BLOCK))
    row = np.empty(dim)
    alive = np.empty(BLOCK, dtype=np.bool_)
    for start in range(0, batch, BLOCK):
        m = min(BLOCK, batch - start)
        _setup(consts, regs, params, start, m, p_base)
        for q in range(m):
            r = start + q
            for j in range(dim):
                x[j, q] = x0[r, j]
                row[j] = x0[r, j]
            alive[q] = not _bad(row)
            if alive[q]:
                out[r, 0, :] = row
            else:
                diverged[r] = True
                first[r] = 0
                out[r, :, :] = np.nan
        for i in range(1, n):
            t = t0 + (i - 1) * dt
            for sub in range(substeps):
                tq = t + sub * h
                for s in range(stages):
                    ts = tq + c[s] * h
                    for q in range(m):
                        regs[t_reg, q] = ts
                    for j in range(dim):
                        xr = regs[x_base + j]
                        if s == 0:
                            for q in range(m):
                                xr[q] = x[j, q]
                        else:
                            for q in range(m):
                                acc = 0.0
                                for mm in range(s):
                                    acc += a[s, mm] * k[mm, j, q]
                                xr[q] = x[j, q] + h * acc
                    run_program(code, regs, m)
                    for j in range(dim):
                        kr = regs[outs[j]]
                        for q in range(m):
                            k[s, j, q] = kr[q]
                for j in range(dim):
                    for q in range(m):
                        acc = 0.0
                        for mm in range(stages):
                            acc += b[mm] * k[mm, j, q]
                        x[j, q] = x[j, q] + h * acc
            for q in range(m):
                if not alive[q]:
                    continue
                r = start + q
                for j in range(dim):
                    row[j] = x[j, q]
                if _bad(row):
                    alive[q] = False
                    diverged[r] = True
                    first[r] = i
                    out[r, i:, :] = np.nan
                else:
                    out[r, i, :] = row


@njit(**_JIT)
def _mx(u, v):
    return np.nan if (u != u or v != v) else (u if u >= v else v)


@njit(**_JIT)
def _mn(u, v):
    return np.nan if (u != u or v != v) else (u if u <= v else v)


@njit(**_JIT)
def _rms(v, w):
    acc = 0.0
    for j in range(v.shape[0]):
        q = v[j] / w[j]
        acc += q * q
    return np.sqrt(acc / v.shape[0])


@njit(**_JIT)
def _gather(params, regs, act, n_act, start, p_base):
    for kk in range(params.shape[1]):
        for q in range(n_act):
            regs[p_base + kk, q] = params[start + act[q], kk]


@njit(**_JIT)
def adaptive(code, consts, n_regs, x_base, p_base, t_reg, outs, x0, params, times, rtol, atol,
             max_steps, safety, min_factor, max_factor, tiny, a, b, c, e, d, out, diverged,
             first, steps, rejected):  # fmt: skip
    """Dormand–Prince 5(4) onto ``times[n]``, every row with its own step (``_adaptive.run``:
    same initial step, error norm, controller, FSAL reuse, dense output and divergence rules).

    The rows of a block advance in lockstep, one attempted step each per pass; rows that
    finish or diverge leave the active lane list, so they cost nothing afterwards."""
    batch, dim = x0.shape
    n = times.shape[0]
    stages = b.shape[0]
    t_end = times[n - 1]
    regs = np.zeros((n_regs, BLOCK))
    k = np.empty((stages, dim, BLOCK))
    x = np.empty((dim, BLOCK))
    t = np.empty(BLOCK)
    h = np.empty(BLOCK)
    h_use = np.empty(BLOCK)
    nxt = np.empty(BLOCK, dtype=np.int64)
    act = np.empty(BLOCK, dtype=np.int64)
    row = np.empty(dim)
    k0 = np.empty(dim)
    xs = np.empty(dim)
    x_new = np.empty(dim)
    err_vec = np.empty(dim)
    sc = np.empty((dim, BLOCK))
    for start in range(0, batch, BLOCK):
        m = min(BLOCK, batch - start)
        _setup(consts, regs, params, start, 0, p_base)
        n_act = 0
        for rr in range(m):
            r = start + rr
            for j in range(dim):
                x[j, rr] = x0[r, j]
                row[j] = x0[r, j]
            if _bad(row):
                diverged[r] = True
                first[r] = 0
                out[r, :, :] = np.nan
                continue
            out[r, 0, :] = row
            t[rr] = times[0]
            nxt[rr] = 1
            if n > 1:
                act[n_act] = rr
                n_act += 1
        _gather(params, regs, act, n_act, start, p_base)
        # k[0] = f(t0, x0) on every active row
        for q in range(n_act):
            rr = act[q]
            regs[t_reg, q] = t[rr]
            for j in range(dim):
                regs[x_base + j, q] = x[j, rr]
        run_program(code, regs, n_act)
        for q in range(n_act):
            rr = act[q]
            for j in range(dim):
                k[0, j, rr] = regs[outs[j], q]
                sc[j, rr] = atol + rtol * abs(x[j, rr])
        # initial step (Hairer, Nørsett & Wanner): h0 from |x| and |f|, then one trial rhs
        for q in range(n_act):
            rr = act[q]
            for j in range(dim):
                row[j] = x[j, rr]
                k0[j] = k[0, j, rr]
                xs[j] = sc[j, rr]
            d0 = _rms(row, xs)
            d1 = _rms(k0, xs)
            h0 = 1e-6 + 0 * d0 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / _mx(d1, 1e-300)
            h_use[rr] = h0
            regs[t_reg, q] = t[rr] + h0
            for j in range(dim):
                regs[x_base + j, q] = x[j, rr] + h0 * k[0, j, rr]
        run_program(code, regs, n_act)
        for q in range(n_act):
            rr = act[q]
            h0 = h_use[rr]
            for j in range(dim):
                row[j] = regs[outs[j], q] - k[0, j, rr]
                xs[j] = sc[j, rr]
                k0[j] = k[0, j, rr]
            d1 = _rms(k0, xs)
            d2 = _rms(row, xs) / h0
            big = _mx(d1, d2)
            h1 = _mx(h0 * 1e-3, 1e-6) if big <= 1e-15 else (0.01 / _mx(big, 1e-300)) ** 0.2
            h[rr] = _mn(_mn(100 * h0, h1), t_end - t[rr])
        while n_act > 0:
            for q in range(n_act):
                rr = act[q]
                h_use[rr] = _mx(_mn(h[rr], t_end - t[rr]), tiny)
            for s in range(1, stages):
                for q in range(n_act):
                    rr = act[q]
                    hu = h_use[rr]
                    regs[t_reg, q] = t[rr] + c[s] * hu
                    for j in range(dim):
                        acc = 0.0
                        for mm in range(s):
                            acc += a[s, mm] * k[mm, j, rr]
                        regs[x_base + j, q] = x[j, rr] + hu * acc
                run_program(code, regs, n_act)
                for q in range(n_act):
                    rr = act[q]
                    for j in range(dim):
                        k[s, j, rr] = regs[outs[j], q]
            kept = 0
            for q in range(n_act):
                rr = act[q]
                r = start + rr
                hu = h_use[rr]
                finite = True
                for j in range(dim):
                    acc = 0.0
                    acc_e = 0.0
                    for mm in range(stages):
                        acc += b[mm] * k[mm, j, rr]
                        acc_e += e[mm] * k[mm, j, rr]
                    x_new[j] = x[j, rr] + hu * acc
                    err_vec[j] = hu * acc_e
                    xs[j] = atol + rtol * _mx(abs(x[j, rr]), abs(x_new[j]))
                    finite = finite and np.isfinite(x_new[j])
                err = _rms(err_vec, xs)
                finite = finite and np.isfinite(err)
                ok = finite and err <= 1.0
                t_new = t[rr] + hu
                if ok:
                    slack = 1e-12 * (1.0 + abs(t_new))
                    while nxt[rr] < n and times[nxt[rr]] <= t_new + slack:
                        theta = _mn((times[nxt[rr]] - t[rr]) / hu, 1.0)
                        th1 = 1 - theta
                        for j in range(dim):
                            ydiff = x_new[j] - x[j, rr]
                            bspl = hu * k[0, j, rr] - ydiff
                            r4 = ydiff - hu * k[6, j, rr] - bspl
                            acc = 0.0
                            for mm in range(stages):
                                acc += d[mm] * k[mm, j, rr]
                            r5 = hu * acc
                            out[r, nxt[rr], j] = x[j, rr] + theta * (
                                ydiff + th1 * (bspl + theta * (r4 + th1 * r5))
                            )
                        nxt[rr] += 1
                safe_err = err if finite else 1e6 + 0 * err
                factor = safety * _mx(safe_err, 1e-10) ** -0.2
                factor = _mn(_mx(factor, min_factor), max_factor)
                if not ok:
                    factor = _mn(factor, 1.0)
                    rejected[r] += 1
                else:
                    t[rr] = t_new
                    for j in range(dim):
                        x[j, rr] = x_new[j]
                        k[0, j, rr] = k[6, j, rr]
                    steps[r] += 1
                h[rr] = hu * factor
                big = False
                for j in range(dim):
                    big = big or abs(x[j, rr]) > BOUND
                if big or h[rr] < tiny or steps[r] + rejected[r] > max_steps:
                    diverged[r] = True
                    first[r] = nxt[rr]
                    out[r, nxt[rr] :, :] = np.nan
                elif nxt[rr] < n:
                    act[kept] = rr
                    kept += 1
            if kept != n_act:
                n_act = kept
                _gather(params, regs, act, n_act, start, p_base)
