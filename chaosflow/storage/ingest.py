"""Observed data into the dataset layout: ``chaosflow ingest FILE --name NAME``.

An external ``[time, dim]`` series (npy, csv, netCDF) becomes ``datasets/observed-<name>.zarr``
with one group ``<name>``: trajectory 0 is the train series, trajectory 1 the test series (from
``--test FILE``; without it the last fifth of the series, time-ordered, is held out). Training and
evaluation then treat it like a generated dataset.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from chaosflow.storage._root import Root, StorageError
from chaosflow.storage.datasets import DatasetStore, SystemLayout

SUFFIXES = (".npy", ".csv", ".txt", ".nc")
MAX_POINTS = 50_000_000  # guard against absurd inputs before anything is written


def read_series(path: str | Path) -> np.ndarray:
    """A finite, non-empty ``[time, dim]`` float64 array from a file, or a clear error."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"observed data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise StorageError(
            f"observed data file {path.name!r}: unsupported type {suffix!r} "
            f"(use one of {', '.join(SUFFIXES)})"
        )
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".nc":
            import xarray as xr

            with xr.open_dataset(path) as ds:
                names = list(ds.data_vars)
                if len(names) != 1:
                    raise StorageError(f"{path.name!r}: expected one data variable, got {names}")
                arr = ds[names[0]].values
        else:
            arr = np.loadtxt(path, delimiter="," if suffix == ".csv" else None, ndmin=2)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(f"observed data file {path.name!r} cannot be read: {exc}") from None
    return _check(np.asarray(arr), path.name)


def _check(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.dtype.kind not in "fiu":
        raise StorageError(f"{name!r}: numbers expected, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise StorageError(f"{name!r}: expected a [time, dim] array, got shape {arr.shape}")
    if arr.shape[0] < 10 or arr.shape[1] < 1:
        raise StorageError(f"{name!r}: too short to learn from: shape {arr.shape}")
    if arr.size > MAX_POINTS:
        raise StorageError(f"{name!r}: {arr.size} values exceed the ingest limit {MAX_POINTS}")
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        raise StorageError(f"{name!r}: {int(bad.sum())} non-finite values (first at row {row})")
    return arr.astype(np.float64)


def ingest(
    root: Root,
    name: str,
    train: np.ndarray,
    test: np.ndarray | None = None,
    *,
    dt: float = 1.0,
    lyapunov_max: float = math.nan,
    source: str = "",
) -> DatasetStore:
    """Store an observed series as a one-group dataset; refuses to overwrite another series."""
    from chaosflow.specs import observed_id

    if not (math.isfinite(dt) and dt > 0):
        raise StorageError(f"dt must be a positive number, got {dt!r}")
    if test is None:
        cut = train.shape[0] - train.shape[0] // 5
        train, test = train[:cut], train[cut:]
    if test.shape[1] != train.shape[1]:
        raise StorageError(f"train has {train.shape[1]} dims but test has {test.shape[1]}")
    n = min(train.shape[0], test.shape[0])
    x = np.stack([train[:n], test[:n]])
    digest = hashlib.sha256(x.tobytes()).hexdigest()
    store = DatasetStore(root, observed_id(name))
    if store.exists() and store.is_complete(name):
        old = store.attrs(name).get("source_sha256")
        if old == digest:
            return store
        raise StorageError(
            f"observed dataset {name!r} already holds other data; pick another "
            "--name (datasets are never overwritten)"
        )
    store.ensure_store({"name": name, "observed": True})
    lay = SystemLayout(
        name,
        x.shape[2],
        2,
        n,
        1,
        float(dt),
        (0, 2),
        {
            "system": name,
            "kind": "observed",
            "dt": float(dt),
            "dim": int(x.shape[2]),
            "lyapunov_max": float(lyapunov_max) if math.isfinite(lyapunov_max) else None,
            "period": None,
            "citation": source,
            "source_sha256": digest,
            "trimmed_to": n,
            "splits": ["train", "valid", "test"],
        },
    )
    store.create_template(lay)
    for key in store.shards(name):
        store.write_shard(key, x[key.start : key.stop], x[key.start : key.stop, 0])
    store.finalize(name)
    store.consolidate()
    return store
