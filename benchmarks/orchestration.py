"""Orchestration overhead: the same generation through the Prefect flow and called directly.

Three runs of one spec, each into a fresh root, in one process and one sitting:

* ``flow``: ``with_runner(generate_flow, cluster)`` — Prefect (ephemeral API, started before the
  clock by a warm-up flow) with ``DaskTaskRunner`` on a new ``LocalCluster`` of ``--workers``.
* ``direct-dask``: the same core functions with no Prefect: ``prepare``, the same coarse batches
  as plain Dask futures over ``run_shards`` on a new ``LocalCluster`` of the same size,
  ``finalize``. The fair baseline: same parallelism, same cluster start-up.
* ``direct``: ``generate_direct`` in this process (one core), for scale.

Prints the wall times and ``flow / direct-dask`` (the target is ≤ 1.10; means over
``--rounds`` pairs run in alternating order, default 2: flow, direct-dask, direct-dask, flow),
and checks that all stores hold identical chunks.

    .venv/bin/python benchmarks/orchestration.py --skip-serial          # the full-catalog spec
    .venv/bin/python benchmarks/orchestration.py --catalog-every 0 --points 2000   # 8 systems

The flow's fixed cost (each Dask worker imports Prefect and opens its API client on its first
task, ~2-4 s here) is what the ratio measures on a small spec; on the full-catalog spec it is
amortised as it is in real use.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

SYSTEMS = ["Lorenz", "Rossler", "Aizawa", "Arneodo", "Halvorsen", "Chen", "Thomas", "SprottA"]


def _spec(points: int, workers: int, systems: list[str]):
    from chaosflow.specs import load_spec

    return load_spec(
        {
            "dataset": {
                "name": "orchestration",
                "systems": systems,
                "n_train": 16,
                "n_test": 4,
                "n_points": points,
                "shard_size": 10,
            },
            "train": {"models": ["persistence"]},
            "evaluate": {"horizon": 10, "n_generate": 10},
            "cluster": {"kind": "local", "n_workers": workers},
        }
    )


def run_flow(spec, root: str) -> None:
    from chaosflow.flows import generate_flow, with_runner

    with_runner(generate_flow, spec.cluster)(spec, root)


def run_direct_dask(spec, root: str) -> None:
    from distributed import Client, LocalCluster

    from chaosflow.flows._runner import batches, worker_environment
    from chaosflow.storage import Root
    from chaosflow.tasks import _generate

    r, c = Root(root), spec.cluster
    worker_environment()  # the workers the flow's LocalCluster gets
    with (
        LocalCluster(
            n_workers=c.n_workers,
            threads_per_worker=c.threads_per_worker,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        _, todo = _generate.prepare(r, spec.dataset)
        parts = batches(todo, 2 * c.n_workers * c.threads_per_worker)
        futures = [
            client.submit(_generate.run_shards, r, spec.dataset, b, pure=False) for b in parts
        ]
        client.gather(futures)
        _generate.finalize(r, spec.dataset)


def run_direct(spec, root: str) -> None:
    from chaosflow.storage import Root
    from chaosflow.tasks import _generate

    _generate.generate_direct(Root(root), spec.dataset)


def _chunks(root: str, spec) -> dict[str, bytes]:
    base = Path(root) / "datasets" / f"{spec.dataset.id}.zarr"
    return {str(p.relative_to(base)): p.read_bytes() for p in base.rglob("c/*") if p.is_file()}


def _first_marker(root: str, spec) -> float:
    """Epoch time of the earliest done-marker (start-up + the first unit)."""
    state = Path(root) / "datasets" / f"{spec.dataset.id}.state"
    return min(p.stat().st_mtime for p in state.glob("*/shard-*.json"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--systems", type=int, default=len(SYSTEMS))
    ap.add_argument("--skip-serial", action="store_true", help="leave out the one-core run")
    ap.add_argument(
        "--rounds", type=int, default=2, help="flow/direct-dask pairs, in alternating order"
    )
    ap.add_argument(
        "--catalog-every",
        type=int,
        default=1,
        help="every k-th catalog flow (default 1: the full-catalog spec of issue 5); 0: SYSTEMS",
    )
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error(f"--rounds must be at least 1, got {a.rounds}")
    from chaosflow.flows._server import prefect_api

    systems = SYSTEMS[: a.systems]
    if a.catalog_every:
        from chaosflow.systems import list_systems

        systems = list_systems("flow")[:: a.catalog_every]
    spec = _spec(a.points, a.workers, systems)
    t = time.perf_counter()
    with prefect_api():  # one API for the driver and the Dask workers, as the CLI has
        print(f"Prefect API start (not timed below): {time.perf_counter() - t:.1f} s")
        _compare(spec, a)


def _compare(spec, a) -> None:
    from prefect import flow

    @flow(name="warm-up")
    def warm_up() -> int:
        return 1

    warm_up()
    print(
        f"{len(spec.dataset.systems)} flows × {spec.dataset.n_traj} trajectories × "
        f"{a.points} points; {a.workers} workers; load {os.getloadavg()}",
        flush=True,
    )
    # Rounds alternate the order (flow first, then direct-dask first, ...): whichever runs
    # first after a pause pays for cold caches (worker imports, kernel files), ~2-4 s here.
    pair = [("flow", run_flow), ("direct-dask", run_direct_dask)]
    runs = []
    for r in range(a.rounds):
        runs += pair if r % 2 == 0 else pair[::-1]
    if not a.skip_serial:
        runs.append(("direct", run_direct))
    walls: dict[str, list[float]] = {}
    stores = {}
    with tempfile.TemporaryDirectory(prefix="chaosflow-orch-") as tmp:
        for i, (name, fn) in enumerate(runs):
            root = os.path.join(tmp, f"{name}-{i}")
            t, t_wall = time.perf_counter(), time.time()
            fn(spec, root)
            walls.setdefault(name, []).append(time.perf_counter() - t)
            stores[f"{name}-{i}"] = _chunks(root, spec)
            first = _first_marker(root, spec) - t_wall
            print(f"{name:12s} {walls[name][-1]:7.1f} s (first unit done after {first:.1f} s)")
    reference = next(iter(stores.values()))
    same = all(s == reference for s in stores.values())
    print(f"identical chunks across runs: {same} ({len(reference)} chunks, {len(stores)} runs)")
    mean = {name: sum(w) / len(w) for name, w in walls.items()}
    ratio = mean["flow"] / mean["direct-dask"]
    print(
        f"flow / direct-dask = {ratio:.3f} over {a.rounds} round(s) (means {mean['flow']:.1f} / "
        f"{mean['direct-dask']:.1f} s; target ≤ 1.10); load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
