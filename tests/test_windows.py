"""The streaming window dataset: exact values, deterministic indexing, loader workers, laziness."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from chaosflow.storage import DatasetStore, Root, StorageError, SystemLayout
from chaosflow.storage.windows import WindowDataset

N_TRAJ, N_POINTS, DIM, SHARD = 7, 50, 3, 2
SPLIT = (0, 0, 0, 1, 0, 2, 2)  # train rows 0, 1, 2, 4; valid 3; test 5, 6


def _value(traj, t, d):
    """Every stored number names its own position: traj·1000 + t + d/10."""
    return traj * 1000.0 + t + d / 10.0


@pytest.fixture
def store(tmp_path):
    s = DatasetStore(Root(str(tmp_path)), "win-1")
    s.ensure_store({})
    s.create_template(
        SystemLayout("Sys", DIM, N_TRAJ, N_POINTS, SHARD, 0.1, SPLIT, {"system": "Sys"})
    )
    x = np.fromfunction(_value, (N_TRAJ, N_POINTS, DIM))
    for key in s.shards("Sys"):
        s.write_shard(key, x[key.start : key.stop], x[key.start : key.stop, 0])
    s.finalize("Sys")
    return s


def _make(store, split="train", **kw):
    return WindowDataset(store.root, store.id, "Sys", split, **kw)


def test_windows_hold_the_exact_stored_values(store):
    ds = _make(store, context=5, horizon=3, stride=4)
    per_row = (N_POINTS - 8) // 4 + 1  # 11
    assert len(ds) == 4 * per_row
    x = np.fromfunction(_value, (N_TRAJ, N_POINTS, DIM))
    for i, (traj, start) in [
        (0, (0, 0)),
        (1, (0, 4)),
        (per_row, (1, 0)),
        (3 * per_row + 2, (4, 8)),
    ]:
        assert ds.window(i) == (traj, start)
        ctx, tgt = ds[i]
        assert ctx.shape == (5, DIM)
        assert tgt.shape == (3, DIM)
        assert ctx.dtype == torch.float32
        np.testing.assert_array_equal(ctx.numpy(), x[traj, start : start + 5].astype(np.float32))
        np.testing.assert_array_equal(
            tgt.numpy(), x[traj, start + 5 : start + 8].astype(np.float32)
        )
    assert ds.window(-1) == (4, (per_row - 1) * 4)
    with pytest.raises(IndexError):
        ds[len(ds)]


def test_next_step_targets_and_splits(store):
    ds = _make(store, "test", context=10, offset=1, dtype=torch.float64)
    assert len(ds) == 2 * (N_POINTS - 11 + 1)
    ctx, tgt = ds[len(ds) - 1]
    assert ds.window(len(ds) - 1) == (6, N_POINTS - 11)
    np.testing.assert_array_equal(tgt[:-1], ctx[1:])  # the target is the context shifted by one
    assert tgt[-1, 2].item() == _value(6, N_POINTS - 1, 2)
    assert len(_make(store, "valid", context=40, horizon=10)) == 1
    with pytest.raises(ValueError, match="spans 51 points"):
        _make(store, context=50, offset=1)


def test_reads_one_chunk_at_a_time_and_pickles_without_handles(store):
    ds = _make(store, context=4, cache_chunks=1)
    for i in range(2 * ds.per_row):  # rows 0 and 1 share chunk 0
        ds[i]
    assert ds.chunk_reads == 1
    ds[2 * ds.per_row]  # row 2 lives in chunk 1
    assert ds.chunk_reads == 2
    blob = pickle.dumps(ds)
    assert len(blob) < 4096  # no trajectory data, no zarr handle travels with it
    clone = pickle.loads(blob)
    assert clone._x is None
    assert clone.chunk_reads == 0
    torch.testing.assert_close(clone[17], ds[17])


@pytest.mark.parametrize("context_kind", ["fork", "spawn"])
def test_two_loader_workers_see_the_same_batches(store, context_kind):
    ds = _make(store, context=6, horizon=2, stride=3)
    ref = list(DataLoader(ds, batch_size=8, shuffle=False, num_workers=0))
    got = list(
        DataLoader(
            ds, batch_size=8, shuffle=False, num_workers=2, multiprocessing_context=context_kind
        )
    )
    assert len(got) == len(ref)
    for (c0, t0), (c1, t1) in zip(ref, got, strict=True):
        torch.testing.assert_close(c1, c0, rtol=0, atol=0)
        torch.testing.assert_close(t1, t0, rtol=0, atol=0)
    assert ds._x is not None  # the parent's own handle, opened by the num_workers=0 pass


def test_refuses_an_unfinalized_group(tmp_path):
    s = DatasetStore(Root(str(tmp_path)), "win-2")
    s.ensure_store({})
    s.create_template(
        SystemLayout("Sys", DIM, N_TRAJ, N_POINTS, SHARD, 0.1, SPLIT, {"system": "Sys"})
    )
    with pytest.raises(StorageError, match="not finalized"):
        WindowDataset(s.root, s.id, "Sys", context=4)
