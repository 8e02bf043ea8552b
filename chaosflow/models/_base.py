"""The model interface: a *pack* of K independent members with stacked parameters.

Every parameter and buffer carries a leading member axis ``K`` (``K == 1`` for a single model),
so one module trains a whole ensemble with batched matmuls and splits back into members
exactly (see ``chaosflow/training/DESIGN.md``). Models work on standardized data internally;
``rollout`` takes and returns raw data units.

Latent interface (standardized units, ``K`` leading):
``encode(x: [K, B, d]) -> z: [K, B, M]``, ``step(z) -> z``, ``observe(z) -> [K, B, d]``,
``force(z, x, alpha) -> z`` (generalized teacher forcing on the observed part of ``z``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import torch
from torch import Tensor, nn

Fitting = Literal["gradient", "closed_form", "none"]


class Model(nn.Module):
    """Base of all models: normalization buffers, forcing, forced loss and rollout.

    Parameters
    ----------
    dim : int
        Observed dimension ``d``.
    hparams : mapping
        Family hyper-parameters (merged over ``defaults``; stored in checkpoints).
    k : int
        Number of members in the pack.
    generator : torch.Generator, optional
        CPU generator for the initialization (members are initialized one after another).
    """

    name: ClassVar[str] = "base"
    defaults: ClassVar[dict[str, Any]] = {}
    fitting: ClassVar[Fitting] = "gradient"
    #: Forcing used when ``TrainConfig.forcing`` is None: "gtf", "adaptive", "sparse", "none".
    default_forcing: ClassVar[str] = "gtf"
    #: Whether members can share one pack during training (same result as separate fits).
    packable: ClassVar[bool] = True

    def __init__(
        self,
        dim: int,
        hparams: Mapping[str, Any] | None = None,
        *,
        k: int = 1,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        unknown = sorted(set(hparams or {}) - set(self.defaults))
        if unknown:
            raise ValueError(
                f"model {self.name!r}: unknown hyper-parameter(s) {unknown}; "
                f"known: {sorted(self.defaults)}"
            )
        self.dim = int(dim)
        self.k = int(k)
        self.hparams: dict[str, Any] = {**self.defaults, **(hparams or {})}
        self.register_buffer("mean", torch.zeros(self.k, self.dim))
        self.register_buffer("std", torch.ones(self.k, self.dim))

    # --- latent interface, standardized units ---------------------------------------------
    def encode(self, x: Tensor) -> Tensor:
        """Initial latent state from an observation, ``[K, B, d] -> [K, B, M]``."""
        return x

    def step(self, z: Tensor) -> Tensor:
        """One latent step, ``[K, B, M] -> [K, B, M]``."""
        raise NotImplementedError

    def observe(self, z: Tensor) -> Tensor:
        """Observation of a latent state, ``[K, B, M] -> [K, B, d]`` (identity on first d)."""
        return z[..., : self.dim]

    def force(self, z: Tensor, x: Tensor, alpha: Tensor) -> Tensor:
        """Generalized teacher forcing: ``(1-α)·z + α·x`` on the observed units.

        ``alpha: [K]`` (one value per member); ``x: [K, B, d]`` standardized data.
        """
        a = alpha.view(-1, 1, 1).to(z.dtype)
        obs = (1 - a) * z[..., : self.dim] + a * x
        return torch.cat([obs, z[..., self.dim :]], dim=-1)

    def jacobian(self, z: Tensor) -> Tensor:
        """``d step(z) / dz``: ``[K, B, M] -> [K, B, M, M]`` (rows = outputs), by autograd."""
        z = z.detach().requires_grad_(True)
        with torch.enable_grad():
            out = self.step(z)
            rows = [
                torch.autograd.grad(out[..., i].sum(), z, retain_graph=True)[0]
                for i in range(out.shape[-1])
            ]
        return torch.stack(rows, dim=-2)

    # --- training ---------------------------------------------------------------------------
    def forced_loss(self, x: Tensor, alpha: Tensor, *, interval: int = 1) -> tuple[Tensor, Tensor]:
        """Per-member MSE of one-step-ahead predictions under forcing.

        Parameters
        ----------
        x : Tensor ``[K, B, T, d]``
            Standardized training windows.
        alpha : Tensor ``[K]``
            Forcing strength; forcing is applied every ``interval`` steps (sparse TF).

        Returns
        -------
        loss : Tensor ``[K]``
        states : Tensor ``[K, B, T-1, M]``
            Forced latent states the steps started from (detached; for Jacobian norms).
        """
        z = self.encode(x[:, :, 0])
        preds, states = [], []
        for t in range(1, x.shape[2]):
            if t > 1 and (t - 1) % interval == 0:
                z = self.force(z, x[:, :, t - 1], alpha)
            states.append(z.detach())
            z = self.step(z)
            preds.append(self.observe(z))
        err = torch.stack(preds, dim=2) - x[:, :, 1:]
        return err.pow(2).mean(dim=(1, 2, 3)), torch.stack(states, dim=2)

    def fit_closed_form(self, data: list[Tensor]) -> None:
        """Closed-form fit on standardized data, one ``[B, T, d]`` tensor per member."""
        raise NotImplementedError(f"model {self.name!r} is not fitted in closed form")

    # --- generation -------------------------------------------------------------------------
    def warm_start(self, context: Tensor) -> Tensor:
        """Latent state at the end of ``context: [K, B, w, d]``, driven by full forcing."""
        z = self.encode(context[:, :, 0])
        ones = torch.ones(self.k, device=context.device)
        for t in range(1, context.shape[2]):
            z = self.force(self.step(z), context[:, :, t], ones)
        return z

    def generate(self, x0: Tensor, n: int, *, context: Tensor | None = None) -> Tensor:
        """Free run in standardized units: ``x0: [K, B, d] -> [K, B, n, d]``, out[..., 0] = x0.

        ``context: [K, B, w, d]`` (optional, ending at ``x0``) warms up the latent state.
        """
        z = self.encode(x0) if context is None else self.warm_start(context)
        out = [x0]
        for _ in range(n - 1):
            z = self.step(z)
            out.append(self.observe(z))
        return torch.stack(out, dim=2)

    @torch.no_grad()
    def rollout(self, x0: Tensor, n: int, *, context: Tensor | None = None) -> Tensor:
        """Free-running forecast in raw data units.

        ``x0: [B, d]`` (``K == 1``) or ``[K, B, d]`` -> ``[B, n, d]`` or ``[K, B, n, d]``;
        ``out[..., 0, :] == x0`` exactly. ``context: [(K,) B, w, d]``, optional observed history
        whose last point is ``x0``, synchronizes latent units (reservoirs, RNN states) first.
        The result has ``x0``'s dtype and device, wherever the model lives.
        """
        if x0.dim() not in (2, 3) or x0.shape[-1] != self.dim:
            raise ValueError(
                f"x0 must be [B, {self.dim}] or [K, B, {self.dim}], got {tuple(x0.shape)}"
            )
        squeeze = x0.dim() == 2
        if squeeze:
            if self.k != 1:
                raise ValueError(f"a pack of {self.k} members needs x0 of shape [K, B, d]")
            x0 = x0.unsqueeze(0)
            context = None if context is None else context.unsqueeze(0)
        dtype, dev = self.mean.dtype, self.mean.device
        mean, std = self.mean[:, None], self.std[:, None]
        xs = (x0.to(dev, dtype) - mean) / std
        if context is not None:
            context = (context.to(dev, dtype) - mean[:, :, None]) / std[:, :, None]
        out = self.generate(xs, n, context=context) * std[:, :, None] + mean[:, :, None]
        out = out.to(x0.device, x0.dtype)
        out[:, :, 0] = x0
        return out[0] if squeeze else out

    def set_normalization(self, mean: Tensor, std: Tensor) -> None:
        """Per-member mean and std, ``[K, d]`` each, in raw units."""
        self.mean.copy_(mean)
        self.std.copy_(std)


def stacked(
    k: int, shape: tuple[int, ...], scale: float, generator: torch.Generator | None
) -> Tensor:
    """``[k, *shape]`` uniform(−scale, scale) initialization drawn member after member."""
    return (torch.rand((k, *shape), generator=generator) * 2 - 1) * scale


def bmv(w: Tensor, z: Tensor) -> Tensor:
    """Batched matrix on row vectors: ``w: [K, out, in]``, ``z: [K, B, in] -> [K, B, out]``."""
    return torch.bmm(z, w.transpose(1, 2))
