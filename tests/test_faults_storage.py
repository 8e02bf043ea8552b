"""Storage faults: a full disk during generation, corrupted chunks; reported, then repaired.

The full disk is a real 2 MB tmpfs mounted by the test (root only; skipped with the reason
otherwise). Every unit marked done must still verify, nothing is finalized, and the same spec
finishes on a bigger root with bytes identical to a clean run. A corrupted chunk is named by
``chaosflow datasets verify`` and regenerated alone after ``repair_dataset``.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaosflow.cli import app
from chaosflow.safety import repair_dataset
from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.storage.verify import verify
from chaosflow.tasks import _generate

pytestmark = pytest.mark.fault

#: Two maps, 8 units of 2 × 20,000 × 2 float64 (640 kB each): ~5 MB, more than the 2 MB disk.
SPEC = {
    "name": "disk",
    "systems": ["Henon", "Ikeda"],
    "n_train": 6,
    "n_test": 2,
    "n_points": 20_000,
    "shard_size": 2,
}


def _spec() -> DatasetSpec:
    return load_spec(SPEC, kind=DatasetSpec)


def _files(root: Path) -> dict[str, bytes]:
    base = root / "datasets" / f"{_spec().id}.zarr"
    return {str(p.relative_to(base)): p.read_bytes() for p in base.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reference")
    assert verify(_generate.generate_direct(Root(str(root)), _spec())) == []
    return root


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs, mounted for the test and unmounted after it."""
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    mnt = tmp_path / f"tmpfs-{uuid.uuid4().hex[:8]}"
    mnt.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        pytest.skip(f"mount -t tmpfs not permitted here: {res.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_fails_clearly_marks_nothing_false_and_reruns_elsewhere(small_disk, reference):
    root = small_disk / "root"
    with pytest.raises(OSError) as err:
        _generate.generate_direct(Root(str(root)), _spec())
    assert err.value.errno == errno.ENOSPC or "No space left" in str(err.value)
    store = DatasetStore(Root(str(root)), _spec().id)
    problems = verify(store)
    # Units marked done verify (no hole or checksum); the rest are missing, nothing finalized.
    assert {p.kind for p in problems} <= {"missing", "incomplete"}
    assert any(p.kind == "missing" for p in problems)
    assert not any(store.is_complete(s) for s in store.systems())
    done = sum(store.is_done(k) for s in store.systems() for k in store.shards(s))

    bigger = small_disk.parent / "bigger"
    shutil.copytree(root, bigger)  # the same stored work, moved to a disk with room
    _, todo = _generate.prepare(Root(str(bigger)), _spec())
    assert len(todo) == 8 - done
    assert verify(_generate.generate_direct(Root(str(bigger)), _spec())) == []
    assert _files(bigger) == _files(reference)


@pytest.mark.parametrize(
    "damage",
    [
        "flip bytes",
        pytest.param("truncate", marks=pytest.mark.slow),
        pytest.param("zero length", marks=pytest.mark.slow),
    ],
)
def test_corrupted_chunk_is_named_then_regenerated_alone(tmp_path, reference, damage):
    root = tmp_path / "root"
    shutil.copytree(reference, root)
    chunk = root / "datasets" / f"{_spec().id}.zarr" / "Ikeda" / "x" / "c" / "2" / "0" / "0"
    data = bytearray(chunk.read_bytes())
    if damage == "flip bytes":
        data[len(data) // 2 : len(data) // 2 + 16] = bytes(16)
        chunk.write_bytes(bytes(data))
    elif damage == "truncate":
        chunk.write_bytes(bytes(data[: len(data) // 3]))
    else:
        chunk.write_bytes(b"")

    res = CliRunner().invoke(app, ["datasets", "verify", "--root", str(root)])
    assert res.exit_code == 1
    text = " ".join(res.output.split())
    assert "Ikeda shard-0002 (traj 4:6)" in text
    assert "1 problem(s)" in text

    store = DatasetStore(Root(str(root)), _spec().id)
    assert repair_dataset(store, verify(store)) == ["Ikeda/shard-0002"]
    _, todo = _generate.prepare(Root(str(root)), _spec())
    assert [str(k) for k in todo] == [f"{_spec().id}/Ikeda/shard-0002[4:6]"]
    assert verify(_generate.generate_direct(Root(str(root)), _spec())) == []
    assert _files(root) == _files(reference)
