"""Security: loopback-only services, no unpickling of stored files, names confined to the root,
no shell commands built from input.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chaosflow
from chaosflow.safety import CheckpointError, validate_checkpoint
from chaosflow.storage import Root, RunKey, StorageError

PACKAGE = Path(chaosflow.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


class _Exploit:
    """Unpickling this creates ``marker``: proof that a file was unpickled."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _listening_ips(pid: int) -> set[str]:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return {
        c.laddr.ip
        for p in procs
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }


def test_temporary_prefect_server_is_configured_for_loopback():
    """Fast check (the live one is slow): ``prefect_api`` starts this class, bound to 127.0.0.1."""
    import inspect

    from prefect.server.api.server import SubprocessASGIServer

    from chaosflow.flows import _server

    assert "SubprocessASGIServer()" in inspect.getsource(_server.prefect_api)
    server = SubprocessASGIServer()
    server.port = 4200
    assert urlparse(server.api_url).hostname == "127.0.0.1"


@pytest.mark.slow
def test_temporary_prefect_server_binds_loopback(monkeypatch):
    """A live temporary server listens on 127.0.0.1 only (~10-30 s to start)."""
    import os

    import prefect.settings

    from chaosflow.flows._server import prefect_api

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    if prefect.settings.PREFECT_API_URL.value():
        pytest.skip("a Prefect API is configured in this profile; no temporary server starts")
    slow_start = {prefect.settings.PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 300}
    with prefect.settings.temporary_settings(slow_start), prefect_api() as url:
        assert urlparse(url).hostname == "127.0.0.1"
        assert os.environ["PREFECT_API_URL"] == url
        port = urlparse(url).port
        owners = [
            c for c in psutil.net_connections(kind="inet") if c.laddr and c.laddr.port == port
        ]
        listening = [c for c in owners if c.status == psutil.CONN_LISTEN]
        assert listening
        assert {c.laddr.ip for c in listening} == {"127.0.0.1"}


def test_local_dask_cluster_binds_loopback():
    from distributed import LocalCluster

    from chaosflow.flows._runner import task_runner
    from chaosflow.specs import ClusterSpec

    runner = task_runner(ClusterSpec(kind="local", n_workers=1))
    assert runner.cluster_class is LocalCluster or "LocalCluster" in str(runner.cluster_class)
    kwargs = dict(runner.cluster_kwargs)
    with LocalCluster(**kwargs) as cluster:
        assert urlparse(cluster.scheduler_address).hostname == "127.0.0.1"
        assert urlparse(cluster.dashboard_link).hostname == "127.0.0.1"
        workers = cluster.scheduler_info["workers"]
        assert workers
        assert {urlparse(a).hostname for a in workers} == {"127.0.0.1"}
        ips = _listening_ips(psutil.Process().pid)
        assert ips <= {"127.0.0.1"}, ips  # scheduler, dashboard, nannies and workers


def test_cluster_options_can_open_the_binding_deliberately():
    from chaosflow.flows._runner import task_runner
    from chaosflow.specs import ClusterSpec

    spec = ClusterSpec(kind="local", options={"host": "0.0.0.0"})
    assert task_runner(spec).cluster_kwargs["host"] == "0.0.0.0"


@pytest.mark.parametrize("name", ["model.safetensors", "model.json"])
def test_a_malicious_pickle_as_checkpoint_is_refused_unopened(tmp_path, name):
    from chaosflow.models import build_model
    from chaosflow.training import load_checkpoint, save_checkpoint

    save_checkpoint(build_model("shplrnn", 3), tmp_path)
    marker = tmp_path.parent / "exploited"
    (tmp_path / name).write_bytes(pickle.dumps(_Exploit(marker)))
    with pytest.raises(CheckpointError, match=name):
        validate_checkpoint(tmp_path)
    with pytest.raises(Exception):  # noqa: B017 - any refusal; what matters is below
        load_checkpoint(tmp_path)
    assert not marker.exists()


