"""Units of generation: seeds per (spec, system, shard), order independence, phase timings."""

from __future__ import annotations

import numpy as np

from chaosflow.specs import DatasetSpec, load_spec
from chaosflow.storage import DatasetStore, Root
from chaosflow.tasks import _generate

SPEC = {
    "name": "units",
    "systems": ["Henon", "Ikeda"],
    "n_train": 4,
    "n_test": 2,
    "n_points": 300,
    "shard_size": 2,
}


def _x(root: Root, spec: DatasetSpec, system: str) -> np.ndarray:
    return DatasetStore(root, spec.id).group(system, mode="r")["x"][:]


def test_a_unit_regenerated_alone_matches_the_full_run(tmp_path):
    spec = load_spec(SPEC, kind=DatasetSpec)
    full = Root(str(tmp_path / "full"))
    _generate.generate_direct(full, spec)
    alone = Root(str(tmp_path / "alone"))
    _, todo = _generate.prepare(alone, spec)
    last = todo[-1]  # Ikeda, shard 2, computed first and by itself
    res = _generate.run_shard(alone, spec, last)
    assert not res.skipped
    assert res.points == 2 * 300
    assert res.seconds >= res.sample_seconds + res.simulate_seconds > 0
    np.testing.assert_array_equal(
        _x(alone, spec, "Ikeda")[last.start : last.stop],
        _x(full, spec, "Ikeda")[last.start : last.stop],
    )
    assert _generate.run_shard(alone, spec, last).skipped  # marked done: not recomputed


def test_seeds_differ_per_shard_and_system_and_spec_seed():
    spec = load_spec(SPEC, kind=DatasetSpec)
    other = load_spec({**SPEC, "seed": 1}, kind=DatasetSpec)
    states = {
        tuple(_generate.shard_seed(s, system, shard).generate_state(4))
        for s in (spec, other)
        for system in ("Henon", "Ikeda")
        for shard in range(3)
    }
    assert len(states) == 12
    again = _generate.shard_seed(spec, "Henon", 1).generate_state(4)
    np.testing.assert_array_equal(again, _generate.shard_seed(spec, "Henon", 1).generate_state(4))


def test_adding_a_system_keeps_the_store_and_the_other_bytes(tmp_path):
    root = Root(str(tmp_path))
    one = load_spec({**SPEC, "systems": ["Henon"]}, kind=DatasetSpec)
    two = load_spec(SPEC, kind=DatasetSpec)
    assert one.id == two.id  # the systems list is not part of the store's name
    _generate.generate_direct(root, one)
    henon = _x(root, one, "Henon")
    _, todo = _generate.prepare(root, two)
    assert {k.system for k in todo} == {"Ikeda"}
    _generate.generate_direct(root, two)
    np.testing.assert_array_equal(_x(root, two, "Henon"), henon)
    assert DatasetStore(root, two.id).systems() == ["Henon", "Ikeda"]
