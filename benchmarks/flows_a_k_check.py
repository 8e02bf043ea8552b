"""Measure the dysts flows A–K: largest Lyapunov exponent and RK4 accuracy per system.

Reproduces the numbers behind ``chaosflow.systems.catalog.flows_a_k.KNOWN_ISSUES``:

    .venv/bin/python benchmarks/flows_a_k_check.py [--periods 200] [NAME ...]

For each system: 10 dominant periods of transient from ``metadata.x0``, then the largest
Lyapunov exponent by two-trajectory renormalisation every output step (RK4 with
``metadata.dt / 20``), printed after 1/4, 1/2 and all of ``--periods`` periods (a value that
shrinks like 1/T is a zero exponent), next to dysts' ``maximum_lyapunov_estimated``; and the
relative RK4 error over one period with 10 / 20 / 40 substeps per output step against 320.
Single-threaded numpy; about 10-60 s per system at 200 periods on one core.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from chaosflow.systems import System, get_system
from chaosflow.systems.catalog.flows_a_k import KNOWN_ISSUES  # noqa: F401  (registers A–K)


def rk4(system: System, x: np.ndarray, h: float, n_steps: int) -> np.ndarray:
    """``n_steps`` classical RK4 steps of size ``h`` from ``x: [batch, dim]``."""
    p = system.params
    for _ in range(n_steps):
        k1 = system.rhs(0.0, x, p)
        k2 = system.rhs(0.0, x + 0.5 * h * k1, p)
        k3 = system.rhs(0.0, x + 0.5 * h * k2, p)
        k4 = system.rhs(0.0, x + h * k3, p)
        x = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return x


def lyapunov_max(system: System, periods: int, *, seed: int = 1) -> list[float]:
    """Running λmax (per time unit) after ``periods`` / 4, / 2 and all of them."""
    dt, sub = system.metadata.dt, 20
    steps_per_period = max(1, round(system.metadata.period / dt))
    x = rk4(
        system,
        np.asarray(system.metadata.x0, dtype=float)[None],
        dt / sub,
        10 * steps_per_period * sub,
    )
    d0 = 1e-7
    v = np.random.default_rng(seed).standard_normal(system.dim)
    pair = np.concatenate([x, x + d0 * v[None] / np.linalg.norm(v)])
    total = periods * steps_per_period
    marks = {total // 4, total // 2, total}
    log_growth, running = 0.0, []
    for i in range(1, total + 1):
        pair = rk4(system, pair, dt / sub, sub)
        sep = pair[1] - pair[0]
        norm = float(np.linalg.norm(sep))
        log_growth += np.log(norm / d0)
        pair[1] = pair[0] + sep * (d0 / norm)
        if i in marks:
            running.append(log_growth / (i * dt))
    return running


def rk4_errors(system: System) -> dict[int, float]:
    """Relative error after one period with k substeps per output step vs 320 substeps."""
    dt = system.metadata.dt
    n = max(1, round(system.metadata.period / dt))
    x0 = np.asarray(system.metadata.x0, dtype=float)[None]
    ref = rk4(system, x0, dt / 320, 320 * n)
    scale = 1.0 + float(np.max(np.abs(ref)))
    with np.errstate(all="ignore"):
        return {
            k: float(np.max(np.abs(rk4(system, x0, dt / k, k * n) - ref))) / scale
            for k in (10, 20, 40)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="systems (default: all A–K dysts flows)")
    parser.add_argument("--periods", type=int, default=200)
    args = parser.parse_args()
    from chaosflow.systems import list_systems

    names = args.names or [
        n for n in list_systems("flow") if n[0] < "L" and "dysts_dt" in get_system(n).metadata.extra
    ]
    for name in names:
        start = time.perf_counter()
        s = get_system(name)
        lam = lyapunov_max(s, args.periods)
        errs = rk4_errors(s)
        print(
            f"{name:24s} λmax {' '.join(f'{v:10.3g}' for v in lam)}  "
            f"dysts {s.metadata.lyapunov_max:9.3g}  RK4 err "
            + " ".join(f"k={k}:{e:7.1e}" for k, e in errs.items())
            + f"  ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
