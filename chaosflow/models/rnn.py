"""GRU forecaster trained through the same forcing wrapper as the PLRNNs.

Latent ``z = [x, h]``: ``h' = GRU(x, h)`` (Cho et al. 2014 gate equations, as ``torch.nn.GRUCell``),
``x' = x + W_o·h' + b_o`` (residual readout: at fine sampling the next state is close to the
current one). Forcing acts on the ``x`` part, so GTF, sparse TF and plain teacher forcing
(α = 1) all apply. Weights are stacked over members and applied with ``bmm``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from chaosflow.models._base import Model, bmv, stacked


class GRU(Model):
    """Gated recurrent unit with ``hidden`` units and a residual linear readout."""

    name: ClassVar[str] = "gru"
    defaults: ClassVar[dict[str, Any]] = {"hidden": 32}
    default_forcing: ClassVar[str] = "gtf"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        h, g = int(self.hparams["hidden"]), generator
        self.h = h
        s = h**-0.5  # torch.nn.GRUCell's default init range
        self.w_ih = nn.Parameter(stacked(k, (3 * h, dim), s, g))
        self.w_hh = nn.Parameter(stacked(k, (3 * h, h), s, g))
        self.b_ih = nn.Parameter(stacked(k, (3 * h,), s, g))
        self.b_hh = nn.Parameter(stacked(k, (3 * h,), s, g))
        self.w_o = nn.Parameter(stacked(k, (dim, h), 0.1 * s, g))
        self.b_o = nn.Parameter(torch.zeros(k, dim))

    def encode(self, x: Tensor) -> Tensor:
        return torch.cat([x, x.new_zeros((*x.shape[:-1], self.h))], dim=-1)

    def step(self, z: Tensor) -> Tensor:
        x, h = z[..., : self.dim], z[..., self.dim :]
        gi = bmv(self.w_ih, x) + self.b_ih[:, None]
        gh = bmv(self.w_hh, h) + self.b_hh[:, None]
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r, u = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h = (1 - u) * n + u * h
        return torch.cat([x + bmv(self.w_o, h) + self.b_o[:, None], h], dim=-1)
