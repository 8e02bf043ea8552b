"""The Prefect server restarts while ``chaosflow generate`` runs: no stored work is lost.

A long-lived ``prefect server start`` (its own PREFECT_HOME, 127.0.0.1) serves the run; once two
units are marked done the server's process group is SIGKILLed and a new server starts on the
same port and database. The run either rides it out or stops with the "rerun to resume"
message; then a rerun finishes, generating only what is missing, and the store is
byte-identical to a run without Prefect at all. Slow (two server starts): opt-in.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from chaosflow.specs import load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.storage.verify import verify
from chaosflow.tasks import _generate

pytestmark = [pytest.mark.fault, pytest.mark.slow]

BIN = Path(sys.executable).parent
SPEC = {
    "dataset": {
        "name": "restart",
        "systems": ["Henon", "Ikeda"],
        "n_train": 6,
        "n_test": 2,
        "n_points": 20_000,
        "shard_size": 2,
    },
    "train": {"models": ["persistence"]},
    "evaluate": {"horizon": 50, "n_generate": 200},
    "cluster": {"kind": "threads", "n_workers": 1},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: uvicorn children die with it
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-2000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the Prefect server did not start in 300 s")


def _kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _markers(root: Path, dataset_id: str) -> int:
    return len(list((root / "datasets" / f"{dataset_id}.state").glob("*/shard-*.json")))


def _files(root: Path, dataset_id: str) -> dict[str, bytes]:
    base = root / "datasets" / f"{dataset_id}.zarr"
    return {str(p.relative_to(base)): p.read_bytes() for p in base.rglob("*") if p.is_file()}


@pytest.mark.timeout(1200)
def test_prefect_server_restart_mid_generation(tmp_path):
    spec = load_spec(SPEC)
    ds_id = spec.dataset.id
    reference = tmp_path / "reference"
    _generate.generate_direct(Root(str(reference)), spec.dataset)

    port = _free_port()
    env = os.environ | {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    log = tmp_path / "server.log"
    server = _start_server(env, port, log)
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(json.loads(json.dumps(SPEC))))
    root = tmp_path / "root"
    cmd = [str(BIN / "chaosflow"), "generate", str(spec_file), "--root", str(root)]
    run = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600
        while _markers(root, ds_id) < 2:
            assert run.poll() is None, run.communicate()[0].decode()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        _kill_group(server)
        assert run.poll() is None, "the run ended before the server went away"
        server = _start_server(env, port, log)
        out = run.communicate(timeout=600)[0].decode()
    finally:
        if run.poll() is None:
            run.kill()
    text = " ".join(out.split())
    assert run.returncode in (0, 1), text[-3000:]
    if run.returncode == 1:  # the run stopped, saying how to resume
        assert "rerun the same command to resume" in text, text[-3000:]
    print(f"first run exit {run.returncode}; tail: {text[-600:]}")  # shown with -rP
    done_before = _markers(root, ds_id)
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    _kill_group(server)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    summary = " ".join((rerun.stdout + rerun.stderr).split())
    assert f"{8 - done_before} units generated, {done_before} reused" in summary
    assert verify(DatasetStore(Root(str(root)), ds_id)) == []
    assert _files(root, ds_id) == _files(reference, ds_id)
