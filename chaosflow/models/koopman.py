"""Koopman operator by extended dynamic mode decomposition (EDMD), closed form.

Williams, Kevrekidis, Rowley (2015), J. Nonlinear Sci. 25, 1307: with a dictionary
``ψ(x)`` (here all monomials of the standardized state up to ``degree``, constant and linear
terms included), the Koopman matrix ``K`` minimizes ‖ψ(X') − ψ(X)·K‖² + β‖K‖² (ridge).
The latent state is ``ψ(x)``; a step is ``ψ·K``. With ``relift`` (default) the predicted state
is read off the linear coordinates and lifted again each step, which keeps long rollouts on
the dictionary's manifold (a finite linear operator alone cannot sustain chaos).
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import torch
from torch import Tensor

from chaosflow.models._base import Model, bmv


def monomial_exponents(dim: int, degree: int) -> Tensor:
    """``[n_terms, dim]`` exponents of all monomials of total degree ≤ ``degree``.

    Ordered by degree: the constant first, then the ``dim`` linear terms.
    """
    terms = [
        e
        for deg in range(degree + 1)
        for e in itertools.product(range(deg + 1), repeat=dim)
        if sum(e) == deg
    ]
    linear = [tuple(int(i == j) for j in range(dim)) for i in range(dim)]
    rest = [e for e in terms if sum(e) > 1]
    return torch.tensor([(0,) * dim, *linear, *rest], dtype=torch.long)


class EDMD(Model):
    """EDMD with a polynomial dictionary; the Koopman matrix is a buffer fitted by ridge."""

    name: ClassVar[str] = "koopman"
    defaults: ClassVar[dict[str, Any]] = {"degree": 3, "ridge": 1e-8, "relift": True}
    fitting: ClassVar[str] = "closed_form"
    default_forcing: ClassVar[str] = "none"

    def __init__(self, dim, hparams=None, *, k=1, generator=None) -> None:
        super().__init__(dim, hparams, k=k, generator=generator)
        exps = monomial_exponents(dim, int(self.hparams["degree"]))
        self.register_buffer("exponents", exps, persistent=False)
        n = self.exponents.shape[0]
        self.register_buffer("koopman", torch.eye(n).repeat(k, 1, 1))

    def lift(self, x: Tensor) -> Tensor:
        """``ψ(x)``: ``[..., d] -> [..., n_terms]``."""
        return torch.prod(x[..., None, :] ** self.exponents.to(x.dtype), dim=-1)

    def encode(self, x: Tensor) -> Tensor:
        return self.lift(x)

    def observe(self, z: Tensor) -> Tensor:
        return z[..., 1 : 1 + self.dim]

    def step(self, z: Tensor) -> Tensor:
        nxt = bmv(self.koopman.transpose(1, 2), z)  # ψ·K as a row vector
        return self.lift(self.observe(nxt)) if self.hparams["relift"] else nxt

    def force(self, z: Tensor, x: Tensor, alpha: Tensor) -> Tensor:
        a = alpha.view(-1, 1, 1).to(z.dtype)
        return self.lift((1 - a) * self.observe(z) + a * x)

    @torch.no_grad()
    def fit_closed_form(self, data: list[Tensor]) -> None:
        for i, x in enumerate(data):
            psi = self.lift(x.double())
            now, nxt = psi[:, :-1].flatten(0, 1), psi[:, 1:].flatten(0, 1)
            gram = now.T @ now + self.hparams["ridge"] * torch.eye(now.shape[1], dtype=now.dtype)
            self.koopman[i] = torch.linalg.solve(gram, now.T @ nxt).to(self.koopman.dtype)
