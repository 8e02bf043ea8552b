"""``fit``: train one model of a family on ``[B, T, d]`` trajectories (a pack of one)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from chaosflow.models import Model, build_model, model_class
from chaosflow.training._checkpoint import save_checkpoint
from chaosflow.training._config import TrainConfig
from chaosflow.training._data import as_trajectories, moments
from chaosflow.training._device import cpu_threads, pick_device
from chaosflow.training._loop import LoopState, Progress, run_loop


@dataclass
class FitResult:
    """A trained model with its training curve.

    ``curve`` maps "step", "loss" (forced training MSE, standardized units), "alpha" (forcing
    strength), "lr" to lists of equal length, and "valid_step"/"valid" (free-run validation MSE)
    to lists of equal length (empty without validation data).
    """

    model: Model
    curve: dict[str, list[float]] = field(default_factory=dict)
    hparams: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def member_seeds(seed: int) -> tuple[torch.Generator, torch.Generator]:
    """Independent CPU generators for initialization and data sampling, from one seed."""
    init, data = np.random.SeedSequence(seed).generate_state(2, dtype=np.uint64)
    return torch.Generator().manual_seed(int(init)), torch.Generator().manual_seed(int(data))


def prepare(
    model: Model, trains: Sequence[np.ndarray], valids: Sequence[np.ndarray] | None, device
) -> tuple[list[torch.Tensor], list[torch.Tensor] | None]:
    """Set per-member normalization; return standardized float32 tensors on ``device``."""
    arrays = [as_trajectories(t) for t in trains]
    if {a.shape[-1] for a in arrays} != {model.dim}:
        raise ValueError(
            f"model dim {model.dim} does not match data dims {[a.shape for a in arrays]}"
        )
    mean, std = moments(arrays)
    model.set_normalization(mean, std)
    model.to(device)

    def standardize(xs):
        return [
            torch.tensor(
                (as_trajectories(a) - mean[i].numpy()) / std[i].numpy(),
                dtype=torch.float32,
                device=device,
            )
            for i, a in enumerate(xs)
        ]

    return standardize(arrays), (standardize(valids) if valids is not None else None)


def curves(state: LoopState | None, config: TrainConfig) -> list[dict[str, list[float]]] | None:
    """Split the loop's device-side records into one plain curve per member."""
    if state is None:
        return None
    n = state.step
    gamma = (config.lr_end / config.lr) ** (1.0 / max(1, config.n_steps))
    steps = list(range(1, n + 1))
    lrs = [config.lr * gamma**s for s in range(n)]
    losses, alphas = state.losses[:n].cpu().T.tolist(), state.alphas[:n].cpu().T.tolist()
    vals = torch.stack(state.valid).cpu().T.tolist() if state.valid else [[]] * len(losses)
    vsteps = [min(n, (i + 1) * config.eval_every) for i in range(len(state.valid))]
    return [
        {"step": steps, "loss": lo, "alpha": al, "lr": lrs, "valid_step": vsteps, "valid": va}
        for lo, al, va in zip(losses, alphas, vals, strict=True)
    ]


def train_model(model, datas, valids, generators, config, progress, run_dir) -> LoopState | None:
    """Dispatch on how the family is fitted: no fit, closed form, or the gradient loop."""
    if model.fitting == "none":
        return None
    with cpu_threads(config.cpu_threads, datas[0].device):
        if model.fitting == "closed_form":
            model.fit_closed_form(datas)
            return None
        return run_loop(
            model, datas, generators, config, valids=valids, progress=progress, run_dir=run_dir
        )


def fit(
    name: str,
    train: np.ndarray,
    *,
    hparams: Mapping[str, Any] | None = None,
    config: TrainConfig = TrainConfig(),
    seed: int,
    valid: np.ndarray | None = None,
    device: str | torch.device | None = None,
    progress: Progress | None = None,
    run_dir: str | os.PathLike[str] | None = None,
) -> FitResult:
    """Train one model of family ``name`` on ``train: [B, T, d]`` (raw units).

    ``seed`` drives initialization and window sampling (no global RNG). ``valid`` enables
    early stopping and best-parameter selection. With ``run_dir``, training state is
    checkpointed every ``config.checkpoint_every`` steps and a rerun resumes from it; the final
    model (``save_checkpoint``) and its training curve (``curve.json``) are saved there too.
    """
    t0 = time.perf_counter()
    dev = pick_device(device)
    init_gen, data_gen = member_seeds(seed)
    model = build_model(name, as_trajectories(train).shape[-1], hparams=hparams, generator=init_gen)
    datas, valids = prepare(model, [train], None if valid is None else [valid], dev)
    path = Path(run_dir) if run_dir is not None else None
    state = train_model(model, datas, valids, [data_gen], config, progress, path)
    model.eval()
    curve = (curves(state, config) or [{}])[0]
    if path is not None:
        save_checkpoint(model, path)
        (path / "curve.json").write_text(json.dumps(curve))
    return FitResult(model, curve, dict(model.hparams), time.perf_counter() - t0)


def family_packable(name: str) -> bool:
    """Whether ``fit_ensemble`` may train members of ``name`` in one pack."""
    return model_class(name).packable
