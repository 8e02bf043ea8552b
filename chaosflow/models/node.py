"""Neural ODE (Chen et al. 2018, NeurIPS) integrated with torchdiffeq's dopri5.

``dx/ds = f_θ(x)`` in standardized units with ``s`` counted in samples (one sample = one unit of
model time), ``f_θ`` a tanh MLP. Trained on short windows that each start from data (multiple
shooting without continuity penalty): the loss is the MSE of the integrated window. Adaptive step
control is shared by everything integrated together, so members are fitted one by one
(``packable = False``) to keep ``fit_ensemble`` equal to sequential fits.
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import torch
from torch import Tensor, nn
from torchdiffeq import odeint

from chaosflow.models._base import Model, bmv, stacked


class NeuralODE(Model):
    """MLP vector field of ``width`` × ``depth`` hidden layers."""

    name: ClassVar[str] = "node"
    defaults: ClassVar[dict[str, Any]] = {
        "width": 64,
        "depth": 2,
        "method": "dopri5",
        "rtol": 1e-5,
        "atol": 1e-6,
    }
    default_forcing: ClassVar[str] = "none"
    packable: ClassVar[bool] = False

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        w, g = int(self.hparams["width"]), generator
        sizes = [dim] + [w] * int(self.hparams["depth"]) + [dim]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for i, (a, b) in enumerate(itertools.pairwise(sizes)):
            scale = a**-0.5 * (0.1 if i == len(sizes) - 2 else 1.0)
            self.weights.append(nn.Parameter(stacked(k, (b, a), scale, g)))
            self.biases.append(nn.Parameter(torch.zeros(k, b)))

    def vector_field(self, s: Tensor, x: Tensor) -> Tensor:
        """``f_θ(x)``, ``[K, B, d] -> [K, B, d]`` (autonomous; ``s`` unused)."""
        h = x
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = bmv(w, h) + b[:, None]
            if i < len(self.weights) - 1:
                h = torch.tanh(h)
        return h

    def _integrate(self, x0: Tensor, n: int) -> Tensor:
        s = torch.arange(n, dtype=x0.dtype, device=x0.device)
        hp = self.hparams
        out = odeint(
            self.vector_field, x0, s, method=hp["method"], rtol=hp["rtol"], atol=hp["atol"]
        )
        return out.permute(1, 2, 0, 3)  # [n, K, B, d] -> [K, B, n, d]

    def step(self, z: Tensor) -> Tensor:
        return self._integrate(z, 2)[:, :, 1]

    def forced_loss(self, x: Tensor, alpha: Tensor, *, interval: int = 1) -> tuple[Tensor, Tensor]:
        pred = self._integrate(x[:, :, 0], x.shape[2])
        loss = (pred[:, :, 1:] - x[:, :, 1:]).pow(2).mean(dim=(1, 2, 3))
        return loss, x[:, :, :-1].detach()

    def generate(self, x0: Tensor, n: int, *, context: Tensor | None = None) -> Tensor:
        return self._integrate(x0, n)
