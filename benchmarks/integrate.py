"""Integration speed at matched accuracy: scipy (and dysts) per trajectory vs chaosflow batched.

Sections (one run, one table each):
1. Lorenz, ``--ics`` initial conditions on the attractor × ``--points`` points (dt 0.01):
   scipy ``solve_ivp(DOP853, rtol=atol=1e-9)`` one trajectory at a time, dysts when importable,
   and chaosflow batched — compiled (numba kernel generated from ``rhs``), numpy and torch-CPU —
   with the cheapest DOP853 substep count whose error (first 200 points, against scipy at 1e-13)
   is no worse than scipy's → points/s, ratios. The compiled path is timed three ways: a fresh
   process with an empty kernel cache (trace + numba compile + run), a fresh process that finds
   the kernel in the on-disk cache, and warm (in this process, after a first call).
2. All catalog flows × ``--ics`` × ``--catalog-points``, default settings (``--skip-catalog``):
   first call (pilot, compile or cache load, run) and a warm second call; how many ran compiled.
3. ``--cuda``: 2^``--cuda-log2`` Lorenz trajectories in float64 (and float32) on the GPU.

Run: ``.venv/bin/python benchmarks/integrate.py [--quick] [--cuda]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from scipy.integrate import solve_ivp

from chaosflow.integrate import (
    DOP853,
    RK4,
    Dopri5,
    Grid,
    compiled_support,
    default_method,
    sample_on_attractor,
    simulate,
    simulate_checked,
)
from chaosflow.systems import get_system, list_systems

ACC_POINTS = 200


def _scipy_run(system, x0, grid, rtol):
    p = dict(system.params)
    sol = solve_ivp(
        lambda t, x: system.rhs(t, x[None], p)[0],
        (grid.t0, grid.t0 + grid.duration),
        x0,
        method="DOP853",
        rtol=rtol,
        atol=rtol,
        t_eval=grid.times,
    )
    return sol.y.T


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _row(label, seconds, points, base, err):
    ratio = f"{base / seconds:8.1f}×" if base else "       —"
    err_s = f"{err:.1e}" if err is not None else "   —"
    print(f"{label:56s} {seconds:9.3f} s {points / seconds:12.3e} pts/s {ratio}  err {err_s}")


def lorenz_section(n_ics: int, n_points: int) -> None:
    lorenz = get_system("Lorenz")
    ics = sample_on_attractor(lorenz, n_ics, 0)
    grid = Grid(dt=0.01, n=n_points)
    acc = Grid(dt=0.01, n=ACC_POINTS)
    ref = np.stack([_scipy_run(lorenz, x, acc, 2.3e-14) for x in ics])
    total = n_ics * n_points

    print(f"\n== Lorenz: {n_ics} ICs × {n_points} points (dt 0.01), error = max over the first "
          f"{ACC_POINTS} points vs scipy DOP853 at 1e-13 ==")  # fmt: skip
    scipy_out, t_scipy = _timed(lambda: [_scipy_run(lorenz, x, grid, 1e-9) for x in ics])
    err_scipy = max(np.abs(s[:ACC_POINTS] - r).max() for s, r in zip(scipy_out, ref, strict=True))
    _row("scipy DOP853 rtol=atol=1e-9, per trajectory", t_scipy, total, t_scipy, err_scipy)
    t_dysts = _dysts(ics, n_points, t_scipy, total)

    method = _matched_method(lorenz, ics, acc, ref, err_scipy)
    t_compiled = _compiled_rows(lorenz, ics, grid, method, ref, t_scipy, total)
    if t_dysts and t_compiled:
        print(f"chaosflow compiled (warm) vs dysts: {t_dysts / t_compiled:.0f}× (target ≥ 100×)")
    for label, x0 in (("numpy", ics), ("torch-cpu", torch.tensor(ics))):
        out, secs = _timed(
            lambda x0=x0: simulate(lorenz, x0, grid=grid, method=method, backend="numpy")
        )
        out = out.numpy() if torch.is_tensor(out) else out
        err = np.abs(out[:, :ACC_POINTS] - ref).max()
        _row(f"chaosflow {label} {method}", secs, total, t_scipy, err)
    ada = Dopri5(rtol=1e-9, atol=1e-9)
    simulate(lorenz, ics[:1], grid=Grid(dt=0.01, n=3), method=ada)  # compile outside the clock
    for backend in ("compiled", "numpy"):
        out, secs = _timed(
            lambda b=backend: simulate(lorenz, ics, grid=grid, method=ada, backend=b)
        )
        _row(f"chaosflow {backend} Dopri5(rtol=atol=1e-9)", secs, total, t_scipy,
             np.abs(out[:, :ACC_POINTS] - ref).max())  # fmt: skip


_COLD = """
import sys, time, numpy as np
from chaosflow.integrate import DOP853, Grid, simulate
from chaosflow.systems import get_system
ics = np.load(sys.argv[1])
start = time.perf_counter()
simulate(get_system("Lorenz"), ics, grid=Grid(dt=0.01, n=int(sys.argv[3])),
         method=DOP853(substeps=int(sys.argv[2])), backend="compiled")
