"""Largest Lyapunov exponent of every catalog system vs its reference (issue 3).

Benettin's method, averaged over a few initial conditions near
``metadata.x0`` after a transient:

* flows: classical RK4 (numpy, finite-difference twin trajectories), ``--steps-per-period``
  steps per dominant period, ``--periods`` periods;
* maps: the map itself, exact tangent map by forward-mode autograd (``max_lyapunov``; maps
  wrap coordinates, which finite differences cannot straddle);
* delay equations (finite differences): RK4 on a history buffer of ``--delay-points`` nodes
  per delay τ (the state is the discretised history; delayed values at half steps are
  linearly interpolated);
* the PDE: its own ETDRK4 ``step`` at ``metadata.dt`` (autograd tangent).

Prints ``name | kind | reference | estimate | rel. error | ok(≤20%)`` and marks systems on
``chaosflow.systems.lyapunov.LYAPUNOV_EXCEPTIONS``. Usage::

    python benchmarks/lyapunov_sweep.py [--kind flow] [--names Lorenz Henon] [--out table.md]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from chaosflow.systems import get_system, list_systems
from chaosflow.systems.lyapunov import (
    LYAPUNOV_EXCEPTIONS,
    map_step,
    max_lyapunov,
    max_lyapunov_fd,
    relative_error,
    rk4_step,
)

TOLERANCE = 0.20


def _initial_conditions(system, n: int, seed: int = 0) -> np.ndarray:
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return x0 + 1e-5 * (1.0 + np.abs(x0)) * rng.standard_normal((n, system.dim))


def delay_history_step(system, points: int):
    """One RK4 step ``h = τ/points`` on the history ``[batch, (points+1)·dim]`` (newest first)."""
    dim, tau = system.dim, float(system.params["tau"])
    h, p = tau / points, dict(system.params)

    def f(x, lagged):
        return system.rhs(0.0, np.concatenate([x, lagged], axis=-1), p)

    def step(buf):
        hist = buf.reshape(buf.shape[0], points + 1, dim)
        x, old, older = hist[:, 0], hist[:, points], hist[:, points - 1]
        mid = 0.5 * (old + older)
        k1 = f(x, old)
        k2 = f(x + 0.5 * h * k1, mid)
        k3 = f(x + 0.5 * h * k2, mid)
        k4 = f(x + h * k3, older)
        new = x + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        return np.concatenate([new[:, None], hist[:, :points]], axis=1).reshape(buf.shape)

    return step, h


def estimate(system, args) -> float:
    """λmax per time unit (mean over ``args.ics`` initial conditions)."""
    x0 = _initial_conditions(system, args.ics)
    meta = system.metadata
    if system.kind == "map":
        lam = max_lyapunov(map_step(system), x0, args.map_steps, transient=args.map_steps // 10)
    elif system.kind == "pde":
        p = dict(system.params)
        n = round(args.pde_time / meta.dt)
        lam = max_lyapunov(
            lambda u: system.step(u, meta.dt, p), x0, n, dt=meta.dt, transient=n // 10
        )
    elif system.kind == "delay":
        step, h = delay_history_step(system, args.delay_points)
        history = np.repeat(x0, args.delay_points + 1, axis=1)  # constant initial history
        n = round(args.delay_periods * meta.period / h)
        lam = max_lyapunov_fd(step, history, n, dt=h, transient=n // 5)
    else:
        h = meta.period / args.steps_per_period
        n = args.periods * args.steps_per_period
        lam = max_lyapunov_fd(rk4_step(system, h), x0, n, dt=h, transient=n // 10)
    finite = np.isfinite(lam)
    if not finite.all():  # a start that left the basin (coexisting unbounded solutions)
        print(
            f"# {system.name}: {int((~finite).sum())} of {lam.size} runs diverged", file=sys.stderr
        )
    return float(np.mean(lam[finite])) if finite.any() else math.nan


def sweep(names, args):
    rows = []
    for name in names:
        system = get_system(name)
        ref = system.metadata.lyapunov_max
        start = time.perf_counter()
        try:
            lam = estimate(system, args)
        except Exception as err:  # report and go on: one failure must not stop the sweep
            lam = math.nan
            print(f"# {name}: {type(err).__name__}: {err}", file=sys.stderr)
        err_rel = relative_error(lam, ref) if math.isfinite(lam) else math.inf
        rows.append((name, system.kind, ref, lam, err_rel, time.perf_counter() - start))
        print(_row(rows[-1]), flush=True)
    return rows


def _row(row) -> str:
    name, kind, ref, lam, err, seconds = row
    ok = "yes" if err <= TOLERANCE else ("exception" if name in LYAPUNOV_EXCEPTIONS else "NO")
    return f"| {name} | {kind} | {ref:.4g} | {lam:.4g} | {err:.1%} | {ok} | {seconds:.0f}s |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["flow", "map", "delay", "pde"])
    parser.add_argument("--names", nargs="*")
    parser.add_argument("--ics", type=int, default=4, help="initial conditions per system")
    parser.add_argument("--periods", type=int, default=100)
    parser.add_argument("--steps-per-period", type=int, default=50)
    parser.add_argument("--map-steps", type=int, default=5000)
    parser.add_argument("--delay-points", type=int, default=50)
    parser.add_argument("--delay-periods", type=float, default=40.0)
    parser.add_argument("--pde-time", type=float, default=1000.0)
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    parser.add_argument("--json", type=Path, help="also write {name: [reference, estimate]}")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    names = args.names or list_systems(args.kind)
    header = "| name | kind | reference | estimate | rel. error | ok(≤20%) | time |\n"
    header += "|---|---|---|---|---|---|---|"
    print(header)
    rows = sweep(names, args)
    bad = [r[0] for r in rows if r[4] > TOLERANCE and r[0] not in LYAPUNOV_EXCEPTIONS]
    summary = (
        f"\n{len(rows)} systems: {sum(r[4] <= TOLERANCE for r in rows)} within 20%, "
        f"{sum(r[0] in LYAPUNOV_EXCEPTIONS for r in rows)} on the exception list, "
        f"{len(bad)} unexplained: {', '.join(bad) or '-'}"
    )
    print(summary)
    if args.json:
        args.json.write_text(json.dumps({r[0]: [r[2], r[3]] for r in rows}, indent=1))
    if args.out:
        args.out.write_text(header + "\n" + "\n".join(map(_row, rows)) + "\n" + summary + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
