"""Checkpoints as safetensors + JSON, never pickle.

``<dir>/model.safetensors`` holds every parameter and buffer; ``<dir>/model.json`` the family
name, dimension, member count and hyper-parameters, enough to rebuild the module. Training
state for resume (optimizer moments, sampler generators, α, best parameters, curve) lives in
one file, ``<dir>/train_state.safetensors`` (plain values as JSON in its metadata). Files are
written to a temporary name and renamed, so a killed run leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from chaosflow.models import Model, build_model

FORMAT_VERSION = 1


def _atomic_json(path: Path, obj: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _atomic_tensors(
    path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None
) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    cpu = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    save_file(cpu, str(tmp), metadata=metadata)
    os.replace(tmp, path)


def save_checkpoint(model: Model, directory: str | os.PathLike[str]) -> Path:
    """Write ``model`` (weights + config) under ``directory``; returns the directory."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    _atomic_tensors(path / "model.safetensors", dict(model.state_dict()))
    config = {
        "format": FORMAT_VERSION,
        "name": model.name,
        "dim": model.dim,
        "k": model.k,
        "hparams": model.hparams,
    }
    _atomic_json(path / "model.json", config)
    return path


def load_checkpoint(
    directory: str | os.PathLike[str], *, device: str | torch.device = "cpu"
) -> Model:
    """Rebuild the model saved by ``save_checkpoint`` (on ``device``, in eval mode)."""
    path = Path(directory)
    config = json.loads((path / "model.json").read_text())
    model = build_model(config["name"], config["dim"], hparams=config["hparams"], k=config["k"])
    model.load_state_dict(load_file(str(path / "model.safetensors")))
    return model.to(device).eval()


def save_train_state(directory: Path, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """Resume state in one atomically replaced file: tensors + JSON metadata."""
    directory.mkdir(parents=True, exist_ok=True)
    _atomic_tensors(directory / "train_state.safetensors", tensors, {"meta": json.dumps(meta)})


def load_train_state(directory: Path) -> tuple[dict[str, torch.Tensor], dict] | None:
    """The saved resume state, or None when there is none."""
    path = directory / "train_state.safetensors"
    if not path.exists():
        return None
    with safe_open(str(path), framework="pt") as f:
        meta = json.loads(f.metadata()["meta"])
    return load_file(str(path)), meta
