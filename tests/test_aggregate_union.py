"""Incremental aggregation: a second benchmark with another model set adds only its own cells."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from chaosflow.flows import benchmark_flow, with_runner
from chaosflow.specs import load_spec
from tests.conftest import tiny_spec_dict


def _spec(models):
    return load_spec(
        tiny_spec_dict(
            dataset={"systems": ["Lorenz"], "n_points": 200},
            train={"models": models},
            evaluate={"horizon": 40, "n_generate": 200},
            cluster={"kind": "threads", "n_workers": 2},
        )
    )


@pytest.mark.timeout(600)
def test_two_runs_with_different_models_hold_the_union(prefect_server, tmp_path):
    first = _spec(["persistence"])
    out1 = with_runner(benchmark_flow, first.cluster)(first, str(tmp_path))
    assert out1["evaluate"]["computed"] == 2  # persistence + ground truth, one seed
    cells = sorted((tmp_path / "evals").rglob("seed-0.json"))
    stamps = {p: p.stat().st_mtime_ns for p in cells}

    second = _spec(["mean"])
    out2 = with_runner(benchmark_flow, second.cluster)(second, str(tmp_path))
    assert out2["generate"]["reused"]
    assert out2["evaluate"]["computed"] == 1  # only the new model's cell
    assert {p: p.stat().st_mtime_ns for p in cells} == stamps  # first run's cells untouched

    ds = xr.open_zarr(tmp_path / "metrics.zarr")
    assert set(ds["model"].values) == {"persistence", "mean", "ground_truth"}
    assert np.isfinite(ds["d_stsp"].values).all()
    # Ground truth is far better than either baseline on short-term prediction.
    vpt = ds["vpt_lyapunov"].sel(system="Lorenz", seed=0)
    assert vpt.sel(model="ground_truth") > vpt.sel(model="persistence")
    assert vpt.sel(model="ground_truth") > vpt.sel(model="mean")
