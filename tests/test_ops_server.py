"""Real services: `prefect server start`, a process work pool + worker, `chaosflow serve`, Chromium.

One Prefect server (its own PREFECT_HOME, 127.0.0.1, a free port) serves the module. The
deployments come from deploy/prefect.yaml through `prefect deploy`, a `prefect worker` runs
the benchmark deployment on a tiny spec, and headless Chromium renders the run's UI pages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from chaosflow.ops import SCHEDULES
from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
TINY = {
    "dataset": {
        "name": "opstiny",
        "systems": ["Lorenz"],
        "n_train": 2,
        "n_test": 2,
        "n_points": 200,
        "shard_size": 2,
        "substeps": 2,
    },
    "train": {"models": ["persistence"], "seeds": [0], "max_train_points": 100},
    "evaluate": {"horizon": 50, "n_generate": 200},
    "cluster": {"kind": "threads", "n_workers": 2},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Services:
    """The server's URLs, the environment every Prefect subprocess gets, and their logs."""

    def __init__(self, home: Path, port: int) -> None:
        self.home, self.ui = home, f"http://127.0.0.1:{port}"
        self.api = f"{self.ui}/api"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.api,
            # the UI bundle is told where the API is from these (not from --host/--port)
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        }
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str], cwd: Path = REPO) -> subprocess.Popen:
        log = self.home / f"{name}.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen(
                args, cwd=cwd, env=self.env, stdout=fh, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.procs.append((proc, log))
        return proc

    def stop(self, proc: subprocess.Popen) -> None:
        """SIGTERM the process group this fixture started, SIGKILL after 20 s."""
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _, log in self.procs)

    def prefect(self, *args: str) -> str:
        res = subprocess.run(
            [str(BIN / "prefect"), "--no-prompt", *args],
            cwd=REPO, env=self.env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout

    def request(self, method: str, path: str, body: dict | None = None) -> dict | list:
        """One API call, retried on 503 the way Prefect's own client retries it.

        The server answers 503 when SQLite is busy (another process, here the served runner or
        the worker, holds the write lock); the transaction was rolled back, so a retry is safe.
        """
        for attempt in range(8):
            res = httpx.request(method, self.api + path, json=body, timeout=30)
            if res.status_code != 503:
                break
            time.sleep(min(0.25 * 2**attempt, 5.0))
        return res.raise_for_status().json()

    def get(self, path: str) -> dict:
        return self.request("GET", path)

    def post(self, path: str, body: dict) -> dict | list:
        return self.request("POST", path, body)

    def run_deployment(self, full_name: str, parameters: dict) -> str:
        dep = self.get(f"/deployments/name/{full_name}")
        return self.post(f"/deployments/{dep['id']}/create_flow_run", {"parameters": parameters})[
            "id"
        ]

    def wait(self, flow_run_id: str, timeout: float = 400) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.get(f"/flow_runs/{flow_run_id}")
            if run["state_type"] in TERMINAL:
                return run
            time.sleep(1)
        raise AssertionError(f"flow run {flow_run_id} not finished in {timeout} s\n{self.logs()}")

    def wait_for(self, path: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.get(path)
            except httpx.HTTPError:
                time.sleep(1)
        raise AssertionError(f"{path} did not appear in {timeout} s\n{self.logs()}")


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    svc = Services(home, port)
    server = svc.start(
        "server",
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        cwd=home,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"prefect server exited\n{svc.logs()}"
            assert time.monotonic() < deadline, f"prefect server not healthy\n{svc.logs()}"
            try:
                if httpx.get(svc.api + "/health", timeout=5).json() is True:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield svc
    finally:
        for proc, _ in reversed(svc.procs):
            svc.stop(proc)


@pytest.fixture(scope="module")
def pool_run(services, tmp_path_factory):
    """prefect.yaml deployed to a process pool; one benchmark run executed by a real worker."""
    tmp = tmp_path_factory.mktemp("pool")
    spec = tmp / "tiny.yaml"
    spec.write_text(yaml.safe_dump(TINY))
    services.prefect("work-pool", "create", "chaosflow-process", "--type", "process")
    services.prefect("work-pool", "set-concurrency-limit", "chaosflow-process", "2")
    services.prefect("deploy", "--prefect-file", "deploy/prefect.yaml", "--all")
    services.start(
        "worker", [str(BIN / "prefect"), "worker", "start", "--pool", "chaosflow-process"]
    )
    params = {"spec_path": str(spec), "root": str(tmp / "root")}
    run_id = services.run_deployment("chaosflow-benchmark/scheduled", params)
    run = services.wait(run_id)
    assert run["state_type"] == "COMPLETED", f"{run['state']}\n{services.logs()}"
    return {"run": run, "root": tmp / "root"}


def _artifact(services: Services, key: str) -> dict:
    arts = services.post("/artifacts/filter", {"artifacts": {"key": {"any_": [key]}}})
    assert arts, f"no artifact {key!r}"
    return arts[0]


def test_worker_runs_the_deployed_benchmark_to_completion(services, pool_run):
    run = pool_run["run"]
    assert run["state_type"] == "COMPLETED"
    dep = services.get("/deployments/name/chaosflow-benchmark/scheduled")
    assert dep["schedules"][0]["schedule"]["cron"] == SCHEDULES["benchmark"]
    assert dep["global_concurrency_limit"]["limit"] == 1
    assert dep["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    assert dep["work_pool_name"] == "chaosflow-process"
    # the pipeline ran as a subflow of the deployed flow, and the worker shipped its logs
    (child,) = services.post(
        "/flow_runs/filter",
        {"flow_runs": {"parent_flow_run_id": {"any_": [run["id"]]}}},
    )
    assert child["state_type"] == "COMPLETED"
    # The runner ships logs in batches and the server stores them asynchronously, so a run can
    # be COMPLETED a moment before its last lines are queryable: poll for them.
    query = {"logs": {"flow_run_id": {"any_": [child["id"]]}}}
    deadline = time.monotonic() + 60
    while True:
        messages = [entry["message"] for entry in services.post("/logs/filter", query)]
        if any("benchmark done" in m for m in messages) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert any("benchmark done" in m for m in messages), messages[-20:]
    board = _artifact(services, "leaderboard")
    assert board["flow_run_id"] == child["id"]
    assert {row["model"] for row in json.loads(board["data"])} == {"persistence", "ground_truth"}
    summary = _artifact(services, "benchmark-summary")
    # benchmark_flow publishes its own summary, so the deployed wrapper does not add a second
    assert summary["flow_run_id"] == child["id"]
    assert "metrics.zarr" in summary["data"]
    assert (pool_run["root"] / "metrics.zarr").is_dir()


def _dom(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, from headless Chromium with a fresh profile."""
    res = subprocess.run(
        [
            shutil.which("chromium") or "chromium",
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", res.stdout))


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (deploy/ci/install-chromium.sh installs it)",
)
def test_ui_shows_the_run_and_its_leaderboard_in_chromium(services, pool_run, tmp_path):
    board = _artifact(services, "leaderboard")
    child = services.get(f"/flow_runs/{board['flow_run_id']}")
    page = _dom(f"{services.ui}/runs/flow-run/{child['id']}", tmp_path / "p1")
    assert child["name"] in page
    assert "Completed" in page
    assert "Artifacts" in page
    art_page = _dom(f"{services.ui}/artifacts/artifact/{board['id']}", tmp_path / "p2")
    assert "leaderboard" in art_page
    assert child["name"] in art_page  # the artifact page links its flow run
    assert re.search(r"persistence [0-9.]+ [0-9.]+", art_page), art_page[:2000]
    assert "ground_truth" in art_page
    report = _artifact(services, "benchmark-report")
    # The plots travel inside the markdown (the UI cannot reach files on the run's machine).
    assert "data:image/png;base64," in report["data"]


def test_chaosflow_serve_runs_its_deployment_without_a_pool(services, tmp_path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(yaml.safe_dump(TINY))
    cli = (
        "import typer; from chaosflow.cli.ops import register; app = typer.Typer(); "
        "app.callback()(lambda: None); register(app); app()"
    )
    serve = services.start(
        "serve",
        [sys.executable, "-c", cli, "serve", "--spec", str(spec), "--root", str(tmp_path / "r"),
         "--stage", "generate", "--cron", "0 0 1 1 *"],
    )  # fmt: skip
    try:
        dep = services.wait_for("/deployments/name/chaosflow-generate/serve")
        assert dep["schedules"][0]["schedule"]["cron"] == "0 0 1 1 *"
        assert dep["work_pool_name"] is None  # served: no work pool involved
        run = services.wait(services.run_deployment("chaosflow-generate/serve", {}))
        assert run["state_type"] == "COMPLETED", f"{run['state']}\n{services.logs()}"
        assert list((tmp_path / "r" / "datasets").glob("opstiny-*.zarr"))
    finally:
        services.stop(serve)
