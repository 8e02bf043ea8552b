"""Stages shared by the single-stage flows and the benchmark flow.

Each stage asks the store what is missing, submits coarse tasks to whatever task runner the
calling flow has, waits, and returns a summary. Called inside a flow run.
"""

from __future__ import annotations

import base64
import contextlib
from pathlib import Path
from typing import Any

from prefect import get_run_logger
from prefect.futures import wait

from chaosflow.flows._runner import batches
from chaosflow.ops import monitor
from chaosflow.specs import ClusterSpec, DatasetSpec, EvalSpec, ObservedDatasetSpec, TrainSpec
from chaosflow.storage import DatasetStore, Root
from chaosflow.tasks import _aggregate, _evaluate, _generate, _train, prefect_tasks


def _parallelism(cluster: ClusterSpec) -> int:
    return cluster.n_workers * cluster.threads_per_worker


def _label(items: list) -> str:
    """Log/artifact label of a batch of units: its first unit and how many more follow."""
    return str(items[0]) + (f" +{len(items) - 1}" if len(items) > 1 else "")


def generate_stage(root: Root, spec: DatasetSpec, cluster: ClusterSpec) -> dict[str, Any]:
    log = get_run_logger()
    if isinstance(spec, ObservedDatasetSpec):
        return _observed(root, spec)
    # Warm the workers while the driver plans, unless a rerun finds every system complete.
    done = DatasetStore(root, spec.id)
    complete = all(done.is_complete(r.key) for r in spec.systems)
    warm = (
        [] if complete else [prefect_tasks.warm_up.submit() for _ in range(_parallelism(cluster))]
    )
    store, todo = _generate.prepare(root, spec)
    total = sum(len(store.shards(r.key)) for r in spec.systems)
    if not todo:
        log.info("dataset %s: all %d units already stored; reusing it", spec.id, total)
    else:
        log.info("dataset %s: %d of %d units to generate", spec.id, len(todo), total)
        groups = batches(todo, 2 * _parallelism(cluster))
        futures = {_label(b): prefect_tasks.generate_shards.submit(root, spec, b) for b in groups}
        weights = {_label(b): sum(k.stop - k.start for k in b) for b in groups}
        monitor.track(futures, stage="generate", weights=weights, unit="trajectories")
    wait(warm)
    _generate.finalize(root, spec)
    return {"dataset": spec.id, "units": total, "generated": len(todo), "reused": not todo}


def _observed(root: Root, spec: ObservedDatasetSpec) -> dict[str, Any]:
    from chaosflow.storage import DatasetStore, StorageError

    store = DatasetStore(root, spec.id)
    if not (store.exists() and store.is_complete(spec.observed)):
        raise StorageError(
            f"observed dataset {spec.observed!r} is not in {root.url}: run "
            f"`chaosflow ingest FILE --name {spec.observed}` first"
        )
    get_run_logger().info("observed dataset %s: using the ingested data", spec.id)
    return {"dataset": spec.id, "units": 1, "generated": 0, "reused": True}


def train_stage(
    root: Root, dataset: DatasetSpec, train: TrainSpec, cluster: ClusterSpec
) -> dict[str, Any]:
    log = get_run_logger()
    packs = _train.plan_packs(root, dataset, train)
    n_runs = len(train.models) * len(dataset.system_keys) * len(train.seeds)
    log.info("training: %d packs to train (%d runs in all)", len(packs), n_runs)
    futures = {}
    for pack in packs:
        ctx = contextlib.nullcontext()
        if cluster.gpu_workers and cluster.kind != "threads":
            import dask

            ctx = dask.annotate(resources={"GPU": 1})
        with ctx:
            futures[str(pack)] = prefect_tasks.train_pack.submit(
                root, dataset, train, pack, cluster.threads_per_worker
            )
    weights = {str(p): len(p.keys) for p in packs}
    results = monitor.track(futures, stage="train", weights=weights, unit="runs").values()
    return {"packs": len(packs), "runs": n_runs, "trained": sum(r["runs"] for r in results)}


def evaluate_stage(
    root: Root, dataset: DatasetSpec, train: TrainSpec, evaluate: EvalSpec, cluster: ClusterSpec
) -> dict[str, Any]:
    log = get_run_logger()
    cells = _evaluate.plan_cells(root, dataset, train, evaluate)
    log.info("evaluation %s: %d cells to compute", _evaluate.eval_id(dataset, evaluate), len(cells))
    groups = batches(cells, 2 * _parallelism(cluster))
    futures = {
        _label(b): prefect_tasks.evaluate_cells.submit(root, dataset, evaluate, b) for b in groups
    }
    weights = {_label(b): len(b) for b in groups}
    done = monitor.track(futures, stage="evaluate", weights=weights, unit="cells")
    computed = sum(len(r) for r in done.values())
    return {"eval": _evaluate.eval_id(dataset, evaluate), "computed": computed}


def aggregate_stage(root: Root, dataset: DatasetSpec, evaluate: EvalSpec) -> dict[str, Any]:
    eid = _evaluate.eval_id(dataset, evaluate)
    cells = _aggregate.read_cells(root, eid)
    ds = _aggregate.build_dataset(
        cells, {"dataset": dataset.id, "eval": eid, "protocol": evaluate.model_dump_json()}
    )
    url = _aggregate.write_metrics(root, ds)
    get_run_logger().info("metrics: %d cells → %s", len(cells), url)
    return {"metrics": url, "cells": len(cells)}


def report_stage(root: Root) -> dict[str, Any]:
    """Leaderboard + PNG next to the metrics, and the same table as a Prefect artifact."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from chaosflow import report

    ds = _aggregate.open_metrics(root)
    rows = report.leaderboard(ds)
    out: dict[str, Any] = {"leaderboard": rows}
    if root.is_local:
        folder = root.join("reports").removeprefix("file://")
        paths = report.write_reports(root, ds, folder)
        out["plot"], out["plots"] = str(paths[0]), [str(p) for p in paths]
    table = [
        {
            k: (round(v, 4) if isinstance(v, float) else v)
            for k, v in r.items()
            if not k.endswith("_iqr")
        }
        for r in rows
    ]
    create_table_artifact(table, key="leaderboard", description="median across systems")
    md = "## chaosflow leaderboard\n\n" + report.leaderboard_markdown(rows)
    md += f"\n\nmetrics: `{root.join('metrics.zarr')}`"
    for p in out.get("plots", []):
        # Inline PNGs: the UI runs elsewhere than the files, so links to them would be dead.
        data = base64.b64encode(Path(p).read_bytes()).decode()
        md += f"\n\n### {Path(p).stem}\n\n![{Path(p).stem}](data:image/png;base64,{data})\n\n`{p}`"
    create_markdown_artifact(md, key="benchmark-report", description="chaosflow benchmark")
    return out
