"""Full-catalog generation: wall time on N worker processes, per-phase profile, peak RSS.

The spec of issue 5: every flow in the catalog, 16 train + 4 test initial conditions, 10,000
points each. Units run in ``--workers`` spawned processes (2 = the 2-core box) through
``chaosflow.tasks._generate.run_shard``, exactly what a flow's coarse task calls; the driver
prepares templates first and finalizes last. Per unit it prints the three phases of
``run_shard`` (``sample_on_attractor``, ``simulate``, check + Zarr write + marker) and the
worker's peak RSS; at the end, the peak RSS of the workers after 1/4, 1/2, 3/4 and all of the
units (streaming shards: it must not grow with the number of systems done); ``--passes 2``
runs the whole list again in the same workers and prints the peak after twice the units.

    .venv/bin/python benchmarks/generate_catalog.py [--systems N] [--workers 2] [--passes 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import tempfile
import time


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _unit(args):
    """One unit in a worker: the ShardResult, this worker's peak RSS (MiB) and the unit's CPU
    seconds (on a shared box, CPU time is what the unit would take on a core of its own)."""
    root, spec, key = args
    import psutil

    from chaosflow.tasks._generate import run_shard

    c0 = _cpu()
    res = run_shard(root, spec, key)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    held = psutil.Process().memory_info().rss / 2**20  # retained after the unit
    return res, os.getpid(), rss, _cpu() - c0, held


def _init_worker() -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--systems", type=int, default=0, help="first N flows (0: all)")
    ap.add_argument("--every", type=int, default=1, help="every k-th flow (a stratified sample)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n-points", type=int, default=10_000)
    ap.add_argument("--shard-size", type=int, default=20)
    ap.add_argument("--method", default="rk4")
    ap.add_argument("--substeps", type=int, default=10)
    ap.add_argument("--passes", type=int, default=1, help="run the list again (same workers)")
    ap.add_argument(
        "--dynamic-mmap",
        action="store_true",
        help="leave glibc's dynamic mmap threshold on (no WORKER_ENV)",
    )
    ap.add_argument("--root", default=None, help="keep the store here (default: temp, removed)")
    a = ap.parse_args()

    from chaosflow.specs import DatasetSpec, load_spec
    from chaosflow.storage import Root
    from chaosflow.storage.verify import verify
    from chaosflow.systems import list_systems
    from chaosflow.tasks import _generate

    names = list_systems("flow")[:: a.every]
    names = names[: a.systems] if a.systems else names
    spec = load_spec(
        {
            "name": "catalog",
            "systems": names,
            "n_train": 16,
            "n_test": 4,
            "n_points": a.n_points,
            "shard_size": a.shard_size,
            "method": a.method,
            "substeps": a.substeps,
        },
        kind=DatasetSpec,
    )
    tmp = a.root or tempfile.mkdtemp(prefix="chaosflow-catalog-")
    root = Root(tmp)
    print(
        f"{len(names)} flows × {spec.n_traj} trajectories × {spec.n_points} points, "
        f"{a.workers} workers, method {spec.method}/{spec.substeps}, load {os.getloadavg()}",
        flush=True,
    )
    t0 = time.perf_counter()
    _, todo = _generate.prepare(root, spec)
    t_prep = time.perf_counter() - t0
    rows, peaks = [], {}
    from chaosflow.flows._runner import WORKER_ENV

    if not a.dynamic_mmap:  # what the flow's LocalCluster workers get (set before they start)
        os.environ.update(WORKER_ENV)
    ctx = mp.get_context("spawn")
    with ctx.Pool(a.workers, initializer=_init_worker) as pool:
        jobs = [(root, spec, k) for k in todo]
        for i, (res, pid, rss, cpu, held) in enumerate(pool.imap_unordered(_unit, jobs), 1):
            peaks[pid] = rss
            rows.append((res, max(peaks.values()), cpu, held))
            print(
                f"{i:4d}/{len(todo)} {res.key.system:24s} sample {res.sample_seconds:6.2f} s  "
                f"simulate {res.simulate_seconds:6.2f} s  write {res.write_seconds:5.2f} s  "
                f"cpu {cpu:6.2f} s  RSS peak {rss:6.1f} / held {held:6.1f} MiB",
                flush=True,
            )
        t_units = time.perf_counter() - t0 - t_prep
        t1 = time.perf_counter()
        store = _generate.finalize(root, spec)
        t_fin = time.perf_counter() - t1
        wall = time.perf_counter() - t0
        problems = verify(store)
        _report(rows, wall, t_prep, t_units, t_fin, len(problems), a.workers)
        for p in range(2, a.passes + 1):  # the same workers, the whole list again, a new store
            again = Root(f"{tmp}/pass{p}")
            _, todo2 = _generate.prepare(again, spec)
            held = {}
            for _, pid, rss, _, kept in pool.imap_unordered(
                _unit, [(again, spec, k) for k in todo2]
            ):
                peaks[pid], held[pid] = rss, kept
            print(f"pass {p} ({len(todo2)} more units in the same workers): peak worker RSS "
                  f"{max(peaks.values()):.0f} MiB, held {max(held.values()):.0f} MiB")  # fmt: skip
    if not a.root:
        shutil.rmtree(tmp, ignore_errors=True)


def _report(rows, wall, t_prep, t_units, t_fin, n_problems, workers) -> None:
    phases = {
        "sample_on_attractor": sum(r[0].sample_seconds for r in rows),
        "simulate": sum(r[0].simulate_seconds for r in rows),
        "write (checks, zarr, marker)": sum(r[0].write_seconds for r in rows),
    }
    cpu = sum(r[2] for r in rows)
    busy = sum(phases.values())
    print(
        f"\nwall {wall:.1f} s = prepare {t_prep:.1f} + units {t_units:.1f} + finalize {t_fin:.1f}"
    )
    print(f"worker-seconds {busy:.1f} over {workers} workers; by phase:")
    for name, sec in phases.items():
        print(f"  {name:30s} {sec:8.1f} s  {100 * sec / busy:5.1f} %")
    print(
        f"CPU seconds of all units {cpu:.1f}: on {workers} cores of their own the units would "
        f"take ≈ {cpu / workers:.0f} s of wall (perfect balance)"
    )
    n = len(rows)
    marks = sorted({max(1, n // 4), max(1, n // 2), max(1, 3 * n // 4), n})
    print(
        "peak worker RSS after k units: "
        + ", ".join(f"{k}: {rows[k - 1][1]:.0f} MiB" for k in marks)
        + "; RSS held after unit k: "
        + ", ".join(f"{k}: {rows[k - 1][3]:.0f} MiB" for k in marks)
    )
    print(
        f"verify: {'ok' if n_problems == 0 else f'{n_problems} problems'}; load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
