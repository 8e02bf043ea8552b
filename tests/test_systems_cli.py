"""`chaosflow systems ...` through Typer's CliRunner on the sub-app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chaosflow.cli.systems import app
from chaosflow.systems import KINDS, get_system, list_systems
from chaosflow.systems.lyapunov import LYAPUNOV_EXCEPTIONS

runner = CliRunner()


def test_list_json_reports_counts_per_kind():
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["counts"] == {k: len(list_systems(k)) for k in KINDS}
    assert payload["total"] == len(list_systems())
    lorenz = next(s for s in payload["systems"] if s["name"] == "Lorenz")
    assert lorenz == {
        "name": "Lorenz",
        "kind": "flow",
        "dim": 3,
        "lyapunov_max": pytest.approx(0.9056),
        "dt": 0.01,
        "period": 0.75,
    }


def test_list_one_kind_as_a_table():
    result = runner.invoke(app, ["list", "--kind", "map"])
    assert result.exit_code == 0, result.output
    assert "Henon" in result.stdout
    assert "Lorenz " not in result.stdout
    assert f"map: {len(list_systems('map'))}" in result.stdout


def test_list_rejects_an_unknown_kind_in_one_line():
    result = runner.invoke(app, ["list", "--kind", "ode"])
    assert result.exit_code == 2
    assert "unknown kind 'ode'" in result.stderr
    assert "Traceback" not in result.output


def test_show_json_has_params_metadata_and_citation():
    result = runner.invoke(app, ["show", "MackeyGlass", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    system = get_system("MackeyGlass")
    assert info["params"] == dict(system.params)
    assert info["kind"] == "delay"
    assert info["citation"] == system.metadata.citation
    assert info["param_bounds"]["tau"][0] == 0.0


def test_show_table_and_the_pde_stepper():
    result = runner.invoke(app, ["show", "KuramotoSivashinsky"])
    assert result.exit_code == 0, result.output
    assert "Kassam" in result.stdout
    info = json.loads(runner.invoke(app, ["show", "KuramotoSivashinsky", "--json"]).stdout)
    assert info["has_stepper"] is True
    assert info["dim"] == 64


def test_show_says_where_a_flow_differs_from_dysts():
    result = runner.invoke(app, ["show", "HenonHeiles", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert "chaotic sea" in info["extra"]["departs_from_dysts"]
    assert "except: x0 in the chaotic sea" in info["citation"]
    table = runner.invoke(app, ["show", "HenonHeiles"])
    assert "differs from dysts" in table.stdout
    plain = json.loads(runner.invoke(app, ["show", "Lorenz", "--json"]).stdout)
    assert "departs_from_dysts" not in plain["extra"]
    assert "except" not in plain["citation"]


def test_show_unknown_name_suggests_and_exits_nonzero():
    result = runner.invoke(app, ["show", "Lornez"])
    assert result.exit_code == 2
    assert "did you mean" in result.stderr
    assert "Lorenz" in result.stderr
    assert "Traceback" not in result.output


def test_lyapunov_prints_the_exception_list():
    result = runner.invoke(app, ["lyapunov", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == LYAPUNOV_EXCEPTIONS
    table = runner.invoke(app, ["lyapunov"])
    assert table.exit_code == 0
    assert "lyapunov_sweep" in table.stdout


def test_gallery_writes_a_png(tmp_path):
    out = tmp_path / "g.png"
    args = ["gallery", "--out", str(out), "--points", "300"]
    args += ["-n", "Lorenz", "-n", "Henon", "-n", "MackeyGlass", "-n", "KuramotoSivashinsky"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "skipped" not in result.output


def test_gallery_unknown_name_fails_cleanly(tmp_path):
    result = runner.invoke(app, ["gallery", "--out", str(tmp_path / "g.png"), "-n", "Nope"])
    assert result.exit_code == 2
    assert "unknown system" in result.stderr
