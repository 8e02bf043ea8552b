"""Echo-state network (reservoir computing) with a closed-form ridge readout.

Reservoir (Jaeger 2001; Pathak et al. 2018, PRL 120, 024102, for chaotic forecasting):
``r' = (1 − a)·r + a·tanh(W·r + W_in·x + b)``, ``W`` sparse random scaled to spectral radius
``ρ``; readout ``x' = x + W_out·[r', r'², 1]`` (squares break the tanh symmetry, as in Pathak et
al.; predicting the increment keeps the readout small at fine sampling). ``W_out`` is the ridge
regression solution on teacher-forced reservoir states after a wash-out.

The reservoir synchronizes to its input (echo-state property), so ``rollout`` needs a
``context`` of a few hundred observed points for accurate forecasts; without one the state
starts from a ridge-regressed estimate ``r ≈ E·[1, x, x⊗x]`` of the synchronized state.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor

from chaosflow.models._base import Model, bmv


def _features(r: Tensor) -> Tensor:
    return torch.cat([r, r * r, torch.ones_like(r[..., :1])], dim=-1)


def _quadratic(x: Tensor) -> Tensor:
    quad = (x[..., :, None] * x[..., None, :]).flatten(-2)
    return torch.cat([torch.ones_like(x[..., :1]), x, quad], dim=-1)


def _ridge(features: Tensor, targets: Tensor, beta: float) -> Tensor:
    """``W`` minimizing ‖features·Wᵀ − targets‖² + β‖W‖², in float64: ``[out, n_features]``."""
    f, y = features.double(), targets.double()
    gram = f.T @ f + beta * torch.eye(f.shape[1], dtype=f.dtype, device=f.device)
    return torch.linalg.solve(gram, f.T @ y).T


class EchoState(Model):
    """Leaky ESN with ``size`` units; all weights are buffers (no gradient training)."""

    name: ClassVar[str] = "esn"
    defaults: ClassVar[dict[str, Any]] = {
        "size": 400,
        "spectral_radius": 0.9,
        "degree": 6,
        "input_scale": 0.1,
        "leak": 1.0,
        "ridge": 1e-6,
        "washout": 200,
    }
    fitting: ClassVar[str] = "closed_form"
    default_forcing: ClassVar[str] = "none"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        n, hp, g = int(self.hparams["size"]), self.hparams, generator
        self.n = n
        density = min(1.0, hp["degree"] / n)
        w = (torch.rand(k, n, n, generator=g) * 2 - 1) * (
            torch.rand(k, n, n, generator=g) < density
        )
        radius = torch.linalg.eigvals(w.double()).abs().amax(-1).clamp_min(1e-12)
        self.register_buffer("w", (w / radius[:, None, None].float()) * hp["spectral_radius"])
        self.register_buffer(
            "w_in", (torch.rand(k, n, dim, generator=g) * 2 - 1) * hp["input_scale"]
        )
        self.register_buffer("b", (torch.rand(k, n, generator=g) * 2 - 1) * hp["input_scale"])
        self.register_buffer("w_out", torch.zeros(k, dim, 2 * n + 1))
        self.register_buffer("enc", torch.zeros(k, n, 1 + dim + dim * dim))

    def _reservoir(self, r: Tensor, x: Tensor) -> Tensor:
        a = self.hparams["leak"]
        pre = bmv(self.w, r) + bmv(self.w_in, x) + self.b[:, None]
        return (1 - a) * r + a * torch.tanh(pre)

    def encode(self, x: Tensor) -> Tensor:
        return torch.cat([x, bmv(self.enc, _quadratic(x))], dim=-1)

    def step(self, z: Tensor) -> Tensor:
        x, r = z[..., : self.dim], z[..., self.dim :]
        r = self._reservoir(r, x)
        return torch.cat([x + bmv(self.w_out, _features(r)), r], dim=-1)

    @torch.no_grad()
    def fit_closed_form(self, data: list[Tensor]) -> None:
        """Drive each member's reservoir with its data ``[B, T, d]``; ridge-fit readout, encoder."""
        for i, x in enumerate(data):
            w, w_in, b = self.w[i : i + 1], self.w_in[i : i + 1], self.b[i : i + 1]
            r = x.new_zeros(1, x.shape[0], self.n)
            states = []
            for t in range(x.shape[1] - 1):
                pre = bmv(w, r) + bmv(w_in, x[None, :, t]) + b[:, None]
                r = (1 - self.hparams["leak"]) * r + self.hparams["leak"] * torch.tanh(pre)
                states.append(r[0])
            rs = torch.stack(states, dim=1)[:, self.hparams["washout"] :]  # r_{t+1}, [B, T', n]
            x_in = x[:, self.hparams["washout"] : -1]
            x_next = x[:, self.hparams["washout"] + 1 :]
            feats, inc = _features(rs).flatten(0, 1), (x_next - x_in).flatten(0, 1)
            self.w_out[i] = _ridge(feats, inc, self.hparams["ridge"]).to(self.w_out.dtype)
            # Encoder: the synchronized state r_t as a function of the observation x_t.
            self.enc[i] = _ridge(_quadratic(x_next).flatten(0, 1), rs.flatten(0, 1), 1e-3).to(
                self.enc.dtype
            )
