"""The gradient loop for a pack of K members (K = 1 for a single fit).

Everything that could couple members is done per member: the loss is a sum of per-member means,
gradients are clipped by each member's own norm, Adam-type optimizers act elementwise, α and
early stopping are tracked per member. Hence a pack trains each member exactly as a lone fit
would (up to float rounding of batched matmuls). No host sync per step: losses and α stay on
the device until an evaluation point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from chaosflow.models import Model
from chaosflow.training import _gtf
from chaosflow.training._checkpoint import load_train_state, save_train_state
from chaosflow.training._config import TrainConfig
from chaosflow.training._data import WindowSampler, valid_windows

Progress = Callable[[int, int, float], None]


@dataclass
class LoopState:
    """Mutable per-run state (all tensors have a leading member axis where it applies)."""

    step: int
    alpha: Tensor  # [K]
    best: dict[str, Tensor]
    best_val: Tensor  # [K]
    bad: Tensor  # [K] evaluations without improvement
    stopped: Tensor  # [K] bool
    losses: Tensor  # [n_steps, K]
    alphas: Tensor  # [n_steps, K]
    valid: list[Tensor]  # per evaluation, [K]


def clip_per_member(params: list[Tensor], max_norm: float) -> None:
    """Scale each member's gradient to norm ≤ ``max_norm`` (as ``clip_grad_norm_`` per member)."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads or max_norm <= 0:
        return
    sq = torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0)  # [K]
    coef = (max_norm / (sq.sqrt() + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef.view(-1, *([1] * (g.dim() - 1))))


def make_optimizer(model: Model, config: TrainConfig):
    """RAdam/Adam with exponential decay from ``lr`` to ``lr_end`` over ``n_steps``."""
    cls = {"radam": torch.optim.RAdam, "adam": torch.optim.Adam}[config.optimizer]
    opt = cls(model.parameters(), lr=config.lr)
    gamma = (config.lr_end / config.lr) ** (1.0 / max(1, config.n_steps))
    return opt, torch.optim.lr_scheduler.ExponentialLR(opt, gamma=gamma)


@torch.no_grad()
def validation_loss(model: Model, windows: Tensor) -> Tensor:
    """``[K]`` free-run MSE over validation windows ``[K, n, h, d]`` (standardized)."""
    gen = model.generate(windows[:, :, 0], windows.shape[2], context=None)
    err = (gen - windows).pow(2).mean(dim=(1, 2, 3))
    return torch.nan_to_num(err, nan=math.inf, posinf=math.inf)


def _params_copy(model: Model) -> dict[str, Tensor]:
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def _freeze(model: Model, state: LoopState) -> None:
    """Members that stopped early keep their best parameters."""
    if state.stopped.any():
        with torch.no_grad():
            for name, p in model.named_parameters():
                p[state.stopped] = state.best[name][state.stopped]


def _evaluate(model: Model, windows: Tensor, state: LoopState, patience: int) -> None:
    val = validation_loss(model, windows)
    val = torch.where(state.stopped, state.best_val, val)
    improved = (val < state.best_val) & ~state.stopped
    for name, p in model.named_parameters():
        state.best[name][improved] = p.detach()[improved]
    state.best_val = torch.where(improved, val, state.best_val)
    state.bad = torch.where(improved, torch.zeros_like(state.bad), state.bad + 1)
    if patience > 0:
        state.stopped = state.stopped | (state.bad >= patience)
    state.valid.append(val)


def run_loop(
    model: Model,
    datas: list[Tensor],
    generators: list[torch.Generator],
    config: TrainConfig,
    *,
    valids: list[Tensor] | None = None,
    progress: Progress | None = None,
    run_dir: Path | None = None,
) -> LoopState:
    """Train ``model`` (a pack of ``len(datas)`` members) on standardized ``[B, T, d]`` tensors."""
    k, dev = model.k, datas[0].device
    mode = _gtf.forcing_mode(model, config)
    interval = _gtf.forcing_interval(mode, config)
    sampler = WindowSampler(datas, generators, config.batch_size, config.seq_len, config.noise)
    windows = valid_windows(valids, config.valid_horizon) if valids else None
    opt, sched = make_optimizer(model, config)
    state = LoopState(
        0,
        _gtf.initial_alpha(mode, config, k, dev),
        _params_copy(model),
        torch.full((k,), math.inf, device=dev),
        torch.zeros(k, dtype=torch.long, device=dev),
        torch.zeros(k, dtype=torch.bool, device=dev),
        torch.zeros(config.n_steps, k, device=dev),
        torch.zeros(config.n_steps, k, device=dev),
        [],
    )
    if run_dir is not None:
        _resume(run_dir, model, opt, sched, sampler, state, config)
    params = list(model.parameters())
    while state.step < config.n_steps and not (config.patience and bool(state.stopped.all())):
        x = sampler.sample()
        loss, states = model.forced_loss(x, state.alpha, interval=interval)
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()
        clip_per_member(params, config.grad_clip)
        opt.step()
        sched.step()
        _freeze(model, state)
        state.losses[state.step], state.alphas[state.step] = loss.detach(), state.alpha
        if mode == "adaptive" and state.step % config.alpha_every == 0:
            star = _gtf.alpha_star(model, states)
            state.alpha = _gtf.update_alpha(state.alpha, star, config.alpha_decay)
        state.step += 1
        if state.step % config.eval_every == 0 or state.step == config.n_steps:
            if windows is not None:
                _evaluate(model, windows, state, config.patience)
            if progress is not None:
                progress(state.step, config.n_steps, float(loss.detach().mean()))
        if run_dir is not None and state.step % config.checkpoint_every == 0:
            _save(run_dir, model, opt, sched, sampler, state, config)
    if windows is not None:
        model.load_state_dict(state.best, strict=False)
    return state


def _save(run_dir, model, opt, sched, sampler, state: LoopState, config: TrainConfig) -> None:
    opt_sd = opt.state_dict()
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors |= {f"best.{k}": v for k, v in state.best.items()}
    tensors |= {f"sampler.{k}": v for k, v in sampler.state().items()}
    for i, st in opt_sd["state"].items():
        tensors |= {f"opt.{i}.{key}": torch.as_tensor(v) for key, v in st.items()}
    for name in ("alpha", "best_val", "bad", "stopped", "losses", "alphas"):
        tensors[name] = getattr(state, name)
    if state.valid:
        tensors["valid"] = torch.stack(state.valid)
    meta = {
        "step": state.step,
        "config": config.to_dict(),
        "k": model.k,
        "param_groups": opt_sd["param_groups"],
        "sched": sched.state_dict(),
    }
    save_train_state(run_dir, tensors, meta)


def _resume(run_dir, model, opt, sched, sampler, state: LoopState, config: TrainConfig) -> None:
    saved = load_train_state(run_dir)
    if saved is None:
        return
    tensors, meta = saved
    if meta["config"] != config.to_dict() or meta["k"] != model.k:
        raise ValueError(f"{run_dir} holds a run with another config; use a new run directory")
    dev = state.alpha.device
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    state.best = {k[5:]: v.to(dev) for k, v in tensors.items() if k.startswith("best.")}
    sampler.load_state({k[8:]: v for k, v in tensors.items() if k.startswith("sampler.")})
    opt_state: dict[int, dict[str, Tensor]] = {}
    for key, v in tensors.items():
        if key.startswith("opt."):
            _, i, name = key.split(".", 2)
            opt_state.setdefault(int(i), {})[name] = v.to(dev) if v.dim() else v
    opt.load_state_dict({"state": opt_state, "param_groups": meta["param_groups"]})
    sched.load_state_dict(meta["sched"])
    for name in ("alpha", "best_val", "bad", "stopped", "losses", "alphas"):
        setattr(state, name, tensors[name].to(dev))
    state.valid = list(tensors["valid"].to(dev)) if "valid" in tensors else []
    state.step = int(meta["step"])
