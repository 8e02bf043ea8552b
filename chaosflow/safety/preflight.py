"""Estimate what a spec will need before anything starts; refuse sizes that cannot fit.

The estimates are upper bounds from the shapes alone (float64, uncompressed): the dataset's
bytes on disk, and the largest array one task holds in memory (a generation shard, a training
pack's data, an evaluation cell's rollouts). They are compared with the free space under the
root and the memory available to one local worker. The message names the spec field to change.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from chaosflow.specs import BenchmarkSpec, DatasetSpec, ObservedDatasetSpec, SpecError

#: Working copies per stored array in one task (simulate's output, the float64 copy, RK stages).
GEN_COPIES = 3
#: Training holds the data once per ensemble member (standardized copies) plus windows.
TRAIN_COPIES = 2
#: Evaluation: rollout, truth, and metric temporaries per cell.
EVAL_COPIES = 4
#: Refuse when an estimate exceeds this share of what is free.
DISK_SHARE = 0.9
MEMORY_SHARE = 0.8


class PreflightError(SpecError):
    """A spec that cannot run here: the message names the field and the sizes."""


@dataclass(frozen=True)
class Estimate:
    """Sizes in bytes; ``None`` where this machine cannot know (remote roots/clusters)."""

    disk: int
    shard_memory: int
    train_memory: int
    eval_memory: int
    free_disk: int | None
    worker_memory: int | None

    @property
    def task_memory(self) -> int:
        return max(self.shard_memory, self.train_memory, self.eval_memory)


def human(n: float) -> str:
    """Bytes as a short human string (``1.5 GB``)."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError  # pragma: no cover


def _free_disk(root: str) -> int | None:
    if _remote(root):
        return None
    path = Path(root.removeprefix("file://")).absolute()
    while not path.exists():  # the root may not exist yet: ask its nearest ancestor
        path = path.parent
    return shutil.disk_usage(path).free


def _worker_memory(spec: BenchmarkSpec) -> int | None:
    if spec.cluster.kind not in ("threads", "local"):
        return None
    avail = psutil.virtual_memory().available
    return avail if spec.cluster.kind == "threads" else avail // spec.cluster.n_workers


def estimate(spec: BenchmarkSpec, root: str) -> Estimate:
    """Upper-bound sizes of ``spec`` run under ``root`` (see the module docstring)."""
    ds, ev = spec.dataset, spec.evaluate
    disk = shard = train = 0
    if isinstance(ds, DatasetSpec):
        dims = [ref.build().dim for ref in ds.systems]
        done = _stored(ds, root)
        disk = sum(
            8 * ds.n_traj * (ds.n_points + 1) * d
            for ref, d in zip(ds.systems, dims, strict=True)
            if ref.key not in done
        )
        shard = max(8 * GEN_COPIES * min(ds.shard_size, ds.n_traj) * ds.n_points * d for d in dims)
        t_len = min(ds.n_points, spec.train.max_train_points or ds.n_points)
        train = max(
            8 * TRAIN_COPIES * len(spec.train.seeds) * (ds.n_train + ds.n_valid) * t_len * d
            for d in dims
        )
        n_test = ds.n_test
    else:
        dims, n_test = [1], 1  # observed: sizes were checked at ingest
    steps = max(ev.horizon, ev.n_generate)
    evals = max(8 * EVAL_COPIES * n_test * steps * d for d in dims)
    return Estimate(disk, shard, train, evals, _free_disk(root), _worker_memory(spec))


def _disk_message(spec: DatasetSpec, est: Estimate) -> str:
    return (
        f"dataset needs ~{human(est.disk)} on disk (dataset.n_train + n_valid + n_test = "
        f"{spec.n_traj} trajectories × dataset.n_points = {spec.n_points} × dim × 8 bytes, "
        f"{len(spec.systems)} systems) but only {human(est.free_disk or 0)} are free under the "
        "root; reduce dataset.n_points or the trajectory counts, or use a bigger --root"
    )


def _memory_problems(spec: BenchmarkSpec, est: Estimate) -> list[str]:
    limit = MEMORY_SHARE * (est.worker_memory or 0)
    mem = human(est.worker_memory or 0)
    fields = [
        (est.shard_memory, "one generation shard", "dataset.shard_size or dataset.n_points"),
        (est.train_memory, "one training pack", "train.max_train_points or dataset.n_train"),
        (est.eval_memory, "one evaluation cell", "evaluate.n_generate or evaluate.horizon"),
    ]
    return [
        f"{what} needs ~{human(need)} of memory but a worker has ~{mem} available; "
        f"reduce {field} (or cluster.n_workers)"
        for need, what, field in fields
        if need > limit
    ]


def _config_problems(spec: BenchmarkSpec) -> list[str]:
    """Training knobs and hyper-parameters are checked now, not an hour into a run."""
    import dataclasses

    from chaosflow.models import build_model
    from chaosflow.training import TrainConfig

    known = {f.name for f in dataclasses.fields(TrainConfig)}
    problems = [
        f"train.config.{k}: unknown training option; known: {sorted(known)}"
        for k in sorted(set(spec.train.config) - known)
    ]
    if not problems:
        try:
            TrainConfig(**spec.train.config)
        except (TypeError, ValueError) as exc:
            problems.append(f"train.config: {exc}")
    for i, model in enumerate(spec.train.models):
        try:
            build_model(model.name, 2, hparams=model.hparams)
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"train.models.{i}.hparams: {exc}")
    return problems


def _remote(root: str) -> bool:
    return "://" in root and not root.startswith("file://")


def _observed_problems(spec: BenchmarkSpec, root: str) -> list[str]:
    from chaosflow.storage import DatasetStore, Root

    ds = spec.dataset
    if not isinstance(ds, ObservedDatasetSpec) or _remote(root):
        return []  # remote roots: the generate stage asks the store
    store = DatasetStore(Root(root), ds.id)
    if store.exists() and store.is_complete(ds.observed):
        return []
    return [
        f"dataset.observed: no ingested dataset {ds.observed!r} under {root}; run "
        f"`chaosflow ingest FILE --name {ds.observed} --root {root}` first"
    ]


def _stored(spec: DatasetSpec, root: str) -> set[str]:
    """Systems already complete under a local root (a rerun needs no disk for them)."""
    from chaosflow.storage import DatasetStore, Root

    if _remote(root) or not os.path.isdir(root.removeprefix("file://")):
        return set()
    store = DatasetStore(Root(root), spec.id)
    if not store.exists():
        return set()
    return {k for k in spec.system_keys if store.is_complete(k)}


def check(spec: BenchmarkSpec, root: str) -> Estimate:
    """Raise ``PreflightError`` naming every problem; return the estimate when all fit."""
    est = estimate(spec, root)
    problems = _config_problems(spec) + _observed_problems(spec, root)
    if est.free_disk is not None and est.disk > DISK_SHARE * est.free_disk:
        assert isinstance(spec.dataset, DatasetSpec)
        problems.append(_disk_message(spec.dataset, est))
    if est.worker_memory is not None:
        problems += _memory_problems(spec, est)
    if problems:
        raise PreflightError("spec cannot run here:\n  " + "\n  ".join(problems))
    return est


def check_dict(spec: Any, root: str) -> Estimate:
    """``check`` for a spec given as a dict or a path (validated first)."""
    from chaosflow.specs import load_spec

    return check(spec if isinstance(spec, BenchmarkSpec) else load_spec(spec), root)
