"""deploy/: prefect.yaml, the serve plans and command, cluster configs and the SLURM job script."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from chaosflow.cli.ops import register
from chaosflow.flows._runner import task_runner
from chaosflow.ops import SCHEDULES, deployments, plan, to_deployments
from chaosflow.ops.clusters import load_cluster, slurm_job_script
from chaosflow.ops.entry import FLOWS, STAGES
from chaosflow.specs import BenchmarkSpec, ClusterSpec, SpecError, load_spec
from tests.conftest import REPO, tiny_spec_dict

DEPLOY = REPO / "deploy"


def _prefect_yaml() -> dict:
    return yaml.safe_load((DEPLOY / "prefect.yaml").read_text())


def _cluster(name: str) -> ClusterSpec:
    return load_cluster(DEPLOY / "clusters" / f"{name}.yaml")


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)  # keep `serve` a subcommand, as in the main app
    register(app)
    return app


def test_prefect_yaml_declares_the_four_stages_like_serve_does():
    from prefect.cli.deploy._models import PrefectYamlModel
    from prefect.flows import load_flow_from_entrypoint

    model = PrefectYamlModel.model_validate(_prefect_yaml())
    by_stage = {}
    for dep in model.deployments:
        flow = load_flow_from_entrypoint(str(REPO / dep.entrypoint))
        by_stage[flow.name.removeprefix("chaosflow-")] = dep
        assert dep.name == deployments.DEPLOYMENT_NAME
        assert dep.work_pool.name == "chaosflow-process"
        assert dep.concurrency_limit.limit == deployments.DEPLOYMENT_CONCURRENCY
        assert dep.concurrency_limit.collision_strategy == "ENQUEUE"
        assert dep.schedules[0].timezone == "UTC"
    assert set(by_stage) == set(STAGES)
    assert {s: d.schedules[0].cron for s, d in by_stage.items()} == SCHEDULES
    spec_path = by_stage["benchmark"].parameters["spec_path"]
    assert isinstance(load_spec(REPO / spec_path), BenchmarkSpec)


def test_plan_uses_the_stage_crons_or_one_override():
    plans = plan("s.yaml", "/data", stages=["train", "benchmark", "train"])
    assert [(p.stage, p.cron) for p in plans] == [
        ("train", SCHEDULES["train"]),
        ("benchmark", SCHEDULES["benchmark"]),
    ]
    assert plans[0].full_name == "chaosflow-train/serve"
    assert plans[0].parameters == {"spec_path": "s.yaml", "root": "/data"}
    assert {p.cron for p in plan(None, "/d", stages=STAGES, cron="*/5 * * * *")} == {"*/5 * * * *"}


@pytest.mark.parametrize("cron", ["61 3 * * *", "0 3 * *", "nightly", "0 3 * * * *"])
def test_plan_rejects_bad_crons(cron):
    with pytest.raises(ValueError, match="not a five-field cron expression"):
        plan(None, "/d", cron=cron)


def test_plan_rejects_unknown_stages():
    with pytest.raises(ValueError, match="unknown stage 'report'"):
        plan(None, "/d", stages=["report"])


def test_runner_deployments_carry_schedule_parameters_and_limit():
    (dep,) = to_deployments(plan("s.yaml", "/data", stages=["generate"], cron="0 4 * * 1"))
    assert dep.name == "serve"
    assert dep.flow_name == FLOWS["generate"].name == "chaosflow-generate"
    assert dep.schedules[0].schedule.cron == "0 4 * * 1"
    assert dep.parameters == {"spec_path": "s.yaml", "root": "/data"}
    assert dep.concurrency_limit == 1
    assert dep.concurrency_options.collision_strategy == "ENQUEUE"
    assert dep.entrypoint.endswith("chaosflow/ops/entry.py:generate")


def test_serve_dry_run_lists_the_deployments(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec_dict()))
    res = CliRunner().invoke(
        _cli(),
        ["serve", "--spec", str(spec), "--root", str(tmp_path), "--stage", "generate", "--dry-run"],
    )
    assert res.exit_code == 0, res.output
    assert "chaosflow-generate/serve: cron '0 1 * * *'" in res.output
    assert str(spec) in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cron", "bad"], "is not a five-field cron expression"),
        (["--stage", "report"], "unknown stage 'report'"),
        (["--spec", "/nonexistent.yaml"], "does not exist"),
    ],
)
def test_serve_errors_are_one_paragraph_and_exit_2(args, message):
    res = CliRunner().invoke(_cli(), ["serve", *args, "--dry-run"])
    assert res.exit_code == 2
    assert message in " ".join(res.output.split())


def test_serve_without_an_api_says_how_to_start_one(monkeypatch):
    monkeypatch.setattr(deployments, "api_url", lambda: None)
    res = CliRunner().invoke(_cli(), ["serve", "--stage", "benchmark"])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert "prefect server start --host 127.0.0.1" in text
    assert "PREFECT_API_URL" in text


@pytest.mark.parametrize("name", ["local", "address", "slurm", "kubernetes"])
def test_cluster_configs_are_valid_spec_sections(name):
    cluster = _cluster(name)
    assert cluster.kind == name
    spec = tiny_spec_dict()
    spec["cluster"] = cluster.model_dump()
    assert BenchmarkSpec.model_validate(spec).cluster == cluster


def test_batch_cluster_configs_route_training_to_gpus_and_adapt():
    for name in ("slurm", "kubernetes"):
        cluster = _cluster(name)
        assert cluster.gpu_workers == 1  # train tasks are annotated with resources {GPU: 1}
        assert cluster.options["adapt"]["minimum"] == 0
        assert cluster.options["adapt"]["maximum"] >= 1
    slurm = _cluster("slurm").options
    assert "--gres=gpu:1" in slurm["job_extra_directives"]
    assert slurm["worker_extra_args"] == ["--resources", "GPU=1"]
    assert slurm["processes"] == 1  # one Dask worker per job owns the job's GPU


def test_kubernetes_spec_puts_the_gpu_limit_on_workers_only():
    spec = _cluster("kubernetes").options["custom_cluster_spec"]
    assert spec["kind"] == "DaskCluster"
    (worker,) = spec["spec"]["worker"]["spec"]["containers"]
    assert worker["resources"]["limits"]["nvidia.com/gpu"] == 1
    args = worker["args"]
    assert args[args.index("--resources") + 1] == "GPU=1"
    (sched,) = spec["spec"]["scheduler"]["spec"]["containers"]
    assert "nvidia.com/gpu" not in sched["resources"]["limits"]
    assert worker["image"] == sched["image"]  # same environment on both sides
    if importlib.util.find_spec("dask_kubernetes") is None:
        return  # the runner imports the class eagerly; dask-kubernetes is an optional extra
    runner = task_runner(_cluster("kubernetes"))
    assert runner.adapt_kwargs == {"minimum": 0, "maximum": 4}


def test_local_and_address_configs_build_their_runners():
    local = task_runner(_cluster("local"))
    assert local.cluster_class == "distributed.LocalCluster"
    assert local.cluster_kwargs["host"] == "127.0.0.1"
    assert local.cluster_kwargs["n_workers"] == 4
    addr = task_runner(_cluster("address"))
    assert addr.address == "tcp://10.0.0.5:8786"


@pytest.mark.skipif(
    importlib.util.find_spec("dask_jobqueue") is None,
    reason="dask-jobqueue (the `cluster` extra) is not installed",
)
def test_slurm_job_script_asks_for_a_gpu_and_advertises_it(tmp_path):
    """The exact script SLURMCluster would sbatch for our config (no SLURM needed to render it)."""
    runner = task_runner(_cluster("slurm"))
    assert runner.cluster_class == "dask_jobqueue.SLURMCluster"
    assert runner.adapt_kwargs == {"minimum": 0, "maximum": 8, "wait_count": 20}
    script = slurm_job_script(_cluster("slurm"), log_directory=str(tmp_path / "logs"))
    lines = script.splitlines()
    assert "#SBATCH --gres=gpu:1" in lines
    assert "#SBATCH -p gpu" in lines
    assert "#SBATCH --cpus-per-task=4" in lines
    assert "#SBATCH -t 04:00:00" in lines
    worker = next(line for line in lines if "distributed.cli.dask_worker" in line)
    assert worker.rstrip().endswith("--resources GPU=1")
    assert "source $HOME/chaosflow/.venv/bin/activate" in lines


def test_ci_scripts_are_executable_shell():
    for script in sorted((DEPLOY / "ci").glob("*.sh")):
        assert os.stat(script).st_mode & stat.S_IXUSR, f"{script} is not executable"
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_containerfile_installs_the_package_with_the_cluster_extra():
    text = Path(DEPLOY / "Containerfile").read_text()
    assert "FROM python:3.11" in text
    assert 'pip install ".[${EXTRAS}]"' in text
    assert "ARG EXTRAS=cluster" in text


def test_job_script_refuses_other_kinds_and_sectionless_files(tmp_path):
    with pytest.raises(ValueError, match="not 'slurm'"):
        slurm_job_script(_cluster("local"))
    bad = tmp_path / "c.yaml"
    bad.write_text("kind: slurm\n")
    with pytest.raises(SpecError, match="no top-level `cluster:` section"):
        load_cluster(bad)
