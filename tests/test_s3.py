"""Remote stores on a real S3-compatible server (moto's server mode on 127.0.0.1), not a mock.

Generation, markers, finalize, consolidation and verify all go through fsspec (s3fs) and zarr's
``FsspecStore``; ``xarray.open_zarr`` reads the result back over HTTP.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.storage.verify import verify
from chaosflow.tasks._generate import generate_direct

s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

#: Maps integrate in milliseconds, so these tests measure the store, not the integrator.
SPEC = {
    "name": "remote",
    "systems": ["Henon", "Ikeda"],
    "n_train": 4,
    "n_test": 2,
    "n_points": 400,
    "shard_size": 2,
}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on a free local port, with dummy credentials in the environment."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "chaosflow-test")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "chaosflow-test")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def _root(endpoint: str, bucket: str) -> Root:
    opts = {"anon": False, "client_kwargs": {"endpoint_url": endpoint}}
    fs = s3fs.S3FileSystem(**opts)
    if not fs.exists(bucket):
        fs.mkdir(bucket)
    return Root(f"s3://{bucket}/root", storage_options=opts)


def test_generate_on_s3_verifies_and_opens_with_xarray(s3_endpoint):
    root = _root(s3_endpoint, "gen")
    spec = load_spec(SPEC, kind=DatasetSpec)
    store = generate_direct(root, spec)
    assert verify(store) == []
    assert store.systems() == ["Henon", "Ikeda"]
    ds = xr.open_zarr(root.store("datasets", store.zname), group="Henon")
    assert ds["x"].shape == (6, 400, 2)
    x = ds["x"].values
    assert np.isfinite(x).all()
    # Henon map (a=1.4, b=0.3): the stored orbit obeys x' = 1 - a x² + y, y' = b x exactly.
    np.testing.assert_allclose(x[:, 1:, 0], 1 - 1.4 * x[:, :-1, 0] ** 2 + x[:, :-1, 1], atol=1e-12)
    np.testing.assert_allclose(x[:, 1:, 1], 0.3 * x[:, :-1, 0], atol=1e-12)
    np.testing.assert_array_equal(ds["split"].values, [0, 0, 0, 0, 2, 2])
    # A second run finds every unit done and leaves the bytes alone.
    fs = root.fs
    before = {p: fs.cat(p) for p in fs.find(root.join("datasets", store.zname)) if "/x/c/" in p}
    generate_direct(root, spec)
    after = {p: fs.cat(p) for p in fs.find(root.join("datasets", store.zname)) if "/x/c/" in p}
    assert before == after
    assert len(before) == 6  # 3 shards × 2 systems


def test_deleted_object_on_s3_is_named_by_verify(s3_endpoint):
    root = _root(s3_endpoint, "broken")
    store = generate_direct(root, load_spec(SPEC, kind=DatasetSpec))
    fs = root.fs
    fs.rm(root.join("datasets", store.zname, "Ikeda", "x", "c", "1", "0", "0"))
    fs.rm(root.join("datasets", store.sname, "Henon", "shard-0002.json"))
    problems = {(p.system, p.unit.split()[0], p.kind) for p in verify(store)}
    assert problems == {("Ikeda", "shard-0001", "hole"), ("Henon", "shard-0002", "missing")}


def test_s3_root_from_url_alone_uses_the_environment(s3_endpoint, monkeypatch):
    """Flows pass the root as a plain URL string: the endpoint then comes from the environment."""
    _root(s3_endpoint, "envonly")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    spec = load_spec({**SPEC, "systems": ["Henon"]}, kind=DatasetSpec)
    store = generate_direct(Root("s3://envonly/root"), spec)
    assert verify(store) == []
    again = DatasetStore(Root("s3://envonly/root"), spec.id)
    assert again.is_complete("Henon")
    assert again.load_split("Henon", "test").shape == (2, 400, 2)


def test_markers_written_by_another_process_are_seen(s3_endpoint):
    """A driver that listed the state folder still sees markers other workers wrote since."""
    root = _root(s3_endpoint, "stale")
    store = generate_direct(root, load_spec({**SPEC, "systems": ["Henon"]}, kind=DatasetSpec))
    key = store.shards("Henon")[1]
    marker = root.join("datasets", store.sname, "Henon", key.marker)
    other = s3fs.S3FileSystem(
        anon=False, client_kwargs={"endpoint_url": s3_endpoint}, skip_instance_cache=True
    )
    other.rm(marker)  # another process drops the marker
    assert key.marker not in root.listdir("datasets", store.sname, "Henon")
    assert not store.is_done(key)
    other.pipe(marker, b'{"sha256": "x"}')  # ... and writes it again
    assert store.is_done(key)
    assert key.marker in root.listdir("datasets", store.sname, "Henon")
