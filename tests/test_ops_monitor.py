"""Monitoring helpers against a real (test-harness) Prefect API: artifacts, failures, summaries."""

from __future__ import annotations

import time

import pytest
import yaml
from prefect import flow, task

from chaosflow.ops import entry, monitor, summary
from chaosflow.specs import load_spec
from chaosflow.storage import Root
from tests.conftest import tiny_spec_dict


def _artifacts(key: str) -> list:
    """Every version of artifact ``key``, newest first, read back through the API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
        )


@task
def _square(x: int) -> int:
    time.sleep(0.01 * x)
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * x


def test_artifact_key_is_what_prefect_accepts():
    assert monitor.artifact_key("Train", "shPLRNN/Lorenz/seeds[0, 1]") == (
        "train-shplrnn-lorenz-seeds-0-1"
    )
    assert monitor.artifact_key("", "__") == "chaosflow"


def test_track_returns_results_in_order_and_fills_the_progress_artifact(prefect_server):
    @flow
    def stage() -> dict:
        futures = {f"unit-{x}": _square.submit(x) for x in (3, 1, 2)}
        return monitor.track(futures, stage="ops-test-track", weights={"unit-3": 8}, unit="traj")

    out = stage()
    assert list(out) == ["unit-3", "unit-1", "unit-2"]
    assert out == {"unit-3": 9, "unit-1": 1, "unit-2": 4}
    art = _artifacts("ops-test-track-progress")[0]
    assert art.type == "progress"
    assert float(art.data) == pytest.approx(100.0)
    assert art.description.startswith("10/10 traj (")


def test_track_names_the_failed_unit_and_lets_the_others_finish(prefect_server):
    @flow
    def stage() -> None:
        futures = {f"shard-{x}": _square.submit(x) for x in (1, -5, 2)}
        monitor.track(futures, stage="ops-test-fail")

    with pytest.raises(monitor.UnitFailed, match=r"unit shard--5 failed: ValueError") as info:
        stage()
    assert info.value.unit == "shard--5"
    assert isinstance(info.value.cause, ValueError)
    # the two good units were counted: 2 of 3 done
    assert float(_artifacts("ops-test-fail-progress")[0].data) == pytest.approx(200 / 3)


def test_training_progress_logs_steps_and_loss(prefect_server, caplog):
    @flow
    def fake_training() -> None:
        report = monitor.training_progress("pack-a", every=10)
        for step in range(1, 26):
            report(step, 25, 1.0 / step)

    with caplog.at_level("INFO"):
        fake_training()
    lines = [r.getMessage() for r in caplog.records if "train pack-a" in r.getMessage()]
    assert lines == [
        "train pack-a: step 10/25, loss 0.1",
        "train pack-a: step 20/25, loss 0.05",
        "train pack-a: step 25/25, loss 0.04",
    ]
    art = _artifacts("train-pack-a-progress")[0]
    assert float(art.data) == pytest.approx(100.0)
    assert art.description == "step 25/25, loss 0.04"


def test_run_summary_links_dataset_runs_and_metrics(tmp_path):
    spec = load_spec(tiny_spec_dict())
    root = str(tmp_path)
    rows = [
        {
            "model": "ground_truth",
            **{v: 1.0 for v in ("vpt_lyapunov", "d_stsp", "d_h", "diverged_fraction")},
            **{v + "_iqr": (0.5, 2.0) for v in ("vpt_lyapunov", "d_stsp", "d_h")},
            "diverged_fraction_iqr": (0.0, 0.0),
        }
    ]
    out = {
        "generate": {"dataset": spec.dataset.id, "units": 6, "generated": 6, "reused": False},
        "train": {"packs": 4, "runs": 4, "trained": 4},
        "evaluate": {"eval": "eval-abc", "computed": 10},
        "aggregate": {"metrics": f"{root}/metrics.zarr", "cells": 10},
        "report": {"leaderboard": rows},
    }
    md = summary.run_summary_markdown(spec, root, out, flow_run_url="http://ui/runs/flow-run/1")
    assert f"(file://{root}/datasets/{spec.dataset.id}.zarr)" in md
    runs = summary.run_dirs(spec, Root(root))
    assert set(runs) == {"persistence", "shplrnn"}
    for url in runs.values():
        assert f"(file://{url})" in md
    assert f"10 cells in [`{root}/metrics.zarr`]" in md
    assert "[http://ui/runs/flow-run/1](http://ui/runs/flow-run/1)" in md
    assert "| ground_truth |" in md
    assert "6 generated now" in md


def test_generate_entry_flow_reads_the_spec_file_and_publishes_a_summary(prefect_server, tmp_path):
    spec_dict = tiny_spec_dict(
        dataset={"systems": ["Lorenz"], "n_train": 2, "n_test": 2, "n_points": 50},
        evaluate={"horizon": 10, "n_generate": 50},
        cluster={"kind": "threads", "n_workers": 2},
    )
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec_dict))
    out = entry.generate(str(path), str(tmp_path / "root"))
    assert out["generated"] == out["units"] == 2
    spec = load_spec(path)
    assert (tmp_path / "root" / "datasets" / f"{spec.dataset.id}.zarr").is_dir()
    md = _artifacts("generate-summary")[0].data
    assert spec.dataset.id in md
    assert "2 generated now" in md


def test_track_works_on_a_dask_task_runner(prefect_server):
    from prefect_dask import DaskTaskRunner

    runner = DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": 1,
            "threads_per_worker": 2,
            "processes": False,
            "dashboard_address": None,
        },
    )

    @flow(task_runner=runner)
    def stage() -> dict:
        futures = {f"pack-{x}": _square.submit(x) for x in (2, 1)}
        return monitor.track(futures, stage="ops-test-dask", unit="packs")

    assert stage() == {"pack-2": 4, "pack-1": 1}
    art = _artifacts("ops-test-dask-progress")[0]
    assert float(art.data) == pytest.approx(100.0)
    assert art.description.startswith("2/2 packs")
