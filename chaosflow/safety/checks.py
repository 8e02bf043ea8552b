"""Validators for stored work: trained runs (checkpoints) and repair of damaged dataset units.

A run is *finished* when ``done.json`` exists; ``check_run`` then proves its checkpoint loads
without trusting it: the safetensors header is parsed before any tensor is read (a pickle or a
truncated file fails there, and nothing is ever unpickled), the tensors must match the model
family's own names and shapes and be finite. ``quarantine_runs`` moves damaged runs aside, so
the next ``chaosflow train`` retrains exactly those (and nothing else).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from chaosflow.storage import DatasetStore, Root, RunKey

#: Files a finished run may hold; anything else (``*.pt``, ``*.pkl``, ...) is reported.
RUN_FILES = frozenset(
    {"done.json", "curve.json", "model.json", "model.safetensors", "train_state.safetensors"}
)
_SEED = re.compile(r"^seed-(\d+)$")


class CheckpointError(ValueError):
    """A finished run whose checkpoint cannot be trusted; the message names the run."""


@dataclass(frozen=True)
class RunProblem:
    """One damaged run: its key, folder and what is wrong."""

    key: RunKey
    path: str
    detail: str

    def __str__(self) -> str:
        return f"run {self.key}: {self.detail} ({self.path})"


def find_runs(root: Root) -> list[RunKey]:
    """Every finished run (``done.json`` present) under ``<root>/runs``."""
    keys = []
    for train in root.listdir("runs"):
        for model in root.listdir("runs", train):
            for system in root.listdir("runs", train, model):
                for seed in root.listdir("runs", train, model, system):
                    m = _SEED.match(seed)
                    key = m and RunKey(train, model, system, int(m.group(1)))
                    if key and root.exists("runs", *key.parts, "done.json"):
                        keys.append(key)
    return keys


def _local(root: Root, key: RunKey) -> Path:
    return Path(root.join("runs", *key.parts).removeprefix("file://"))


def _config(path: Path) -> dict:
    try:
        config = json.loads((path / "model.json").read_text())
    except FileNotFoundError:
        raise CheckpointError("model.json is missing") from None
    except ValueError as exc:
        raise CheckpointError(f"model.json is not valid JSON ({exc})") from None
    need = {"name", "dim", "k", "hparams"}
    if not isinstance(config, dict) or not need <= set(config):
        raise CheckpointError(f"model.json lacks {sorted(need)}")
    return config


def _tensors(path: Path) -> dict:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    file = path / "model.safetensors"
    if not file.is_file():
        raise CheckpointError("model.safetensors is missing")
    try:
        return load_file(str(file))  # header-first: a pickle or a cut file fails here
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"model.safetensors is not a readable safetensors file ({exc})"
        ) from None


def validate_checkpoint(path: str | Path) -> None:
    """Raise ``CheckpointError`` unless ``path`` holds a loadable, finite checkpoint."""
    import torch

    from chaosflow.models import build_model

    path = Path(path)
    config = _config(path)
    tensors = _tensors(path)
    try:  # on the meta device: shapes only, so a hostile model.json cannot exhaust memory
        with torch.device("meta"):
            expect = build_model(
                config["name"], config["dim"], hparams=config["hparams"], k=config["k"]
            )
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"model.json names no buildable model ({exc})") from None
    shapes = {k: tuple(v.shape) for k, v in expect.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in tensors.items()}
    if got != shapes:
        diff = sorted(set(got.items()) ^ set(shapes.items()))[:4]
        raise CheckpointError(f"tensors do not match the {config['name']!r} model: {diff}")
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"non-finite weights in {bad}")
    extra = sorted(p.name for p in path.iterdir() if p.name not in RUN_FILES)
    if extra:
        raise CheckpointError(f"unexpected files {extra} (never loaded; remove them)")


def check_run(root: Root, key: RunKey) -> RunProblem | None:
    """The problem of one finished run, or None when its checkpoint is sound (local roots)."""
    path = _local(root, key)
    try:
        validate_checkpoint(path)
    except CheckpointError as exc:
        return RunProblem(key, str(path), str(exc))
    return None


def verify_runs(root: Root) -> list[RunProblem]:
    """Problems of every finished run under the root; empty when all are sound."""
    return [p for k in find_runs(root) if (p := check_run(root, k)) is not None]


def quarantine_runs(root: Root, problems: list[RunProblem]) -> list[str]:
    """Move damaged runs to ``<root>/quarantine/runs/...`` (kept for inspection); return paths.

    Their done-markers go with them, so the next ``chaosflow train`` on the same spec retrains
    exactly these runs (same seeds, hence the same weights) and reuses every other one.
    """
    moved = []
    for p in problems:
        dest = Path(root.join("quarantine", "runs", *p.key.parts).removeprefix("file://"))
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(p.path, dest)
        moved.append(str(dest))
    return moved


_UNIT = re.compile(r"^shard-(\d+)")
REPAIRABLE = frozenset({"hole", "checksum", "unreadable"})


def repair_dataset(store: DatasetStore, problems: list) -> list[str]:
    """Forget damaged units (their done-markers and the system's completion marker).

    ``problems`` come from ``chaosflow.storage.verify.verify``. A rerun of the same spec then
    regenerates exactly those units, to the same bytes (seeds are per unit). Returns what was
    forgotten, as ``system/shard-NNNN``.
    """
    forgotten = []
    for p in problems:
        m = _UNIT.match(p.unit)
        if p.kind not in REPAIRABLE or m is None:
            continue
        marker = f"shard-{int(m.group(1)):04d}.json"
        for name in (marker, "complete.json"):
            url = store.root.join("datasets", store.sname, p.system, name)
            if store.root.fs.exists(url):
                store.root.fs.rm(url)
        forgotten.append(f"{p.system}/{marker.removesuffix('.json')}")
    return forgotten
