"""Load checks for issue 9: memory stays flat as datasets grow; many runs keep things responsive.

``memory``: generates a spec at 1× and N× its trajectory count in fresh processes and prints
each one's peak RSS (``wait4`` rusage) next to the bytes stored: streaming shards means the peak
follows the shard size, not the dataset size.

``runs``: runs many small end-to-end benchmarks (maps, persistence model, thread runner) against
one temporary Prefect server and one root, and prints per run: wall time, the latency of a
Prefect API query (flow runs so far), the Prefect database size, and the latency of listing and
verifying every dataset in the store.

    .venv/bin/python benchmarks/load.py memory --scale 10
    .venv/bin/python benchmarks/load.py runs --n 20
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GEN = """
import json, sys
from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import Root
from chaosflow.tasks._generate import generate_direct
generate_direct(Root(sys.argv[1]), load_spec(json.loads(sys.argv[2]), kind=DatasetSpec))
"""


def _dataset(scale: int, systems: list[str], n_points: int) -> dict:
    return {
        "name": f"load{scale}",
        "systems": systems,
        "n_train": 16 * scale,
        "n_test": 4 * scale,
        "n_points": n_points,
        "shard_size": 4,
    }


def _peak_rss(root: Path, spec: dict) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one generation in a fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", GEN, str(root), json.dumps(spec)])
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"generation failed with status {status}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def memory(args: argparse.Namespace) -> None:
    print(f"systems {args.systems}, {args.n_points} points, shard_size 4 (ru_maxrss, MB)")
    print(f"{'scale':>6} {'traj/system':>12} {'stored MB':>10} {'seconds':>8} {'peak RSS MB':>12}")
    for scale in (1, args.scale):
        spec = _dataset(scale, args.systems, args.n_points)
        with tempfile.TemporaryDirectory() as tmp:
            seconds, rss = _peak_rss(Path(tmp), spec)
            stored = _size(Path(tmp)) / 1e6
        print(f"{scale:>6} {20 * scale:>12} {stored:>10.1f} {seconds:>8.1f} {rss:>12.0f}")


def _tiny(i: int) -> dict:
    return {
        "dataset": {
            "name": "many",
            "systems": ["Henon", "Ikeda"],
            "n_train": 4,
            "n_test": 2,
            "n_points": 400,
            "shard_size": 2,
            "seed": i,  # a new dataset per run: the store and the database both grow
        },
        "train": {"models": ["persistence"], "seeds": [0]},
        "evaluate": {"horizon": 50, "n_generate": 200, "ground_truth": False},
        "cluster": {"kind": "threads", "n_workers": 2},
    }


def _api_latency() -> tuple[float, int]:
    from prefect import get_client

    async def count() -> int:
        async with get_client() as client:
            return len(await client.read_flow_runs(limit=200))

    import asyncio

    t0 = time.perf_counter()
    n = asyncio.run(count())
    return time.perf_counter() - t0, n


def _store_latency(root: str) -> tuple[float, int]:
    from chaosflow.storage import DatasetStore, Root
    from chaosflow.storage.verify import verify

    t0 = time.perf_counter()
    r = Root(root)
    names = [n.removesuffix(".state") for n in r.listdir("datasets") if n.endswith(".state")]
    problems = sum(len(verify(DatasetStore(r, n))) for n in names)
    if problems:
        raise SystemExit(f"{problems} store problems")
    return time.perf_counter() - t0, len(names)


def runs(args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="chaosflow-load-"))
    os.environ["PREFECT_HOME"] = str(home / "prefect")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from chaosflow import flows
    from chaosflow.flows._server import prefect_api
    from chaosflow.specs import load_spec

    root = str(home / "root")
    db = home / "prefect" / "prefect.db"
    print(f"{args.n} small benchmark runs on one root and one temporary Prefect server ({home})")
    print(
        f"{'run':>4} {'wall s':>7} {'API ms':>7} {'flow runs':>9} {'DB MB':>6} "
        f"{'verify-all ms':>13} {'datasets':>8}"
    )
    with prefect_api():
        for i in range(args.n):
            spec = load_spec(_tiny(i))
            t0 = time.perf_counter()
            flows.with_runner(flows.benchmark_flow, spec.cluster)(spec, root)
            wall = time.perf_counter() - t0
            api, n_runs = _api_latency()
            store, n_sets = _store_latency(root)
            size = db.stat().st_size / 1e6 if db.exists() else float("nan")
            print(
                f"{i:>4} {wall:>7.1f} {1e3 * api:>7.0f} {n_runs:>9} {size:>6.1f} "
                f"{1e3 * store:>13.0f} {n_sets:>8}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    m = sub.add_parser("memory", help="peak RSS of generation at 1× and N× size")
    m.add_argument("--scale", type=int, default=10)
    m.add_argument("--systems", nargs="+", default=["Lorenz", "Rossler", "Lorenz96"])
    m.add_argument("--n-points", type=int, default=2000)
    r = sub.add_parser("runs", help="many small benchmark runs: Prefect and store latency")
    r.add_argument("--n", type=int, default=20)
    args = parser.parse_args()
    memory(args) if args.what == "memory" else runs(args)


if __name__ == "__main__":
    main()
