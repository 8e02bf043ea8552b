"""Training input: a map-style torch ``Dataset`` of ``(context, target)`` windows read from Zarr.

Nothing but the window index is computed up front (from the small ``split`` array); trajectories
are read chunk by chunk when a window is asked for, and at most ``cache_chunks`` decoded chunks
are kept per process. The dataset pickles without open handles, and each process (every
``DataLoader`` worker, forked or spawned) opens the store itself on first use.

Window ``i`` is fixed by the store alone: row ``i // n_per_row`` of the split (in trajectory
order) and start ``(i % n_per_row) * stride``, so two loaders with the same sampler see the same
values.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import numpy as np
import torch
import zarr
from torch.utils.data import Dataset

from chaosflow.storage._root import Root, StorageError
from chaosflow.storage.datasets import SPLITS, DatasetStore


class WindowDataset(Dataset):
    """``(context [L, dim], target [H, dim])`` windows of one system group's split.

    Parameters
    ----------
    root, dataset_id, system
        Where the dataset lives (any fsspec root) and which group to read.
    split
        ``"train"``, ``"valid"`` or ``"test"``: only that split's trajectories are windowed.
    context
        ``L``, time points in the context window ``x[s : s + L]``.
    horizon
        ``H``, time points in the target window ``x[s + offset : s + offset + H]``;
        default ``L``.
    offset
        Start of the target relative to the context start, in time points; default ``L`` (the
        continuation). ``offset=1`` gives next-step targets for teacher forcing.
    stride
        Time points between consecutive window starts along a trajectory.
    dtype
        Torch dtype of the returned tensors (values are stored as float64).
    cache_chunks
        Decoded Zarr chunks kept per process (each holds ``shard_size`` whole trajectories).
    """

    def __init__(
        self,
        root: Root,
        dataset_id: str,
        system: str,
        split: str = "train",
        *,
        context: int,
        horizon: int | None = None,
        offset: int | None = None,
        stride: int = 1,
        dtype: torch.dtype = torch.float32,
        cache_chunks: int = 2,
    ):
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        horizon = context if horizon is None else horizon
        offset = context if offset is None else offset
        if min(context, horizon, stride, cache_chunks) < 1 or offset < 0:
            raise ValueError("context, horizon, stride and cache_chunks must be ≥ 1, offset ≥ 0")
        store = DatasetStore(root, dataset_id)
        if not store.is_complete(system):
            raise StorageError(
                f"{dataset_id}/{system} is not finalized; generate it (or verify it) first"
            )
        group = store.group(system, mode="r")
        codes = np.asarray(group["split"][:])
        self.rows = np.flatnonzero(codes == SPLITS.index(split))
        _, n_points, self.dim = group["x"].shape
        self.chunk_rows = int(group["x"].chunks[0])
        span = max(context, offset + horizon)
        if span > n_points:
            raise ValueError(f"a window spans {span} points; trajectories have {n_points}")
        self.per_row = (n_points - span) // stride + 1
        self.root, self.dataset_id, self.system = root, dataset_id, system
        self.context, self.horizon, self.offset, self.stride = context, horizon, offset, stride
        self.dtype, self.cache_chunks = dtype, cache_chunks
        self._reset()

    def _reset(self) -> None:
        self._x: zarr.Array | None = None
        self._pid: int | None = None
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self.chunk_reads = 0  # decoded chunks in this process (for tests and tuning)

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the open array and the cache: a worker opens its own."""
        state = self.__dict__.copy()
        state.update(_x=None, _pid=None, _cache=OrderedDict(), chunk_reads=0)
        return state

    def __len__(self) -> int:
        return int(self.rows.size * self.per_row)

    def window(self, i: int) -> tuple[int, int]:
        """``(trajectory index in the store, start time index)`` of window ``i``."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"window {i} out of range for {len(self)} windows")
        i %= len(self)
        return int(self.rows[i // self.per_row]), int(i % self.per_row) * self.stride

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        traj, start = self.window(i)
        path = self._trajectory(traj)
        ctx = path[start : start + self.context]
        tgt = path[start + self.offset : start + self.offset + self.horizon]
        return (
            torch.as_tensor(np.array(ctx), dtype=self.dtype),
            torch.as_tensor(np.array(tgt), dtype=self.dtype),
        )

    def _trajectory(self, traj: int) -> np.ndarray:
        """``[time, dim]`` of one trajectory from its (cached) chunk."""
        if self._x is None or self._pid != os.getpid():  # first use here, or a forked copy
            self._reset()
            store = DatasetStore(self.root, self.dataset_id)
            self._x = store.group(self.system, mode="r")["x"]
            self._pid = os.getpid()
        c = traj // self.chunk_rows
        block = self._cache.get(c)
        if block is None:
            lo = c * self.chunk_rows
            block = self._x[lo : lo + self.chunk_rows]
            self.chunk_reads += 1
            self._cache[c] = block
            while len(self._cache) > self.cache_chunks:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(c)
        return block[traj - c * self.chunk_rows]
