"""The Prefect flows: generate, train, evaluate, aggregate and the end-to-end benchmark.

Flows only wire stages together; the task runner comes from the spec's ``cluster`` section
(``with_runner``), so one flow definition runs on threads, a LocalCluster, an existing scheduler,
SLURM or Kubernetes.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from chaosflow.flows import stages
from chaosflow.flows._runner import task_runner
from chaosflow.ops import monitor, summary
from chaosflow.specs import BenchmarkSpec, ClusterSpec
from chaosflow.storage import Root


@flow(name="generate", log_prints=True)
def generate_flow(spec: BenchmarkSpec, root: str) -> dict[str, Any]:
    """Integrate every missing unit of the dataset into ``<root>/datasets``."""
    return stages.generate_stage(Root(root), spec.dataset, spec.cluster)


@flow(name="train", log_prints=True)
def train_flow(spec: BenchmarkSpec, root: str) -> dict[str, Any]:
    """Train every missing run (needs the dataset)."""
    return stages.train_stage(Root(root), spec.dataset, spec.train, spec.cluster)


@flow(name="evaluate", log_prints=True)
def evaluate_flow(spec: BenchmarkSpec, root: str) -> dict[str, Any]:
    """Score every missing cell, then aggregate into ``<root>/metrics.zarr``."""
    r = Root(root)
    out = stages.evaluate_stage(r, spec.dataset, spec.train, spec.evaluate, spec.cluster)
    return out | stages.aggregate_stage(r, spec.dataset, spec.evaluate)


@flow(name="aggregate", log_prints=True)
def aggregate_flow(spec: BenchmarkSpec, root: str) -> dict[str, Any]:
    return stages.aggregate_stage(Root(root), spec.dataset, spec.evaluate)


@flow(name="benchmark", log_prints=True)
def benchmark_flow(spec: BenchmarkSpec, root: str) -> dict[str, Any]:
    """generate → train → evaluate → aggregate → report, on one task runner."""
    log = get_run_logger()
    r = Root(root)
    out: dict[str, Any] = {"generate": stages.generate_stage(r, spec.dataset, spec.cluster)}
    out["train"] = stages.train_stage(r, spec.dataset, spec.train, spec.cluster)
    out["evaluate"] = stages.evaluate_stage(
        r, spec.dataset, spec.train, spec.evaluate, spec.cluster
    )
    out["aggregate"] = stages.aggregate_stage(r, spec.dataset, spec.evaluate)
    out["report"] = stages.report_stage(r)
    md = summary.run_summary_markdown(
        spec, root, out, flow_run_url=monitor.flow_run_url(monitor.current_flow_run_id())
    )
    monitor.create_run_summary(md, key="benchmark-summary")
    out["summary"] = "benchmark-summary"
    log.info("benchmark done: %s", out["aggregate"]["metrics"])
    return out


def with_runner(f, cluster: ClusterSpec):
    """``f`` with the task runner that ``cluster`` describes."""
    return f.with_options(task_runner=task_runner(cluster))
