"""Is a flow chaotic anywhere at its default parameters? Scan initial conditions (issue 3).

Some catalog flows are regular from dysts' ``x0`` (a periodic or quasi-periodic orbit, or a
regular island of a Hamiltonian flow) while the system itself is known to be chaotic: a
chaotic attractor coexists with the regular one, or the chaotic sea lies elsewhere on the
energy shell. This script looks for it. For each named flow it

1. integrates the default ``x0`` for ``--periods`` dominant periods P (RK4 at P/``--spp``) and
   takes the box its bounded coordinates span;
2. starts ``--samples`` initial conditions: half uniform in that box widened by ``--widen``,
   half on the default trajectory displaced by relative scales 1e-3 .. 0.5 (phases of
   non-autonomous flows, ``metadata.extra["unbounded_indices"]``, are kept from the trajectory);
3. estimates λmax for each (Benettin, finite-difference twins: ``max_lyapunov_fd``) at
   P/``spp`` and at P/(2·``spp``) over ``--periods`` periods after a transient of one tenth,
   and records each run's final state (a point on whatever set it settled on).

A start counts as chaotic when both steps give λmax·P ≥ ``--chaos`` (0.02) and agree within
15%. The printed row gives the fraction of chaotic starts, the median λmax over them (and over
the regular ones), and the chaotic start whose final state is proposed as a new ``x0``
(``--json`` stores every start's estimates and final states). Deterministic (``--seed``).

    python benchmarks/lyapunov_x0_scan.py --names HenonHeiles Tsucs2 --json scan.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np

from chaosflow.systems import get_system
from chaosflow.systems.lyapunov import max_lyapunov_fd, rk4_step

SCALES = (1e-3, 1e-2, 0.1, 0.3, 0.5)


def trajectory_box(system, spp: int, periods: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper corners of the default trajectory's box, and its sampled states."""
    h = system.metadata.period / spp
    step = rk4_step(system, h)
    x = np.asarray(system.metadata.x0, dtype=np.float64)[None, :]
    states = []
    with np.errstate(all="ignore"):
        for i in range(periods * spp):
            x = step(x)
            if i % spp == 0:
                states.append(x[0].copy())
    states = np.asarray(states)
    states = states[np.isfinite(states).all(axis=1)]
    return states.min(axis=0), states.max(axis=0), states


def starts(system, lo, hi, states, n: int, widen: float, seed: int) -> np.ndarray:
    """``n`` initial conditions: half in the widened box, half displaced from the trajectory."""
    rng = np.random.default_rng(seed)
    unbounded = list(system.metadata.extra.get("unbounded_indices", ()))
    mid, half = (lo + hi) / 2, np.maximum((hi - lo) / 2, 1e-12)
    n_box = n // 2
    box = mid + widen * half * rng.uniform(-1.0, 1.0, (n_box, system.dim))
    base = states[rng.integers(len(states), size=n - n_box)]
    scale = np.asarray(SCALES)[np.arange(n - n_box) % len(SCALES)][:, None]
    near = base + scale * half * rng.standard_normal(base.shape)
    out = np.concatenate([box, near])
    if unbounded:
        picks = states[rng.integers(len(states), size=n)]
        out[:, unbounded] = picks[:, unbounded]
    return out


def lyapunov_with_state(system, x0: np.ndarray, spp: int, periods: int, seed: int = 0):
    """λmax per start (finite-difference twins, RK4 at P/spp) and each start's final state."""
    h = system.metadata.period / spp
    n = periods * spp
    with np.errstate(all="ignore"):  # escaping starts overflow; their λ is non-finite
        return max_lyapunov_fd(
            rk4_step(system, h), x0, n, dt=h, transient=n // 10, seed=seed, return_state=True
        )


def scan(name: str, args) -> dict:
    system = get_system(name)
    period = system.metadata.period
    t0 = time.perf_counter()
    lo, hi, states = trajectory_box(system, args.spp, args.periods)
    x0s = starts(system, lo, hi, states, args.samples, args.widen, args.seed)
    coarse, _ = lyapunov_with_state(system, x0s, args.spp, args.periods)
    fine, final = lyapunov_with_state(system, x0s, 2 * args.spp, args.periods)
    ok = np.isfinite(fine) & np.isfinite(coarse)
    agree = ok & (np.abs(fine - coarse) <= 0.15 * np.maximum(np.abs(fine), 1e-300))
    chaotic = agree & (fine * period >= args.chaos) & (coarse * period >= args.chaos)
    regular = ok & ~chaotic
    row = {
        "name": name,
        "period": period,
        "samples": len(x0s),
        "escaped": int((~ok).sum()),
        "chaotic": int(chaotic.sum()),
        "median_chaotic": float(np.median(fine[chaotic])) if chaotic.any() else math.nan,
        "median_other": float(np.median(fine[regular])) if regular.any() else math.nan,
        "starts": x0s.tolist(),
        "fine": fine.tolist(),
        "coarse": coarse.tolist(),
        "final": final.tolist(),
        "seconds": time.perf_counter() - t0,
    }
    if chaotic.any():
        # the chaotic start closest to the chaotic median: typical of the chaotic set
        idx = np.flatnonzero(chaotic)
        best = idx[np.argmin(np.abs(fine[idx] - row["median_chaotic"]))]
        row["proposed_index"] = int(best)
        row["proposed_x0"] = final[best].tolist()
    return row


def _fmt(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v:.4g}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", nargs="+", required=True)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--periods", type=int, default=300)
    parser.add_argument("--spp", type=int, default=200, help="coarse steps per period")
    parser.add_argument("--widen", type=float, default=1.2)
    parser.add_argument("--chaos", type=float, default=0.02, help="λmax·P threshold")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    rows = []
    print("| name | starts | escaped | chaotic | median λmax chaotic | median λmax other | time |")
    print("|---|---|---|---|---|---|---|")
    for name in args.names:
        row = scan(name, args)
        rows.append(row)
        print(
            f"| {name} | {row['samples']} | {row['escaped']} | {row['chaotic']} | "
            f"{_fmt(row['median_chaotic'])} | {_fmt(row['median_other'])} | "
            f"{row['seconds']:.0f}s |",
            flush=True,
        )
        if args.json:
            with open(args.json, "w") as f:
                json.dump({r["name"]: r for r in rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
