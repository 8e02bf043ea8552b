"""The benchmark flow end to end: real Prefect test server, real LocalCluster, real Zarr, torch."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from chaosflow.flows import benchmark_flow, with_runner
from chaosflow.specs import load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.storage.verify import verify
from tests.conftest import tiny_spec_dict


@pytest.mark.timeout(600)
def test_benchmark_flow_on_local_cluster_then_rerun_reuses(prefect_server, tmp_path):
    spec = load_spec(tiny_spec_dict())
    out = with_runner(benchmark_flow, spec.cluster)(spec, str(tmp_path))
    assert out["generate"]["generated"] == out["generate"]["units"] == 6

    store = DatasetStore(Root(str(tmp_path)), spec.dataset.id)
    assert verify(store) == []
    lorenz = xr.open_zarr(tmp_path / "datasets" / f"{spec.dataset.id}.zarr", group="Lorenz")
    assert lorenz["x"].shape == (6, 300, 3)
    assert np.isfinite(lorenz["x"].values).all()

    metrics = xr.open_zarr(tmp_path / "metrics.zarr")
    assert {"model", "system", "seed"} <= set(metrics.dims)
    assert set(metrics["model"].values) == {"persistence", "shplrnn", "ground_truth"}
    for var in ("vpt_lyapunov", "d_stsp", "d_h", "nrmse"):
        assert np.isfinite(metrics[var].values).all(), var
    # Invariants are estimated for every cell that has dynamics to measure.
    truth = metrics.sel(model="ground_truth")
    assert np.isfinite(truth["lyapunov_est"].values).all()
    assert np.isfinite(truth["corr_dim"].values).all()
    assert np.isfinite(metrics["lyapunov_est"].sel(model="shplrnn").values).all()
    vpt = metrics["vpt_lyapunov"].median("seed")
    # Ground truth (the system itself) predicts far longer than persistence.
    for system in ("Lorenz", "Rossler"):
        assert vpt.sel(model="ground_truth", system=system) > vpt.sel(
            model="persistence", system=system
        )
    chunk_bytes = {
        p: p.read_bytes() for p in (tmp_path / "datasets").rglob("x/c/*/*/*") if p.is_file()
    }

    again = with_runner(benchmark_flow, spec.cluster)(spec, str(tmp_path))
    assert again["generate"] == {**out["generate"], "generated": 0, "reused": True}
    assert again["train"]["trained"] == 0
    assert again["evaluate"]["computed"] == 0
    assert {
        p: p.read_bytes() for p in (tmp_path / "datasets").rglob("x/c/*/*/*") if p.is_file()
    } == chunk_bytes
