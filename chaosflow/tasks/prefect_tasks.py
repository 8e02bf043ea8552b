"""Coarse Prefect tasks: each wraps one plain work function and logs what it did.

Resume lives in the store (done-markers), not in Prefect's result cache, so tasks use
``NO_CACHE``: a rerun asks the store what is missing.
"""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from chaosflow.ops import monitor
from chaosflow.specs import DatasetSpec, EvalSpec, TrainSpec
from chaosflow.storage import Root, ShardKey
from chaosflow.tasks import _evaluate, _generate, _train

_OPTS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


@task(name="warm-up", **_OPTS)
def warm_up() -> int:
    """Load the generation code (numba and the compiled interpreter) on a worker; its pid.

    Submitted before the driver plans the units, so each worker's first Prefect task run and
    imports overlap with that planning instead of delaying the first unit.
    """
    import os

    import numpy as np

    from chaosflow.integrate import DOP853, Grid, simulate
    from chaosflow.systems import get_system

    # one tiny run loads the shared interpreter (numba import + its machine code, ~0.5 s)
    lorenz = get_system("Lorenz")
    simulate(lorenz, np.asarray([lorenz.metadata.x0]), grid=Grid(0.01, 2), method=DOP853())
    return os.getpid()


@task(name="generate-shards", retries=2, retry_delay_seconds=1, **_OPTS)
def generate_shards(root: Root, spec: DatasetSpec, keys: list[ShardKey]) -> list[dict]:
    """Integrate and store a batch of shards (units already done are skipped)."""
    log = get_run_logger()
    out = []
    for res in _generate.run_shards(root, spec, keys):
        rate = res.points / res.seconds if res.seconds else 0.0
        log.info(
            "%s %s (%.0f points/s)", res.key, "skipped (done)" if res.skipped else "written", rate
        )
        out.append(
            {
                "key": str(res.key),
                "skipped": res.skipped,
                "points": res.points,
                "seconds": res.seconds,
            }
        )
    return out


@task(name="train-pack", retries=1, retry_delay_seconds=1, **_OPTS)
def train_pack(
    root: Root, dataset: DatasetSpec, train: TrainSpec, pack: _train.Pack, threads: int = 1
) -> dict:
    """Train one pack (a model on a system, all seeds at once) on this worker's device."""
    import torch

    torch.set_num_threads(threads)
    log = get_run_logger()
    log.info("training %s", pack)
    # fit reports every eval_every steps; each report becomes a log line and artifact update.
    progress = monitor.training_progress(str(pack), every=1)
    out = _train.train_pack(root, dataset, train, pack, progress=progress)
    log.info("trained %s in %.1f s", pack, out["seconds"])
    return out


@task(name="evaluate-cells", retries=1, retry_delay_seconds=1, **_OPTS)
def evaluate_cells(
    root: Root, dataset: DatasetSpec, evaluate: EvalSpec, cells: list[_evaluate.CellKey]
) -> list[dict]:
    """Score a batch of cells; each is stored as soon as it is computed."""
    import torch

    torch.set_num_threads(1)
    log = get_run_logger()
    out = []
    for cell in cells:
        res = _evaluate.evaluate_cell(root, dataset, evaluate, cell)
        log.info(
            "%s: VPT %.2f λ⁻¹, D_stsp %.3f, D_H %.3f",
            cell,
            res["vpt_lyapunov"],
            res["d_stsp"],
            res["d_h"],
        )
        out.append(res)
    return out
