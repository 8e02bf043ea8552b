"""The main CLI's contract: help everywhere, bad specs refused before any work, nothing written."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from chaosflow.cli import app
from tests.conftest import tiny_spec_dict

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["generate"],
        ["train"],
        ["evaluate"],
        ["report"],
        ["ingest"],
        ["datasets"],
        ["datasets", "verify"],
        ["systems"],
    ],
)
def test_every_command_has_help(args):
    res = runner.invoke(app, [*args, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"dataset": {"systems": ["Lorenx"]}}, "dataset.systems.0: unknown system 'Lorenx'"),
        ({"dataset": {"n_train": -1}}, "dataset.n_train"),
        ({"dataset": {"dt": 0}}, "dataset.dt"),
        ({"dataset": {"n_points": 20}}, "exceeds dataset.n_points"),
        ({"train": {"models": ["nope"]}}, "unknown model 'nope'"),
    ],
)
@pytest.mark.parametrize("command", ["run", "generate"])
def test_bad_spec_fails_before_any_work(tmp_path, override, fragment, command):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tiny_spec_dict(**override)))
    root = tmp_path / "root"
    args = [command, "--spec", str(spec)] if command == "run" else [command, str(spec)]
    res = runner.invoke(app, [*args, "--root", str(root)])
    assert res.exit_code == 2, res.output
    assert fragment in " ".join(res.output.split())
    assert "Traceback" not in res.output
    assert not root.exists()


def test_missing_spec_file_and_report_without_metrics(tmp_path):
    res = runner.invoke(
        app, ["run", "--spec", str(tmp_path / "none.yaml"), "--root", str(tmp_path / "r")]
    )
    assert res.exit_code == 2
    assert "does not exist" in " ".join(res.output.split())
    res = runner.invoke(app, ["report", "--root", str(tmp_path)])
    assert res.exit_code == 2
    assert "chaosflow run" in " ".join(res.output.split())
