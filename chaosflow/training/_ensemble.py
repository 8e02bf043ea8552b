"""``fit_ensemble``: K independent models of one family trained as one pack.

Members are initialized one by one exactly as ``fit`` would (same seeds, same generators), their
parameters are stacked along the member axis, the pack trains with per-member losses, clipping,
α and early stopping, and is split back into K single models. See ``DESIGN.md``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from chaosflow.models import Model, build_model
from chaosflow.training._config import TrainConfig
from chaosflow.training._data import as_trajectories
from chaosflow.training._device import pick_device
from chaosflow.training._fit import (
    FitResult,
    curves,
    family_packable,
    fit,
    member_seeds,
    prepare,
    train_model,
)
from chaosflow.training._loop import Progress


def stack_models(models: Sequence[Model]) -> Model:
    """One pack holding ``models`` (same family, dim and hyper-parameters) as its members."""
    first = models[0]
    pack = build_model(first.name, first.dim, hparams=first.hparams, k=sum(m.k for m in models))
    states = [m.state_dict() for m in models]
    pack.load_state_dict({key: torch.cat([s[key] for s in states]) for key in states[0]})
    return pack.to(first.mean.device)


def unstack_model(pack: Model) -> list[Model]:
    """Split a pack into ``pack.k`` single models (copies, same device)."""
    out = []
    for i in range(pack.k):
        member = build_model(pack.name, pack.dim, hparams=pack.hparams)
        member.load_state_dict({k: v[i : i + 1].clone() for k, v in pack.state_dict().items()})
        out.append(member.to(pack.mean.device).eval())
    return out


def fit_ensemble(
    name: str,
    trains: Sequence[np.ndarray],
    *,
    hparams: Mapping[str, Any] | None = None,
    config: TrainConfig = TrainConfig(),
    seeds: Sequence[int],
    valids: Sequence[np.ndarray] | None = None,
    device: str | torch.device | None = None,
    progress: Progress | None = None,
) -> list[FitResult]:
    """Train ``len(seeds)`` models, member ``i`` on ``trains[i]`` with ``seeds[i]``.

    Equals ``[fit(name, trains[i], seed=seeds[i], ...) for i]`` up to float rounding; packable
    families (shPLRNN, AL-RNN, GRU, LRU, ...) train in one process with stacked parameters, the
    others fall back to sequential fits. All trains must share the dimension ``d``. Each result's
    ``seconds`` is the pack's wall time divided by K.
    """
    if len(trains) != len(seeds):
        raise ValueError(f"{len(trains)} training sets but {len(seeds)} seeds")
    if valids is not None and len(valids) != len(trains):
        raise ValueError(f"{len(valids)} validation sets for {len(trains)} members")
    if not family_packable(name):
        return [
            fit(
                name,
                t,
                hparams=hparams,
                config=config,
                seed=s,
                device=device,
                progress=progress,
                valid=None if valids is None else valids[i],
            )
            for i, (t, s) in enumerate(zip(trains, seeds, strict=True))
        ]
    t0 = time.perf_counter()
    dev = pick_device(device)
    dim = as_trajectories(trains[0]).shape[-1]
    gens = [member_seeds(s) for s in seeds]
    members = [build_model(name, dim, hparams=hparams, generator=g[0]) for g in gens]
    pack = stack_models(members)
    datas, vals = prepare(pack, trains, valids, dev)
    state = train_model(pack, datas, vals, [g[1] for g in gens], config, progress, None)
    per_member = (time.perf_counter() - t0) / len(seeds)
    member_curves = curves(state, config) or [{} for _ in seeds]
    return [
        FitResult(m, c, dict(m.hparams), per_member)
        for m, c in zip(unstack_model(pack), member_curves, strict=True)
    ]