def test_a_pickle_beside_a_checkpoint_is_reported_not_loaded(tmp_path):
    import torch

    from chaosflow.models import build_model
    from chaosflow.training import load_checkpoint, save_checkpoint

    save_checkpoint(build_model("shplrnn", 3), tmp_path)
    marker = tmp_path.parent / "exploited"
    torch.save({"state": _Exploit(marker)}, tmp_path / "model.pt")
    assert not marker.exists()
    with pytest.raises(CheckpointError, match=r"unexpected files \['model.pt'\]"):
        validate_checkpoint(tmp_path)
    load_checkpoint(tmp_path)  # the real checkpoint still loads; model.pt is never read
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):  # and torch's own guard, should anyone try
        torch.load(tmp_path / "model.pt", weights_only=True)
    assert not marker.exists()


@given(st.text(min_size=1, max_size=12))
def test_names_never_escape_the_root(name):
    root = Root("/srv/chaosflow-root")
    try:
        url = root.join("runs", name, "done.json")
    except StorageError:
        return
    resolved = Path(url).resolve()
    assert resolved.is_relative_to("/srv/chaosflow-root/runs")
    assert "/" not in name
    assert ".." not in name


@pytest.mark.parametrize(
    "key",
    [
        RunKey("../../etc", "m", "Lorenz", 0),
        RunKey("t", "m/../../x", "Lorenz", 0),
        RunKey("t", "m", "/etc", 0),
    ],
)
def test_run_keys_with_separators_are_refused(key):
    with pytest.raises(StorageError, match="not a safe path component"):
        Root("/srv/r").join("runs", *key.parts)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def _kw(node: ast.Call, name: str):
    for k in node.keywords:
        if k.arg == name:
            return ast.literal_eval(k.value) if isinstance(k.value, ast.Constant) else ...
    return None


def test_no_shell_no_unpickling_in_the_package():
    """AST scan of every module: the dangerous calls are absent or used safely."""
    banned = {"os.system", "os.popen", "eval", "exec", "pickle.load", "pickle.loads"}
    banned |= {"marshal.loads", "shelve.open", "yaml.load", "yaml.unsafe_load", "dill.load"}
    problems = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node, func in _calls(tree):
            where = f"{path.relative_to(PACKAGE)}:{node.lineno} {func}"
            if func in banned:
                problems.append(where)
            if func.startswith("subprocess.") and _kw(node, "shell") not in (None, False):
                problems.append(where + " shell=")
            one_string = ast.Constant | ast.JoinedStr | ast.BinOp
            if (
                func.startswith("subprocess.")
                and node.args
                and isinstance(node.args[0], one_string)
            ):
                problems.append(where + " command as one string")
            if func == "torch.load" and _kw(node, "weights_only") is not True:
                problems.append(where + " without weights_only=True")
            if func in ("np.load", "numpy.load") and _kw(node, "allow_pickle") is not False:
                problems.append(where + " without allow_pickle=False")
    assert problems == []


def test_prefect_results_are_not_persisted():
    """Task results would be pickled to disk and unpickled on a cache hit; none are."""
    from chaosflow.tasks import prefect_tasks

    tasks = [prefect_tasks.generate_shards, prefect_tasks.train_pack, prefect_tasks.evaluate_cells]
    for t in tasks:
        assert t.persist_result is False, t.name


def test_a_hostile_model_json_cannot_allocate_a_huge_model(tmp_path):
    """Shapes are checked on torch's meta device: a 10^12-parameter claim allocates nothing."""
    import json

    from chaosflow.models import build_model
    from chaosflow.training import save_checkpoint

    save_checkpoint(build_model("shplrnn", 3), tmp_path)
    config = json.loads((tmp_path / "model.json").read_text())
    config["hparams"] = {"hidden": 10**6}
    config["k"] = 10**6
    (tmp_path / "model.json").write_text(json.dumps(config))
    rss = psutil.Process().memory_info().rss
    with pytest.raises(CheckpointError, match="do not match"):
        validate_checkpoint(tmp_path)
    assert psutil.Process().memory_info().rss - rss < 500e6
