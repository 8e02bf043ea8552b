"""Bad inputs through the CLI: each names the problem, exits non-zero and writes no file.

Cases already covered elsewhere are not repeated here (tests/test_cli.py: unknown system and
model, n_train < 0, dt = 0, horizon > n_points, missing spec file; tests/test_ingest_cli.py:
missing/NaN/3-D/short/unsupported data files, '../up' names). docs/RELIABILITY.md lists all.
"""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import chaosflow.cli
import chaosflow.cli.datasets
from chaosflow.cli import app
from tests.conftest import tiny_spec_dict

runner = CliRunner()
#: The preflight (sizes, training options, observed data) runs once the CLI calls it.
WIRED = "safety" in inspect.getsource(chaosflow.cli)
needs_preflight = pytest.mark.skipif(
    not WIRED, reason="chaosflow.cli does not call chaosflow.safety.preflight yet"
)


#: Read-only commands and refused ingests create no empty root folder once the CLI checks first.
NO_EMPTY_ROOT = "_read_root" in inspect.getsource(chaosflow.cli.datasets)


def _files(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def _dataset(**over) -> dict:
    return {"dataset": tiny_spec_dict()["dataset"] | over}


def _sys(**ref) -> dict:
    return _dataset(systems=[{"name": "Lorenz", **ref}])


NAN, INF = float("nan"), float("inf")
SPEC_CASES = {
    "param NaN": (
        _sys(params={"rho": NAN}),
        "dataset.systems.0.params: parameters must be finite numbers, got {'rho': nan}",
    ),
    "param +inf": (_sys(params={"rho": INF}), "finite numbers, got {'rho': inf}"),
    "param -inf": (_sys(params={"sigma": -INF}), "got {'sigma': -inf}"),
    "param not a number": (_sys(params={"rho": "abc"}), "dataset.systems.0.params.rho"),
    "unknown param": (_sys(params={"r": 28.0}), "has no parameter(s) ['r']"),
    "dim on a fixed-size system": (_sys(dim=5), "has no parameter(s) ['dim']"),
    "zero dim": ({"dataset": {"systems": [{"name": "Lorenz96", "dim": 0}]}}, "systems.0.dim"),
    "n_points wrong type": (_dataset(n_points="many"), "dataset.n_points"),
    "n_train float": (_dataset(n_train=2.5), "dataset.n_train"),
    "n_test zero": (_dataset(n_test=0), "dataset.n_test"),
    "shard_size zero": (_dataset(shard_size=0), "dataset.shard_size"),
    "unknown method": (_dataset(method="euler"), "dataset.method"),
    "negative seed": (_dataset(seed=-1), "dataset.seed"),
    "name with /": (_dataset(name="a/b"), "dataset name 'a/b'"),
    "name ..": (_dataset(name=".."), "dataset name '..'"),
    "name ../../etc": (_dataset(name="../../etc"), "dataset name '../../etc'"),
    "system listed twice": (_dataset(systems=["Lorenz", "Lorenz"]), "systems listed twice"),
    "no systems": (_dataset(systems=[]), "dataset.systems: List should have at least 1"),
    "observed name ..": ({"dataset": {"observed": "../x"}}, "observed dataset name '../x'"),
    "unknown top-level key": ({"bogus": 1}, "bogus: Extra inputs"),
    "no models": ({"train": {"models": []}}, "train.models"),
    "model label with /": (
        {"train": {"models": [{"name": "persistence", "label": "x/y"}]}},
        "model label 'x/y'",
    ),
    "negative train seed": ({"train": {"seeds": [-1]}}, "train.seeds.0"),
    "duplicate seeds": ({"train": {"seeds": [1, 1]}}, "seeds must be unique"),
    "unknown cluster kind": ({"cluster": {"kind": "mpi"}}, "cluster.kind"),
    "address without URL": ({"cluster": {"kind": "address"}}, "needs cluster.address"),
    "transient >= n_generate": ({"evaluate": {"transient": 300}}, "evaluate.transient = 300"),
    "negative eps": ({"evaluate": {"eps": -1}}, "evaluate.eps"),
}
PREFLIGHT_CASES = {
    "dataset exceeds disk": (_dataset(n_train=10**9), "on disk"),
    "shard exceeds memory": (
        _dataset(n_points=10**9, shard_size=6),
        "one generation shard needs",
    ),
    "unknown training option": ({"train": {"config": {"n_stepz": 5}}}, "train.config.n_stepz"),
    "unknown hyper-parameter": (
        {"train": {"models": ["persistence", {"name": "shplrnn", "hparams": {"hiden": 3}}]}},
        "train.models.1.hparams",
    ),
    "observed data not ingested": ({"dataset": {"observed": "nowhere"}}, "chaosflow ingest"),
}


def _spec_file(tmp_path: Path, override: dict) -> Path:
    spec = tiny_spec_dict()
    for key, value in override.items():
        spec[key] = value if key == "dataset" or key not in spec else {**spec[key], **value}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def _refused(args: list[str], fragment: str, watch: Path, code: int = 2) -> str:
    existed = watch.exists()
    res = runner.invoke(app, args)
    text = " ".join(res.output.split())
    assert res.exit_code == code, text
    assert fragment in text, text
    assert "Traceback" not in text
    assert _files(watch) == []
    if NO_EMPTY_ROOT:
        assert watch.exists() == existed
    return text


@pytest.mark.parametrize("case", sorted(SPEC_CASES))
def test_bad_spec_is_refused_naming_the_field(tmp_path, case):
    override, fragment = SPEC_CASES[case]
    spec = _spec_file(tmp_path, override)
    root = tmp_path / "root"
    _refused(["generate", str(spec), "--root", str(root)], fragment, root)
    assert not root.exists()


@needs_preflight
@pytest.mark.parametrize("case", sorted(PREFLIGHT_CASES))
def test_preflight_refuses_before_anything_is_written(tmp_path, case):
    override, fragment = PREFLIGHT_CASES[case]
    spec = _spec_file(tmp_path, override)
    root = tmp_path / "root"
    _refused(["run", "--spec", str(spec), "--root", str(root)], fragment, root)
    assert not root.exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "mapping at the top level, got NoneType"),
        ("- 1\n- 2\n", "mapping at the top level, got list"),
        ("dataset: {name: [unclosed", "is not valid YAML"),
        ("dataset: !!python/object/apply:os.system ['true']", "is not valid YAML"),
    ],
)
def test_bad_spec_files(tmp_path, content, fragment):
    spec = tmp_path / "spec.yaml"
    spec.write_text(content)
    root = tmp_path / "root"
    _refused(["generate", str(spec), "--root", str(root)], fragment, root)
    assert not root.exists()


