"""chaosflow.models: the model zoo behind one interface (``Model``) and ``build_model``.

Every model is a pack of ``K`` members with stacked parameters (``K == 1`` from ``build_model``);
``model.rollout(x0: [B, d], n) -> [B, n, d]`` in raw data units with ``out[:, 0] == x0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from chaosflow.models._base import Model
from chaosflow.models.baselines import Mean, Persistence
from chaosflow.models.esn import EchoState
from chaosflow.models.koopman import EDMD
from chaosflow.models.node import NeuralODE
from chaosflow.models.plrnn import ALRNN, ShPLRNN
from chaosflow.models.rnn import GRU
from chaosflow.models.ssm import LRU

#: Family name -> class, in the order of the issue's zoo.
MODELS: dict[str, type[Model]] = {
    cls.name: cls
    for cls in (ShPLRNN, ALRNN, NeuralODE, LRU, EchoState, GRU, EDMD, Persistence, Mean)
}


def model_class(name: str) -> type[Model]:
    """The class registered under ``name`` (``KeyError`` listing the known names)."""
    try:
        return MODELS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known models: {sorted(MODELS)}") from None


def build_model(
    name: str,
    dim: int,
    *,
    hparams: Mapping[str, Any] | None = None,
    generator: torch.Generator | None = None,
    k: int = 1,
) -> Model:
    """A freshly initialized model (``k`` members) for ``dim``-dimensional data.

    ``generator`` (CPU ``torch.Generator``) makes the initialization reproducible; global RNG
    state is never used when it is given.
    """
    cls = model_class(name)
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    return cls(dim, dict(hparams or {}), k=k, generator=generator)


__all__ = ["MODELS", "Model", "build_model", "model_class"]
