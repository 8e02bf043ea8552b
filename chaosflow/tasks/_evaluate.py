"""Evaluation work, free of Prefect/Dask: one cell = one trained model on one system's test data.

Protocol (recorded with every cell, since D_stsp depends on the lengths): short-term metrics roll
out ``horizon`` steps from every test initial condition; long-term metrics generate ``n_generate``
steps from the same points and compare the pooled states with the test trajectories' first
``n_generate`` points. The ``ground_truth`` pseudo-model scores what is achievable: long-term,
independent train trajectories; short-term, the true system re-integrated with half the step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from chaosflow.specs import DatasetSpec, EvalSpec, TrainSpec, spec_hash
from chaosflow.storage import DatasetStore, Root, RunKey
from chaosflow.tasks._train import AnyDataset, as_numpy, load_run, run_id

GROUND_TRUTH = "ground_truth"


def eval_id(dataset: AnyDataset, evaluate: EvalSpec) -> str:
    payload = {"kind": "eval", "dataset": dataset.id, **evaluate.model_dump(mode="json")}
    return f"eval-{spec_hash(payload)[:12]}"


@dataclass(frozen=True, order=True)
class CellKey:
    """One metric cell: (evaluation, run, system, seed)."""

    eval: str
    run: str
    model: str
    system: str
    seed: int

    @property
    def parts(self) -> tuple[str, ...]:
        return ("evals", self.eval, self.run, self.system, f"seed-{self.seed}.json")

    def __str__(self) -> str:
        return f"{self.eval}/{self.model}/{self.system}/seed-{self.seed}"


def plan_cells(
    root: Root, dataset: AnyDataset, train: TrainSpec, evaluate: EvalSpec
) -> list[CellKey]:
    """Cells not yet computed (adding a model or a system computes only the new ones)."""
    eid = eval_id(dataset, evaluate)
    cells = []
    for system in dataset.system_keys:
        for model in train.models:
            rid = run_id(dataset, model, train)
            cells += [CellKey(eid, rid, model.key, system, s) for s in train.seeds]
        if evaluate.ground_truth:
            cells += [CellKey(eid, GROUND_TRUTH, GROUND_TRUTH, system, s) for s in train.seeds]
    return [c for c in cells if not root.exists(*c.parts)]


def _truth_rollouts(
    dataset: AnyDataset, store: DatasetStore, cell: CellKey, test: np.ndarray, evaluate: EvalSpec
) -> tuple[np.ndarray, np.ndarray]:
    from chaosflow.integrate import RK4, Grid, simulate

    train = store.load_split(cell.system, "train")[:, : evaluate.n_generate - evaluate.transient]
    if not isinstance(dataset, DatasetSpec):  # observed data: no system to re-integrate
        return np.full((test.shape[0], evaluate.horizon, test.shape[-1]), np.nan), train
    ref = next(r for r in dataset.systems if r.key == cell.system)
    system = ref.build()
    dt = float(store.attrs(cell.system)["dt"])
    short = simulate(
        system,
        test[:, 0],
        grid=Grid(dt=dt, n=evaluate.horizon),
        method=RK4(substeps=2 * dataset.substeps),
    )
    return np.asarray(short), train


def _model_rollouts(root: Root, cell: CellKey, test: np.ndarray, evaluate: EvalSpec):
    import torch

    model = load_run(root, RunKey(cell.run, cell.model, cell.system, cell.seed))
    x0 = torch.as_tensor(test[:, 0])
    with torch.no_grad():
        long = as_numpy(model.rollout(x0, max(evaluate.n_generate, evaluate.horizon)))
    return long[:, : evaluate.horizon], long[:, evaluate.transient : evaluate.n_generate], model


def _lyapunov(
    dataset: AnyDataset, cell: CellKey, model: Any, x0: np.ndarray, dt: float, n_steps: int
) -> float:
    """Largest Lyapunov exponent (per time unit) of the model, or of the true system for the
    ground truth (QR method on RK4 substeps); NaN where it cannot be estimated."""
    from chaosflow import metrics

    transient = min(200, n_steps // 4)
    try:
        if model is not None:
            lam = metrics.model_lyapunov_spectrum(
                model, x0, n_steps, dt=dt, n_exponents=1, transient=transient
            )
            return float(np.median(lam))
        if not isinstance(dataset, DatasetSpec):
            return float("nan")
        system = next(r for r in dataset.systems if r.key == cell.system).build()
        if system.kind not in ("flow", "map"):
            return float("nan")
        k = dataset.substeps if system.kind == "flow" else 1
        sub = metrics.rk4_step(system, dt / k)

        def step(x):
            for _ in range(k):
                x = sub(x)
            return x

        lam = metrics.lyapunov_spectrum(
            step, x0, n_steps, dt=dt, n_exponents=1, transient=transient
        )
        return float(lam[0])
    except Exception:  # a model family without Jacobians, or a blow-up: no estimate
        return float("nan")


def _invariants(
    dataset: AnyDataset,
    cell: CellKey,
    model: Any,
    test: np.ndarray,
    dt: float,
    lyap: float,
    pooled: np.ndarray | None,
    evaluate: EvalSpec,
) -> dict[str, float]:
    from chaosflow import metrics

    est = _lyapunov(dataset, cell, model, test[:, 0], dt, evaluate.n_generate)
    rel = abs(est - lyap) / abs(lyap) if np.isfinite(est) and np.isfinite(lyap) and lyap else np.nan
    try:
        cdim = float(metrics.correlation_dimension(pooled.reshape(-1, pooled.shape[-1])))
    except Exception:  # no finite rollout, or a collapsed one (no scaling range)
        cdim = float("nan")
    return {"lyapunov_est": est, "lyapunov_rel_error": float(rel), "corr_dim": cdim}


def evaluate_cell(root: Root, dataset: AnyDataset, evaluate: EvalSpec, cell: CellKey) -> dict:
    """Compute one cell's metrics and store them as JSON (skips a cell already stored)."""
    from chaosflow import metrics

    if root.exists(*cell.parts):
        return root.read_json(*cell.parts)
    t0 = time.perf_counter()
    store = DatasetStore(root, dataset.id)
    attrs = store.attrs(cell.system)
    test = store.load_split(cell.system, "test")
    model = None
    if cell.run == GROUND_TRUTH:
        short, long = _truth_rollouts(dataset, store, cell, test, evaluate)
    else:
        short, long, model = _model_rollouts(root, cell, test, evaluate)
    n_long = evaluate.n_generate - evaluate.transient
    if test.shape[1] < max(n_long, evaluate.horizon):
        raise ValueError(
            f"{cell}: test trajectories have {test.shape[1]} points; the protocol needs "
            f"{max(n_long, evaluate.horizon)} (horizon, n_generate - transient)"
        )
    truth_short = test[:, : evaluate.horizon]
    truth_long = test[:, :n_long]
    std = truth_long.reshape(-1, truth_long.shape[-1]).std(axis=0)
    finite = np.isfinite(long).all(axis=(1, 2))
    vpt = metrics.valid_prediction_time(short, truth_short, eps=evaluate.eps, std=std)
    dt = float(attrs["dt"])
    lyap = float(attrs["lyapunov_max"]) if attrs.get("lyapunov_max") is not None else np.nan
    result: dict[str, Any] = {
        "cell": str(cell),
        "model": cell.model,
        "run": cell.run,
        "system": cell.system,
        "seed": cell.seed,
        "dt": dt,
        "lyapunov_max": lyap,
        "nrmse": _clean(metrics.nrmse(short, truth_short, std=std)),
        "smape": _clean(metrics.smape(short, truth_short)),
        "vpt_steps": float(np.median(vpt)),
        "vpt_time": float(np.median(vpt)) * dt,
        "vpt_lyapunov": float(np.median(vpt)) * dt * lyap,
        "diverged_fraction": float(1.0 - finite.mean()),
        "protocol": evaluate.model_dump(mode="json"),
    }
    pooled = long[finite] if finite.any() else None
    if pooled is None:
        result["d_stsp"], result["d_h"] = float("inf"), 1.0
    else:
        result["d_stsp"] = float(
            metrics.state_space_divergence(pooled, truth_long, n_bins=evaluate.n_bins)
        )
        result["d_h"] = float(
            metrics.power_spectrum_distance(pooled, truth_long, sigma=evaluate.sigma)
        )
    result.update(_invariants(dataset, cell, model, test, dt, lyap, pooled, evaluate))
    result["seconds"] = time.perf_counter() - t0
    _save_sample(root, cell, long[0], truth_long[0])
    root.write_json(result, *cell.parts)  # last: a cell exists once its JSON does
    return result


def _save_sample(root: Root, cell: CellKey, generated: np.ndarray, truth: np.ndarray) -> None:
    """First generated trajectory beside the cell (float32), for plots and independent scoring."""
    parts = (*cell.parts[:-1], cell.parts[-1].replace(".json", ".npy"))
    root.fs.makedirs(root.join(*parts[:-1]), exist_ok=True)
    with root.fs.open(root.join(*parts), "wb") as fh:
        np.save(fh, np.stack([generated, truth]).astype(np.float32), allow_pickle=False)


def load_sample(root: Root, cell: dict[str, Any], eval_id: str) -> np.ndarray | None:
    """``[2, time, dim]``: generated and true trajectory of a stored cell, if saved."""
    parts = ("evals", eval_id, cell["run"], cell["system"], f"seed-{cell['seed']}.npy")
    if not root.exists(*parts):
        return None
    with root.fs.open(root.join(*parts), "rb") as fh:
        return np.load(fh, allow_pickle=False)


def _clean(x: Any) -> list[float]:
    """Per-horizon curve as JSON floats (a diverged rollout's inf stays inf, NaN becomes inf)."""
    arr = np.asarray(x, dtype=float)
    return [float(v) if np.isfinite(v) else float("inf") for v in arr]