def test_spec_path_is_a_directory(tmp_path):
    root = tmp_path / "root"
    _refused(["generate", str(tmp_path), "--root", str(root)], "does not exist", root)


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_root_that_cannot_be_a_folder(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    root = blocker if where == "a file" else blocker / "sub"
    spec = _spec_file(tmp_path, {})
    res = runner.invoke(app, ["generate", str(spec), "--root", str(root)])
    assert res.exit_code == 2
    assert "cannot be created" in " ".join(res.output.split())
    assert blocker.read_text() == "not a folder"


def test_cli_argument_errors(tmp_path):
    root = tmp_path / "root"
    (root / "metrics.zarr").mkdir(parents=True)
    _refused(["report", "--root", str(root), "--export", "m.txt"], "use a .nc or .csv", root)
    _refused(["datasets", "show", "nosuch", "--root", str(root)], "no dataset 'nosuch'", root)
    _refused(["datasets", "verify", "nosuch", "--root", str(root)], "no dataset 'nosuch'", root)
    _refused(["systems", "show", "Lorenx"], "did you mean Lorenz", root)
    _refused(["systems", "list", "--kind", "bogus"], "unknown kind 'bogus'", root)


def _save(path: Path, arr: np.ndarray) -> Path:
    np.save(path, arr, allow_pickle=arr.dtype == object)
    return path


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("dt zero", "dt must be a positive number, got 0.0"),
        ("dt NaN", "dt must be a positive number, got nan"),
        ("dt negative", "dt must be a positive number, got -0.1"),
        ("name with /", "observed dataset name 'a/b'"),
        ("name ..", "observed dataset name '..'"),
        ("empty array", "too short to learn from: shape (0, 2)"),
        ("empty csv", "e.csv"),
        ("text csv", "cannot be read"),
        ("infinite values", "1 non-finite values (first at row 3)"),
        ("pickled object array", "Object arrays cannot be loaded when allow_pickle=False"),
        ("strings", "numbers expected"),
        ("test with other dim", "train has 2 dims but test has 3"),
    ],
)
def test_bad_observed_data(tmp_path, case, fragment):
    rng = np.random.default_rng(0)
    good = _save(tmp_path / "good.npy", rng.normal(size=(100, 2)))
    inf = rng.normal(size=(100, 2))
    inf[3, 1] = math.inf
    files = {
        "empty array": _save(tmp_path / "empty.npy", np.zeros((0, 2))),
        "infinite values": _save(tmp_path / "inf.npy", inf),
        "pickled object array": _save(tmp_path / "obj.npy", np.array([{"a": 1}] * 20)),
        "strings": _save(tmp_path / "str.npy", np.array([["a", "b"]] * 20)),
    }
    (tmp_path / "e.csv").write_text("")
    (tmp_path / "t.csv").write_text("a,b\n1,2\n" * 20)
    files |= {"empty csv": tmp_path / "e.csv", "text csv": tmp_path / "t.csv"}
    args = ["ingest", str(files.get(case, good)), "--name", "ok"]
    args += {
        "dt zero": ["--dt", "0"],
        "dt NaN": ["--dt", "nan"],
        "dt negative": ["--dt", "-0.1"],
        "name with /": ["--name", "a/b"],
        "name ..": ["--name", ".."],
        "test with other dim": ["--test", str(_save(tmp_path / "b.npy", np.zeros((50, 3))))],
    }.get(case, [])
    root = tmp_path / "root"
    _refused([*args, "--root", str(root)], fragment, root)


