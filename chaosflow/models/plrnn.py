"""Piecewise-linear RNNs for dynamical-systems reconstruction.

shPLRNN (Hess et al. 2023, "Generalized Teacher Forcing for Learning Chaotic Dynamics", ICML,
eq. 2; clipped variant eq. 3): ``z' = A⊙z + W1·[relu(W2·z + h2) − relu(W2·z)] + h1``
(the clipped form keeps orbits bounded; ``clipped=False`` drops the ``− relu(W2·z)`` term).

AL-RNN (Brenner et al. 2024, "Almost-Linear RNNs Yield Highly Interpretable Symbolic Codes in
Dynamical Systems Reconstruction", NeurIPS): ``z' = A⊙z + W·Φ*(z) + h`` with ``Φ*`` the identity
on the first ``M − P`` units and a ReLU on the last ``P``; trained with sparse teacher forcing.

Both observe the first ``d`` latent units directly (identity observation model).
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from chaosflow.models._base import Model, bmv, stacked


def _latent(dim: int, hparams: dict[str, Any]) -> int:
    m = hparams["latent"] or dim
    if m < dim:
        raise ValueError(f"latent dimension {m} is smaller than the observed dimension {dim}")
    return int(m)


def _zero_pad(x: Tensor, m: int) -> Tensor:
    """Observed ``[K, B, d]`` to latent ``[K, B, M]`` with zeros in the unobserved units."""
    pad = x.new_zeros((*x.shape[:-1], m - x.shape[-1]))
    return torch.cat([x, pad], dim=-1)


class ShPLRNN(Model):
    """Shallow PLRNN, latent ``M`` (default = ``d``), hidden width ``L``."""

    name: ClassVar[str] = "shplrnn"
    defaults: ClassVar[dict[str, Any]] = {"latent": None, "hidden": 64, "clipped": True}
    default_forcing: ClassVar[str] = "adaptive"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        m, l = _latent(dim, self.hparams), int(self.hparams["hidden"])
        self.m = m
        g = generator
        # Near-identity start: data standardized at dt≈0.01 moves little per step.
        self.a = nn.Parameter(0.9 + 0.09 * torch.rand((k, m), generator=g))
        self.w1 = nn.Parameter(stacked(k, (m, l), l**-0.5, g))
        self.w2 = nn.Parameter(stacked(k, (l, m), m**-0.5, g))
        self.h1 = nn.Parameter(torch.zeros(k, m))
        self.h2 = nn.Parameter(stacked(k, (l,), 1.0, g))

    def encode(self, x: Tensor) -> Tensor:
        return _zero_pad(x, self.m)

    def _pre(self, z: Tensor) -> Tensor:
        return bmv(self.w2, z)

    def step(self, z: Tensor) -> Tensor:
        u = self._pre(z)
        hid = torch.relu(u + self.h2[:, None])
        if self.hparams["clipped"]:
            hid = hid - torch.relu(u)
        return self.a[:, None] * z + bmv(self.w1, hid) + self.h1[:, None]

    def jacobian(self, z: Tensor) -> Tensor:
        """Analytic ``[K, B, M, M]``: ``diag(A) + W1·diag(D)·W2`` with D the ReLU slopes."""
        u = self._pre(z)
        d = (u + self.h2[:, None] > 0).to(z.dtype)
        if self.hparams["clipped"]:
            d = d - (u > 0).to(z.dtype)
        w1d = self.w1[:, None] * d[..., None, :]  # [K, B, M, L]
        jac = torch.einsum("kbml,kln->kbmn", w1d, self.w2)
        return jac + torch.diag_embed(self.a)[:, None]


class ALRNN(Model):
    """Almost-linear RNN with ``P`` piecewise-linear units out of ``M``."""

    name: ClassVar[str] = "alrnn"
    defaults: ClassVar[dict[str, Any]] = {"latent": 30, "relu_units": 10}
    default_forcing: ClassVar[str] = "sparse"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        m = _latent(dim, self.hparams)
        self.m, self.p = m, int(self.hparams["relu_units"])
        g = generator
        self.a = nn.Parameter(0.95 + 0.04 * torch.rand((k, m), generator=g))
        self.w = nn.Parameter(stacked(k, (m, m), 0.1 * m**-0.5, g))
        self.h = nn.Parameter(torch.zeros(k, m))

    def encode(self, x: Tensor) -> Tensor:
        return _zero_pad(x, self.m)

    def step(self, z: Tensor) -> Tensor:
        lin, pl = z[..., : self.m - self.p], torch.relu(z[..., self.m - self.p :])
        phi = torch.cat([lin, pl], dim=-1)
        return self.a[:, None] * z + bmv(self.w, phi) + self.h[:, None]
