"""Zarr v3 dataset stores: template first, whole-chunk shard writes, done-markers, finalize last.

Layout (see ``storage/DESIGN.md``)::

    <root>/datasets/<id>.zarr/<system>/x[traj, time, dim], ic[traj, dim], split[traj], time[time]
    <root>/datasets/<id>.state/template.json          written after the template
    <root>/datasets/<id>.state/<system>/shard-NNNN.json   done-marker with checksums, after data
    <root>/datasets/<id>.state/complete.json          written last

Markers live beside the Zarr store, not inside it, so parallel writers never update shared JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import zarr

from chaosflow import __version__
from chaosflow.storage._root import Root, StorageError
from chaosflow.storage.keys import ShardKey, plan_shards

SPLITS = ("train", "valid", "test")


@contextlib.contextmanager
def quiet_consolidation() -> Iterator[None]:
    """Consolidated metadata is a zarr-python extension to v3; its warning tells users nothing."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Consolidated metadata.*")
        yield


def checksum(*arrays: np.ndarray) -> str:
    """sha256 over the raw bytes (C order) of the arrays."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


@dataclass(frozen=True)
class SystemLayout:
    """What the template of one system group holds."""

    key: str
    dim: int
    n_traj: int
    n_points: int
    shard_size: int
    dt: float
    split: tuple[int, ...]  # code per trajectory, index into SPLITS
    attrs: dict[str, Any]


class DatasetStore:
    """One dataset's Zarr store plus its state folder under a ``Root``."""

    def __init__(self, root: Root, dataset_id: str):
        self.root = root
        self.id = dataset_id
        self.zname = f"{dataset_id}.zarr"
        self.sname = f"{dataset_id}.state"

    # ----------------------------------------------------------------- template
    def ensure_store(self, attrs: dict[str, Any]) -> None:
        """Create the top group once; later specs with more systems add groups to it."""
        if self.root.exists("datasets", self.sname, "store.json"):
            return
        url = self.root.join("datasets", self.zname)
        if self.root.fs.exists(url):
            self.root.fs.rm(url, recursive=True)
        top = zarr.open_group(self.root.store("datasets", self.zname), mode="w", zarr_format=3)
        top.attrs.update({"chaosflow_version": __version__, "dataset_id": self.id, **attrs})
        self.root.write_json({"dataset": self.id, **attrs}, "datasets", self.sname, "store.json")

    def has_template(self, system: str) -> bool:
        return self.root.exists("datasets", self.sname, system, "template.json")

    def create_template(self, lay: SystemLayout) -> None:
        """Create a system's arrays (fill NaN) and static coordinates; idempotent.

        A group half-created by a killed run has no template marker: it is removed with its
        state and rebuilt, since no done-marker can be trusted without its template.
        """
        if self.has_template(lay.key):
            return
        fs = self.root.fs
        for url in (
            self.root.join("datasets", self.zname, lay.key),
            self.root.join("datasets", self.sname, lay.key),
        ):
            if fs.exists(url):
                fs.rm(url, recursive=True)
        top = zarr.open_group(self.root.store("datasets", self.zname), mode="r+")
        self._create_group(top, lay)
        self.root.write_json(
            {"system": lay.key, "n_traj": lay.n_traj, "n_points": lay.n_points},
            "datasets",
            self.sname,
            lay.key,
            "template.json",
        )

    @staticmethod
    def _create_group(top: zarr.Group, lay: SystemLayout) -> None:
        g = top.create_group(lay.key)
        g.attrs.update(lay.attrs)
        g.create_array(
            "x",
            shape=(lay.n_traj, lay.n_points, lay.dim),
            dtype="float64",
            chunks=(lay.shard_size, lay.n_points, lay.dim),
            fill_value=np.nan,
            dimension_names=["traj", "time", "dim"],
        )
        g.create_array(
            "ic",
            shape=(lay.n_traj, lay.dim),
            dtype="float64",
            chunks=(lay.shard_size, lay.dim),
            fill_value=np.nan,
            dimension_names=["traj", "dim"],
        )
        split = g.create_array(
            "split",
            shape=(lay.n_traj,),
            dtype="int8",
            chunks=(lay.n_traj,),
            fill_value=-1,
            dimension_names=["traj"],
            attributes={"flag_values": [0, 1, 2], "flag_meanings": " ".join(SPLITS)},
        )
        split[:] = np.asarray(lay.split, dtype="int8")
        time = g.create_array(
            "time",
            shape=(lay.n_points,),
            dtype="float64",
            chunks=(lay.n_points,),
            dimension_names=["time"],
            attributes={"units": "system time units"},
        )
        time[:] = np.arange(lay.n_points) * lay.dt
        for name, n in (("traj", lay.n_traj), ("dim", lay.dim)):
            arr = g.create_array(
                name, shape=(n,), dtype="int32", chunks=(n,), dimension_names=[name]
            )
            arr[:] = np.arange(n, dtype="int32")

    # ----------------------------------------------------------------- shards
    def shards(self, system: str) -> list[ShardKey]:
        arr = self.group(system)["x"]
        return plan_shards(self.id, system, arr.shape[0], arr.chunks[0])

    def group(self, system: str, mode: str = "r+") -> zarr.Group:
        return zarr.open_group(self.root.store("datasets", self.zname), mode=mode, path=system)

    def is_done(self, key: ShardKey) -> bool:
        return self.root.exists("datasets", self.sname, key.system, key.marker)

    def write_shard(
        self, key: ShardKey, x: np.ndarray, ic: np.ndarray, extra: dict | None = None
    ) -> None:
        """Write a whole-chunk region, then the done-marker (repeat-safe: same bytes again).

        ``extra`` (JSON-able, e.g. the integration method actually used) goes into the marker.
        """
        g = self.group(key.system)
        expect = (key.stop - key.start, *g["x"].shape[1:])
        if x.shape != expect or ic.shape != (expect[0], expect[2]):
            raise StorageError(f"{key}: got x{x.shape}, ic{ic.shape}; expected x{expect}")
        if not np.isfinite(x).all():
            raise StorageError(f"{key}: refusing to store non-finite values")
        g["x"][key.start : key.stop] = x
        g["ic"][key.start : key.stop] = ic
        marker = {"key": str(key), "sha256": checksum(x, ic), "start": key.start, "stop": key.stop}
        marker |= extra or {}
        self.root.write_json(marker, "datasets", self.sname, key.system, key.marker)

    # ----------------------------------------------------------------- finalize
    def is_complete(self, system: str) -> bool:
        return self.root.exists("datasets", self.sname, system, "complete.json")

    def systems(self) -> list[str]:
        """Systems whose template exists."""
        return [s for s in self.root.listdir("datasets", self.sname) if self.has_template(s)]

    def missing(self, system: str) -> list[ShardKey]:
        return [k for k in self.shards(system) if not self.is_done(k)]

    def finalize(self, system: str) -> dict[str, Any]:
        """Once every shard of ``system`` is marked: checksums in attrs, then the marker."""
        missing = self.missing(system)
        if missing:
            raise StorageError(
                f"{self.id}/{system} cannot be finalized; missing units: "
                f"{[str(k) for k in missing]}"
            )
        sums = [
            self.root.read_json("datasets", self.sname, system, k.marker)["sha256"]
            for k in self.shards(system)
        ]
        g = self.group(system)
        g.attrs["checksums"] = sums
        g.attrs["complete"] = True
        summary = {"dataset": self.id, "system": system, "complete": True, "checksums": sums}
        self.root.write_json(summary, "datasets", self.sname, system, "complete.json")
        return summary

    def consolidate(self) -> None:
        """Consolidated metadata for fast opens (by the flow driver alone, never workers)."""
        with quiet_consolidation():
            zarr.consolidate_metadata(self.root.store("datasets", self.zname))

    # ----------------------------------------------------------------- reading
    def open(self, system: str):
        """The system group as an ``xarray.Dataset`` (lazy, dask-backed)."""
        import xarray as xr

        return xr.open_zarr(
            self.root.store("datasets", self.zname), group=system, consolidated=False
        )

    def load_split(self, system: str, split: str) -> np.ndarray:
        """Trajectories of one split as ``[traj, time, dim]`` (the split's rows only)."""
        g = self.group(system, mode="r")
        codes = g["split"][:]
        idx = np.flatnonzero(codes == SPLITS.index(split))
        if idx.size == 0:
            return np.empty((0, *g["x"].shape[1:]))
        return g["x"][int(idx[0]) : int(idx[-1]) + 1][idx - idx[0]]

    def exists(self) -> bool:
        return self.root.exists("datasets", self.sname, "store.json")

    def attrs(self, system: str | None = None) -> dict[str, Any]:
        g = zarr.open_group(self.root.store("datasets", self.zname), mode="r", path=system or "")
        return json.loads(json.dumps(dict(g.attrs)))
