"""Linear recurrent unit (LRU), a diagonal state-space model, with a recurrent rollout.

Orvieto et al. (2023), "Resurrecting Recurrent Neural Networks for Long Sequences", ICML:
complex diagonal recurrence ``h' = λ⊙h + γ⊙(B·u)`` with ``λ = exp(−exp(ν) + i·exp(θ))`` (stable by
construction), ``γ = sqrt(1 − |λ|²)`` normalization, radii initialized uniformly on the ring
``[r_min, r_max]``. Here the input is the current state and a GELU MLP reads the next state
increment from ``[Re(C·h'), x]``: ``x' = x + W2·gelu(W1·[Re(C·h'), x] + b1) + b2``. Training may
use a parallel scan; we train and roll out with the same recurrent step (sequences are short).
Latent ``z = [x, Re h, Im h]``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from chaosflow.models._base import Model, bmv, stacked


class LRU(Model):
    """One LRU block of ``state`` complex modes and an MLP head of width ``hidden``."""

    name: ClassVar[str] = "lru"
    defaults: ClassVar[dict[str, Any]] = {
        "state": 32,
        "hidden": 64,
        "r_min": 0.5,
        "r_max": 0.99,
        "max_phase": math.pi / 4,
    }
    default_forcing: ClassVar[str] = "gtf"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        hp, g = self.hparams, generator
        n, w = int(hp["state"]), int(hp["hidden"])
        self.n = n
        u1, u2 = torch.rand(k, n, generator=g), torch.rand(k, n, generator=g)
        radius_sq = u1 * (hp["r_max"] ** 2 - hp["r_min"] ** 2) + hp["r_min"] ** 2
        self.nu_log = nn.Parameter(torch.log(-0.5 * torch.log(radius_sq)))
        self.theta_log = nn.Parameter(torch.log(hp["max_phase"] * u2 + 1e-4))
        self.b_re = nn.Parameter(stacked(k, (n, dim), (2 * dim) ** -0.5, g))
        self.b_im = nn.Parameter(stacked(k, (n, dim), (2 * dim) ** -0.5, g))
        self.c_re = nn.Parameter(stacked(k, (w, n), n**-0.5, g))
        self.c_im = nn.Parameter(stacked(k, (w, n), n**-0.5, g))
        self.w1 = nn.Parameter(stacked(k, (w, w + dim), (w + dim) ** -0.5, g))
        self.b1 = nn.Parameter(torch.zeros(k, w))
        self.w2 = nn.Parameter(stacked(k, (dim, w), 0.1 * w**-0.5, g))
        self.b2 = nn.Parameter(torch.zeros(k, dim))

    def eigenvalues(self) -> tuple[Tensor, Tensor]:
        """Real and imaginary parts of λ, ``[K, n]`` each (|λ| < 1 always)."""
        mod = torch.exp(-torch.exp(self.nu_log))
        phase = torch.exp(self.theta_log)
        return mod * torch.cos(phase), mod * torch.sin(phase)

    def encode(self, x: Tensor) -> Tensor:
        return torch.cat([x, x.new_zeros((*x.shape[:-1], 2 * self.n))], dim=-1)

    def step(self, z: Tensor) -> Tensor:
        x = z[..., : self.dim]
        h_re, h_im = z[..., self.dim : self.dim + self.n], z[..., self.dim + self.n :]
        l_re, l_im = (v[:, None] for v in self.eigenvalues())
        gamma = torch.sqrt((1 - l_re**2 - l_im**2).clamp_min(1e-8))
        new_re = l_re * h_re - l_im * h_im + gamma * bmv(self.b_re, x)
        new_im = l_re * h_im + l_im * h_re + gamma * bmv(self.b_im, x)
        y = bmv(self.c_re, new_re) - bmv(self.c_im, new_im)
        hid = F.gelu(bmv(self.w1, torch.cat([y, x], dim=-1)) + self.b1[:, None])
        x_next = x + bmv(self.w2, hid) + self.b2[:, None]
        return torch.cat([x_next, new_re, new_im], dim=-1)
