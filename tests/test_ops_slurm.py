"""A small generate flow through dask_jobqueue.SLURMCluster on a real single-node SLURM.

deploy/ci/slurm-single-node.sh starts munge, slurmctld and slurmd inside tmp_path (Debian's
slurm-wlm; root needed). Dask workers are real SLURM batch jobs that adaptive scaling submits.
GPUs cannot be requested here (no gres on the CI node); the gres/resources lines of the GPU
recipe are verified in test_ops_deploy.py instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from chaosflow.flows import generate_flow, with_runner
from chaosflow.specs import load_spec
from tests.conftest import REPO, tiny_spec_dict

SCRIPT = REPO / "deploy" / "ci" / "slurm-single-node.sh"
_MISSING = [b for b in ("slurmctld", "slurmd", "sbatch", "munged") if shutil.which(b) is None]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(420),
    pytest.mark.skipif(
        bool(_MISSING), reason=f"single-node SLURM needs Debian's slurm-wlm + munge: no {_MISSING}"
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason="slurmd needs root to start jobs"),
    pytest.mark.skipif(
        importlib.util.find_spec("dask_jobqueue") is None,
        reason="dask-jobqueue (the `cluster` extra) is not installed",
    ),
]


def _diagnostics(state, jobs) -> str:
    """squeue, the controller's log tail and the job logs: why no worker came."""
    queue = subprocess.run(["squeue"], capture_output=True, text=True, check=False).stdout
    logs = [state / "log" / "slurmctld.log", state / "log" / "slurmd.log"]
    logs += sorted(jobs.glob("*")) if jobs.is_dir() else []
    tails = "\n".join(f"--- {p}\n{p.read_text()[-2000:]}" for p in logs if p.is_file())
    return f"squeue:\n{queue}\n{tails}"


@pytest.fixture
def slurm(monkeypatch):
    # a short path: slurmstepd's unix sockets live under it (108-byte limit)
    state = Path(tempfile.mkdtemp(prefix="cf-slurm-", dir="/tmp"))
    out = subprocess.run(
        [str(SCRIPT), "start", str(state)], capture_output=True, text=True, timeout=120
    )
    if out.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", str(state)], check=False)
        pytest.fail(f"single-node SLURM did not start:\n{out.stdout}\n{out.stderr}")
    monkeypatch.setenv("SLURM_CONF", str(state / "slurm.conf"))
    yield state
    subprocess.run(["scancel", "--user", "root"], check=False, capture_output=True)
    subprocess.run([str(SCRIPT), "stop", str(state)], check=False, timeout=60)
    shutil.rmtree(state, ignore_errors=True)


def test_generate_flow_runs_on_slurm_jobs(prefect_server, slurm, tmp_path):
    cluster = {
        "kind": "slurm",
        "n_workers": 1,
        "options": {
            "queue": "debug",
            "cores": 1,
            "processes": 1,
            "memory": "2GB",
            "walltime": "00:10:00",
            "log_directory": str(tmp_path / "jobs"),
            "scheduler_options": {"host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"},
            "adapt": {"minimum": 0, "maximum": 1},
        },
    }
    spec = load_spec(
        tiny_spec_dict(
            dataset={"systems": ["Lorenz"], "n_train": 2, "n_test": 2, "n_points": 100},
            evaluate={"horizon": 10, "n_generate": 100},
            cluster=cluster,
        )
    )
    run = with_runner(generate_flow, spec.cluster).with_options(timeout_seconds=240)
    try:
        out = run(spec, str(tmp_path / "root"))
    except BaseException:
        print(_diagnostics(slurm, tmp_path / "jobs"))  # shown by pytest on failure
        raise
    assert out["generated"] == out["units"] == 2
    x = xr.open_zarr(tmp_path / "root" / "datasets" / f"{spec.dataset.id}.zarr", group="Lorenz")
    assert x["x"].shape == (4, 100, 3)
    assert np.isfinite(x["x"].values).all()
    # the work ran in SLURM batch jobs: their Dask worker logs name the jobs' scheduler
    job_logs = list((tmp_path / "jobs").glob("dask-worker-*.err"))
    assert job_logs, "no SLURM job ran a Dask worker"
    assert any("Registered to" in p.read_text() for p in job_logs)