print(time.perf_counter() - start)
"""


def _compiled_rows(system, ics, grid, method, ref, t_scipy, total):
    """Compiled path: cold (new process, empty cache), new process with disk cache, warm."""
    ok, why = compiled_support(system)
    if not ok:
        print(f"chaosflow compiled: unavailable ({why})")
        return None
    with tempfile.TemporaryDirectory() as folder:
        np.save(f"{folder}/ics.npy", ics)
        # the interpreter's machine code: numba's cache, redirected to an empty folder
        env = {**os.environ, "NUMBA_CACHE_DIR": f"{folder}/numba"}
        args = [sys.executable, "-c", _COLD, f"{folder}/ics.npy", str(method.substeps), str(grid.n)]
        for label in ("new process, empty cache (compile)", "new process, disk cache"):
            run = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
            secs = float(run.stdout.split()[-1])
            _row(f"  first call: {label}", secs, total, t_scipy, None)
    simulate(system, ics, grid=Grid(dt=grid.dt, n=3), method=method, backend="compiled")
    best = np.inf
    for _ in range(3):
        out, secs = _timed(
            lambda: simulate(system, ics, grid=grid, method=method, backend="compiled")
        )
        best = min(best, secs)
    err = np.abs(out[:, :ACC_POINTS] - ref).max()
    _row(f"chaosflow compiled {method} (warm, best of 3)", best, total, t_scipy, err)
    return best


def _matched_method(system, ics, acc, ref, err_target):
    for k in (1, 2, 4, 8, 16):
        out = simulate(system, ics, grid=acc, method=DOP853(substeps=k), backend="numpy")
        if np.abs(out - ref).max() <= err_target:
            return DOP853(substeps=k)
    return DOP853(substeps=32)


def _dysts(ics, n_points, t_scipy, total):
    try:
        from dysts.flows import Lorenz
    except ImportError:
        print("dysts: not installed (pip install '.[bench]') — skipped")
        return None
    model = Lorenz()
    # Same span as ours: n_points at dt 0.01 (dysts resamples to pts_per_period per period).
    per_period = round(float(model.period) / 0.01)

    def run():
        for x in ics:
            model.ic = np.asarray(x)
            model.make_trajectory(
                n_points, method="DOP853", rtol=1e-9, atol=1e-9, pts_per_period=per_period
            )

    try:
        _, secs = _timed(run)
    except Exception as exc:  # dysts' API moves between versions; report, don't crash
        print(f"dysts: failed ({type(exc).__name__}: {exc})")
        return None
    _row(f"dysts make_trajectory DOP853 1e-9 ({per_period} pts/period)", secs, total, t_scipy,
         None)  # fmt: skip
    return secs


def catalog_section(n_ics: int, n_points: int, backend: str) -> None:
    names = list_systems("flow")
    print(
        f"\n== Catalog: {len(names)} flows × {n_ics} ICs × {n_points} points, default method, "
        f"backend={backend!r}; first call (pilot, compile or cache load, run), then warm =="
    )
    rng = np.random.default_rng(0)
    first_s = warm_s = 0.0
    total_pts, failed, compiled = 0, [], []
    for name in names:
        system = get_system(name)
        x0 = np.asarray(system.metadata.x0, dtype=np.float64)
        ics = x0 + 1e-3 * (np.abs(x0) + 1) * rng.standard_normal((n_ics, system.dim))
        grid = Grid(dt=system.metadata.dt, n=n_points)

        def run(s=system, i=ics, g=grid):
            return simulate_checked(s, i, grid=g, backend=backend)

        res, secs = _timed(run)
        method = default_method(system, grid, ics, dict(system.params), backend=backend)
        ran_compiled = backend != "numpy" and compiled_support(system)[0]
        # the warm rerun only matters where the first call compiled (the rest is minutes)
        warm = _timed(run)[1] if ran_compiled else secs
        compiled += [name] if ran_compiled else []
        first_s, warm_s = first_s + secs, warm_s + warm
        total_pts += n_ics * n_points
        bad = int(res.diverged.sum())
        if bad:
            failed.append(name)
        tag = "C" if ran_compiled else " "
        print(f"  {name:28s} {secs:8.2f} s {warm:8.3f} s {n_ics * n_points / warm:10.3e} pts/s "
              f"{tag} {method!s:40.40s}{'  diverged: ' + str(bad) if bad else ''}")  # fmt: skip
    print(f"  TOTAL {len(names)} flows: first calls {first_s:.1f} s, warm {warm_s:.1f} s "
          f"({total_pts / warm_s:.3e} pts/s); ran compiled (C): {len(compiled)} of {len(names)}; "
          f"diverged in {failed or 'none'}")  # fmt: skip


def cuda_section(log2: int, n_points: int) -> None:
    if not torch.cuda.is_available():
        print("\n== CUDA: no GPU visible — skipped ==")
        return
    lorenz = get_system("Lorenz")
    name = torch.cuda.get_device_name()
    print(f"\n== CUDA ({name}): 2^{log2} Lorenz trajectories × {n_points} points ==")
    gen = torch.Generator(device="cuda")
    gen.manual_seed(0)
    for dtype in (torch.float64, torch.float32):
        x0 = torch.tensor(lorenz.metadata.x0, dtype=dtype, device="cuda")
        x0 = x0 + torch.randn((2**log2, 3), generator=gen, dtype=dtype, device="cuda")
        for method in (RK4(substeps=1), DOP853(substeps=1)):
            simulate(lorenz, x0[:1024], grid=Grid(dt=0.01, n=5), method=method)  # warm-up
            torch.cuda.synchronize()
            start = time.perf_counter()
            simulate(lorenz, x0, grid=Grid(dt=0.01, n=n_points), method=method)
            torch.cuda.synchronize()
            secs = time.perf_counter() - start
            _row(f"torch {str(dtype)[6:]} {method}", secs, x0.shape[0] * (n_points - 1), 0, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ics", type=int, default=16)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--catalog-points", type=int, default=10_000)
    parser.add_argument("--skip-catalog", action="store_true")
    parser.add_argument("--skip-lorenz", action="store_true")
    parser.add_argument("--catalog-backend", choices=("auto", "numpy"), default="auto")
    parser.add_argument("--quick", action="store_true", help="1,000 points everywhere")
    parser.add_argument("--cuda", action="store_true")
    parser.add_argument("--cuda-log2", type=int, default=20)
    parser.add_argument("--cuda-points", type=int, default=101)
    args = parser.parse_args()
    if args.quick:
        args.points = args.catalog_points = 1_000
    torch.set_num_threads(1)
    if not args.skip_lorenz:
        lorenz_section(args.ics, args.points)
    if not args.skip_catalog:
        catalog_section(args.ics, args.catalog_points, args.catalog_backend)
    if args.cuda:
        cuda_section(args.cuda_log2, args.cuda_points)


if __name__ == "__main__":
    main()
