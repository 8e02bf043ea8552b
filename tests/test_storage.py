"""Dataset store protocol on real Zarr v3 folders: template, chunk writes, markers, finalize."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from chaosflow.storage import DatasetStore, Root, StorageError, SystemLayout, safe_part


def _layout(key="Sys", n_traj=5, n_points=7, dim=3, shard=2):
    return SystemLayout(
        key, dim, n_traj, n_points, shard, 0.5, (0, 0, 0, 2, 2)[:n_traj], {"system": key, "dt": 0.5}
    )


def _fill(store, key):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(5, 7, 3))
    for k in store.shards(key):
        store.write_shard(k, data[k.start : k.stop], data[k.start : k.stop, 0])
    return data


def test_template_shards_finalize_and_open_with_xarray(tmp_path):
    store = DatasetStore(Root(str(tmp_path)), "ds-1")
    store.ensure_store({"name": "ds"})
    store.create_template(_layout())
    keys = store.shards("Sys")
    assert [(k.start, k.stop) for k in keys] == [(0, 2), (2, 4), (4, 5)]
    with pytest.raises(StorageError, match="missing units"):
        store.finalize("Sys")
    data = _fill(store, "Sys")
    store.finalize("Sys")
    store.consolidate()
    ds = xr.open_zarr(tmp_path / "datasets" / "ds-1.zarr", group="Sys", consolidated=False)
    assert ds["x"].dims == ("traj", "time", "dim")
    np.testing.assert_array_equal(ds["x"].values, data)
    np.testing.assert_allclose(ds["time"].values, 0.5 * np.arange(7))
    np.testing.assert_array_equal(store.load_split("Sys", "test"), data[3:5])
    assert store.load_split("Sys", "valid").shape == (0, 7, 3)
    assert store.is_complete("Sys")


def test_rewrite_is_byte_identical_and_template_is_idempotent(tmp_path):
    root = tmp_path / "r"
    store = DatasetStore(Root(str(root)), "ds-1")
    store.ensure_store({})
    store.create_template(_layout())
    _fill(store, "Sys")
    chunks = {p: p.read_bytes() for p in root.rglob("c/*") if p.is_file()}
    assert chunks
    store.create_template(_layout())  # marker present: nothing recreated
    _fill(store, "Sys")  # a retry rewrites the same bytes
    assert {p: p.read_bytes() for p in root.rglob("c/*") if p.is_file()} == chunks


def test_half_created_template_is_rebuilt(tmp_path):
    store = DatasetStore(Root(str(tmp_path)), "ds-1")
    store.ensure_store({})
    store.create_template(_layout())
    _fill(store, "Sys")
    (tmp_path / "datasets" / "ds-1.state" / "Sys" / "template.json").unlink()
    store.create_template(_layout())
    assert store.missing("Sys") == store.shards("Sys")  # old markers dropped with the template
    assert np.isnan(store.group("Sys")["x"][:]).all()


def test_write_refuses_wrong_shape_and_non_finite(tmp_path):
    store = DatasetStore(Root(str(tmp_path)), "ds-1")
    store.ensure_store({})
    store.create_template(_layout())
    key = store.shards("Sys")[0]
    with pytest.raises(StorageError, match="expected"):
        store.write_shard(key, np.zeros((3, 7, 3)), np.zeros((3, 3)))
    bad = np.zeros((2, 7, 3))
    bad[1, 3, 0] = np.nan
    with pytest.raises(StorageError, match="non-finite"):
        store.write_shard(key, bad, np.zeros((2, 3)))
    assert not store.is_done(key)


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", "", "x..y", "a b"])
def test_unsafe_names_cannot_escape_the_root(name):
    with pytest.raises(StorageError, match="safe path component"):
        safe_part(name)
