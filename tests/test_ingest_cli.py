"""Observed-data ingestion and the `datasets` commands, through the real CLI."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from chaosflow.cli import app
from tests.conftest import SHARED

runner = CliRunner()


def _series(tmp_path, name="obs.npy", n=500, dim=3):
    t = np.linspace(0, 40, n)
    x = np.stack([np.sin(t * (k + 1)) for k in range(dim)], axis=1)
    path = tmp_path / name
    np.save(path, x)
    return path, x


def test_ingest_npy_then_open_list_show_verify(tmp_path):
    path, x = _series(tmp_path)
    root = tmp_path / "root"
    res = runner.invoke(
        app, ["ingest", str(path), "--name", "obs", "--dt", "0.1", "--root", str(root)]
    )
    assert res.exit_code == 0, res.output
    ds = xr.open_zarr(root / "datasets" / "observed-obs.zarr", group="obs")
    # Without --test the last fifth is held out; both trimmed to the shorter length.
    np.testing.assert_array_equal(ds["x"].values[0], x[:100])
    np.testing.assert_array_equal(ds["x"].values[1], x[400:])
    assert list(ds["split"].values) == [0, 2]
    assert runner.invoke(app, ["datasets", "verify", "--root", str(root)]).exit_code == 0
    listed = runner.invoke(app, ["datasets", "list", "--root", str(root), "--json"])
    assert '"observed-obs"' in listed.output
    # Same data again: accepted, nothing rewritten. Other data under the same name: refused.
    assert (
        runner.invoke(
            app, ["ingest", str(path), "--name", "obs", "--dt", "0.1", "--root", str(root)]
        ).exit_code
        == 0
    )
    other, _ = _series(tmp_path, "other.npy", n=600)
    res = runner.invoke(app, ["ingest", str(other), "--name", "obs", "--root", str(root)])
    assert res.exit_code == 2
    assert "already holds other data" in res.output


def test_csv_and_bad_files_fail_cleanly_writing_nothing(tmp_path):
    root = tmp_path / "root"
    csv = tmp_path / "s.csv"
    np.savetxt(csv, np.random.default_rng(1).normal(size=(50, 2)), delimiter=",")
    assert (
        runner.invoke(app, ["ingest", str(csv), "--name", "c", "--root", str(root)]).exit_code == 0
    )
    bad_root = tmp_path / "fresh"
    cases = {
        "missing.npy": "does not exist",
        "nan.npy": "non-finite",
        "cube.npy": "expected a [time, dim] array",
        "short.npy": "too short",
        "data.json": "unsupported type",
    }
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan]] * 20))
    np.save(tmp_path / "cube.npy", np.zeros((4, 4, 4)))
    np.save(tmp_path / "short.npy", np.zeros((3, 2)))
    (tmp_path / "data.json").write_text("[]")
    for name, fragment in cases.items():
        res = runner.invoke(
            app, ["ingest", str(tmp_path / name), "--name", "b", "--root", str(bad_root)]
        )
        assert res.exit_code == 2, name
        assert fragment in " ".join(res.output.split()), (name, res.output)
    assert not bad_root.exists()
    res = runner.invoke(app, ["ingest", str(csv), "--name", "../up", "--root", str(bad_root)])
    assert res.exit_code == 2
    assert not bad_root.exists()


def test_verify_names_a_deleted_chunk(tmp_path):
    path, _ = _series(tmp_path, n=1000, dim=2)
    root = tmp_path / "root"
    assert (
        runner.invoke(app, ["ingest", str(path), "--name", "obs", "--root", str(root)]).exit_code
        == 0
    )
    chunk = root / "datasets" / "observed-obs.zarr" / "obs" / "x" / "c" / "1" / "0" / "0"
    assert chunk.is_file()
    chunk.unlink()
    res = runner.invoke(app, ["datasets", "verify", "--root", str(root)])
    assert res.exit_code == 1
    assert "shard-0001" in res.output
    assert "hole" in res.output


@pytest.mark.skipif(not (SHARED / "data/gtf/lorenz63_test.npy").is_file(), reason="no shared data")
def test_ingest_gtf_lorenz63(tmp_path):
    gtf = SHARED / "data" / "gtf"
    res = runner.invoke(
        app,
        [
            "ingest",
            str(gtf / "lorenz63_on0.05_train.npy"),
            "--test",
            str(gtf / "lorenz63_test.npy"),
            "--name",
            "gtf-l63",
            "--dt",
            "0.01",
            "--root",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    ds = xr.open_zarr(tmp_path / "datasets" / "observed-gtf-l63.zarr", group="gtf-l63")
    assert ds["x"].shape == (2, 100000, 3)
    np.testing.assert_array_equal(ds["x"].values[1], np.load(gtf / "lorenz63_test.npy"))