@pytest.mark.parametrize("case", sorted(PREFLIGHT_CASES))
def test_preflight_check_names_the_field(tmp_path, case):
    """The same cases at the Python level (they run whether or not the CLI is wired)."""
    from chaosflow.safety import PreflightError, check
    from chaosflow.specs import load_spec

    override, fragment = PREFLIGHT_CASES[case]
    spec = yaml.safe_load(_spec_file(tmp_path, override).read_text())
    with pytest.raises(PreflightError) as err:
        check(load_spec(spec), str(tmp_path / "root"))
    assert fragment in str(err.value)
    assert not (tmp_path / "root").exists()


def test_preflight_disk_estimate_bounds_the_real_store_and_skips_stored_systems(tmp_path):
    """Known answer: 8 bytes × traj × (points + 1) × dim per system, an upper bound of the
    (compressed) store; systems already complete need no more disk."""
    from chaosflow.safety import estimate
    from chaosflow.specs import load_spec
    from chaosflow.storage import Root
    from chaosflow.tasks import _generate

    spec = load_spec(_spec_dict(systems=["Henon", "Ikeda"], n_points=2000))
    root = tmp_path / "root"
    est = estimate(spec, str(root))
    assert est.disk == 2 * 8 * 6 * 2001 * 2
    assert est.shard_memory == 8 * 3 * 2 * 2000 * 2
    assert est.free_disk is not None
    assert est.free_disk > 0
    _generate.generate_direct(Root(str(root)), spec.dataset)
    chunks = (root / "datasets").glob("*.zarr/*/x/c/*/0/0")
    stored = sum(p.stat().st_size for p in chunks if p.is_file())
    assert 0.5 * est.disk < stored <= est.disk
    assert estimate(spec, str(root)).disk == 0  # a rerun writes no new trajectories


def _spec_dict(**dataset) -> dict:
    spec = tiny_spec_dict()
    spec["dataset"] |= dataset
    return spec
