"""Specs: defaults load, hashes name outputs, bad specs fail naming the field."""

from __future__ import annotations

import pytest
import yaml

from chaosflow.specs import DatasetSpec, SpecError, default_spec, load_spec, spec_hash
from tests.conftest import tiny_spec_dict


def test_default_spec_loads_and_hash_is_stable():
    a, b = default_spec(), default_spec()
    assert spec_hash(a) == spec_hash(b)
    assert a.dataset.id.startswith("default-")
    assert [s.key for s in a.dataset.systems] == ["Lorenz", "Rossler", "Lorenz96-d6"]


def test_changed_field_changes_hash_and_dataset_id_ignores_system_list():
    base = load_spec(tiny_spec_dict())
    more = load_spec(tiny_spec_dict(dataset={"systems": ["Lorenz"]}))
    other = load_spec(tiny_spec_dict(dataset={"n_points": 301}))
    assert spec_hash(base) != spec_hash(more)
    assert base.dataset.id == more.dataset.id  # systems add groups to one store
    assert base.dataset.id != other.dataset.id


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"dataset": {"systems": ["Lorenx"]}}, "dataset.systems.0", "did you mean Lorenz"),
        ({"dataset": {"n_train": -3}}, "dataset.n_train", "greater than 0"),
        ({"dataset": {"n_test": 0}}, "dataset.n_test", "greater than 0"),
        ({"dataset": {"dt": 0.0}}, "dataset.dt", "greater than 0"),
        ({"dataset": {"dt": -0.01}}, "dataset.dt", "greater than 0"),
        ({"dataset": {"name": "../evil"}}, "dataset.name", "must be 1-64"),
        ({"dataset": {"bogus": 1}}, "dataset.bogus", "Extra inputs"),
        ({"train": {"models": ["transformerXL"]}}, "train.models.0.name", "unknown model"),
        ({"train": {"seeds": [0, 0]}}, "train", "seeds must be unique"),
        (
            {"dataset": {"systems": [{"name": "Lorenz", "params": {"rho": float("nan")}}]}},
            "dataset.systems.0.params",
            "finite",
        ),
        (
            {"dataset": {"systems": [{"name": "Lorenz", "params": {"r": 28.0}}]}},
            "dataset.systems.0",
            "no parameter",
        ),
        ({"cluster": {"kind": "address"}}, "cluster", "needs cluster.address"),
    ],
)
def test_bad_specs_name_the_field(override, field, fragment):
    with pytest.raises(SpecError) as err:
        load_spec(tiny_spec_dict(**override))
    text = str(err.value)
    assert field in text
    assert fragment in text


def test_yaml_file_errors(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(missing)
    bad = tmp_path / "bad.yaml"
    bad.write_text("dataset: [unclosed")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_spec(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text(yaml.safe_dump([1, 2]))
    with pytest.raises(SpecError, match="mapping at the top level"):
        load_spec(listy)


def test_system_ref_key_includes_overrides():
    spec = DatasetSpec(
        systems=[{"name": "Lorenz", "params": {"rho": 35.0}}, {"name": "Lorenz96", "dim": 8}]
    )
    assert [s.key for s in spec.systems] == ["Lorenz-rho35", "Lorenz96-d8"]
    assert spec.systems[1].build().dim == 8
