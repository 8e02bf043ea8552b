"""Two runs on one root: the second is refused naming the first, or waits its turn.

Real processes contend for ``chaosflow.safety.acquire``; a holder killed with SIGKILL leaves a
stale lock that the next run takes over; a lock from another host is never broken silently.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chaosflow.safety import LockedError, acquire, lock_path, read_lock
from tests.conftest import tiny_spec_dict

pytestmark = pytest.mark.fault

HOLDER = """
import sys, time
from chaosflow.safety import acquire
with acquire(sys.argv[1], command="holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""
WORKER = """
import sys, time
from chaosflow.safety import acquire
log = sys.argv[2]
with acquire(sys.argv[1], wait=60, poll=0.02, command="worker"):
    for step in ("start", "end"):
        with open(log, "a") as fh:
            fh.write(f"{step} {sys.argv[3]}\\n")
        if step == "start":
            time.sleep(0.3)
"""


def _hold(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_is_refused_naming_the_first(tmp_path):
    proc = _hold(tmp_path, 30)
    try:
        with pytest.raises(LockedError) as err, acquire(tmp_path):
            pytest.fail("a second holder got the lock")
        text = str(err.value)
        assert f"pid {proc.pid}" in text
        assert "holder" in text
        assert str(lock_path(tmp_path)) in text
    finally:
        proc.kill()
        proc.wait()


def test_waiting_run_starts_after_the_first_ends(tmp_path):
    proc = _hold(tmp_path, 1.0)
    t0 = time.monotonic()
    with acquire(tmp_path, wait=30, poll=0.05) as info:
        assert read_lock(lock_path(tmp_path)) == info
        assert proc.wait(timeout=30) == 0  # the first run released it and ended cleanly
    assert time.monotonic() - t0 > 0.3
    assert not lock_path(tmp_path).exists()  # released


def test_contending_processes_never_interleave(tmp_path):
    log = tmp_path / "log.txt"
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), str(log), str(i)])
        for i in range(4)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    lines = log.read_text().split("\n")[:-1]
    assert len(lines) == 8
    for start, end in zip(lines[::2], lines[1::2], strict=True):
        assert start.split()[0] == "start"
        assert end == f"end {start.split()[1]}"  # each critical section is whole


def test_stale_lock_of_a_killed_run_is_taken_over(tmp_path):
    proc = _hold(tmp_path, 60)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stale = read_lock(lock_path(tmp_path))
    assert stale is not None
    assert stale.pid == proc.pid
    with acquire(tmp_path) as info:
        assert info.pid == os.getpid()


def test_lock_from_another_host_is_not_broken(tmp_path):
    path = lock_path(tmp_path)
    path.parent.mkdir(parents=True)
    other = {"pid": 1, "host": "node-17", "started": "t", "command": "chaosflow run", "token": "x"}
    path.write_text(json.dumps(other))
    with pytest.raises(LockedError, match="pid 1 on host 'node-17'"), acquire(tmp_path):
        pass
    assert json.loads(path.read_text()) == other


def test_remote_roots_are_not_locked_here():
    assert lock_path("s3://bucket/root") is None
    with acquire("s3://bucket/root") as info:
        assert info is None


@pytest.mark.skipif(
    "safety" not in Path(__file__).parents[1].joinpath("chaosflow/cli/__init__.py").read_text(),
    reason="chaosflow.cli does not take the run lock yet",
)
def test_cli_refuses_a_second_run_and_writes_nothing(tmp_path):
    from chaosflow.cli import app

    root = tmp_path / "root"
    root.mkdir()
    proc = _hold(root, 60)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec_dict()))
    before = sorted(root.rglob("*"))
    try:
        res = CliRunner().invoke(app, ["generate", str(spec), "--root", str(root)])
    finally:
        proc.kill()
        proc.wait()
    assert res.exit_code == 2
    assert f"in use by pid {proc.pid}" in " ".join(res.output.split())
    assert sorted(root.rglob("*")) == before
