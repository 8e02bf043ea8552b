"""Deployable flows: the pipeline flows behind JSON parameters (a spec file path and a root).

A deployment's parameters must be JSON, and the task runner must follow the spec's ``cluster``
section, which is only known once the spec is read. Each flow here reads the spec, runs the
matching pipeline flow as a subflow on ``with_runner(..., spec.cluster)``, and publishes a
run-summary artifact. ``deploy/prefect.yaml`` points at these functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prefect import flow

from chaosflow import flows
from chaosflow.ops import monitor, summary
from chaosflow.specs import BenchmarkSpec, default_spec, load_spec

STAGES = ("generate", "train", "evaluate", "benchmark")


def resolve(spec_path: str | None, root: str) -> tuple[BenchmarkSpec, str]:
    """The spec (the shipped default when ``spec_path`` is empty) and an absolute root URL.

    Relative paths are taken from the working directory the worker or ``serve`` runs in;
    fsspec URLs (``s3://...``) pass unchanged.
    """
    spec = load_spec(Path(spec_path).expanduser()) if spec_path else default_spec()
    if "://" not in root:
        root = str(Path(root).expanduser().resolve())
        os.makedirs(root, exist_ok=True)
    return spec, root


def run_stage(stage: str, spec_path: str | None, root: str) -> dict[str, Any]:
    """Run pipeline flow ``stage`` on the spec's cluster, then publish the run summary."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages: {list(STAGES)}")
    spec, url = resolve(spec_path, root)
    pipeline = getattr(flows, f"{stage}_flow")
    out = flows.with_runner(pipeline, spec.cluster)(spec, url)
    if "summary" in out:  # the pipeline flow published its own summary
        return out
    parts = {stage: out}
    if stage == "benchmark":
        parts = out
    elif stage == "evaluate":  # evaluate_flow returns evaluate | aggregate in one mapping
        parts = {"evaluate": out, "aggregate": out}
    text = summary.run_summary_markdown(
        spec, url, parts, flow_run_url=monitor.flow_run_url(monitor.current_flow_run_id())
    )
    monitor.create_run_summary(text, key=monitor.artifact_key(stage, "summary"))
    return out


@flow(name="chaosflow-generate", log_prints=True)
def generate(spec_path: str | None = None, root: str = "chaosflow-data") -> dict[str, Any]:
    """Generate (or complete) the dataset of the spec at ``spec_path``."""
    return run_stage("generate", spec_path, root)


@flow(name="chaosflow-train", log_prints=True)
def train(spec_path: str | None = None, root: str = "chaosflow-data") -> dict[str, Any]:
    """Train the spec's missing runs on its dataset."""
    return run_stage("train", spec_path, root)


@flow(name="chaosflow-evaluate", log_prints=True)
def evaluate(spec_path: str | None = None, root: str = "chaosflow-data") -> dict[str, Any]:
    """Score the spec's trained runs and aggregate into ``<root>/metrics.zarr``."""
    return run_stage("evaluate", spec_path, root)


@flow(name="chaosflow-benchmark", log_prints=True)
def benchmark(spec_path: str | None = None, root: str = "chaosflow-data") -> dict[str, Any]:
    """generate → train → evaluate → aggregate → report for the spec at ``spec_path``."""
    return run_stage("benchmark", spec_path, root)


FLOWS = {"generate": generate, "train": train, "evaluate": evaluate, "benchmark": benchmark}
