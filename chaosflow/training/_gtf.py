"""Teacher-forcing schedules: fixed GTF α, adaptive α (Hess et al. 2023), sparse forcing.

Adaptive GTF (Hess, Monfared, Brenner, Durstewitz, ICML 2023, sec. 4.2): the product of GTF
Jacobians along a forced trajectory, ``∏ (1−α)·J_t``, stays bounded when ``(1−α)·𝒩 ≤ 1`` where
``𝒩`` is the geometric mean of the spectral norms ``‖J_t‖₂``; hence ``α* = max(0, 1 − 1/𝒩)``.
α is re-estimated every few steps, follows a larger α* at once and only decays slowly towards
a smaller one, so training gradients never explode while forcing fades as the model learns.
"""

from __future__ import annotations

import torch
from torch import Tensor

from chaosflow.models._base import Model
from chaosflow.training._config import TrainConfig

#: Forced states used per member to estimate 𝒩 (subsampled along batch × time).
_JAC_SAMPLES = 256


def forcing_mode(model: Model, config: TrainConfig) -> str:
    """The forcing mode in effect: the config's, or the family's default."""
    return config.forcing or model.default_forcing


def initial_alpha(mode: str, config: TrainConfig, k: int, device: torch.device) -> Tensor:
    """``[K]`` starting α: config α for (adaptive) GTF, 1 for sparse TF, 0 without forcing."""
    value = {"gtf": config.alpha, "adaptive": config.alpha, "sparse": 1.0, "none": 0.0}[mode]
    return torch.full((k,), float(value), device=device)


def forcing_interval(mode: str, config: TrainConfig) -> int:
    """Steps between forcing events (1 except for sparse teacher forcing)."""
    return max(1, int(config.tf_interval)) if mode == "sparse" else 1


@torch.no_grad()
def alpha_star(model: Model, states: Tensor) -> Tensor:
    """``[K]`` α* = max(0, 1 − 1/𝒩) from forced latent states ``[K, B, T, M]``."""
    flat = states.flatten(1, 2)
    stride = max(1, flat.shape[1] // _JAC_SAMPLES)
    jac = model.jacobian(flat[:, ::stride])
    norms = torch.linalg.matrix_norm(jac, ord=2).clamp_min(1e-12)
    geo = norms.log().mean(dim=1).exp()
    return (1.0 - 1.0 / geo).clamp(min=0.0, max=1.0)


def update_alpha(alpha: Tensor, star: Tensor, decay: float) -> Tensor:
    """Jump up to a larger α*, decay slowly towards a smaller one (per member)."""
    return torch.where(star > alpha, star, decay * alpha + (1.0 - decay) * star)
