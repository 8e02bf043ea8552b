"""Aggregation work: metric cells → one xarray Dataset (model × system × seed [× horizon])."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from chaosflow import __version__
from chaosflow.storage import Root
from chaosflow.storage.datasets import quiet_consolidation

SCALARS = (
    "vpt_lyapunov",
    "vpt_time",
    "vpt_steps",
    "d_stsp",
    "d_h",
    "diverged_fraction",
    "lyapunov_est",
    "lyapunov_rel_error",
    "corr_dim",
)
CURVES = ("nrmse", "smape")
UNITS = {
    "vpt_lyapunov": "Lyapunov times",
    "vpt_time": "system time units",
    "vpt_steps": "steps",
    "d_stsp": "nats (KL divergence)",
    "d_h": "1 (Hellinger distance)",
    "diverged_fraction": "1",
    "lyapunov_est": "1 / system time unit (largest exponent)",
    "lyapunov_rel_error": "1 (vs the system's reference exponent)",
    "corr_dim": "1 (Grassberger-Procaccia correlation dimension)",
    "nrmse": "1",
    "smape": "percent",
}


def read_cells(root: Root, eval_id: str) -> list[dict[str, Any]]:
    """Every stored cell of an evaluation (all runs, systems and seeds ever evaluated)."""
    cells = []
    for run in root.listdir("evals", eval_id):
        for system in root.listdir("evals", eval_id, run):
            for name in root.listdir("evals", eval_id, run, system):
                if name.endswith(".json"):
                    cells.append(root.read_json("evals", eval_id, run, system, name))
    return cells


def build_dataset(cells: list[dict[str, Any]], attrs: dict[str, Any]) -> xr.Dataset:
    """Cells into a Dataset; missing cells are NaN (the union of several runs may be sparse)."""
    if not cells:
        raise ValueError("no metric cells to aggregate")
    models = sorted({c["model"] for c in cells})
    systems = sorted({c["system"] for c in cells})
    seeds = sorted({int(c["seed"]) for c in cells})
    horizon = max(len(c["nrmse"]) for c in cells)
    shape = (len(models), len(systems), len(seeds))
    data = {v: np.full(shape, np.nan) for v in SCALARS}
    data.update({v: np.full((*shape, horizon), np.nan) for v in CURVES})
    dts, lyaps = np.full(len(systems), np.nan), np.full(len(systems), np.nan)
    runs = [""] * len(models)
    for c in cells:
        i, j, k = models.index(c["model"]), systems.index(c["system"]), seeds.index(int(c["seed"]))
        for v in SCALARS:
            data[v][i, j, k] = c.get(v, np.nan)  # cells from older versions lack some
        for v in CURVES:
            data[v][i, j, k, : len(c[v])] = c[v]
        dts[j], lyaps[j], runs[i] = c["dt"], c["lyapunov_max"], c["run"]
    dims3 = ("model", "system", "seed")
    ds = xr.Dataset(
        {v: (dims3, data[v], {"units": UNITS[v]}) for v in SCALARS}
        | {v: ((*dims3, "horizon"), data[v], {"units": UNITS[v]}) for v in CURVES},
        coords={
            "model": models,
            "system": systems,
            "seed": seeds,
            "horizon": np.arange(horizon),
            "dt": ("system", dts),
            "lyapunov_max": ("system", lyaps),
            "run": ("model", runs),
        },
    )
    ds.attrs.update(attrs)
    ds.attrs["chaosflow_version"] = __version__
    ds.attrs["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return ds


def write_metrics(root: Root, ds: xr.Dataset) -> str:
    """Write ``<root>/metrics.zarr`` whole (it is small): to a temp name, then swap in."""
    url = root.join("metrics.zarr")
    tmp = root.join("metrics.zarr.tmp")
    fs = root.fs
    if fs.exists(tmp):
        fs.rm(tmp, recursive=True)
    enc = ds.copy()
    for name in ("model", "system", "run"):
        # Variable-length strings (zarr v3 "string"); fixed-width unicode has no v3 spec yet.
        enc[name] = enc[name].astype(object)
    with quiet_consolidation():  # consolidated, so a plain xr.open_zarr(...) opens it quietly
        enc.to_zarr(root.store("metrics.zarr.tmp"), mode="w", zarr_format=3, consolidated=True)
    old = root.join("metrics.zarr.old")
    if root.is_local:
        # Two directory renames: a kill at any point leaves either the new store, or the old
        # one (as metrics.zarr or metrics.zarr.old), never a partial one.
        path, tmp_path, old_path = (Path(u.removeprefix("file://")) for u in (url, tmp, old))
        if old_path.exists():
            shutil.rmtree(old_path)
        if path.exists():
            os.replace(path, old_path)
        os.replace(tmp_path, path)
        shutil.rmtree(old_path, ignore_errors=True)
    else:  # object stores have no directory rename; readers fall back to nothing partial
        if fs.exists(url):
            fs.rm(url, recursive=True)
        fs.mv(tmp, url, recursive=True)
    return url


def open_metrics(root: Root) -> xr.Dataset:
    """The aggregated metrics (or the previous version, if a swap was interrupted)."""
    name = "metrics.zarr" if root.exists("metrics.zarr") else "metrics.zarr.old"
    return xr.open_zarr(root.store(name))


def export_metrics(ds: xr.Dataset, path: str | Path) -> Path:
    """netCDF (everything) or CSV (the per-cell scalars, one row per model × system × seed)."""
    path = Path(path)
    if path.suffix == ".nc":
        ds.load().to_netcdf(path)
    elif path.suffix == ".csv":
        ds[list(SCALARS)].to_dataframe().reset_index().to_csv(path, index=False)
    else:
        raise ValueError(f"cannot export to {path.name!r}: use .nc or .csv")
    return path
