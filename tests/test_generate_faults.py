"""Fault tolerance with real processes: SIGKILL the generating process, kill a Dask worker.

Both runs must finish on resume/retry with every file of the Zarr store byte-identical to an
uninterrupted run, and ``verify`` must pass. Seeds derive from (spec, system, shard) alone, so
whichever process regenerates a unit writes the same bytes.
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

from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.storage.verify import verify
from chaosflow.tasks import _generate

pytestmark = pytest.mark.fault

#: 8 units of ~1 s each (maps: the integrator is not what is under test here).
SPEC = {
    "name": "faults",
    "systems": ["Henon", "Ikeda"],
    "n_train": 6,
    "n_test": 2,
    "n_points": 20_000,
    "shard_size": 2,
}
N_UNITS = 8

RUNNER = """
import json, sys
from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import Root
from chaosflow.tasks._generate import generate_direct
generate_direct(Root(sys.argv[1]), load_spec(json.loads(sys.argv[2]), kind=DatasetSpec))
"""


def _spec() -> DatasetSpec:
    return load_spec(SPEC, kind=DatasetSpec)


def _files(root: Path, spec: DatasetSpec) -> dict[str, bytes]:
    """Every file of the Zarr store (chunks and metadata), by relative path."""
    base = root / "datasets" / f"{spec.id}.zarr"
    return {str(p.relative_to(base)): p.read_bytes() for p in base.rglob("*") if p.is_file()}


def _markers(root: Path, spec: DatasetSpec) -> int:
    return len(list((root / "datasets" / f"{spec.id}.state").glob("*/shard-*.json")))


def _wait_for_markers(root: Path, spec: DatasetSpec, n: int, alive, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while _markers(root, spec) < n:
        assert alive(), "the generation ended before it could be interrupted"
        assert time.monotonic() < deadline, f"no {n} done-markers after {timeout} s"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The store of one uninterrupted run, in this process."""
    root = tmp_path_factory.mktemp("reference")
    store = _generate.generate_direct(Root(str(root)), _spec())
    assert verify(store) == []
    files = _files(root, _spec())
    assert sum("/x/c/" in k for k in files) == N_UNITS
    return files


@pytest.mark.timeout(300)
def test_sigkill_midway_then_rerun_gives_identical_bytes(tmp_path, reference):
    spec = _spec()
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(tmp_path), json.dumps(SPEC)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_markers(tmp_path, spec, 2, lambda: proc.poll() is None)
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    store = DatasetStore(Root(str(tmp_path)), spec.id)
    killed = [p for p in verify(store) if p.kind != "incomplete"]
    assert killed, "the kill came too late to leave any unit missing"
    assert {p.kind for p in killed} <= {"missing", "hole"}

    _, todo = _generate.prepare(Root(str(tmp_path)), spec)
    assert 0 < len(todo) < N_UNITS  # the rerun skips what was marked done
    _generate.generate_direct(Root(str(tmp_path)), spec)
    assert verify(store) == []
    assert _files(tmp_path, spec) == reference


def _run_on_dask(client, root: Root, spec: DatasetSpec, kill_after: int | None) -> int | None:
    """Plain Dask futures over ``run_shards`` (one future per batch of units), as the flow's
    coarse tasks do; optionally SIGKILL one worker process once ``kill_after`` units are done."""
    _, todo = _generate.prepare(root, spec)
    batches = [todo[i : i + 2] for i in range(0, len(todo), 2)]
    futures = client.map(
        _generate.run_shards, [root] * len(batches), [spec] * len(batches), batches, pure=False
    )
    if kill_after is not None:
        pids = client.run(os.getpid)
        assert len(pids) == 2
        _wait_for_markers(
            Path(root.url), spec, kill_after, lambda: not all(f.done() for f in futures)
        )
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)
    client.gather(futures)
    _generate.finalize(root, spec)
    return victim if kill_after is not None else None


@pytest.mark.timeout(300)
def test_killing_a_dask_worker_midway_still_gives_identical_bytes(tmp_path, reference):
    from distributed import Client, LocalCluster

    from chaosflow.flows._runner import WORKER_ENV, worker_environment

    spec = _spec()
    worker_environment()  # as the flow's LocalCluster does
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        victim = _run_on_dask(client, Root(str(tmp_path)), spec, kill_after=2)
        # The nanny restarted the killed worker; the lost batch was rerun elsewhere.
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values()
        # the restarted worker, like the first ones, started with the fixed mmap threshold
        env = client.run(os.environ.get, "MALLOC_MMAP_THRESHOLD_")
        assert set(env.values()) == {WORKER_ENV["MALLOC_MMAP_THRESHOLD_"]}
    assert verify(DatasetStore(Root(str(tmp_path)), spec.id)) == []
    assert _files(tmp_path, spec) == reference


def _dask_worker_children() -> list:
    """Worker processes a LocalCluster spawned from this process (not the Prefect server)."""
    import psutil

    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmd = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "multiprocessing" in cmd and "spawn_main" in cmd:
            out.append(child)
    return out


@pytest.mark.slow  # ~2 min on the shared 2-core box (Prefect server + LocalCluster)
@pytest.mark.timeout(600)
def test_killing_a_dask_worker_under_the_prefect_flow(prefect_server, tmp_path, reference):
    """The same through ``with_runner(generate_flow, ...)`` on a LocalCluster: the coarse task
    whose worker dies is rerun by Dask (its done units are skipped) and the flow completes."""
    import threading

    from chaosflow.flows import generate_flow, with_runner
    from tests.conftest import tiny_spec_dict

    full = load_spec(
        tiny_spec_dict(
            dataset={**SPEC, "substeps": 10},
            evaluate={"horizon": 10, "n_generate": 10},
            cluster={"kind": "local", "n_workers": 2},
        )
    )
    assert full.dataset == _spec()
    result: dict = {}

    def run() -> None:
        try:
            result["out"] = with_runner(generate_flow, full.cluster)(full, str(tmp_path))
        except BaseException as exc:  # reported below, in the test's thread
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        _wait_for_markers(tmp_path, _spec(), 2, thread.is_alive, timeout=300)
        workers = _dask_worker_children()
        assert len(workers) >= 2, workers
        workers[0].kill()
    finally:
        thread.join(timeout=500)
    assert "error" not in result, result.get("error")
    assert result["out"]["generated"] == N_UNITS
    assert verify(DatasetStore(Root(str(tmp_path)), _spec().id)) == []
    assert _files(tmp_path, _spec()) == reference
