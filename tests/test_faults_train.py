"""SIGKILL during training and a damaged checkpoint: finished runs are kept, the rest redone.

A subprocess trains every pack of a small spec (``_train.train_pack``, as the flow's task does);
it is killed once the first run is marked done. The rerun must leave finished runs untouched
(their ``done.json`` mtimes), train only the rest, and end with checkpoints byte-identical to an
uninterrupted run. A truncated or replaced checkpoint is named by ``chaosflow runs verify`` and,
once quarantined, retrained alone to the same bytes.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaosflow.safety import cli as safety_cli
from chaosflow.safety import find_runs, quarantine_runs, verify_runs
from chaosflow.specs import load_spec
from chaosflow.storage import Root
from chaosflow.tasks import _generate, _train
from tests.conftest import tiny_spec_dict

pytestmark = pytest.mark.fault

#: Maps (cheap to generate) × one recurrent model with two seeds: three packs of ~2-3 s each.
SPEC = tiny_spec_dict(
    dataset={"systems": ["Henon", "Ikeda", "Tinkerbell"], "substeps": 1},
    train={"models": ["shplrnn"], "seeds": [0, 1], "config": {"n_steps": 150, "eval_every": 50}},
)
#: One system of the same dataset (its id ignores the system list): the fast damage tests.
SPEC1 = tiny_spec_dict(dataset=SPEC["dataset"] | {"systems": ["Henon"]}, train=SPEC["train"])
RUNNER = """
import json, sys
from chaosflow.specs import load_spec
from chaosflow.storage import Root
from chaosflow.tasks import _train
spec, root = load_spec(json.loads(sys.argv[2])), Root(sys.argv[1])
for pack in _train.plan_packs(root, spec.dataset, spec.train):
    _train.train_pack(root, spec.dataset, spec.train, pack)
"""


def _train_all(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(root), json.dumps(SPEC)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _outputs(root: Path) -> dict[str, bytes]:
    """Every run file but done.json (which records the wall time)."""
    base = root / "runs"
    return {
        str(p.relative_to(base)): p.read_bytes()
        for p in base.rglob("*")
        if p.is_file() and p.name != "done.json"
    }


def _done(root: Path) -> dict[str, int]:
    return {str(p.parent): p.stat().st_mtime_ns for p in (root / "runs").rglob("done.json")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The dataset with one system (Henon)."""
    root = tmp_path_factory.mktemp("generated")
    _generate.generate_direct(Root(str(root)), load_spec(SPEC1).dataset)
    return root


@pytest.fixture(scope="module")
def generated_all(generated, tmp_path_factory) -> Path:
    """The same dataset with all three systems."""
    root = tmp_path_factory.mktemp("generated_all") / "root"
    shutil.copytree(generated, root)
    _generate.generate_direct(Root(str(root)), load_spec(SPEC).dataset)
    return root


@pytest.fixture(scope="module")
def reference(generated_all, tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The runs of one uninterrupted training, in a fresh process."""
    root = tmp_path_factory.mktemp("reference") / "root"
    shutil.copytree(generated_all, root)
    proc = _train_all(root)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-2000:]
    files = _outputs(root)
    assert sum(name.endswith("model.safetensors") for name in files) == 6
    return root, files


@pytest.fixture(scope="module")
def trained(generated, tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """Henon's pack (two seeds) trained in this process."""
    root = tmp_path_factory.mktemp("trained") / "root"
    shutil.copytree(generated, root)
    spec = load_spec(SPEC1)
    (pack,) = _train.plan_packs(Root(str(root)), spec.dataset, spec.train)
    _train.train_pack(Root(str(root)), spec.dataset, spec.train, pack)
    return root, _outputs(root)


@pytest.mark.slow  # ~40 s on the shared 2-core box: three trainings in subprocesses
@pytest.mark.timeout(600)
def test_sigkill_during_training_keeps_finished_runs(tmp_path, generated_all, reference):
    root = tmp_path / "root"
    shutil.copytree(generated_all, root)
    proc = _train_all(root)
    deadline = time.monotonic() + 300
    try:
        while not _done(root):
            assert proc.poll() is None, "training ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert proc.poll() is None, "training ended before it could be interrupted"
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    finished = _done(root)
    assert 0 < len(finished) < 6
    spec = load_spec(SPEC)
    todo = _train.plan_packs(Root(str(root)), spec.dataset, spec.train)
    assert sum(len(p.keys) for p in todo) == 6 - len(finished)

    proc = _train_all(root)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-2000:]
    after = _done(root)
    assert len(after) == 6
    assert {k: after[k] for k in finished} == finished  # not retrained
    assert _outputs(root) == reference[1]
    assert verify_runs(Root(str(root))) == []


@pytest.mark.parametrize(
    "damage",
    [
        "truncate",
        pytest.param("pickle", marks=pytest.mark.slow),
        pytest.param("garble json", marks=pytest.mark.slow),
    ],
)
def test_damaged_checkpoint_is_named_and_only_it_is_retrained(tmp_path, trained, damage):
    root = tmp_path / "root"
    shutil.copytree(trained[0], root)
    r = Root(str(root))
    victim = sorted(find_runs(r))[1]
    folder = root.joinpath("runs", *victim.parts)
    weights = folder / "model.safetensors"
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif damage == "pickle":
        import pickle

        weights.write_bytes(pickle.dumps({"weights": [1.0, 2.0]}))
    else:
        (folder / "model.json").write_text('{"name": "shplrnn", "dim":')
    before = _done(root)

    res = CliRunner().invoke(safety_cli.app, ["verify", "--root", str(root)])
    assert res.exit_code == 1
    text = " ".join(res.output.split())
    assert f"run {victim}" in text
    assert "1 damaged" in text
    assert ("model.json" if damage == "garble json" else "model.safetensors") in text
    with pytest.raises(Exception, match=r"header|Expecting|incomplete|invalid|run "):
        _train.load_run(r, victim)

    moved = quarantine_runs(r, verify_runs(r))
    assert len(moved) == 1
    assert not folder.exists()
    spec = load_spec(SPEC1)
    (pack,) = _train.plan_packs(r, spec.dataset, spec.train)
    assert pack.keys == (victim,)
    _train.train_pack(r, spec.dataset, spec.train, pack)
    after = _done(root)
    assert {k: v for k, v in after.items() if k != str(folder)} == {
        k: v for k, v in before.items() if k != str(folder)
    }
    assert _outputs(root) == trained[1]
