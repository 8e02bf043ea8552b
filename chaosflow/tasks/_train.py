"""Training work, free of Prefect/Dask: plan packs of runs, train a pack, store checkpoints.

A pack is one model family on one system with all its seeds: ``fit_ensemble`` trains it in one
process with batched parameters (one GPU task trains the whole pack).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chaosflow.specs import DatasetSpec, ModelSpec, ObservedDatasetSpec, TrainSpec, spec_hash
from chaosflow.storage import DatasetStore, Root, RunKey, StorageError

AnyDataset = DatasetSpec | ObservedDatasetSpec


def run_id(dataset: AnyDataset, model: ModelSpec, train: TrainSpec) -> str:
    """Names a model's runs by everything that determines their weights (not by other models)."""
    payload = {
        "kind": "run",
        "dataset": dataset.id,
        "model": model.model_dump(mode="json"),
        "config": train.config,
        "max_train_points": train.max_train_points,
    }
    return f"{model.key}-{spec_hash(payload)[:12]}"


@dataclass(frozen=True)
class Pack:
    """Runs trained together: one model on one system, several seeds."""

    model: ModelSpec
    keys: tuple[RunKey, ...]

    def __str__(self) -> str:
        k = self.keys[0]
        return f"{k.train}/{k.system}/seeds{[r.seed for r in self.keys]}"


def is_done(root: Root, key: RunKey) -> bool:
    return root.exists("runs", *key.parts, "done.json")


def plan_packs(root: Root, dataset: AnyDataset, train: TrainSpec) -> list[Pack]:
    """Packs of the runs not yet done (a rerun trains only what is missing)."""
    packs = []
    for model in train.models:
        rid = run_id(dataset, model, train)
        for system in dataset.system_keys:
            keys = tuple(RunKey(rid, model.key, system, s) for s in train.seeds)
            todo = tuple(k for k in keys if not is_done(root, k))
            if todo:
                packs.append(Pack(model, todo))
    return packs


def train_pack(
    root: Root,
    dataset: AnyDataset,
    train: TrainSpec,
    pack: Pack,
    device: str | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Fit every run of a pack at once, then store each checkpoint, curve and done-marker."""
    from chaosflow.training import TrainConfig, fit_ensemble, save_checkpoint

    store = DatasetStore(root, dataset.id)
    system = pack.keys[0].system
    data = store.load_split(system, "train")
    if train.max_train_points:
        data = data[:, : train.max_train_points]
    valid = store.load_split(system, "valid")
    t0 = time.perf_counter()
    results = fit_ensemble(
        pack.model.name,
        [data] * len(pack.keys),
        hparams=pack.model.hparams,
        config=TrainConfig(**train.config),
        seeds=[k.seed for k in pack.keys],
        valids=[valid] * len(pack.keys) if valid.shape[0] else None,
        device=device,
        progress=progress,
    )
    seconds = time.perf_counter() - t0
    for key, res in zip(pack.keys, results, strict=True):
        with tempfile.TemporaryDirectory() as tmp:
            save_checkpoint(res.model, tmp)
            _upload(root, Path(tmp), "runs", *key.parts)
        root.write_json({"curve": res.curve}, "runs", *key.parts, "curve.json")
        root.write_json(
            {
                "run": str(key),
                "model": pack.model.model_dump(mode="json"),
                "seconds": seconds,
                "final_loss": _last(res.curve),
            },
            "runs",
            *key.parts,
            "done.json",
        )
    return {"pack": str(pack), "seconds": seconds, "runs": len(pack.keys)}


def _last(curve: dict[str, list[float]]) -> float | None:
    for name in ("loss", "train_loss", "train"):
        if curve.get(name):
            return float(curve[name][-1])
    return None


def _upload(root: Root, local: Path, *parts: str) -> None:
    dest = root.join(*parts)
    if root.is_local:
        dest_path = Path(dest.removeprefix("file://"))
        dest_path.mkdir(parents=True, exist_ok=True)
        for f in local.iterdir():
            shutil.copyfile(f, dest_path / (f.name + ".tmp"))
            (dest_path / (f.name + ".tmp")).replace(dest_path / f.name)
    else:
        root.fs.put(str(local) + "/", dest + "/", recursive=True)


def load_run(root: Root, key: RunKey):
    """The trained model of a run (from safetensors + JSON; nothing is unpickled)."""
    from chaosflow.training import load_checkpoint

    url = root.join("runs", *key.parts)
    try:
        if root.is_local:
            return load_checkpoint(url.removeprefix("file://"))
        with tempfile.TemporaryDirectory() as tmp:
            root.fs.get(url + "/", tmp + "/", recursive=True)
            return load_checkpoint(tmp)
    except Exception as exc:
        raise StorageError(
            f"run {key}: the checkpoint at {url} cannot be loaded ({type(exc).__name__}: "
            f"{exc}); `chaosflow runs verify --root ROOT --repair` quarantines it and the next "
            "`chaosflow train` (or `run`) retrains that run alone"
        ) from None


def as_numpy(x: Any) -> np.ndarray:
    return x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)
