"""Registry: names, close matches, overrides, user registration and the entry-point group."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from chaosflow.systems import (
    ENTRY_POINT_GROUP,
    Metadata,
    System,
    SystemError_,
    UnknownParameterError,
    UnknownSystemError,
    get_system,
    list_systems,
    register_system,
    reload_entry_points,
    unregister_system,
)


def _decay(t, x, p):
    return -p["k"] * x


def _decay_system(name: str = "TestDecay") -> System:
    meta = Metadata(dt=0.1, period=1.0, lyapunov_max=0.1, x0=(1.0,), citation="a test system")
    return System(name=name, dim=1, kind="flow", params={"k": 0.5}, rhs=_decay, metadata=meta)


@pytest.fixture
def cleanup():
    """Names registered by a test are removed afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        if name in list_systems():
            unregister_system(name)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownSystemError, match=r"did you mean.*Lorenz") as info:
        get_system("Lornez")
    assert isinstance(info.value, KeyError)
    assert "Lornez" in str(info.value)


def test_unknown_name_without_close_match_points_to_the_list():
    with pytest.raises(KeyError, match="chaosflow systems list"):
        get_system("zzzzqqqq")


def test_names_are_case_insensitive_when_unambiguous():
    assert get_system("henon").name == "Henon"


def test_parameter_override_and_unknown_parameter():
    assert get_system("Lorenz", rho=35.0).params["rho"] == 35.0
    with pytest.raises(UnknownParameterError, match=r"'rhoo'.*parameters are"):
        get_system("Lorenz", rhoo=35.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "ten", None])
def test_non_finite_or_non_numeric_values_are_named(bad):
    with pytest.raises(SystemError_, match="'rho'"):
        get_system("Lorenz", rho=bad)


def test_parameter_bounds_are_enforced_with_the_name():
    with pytest.raises(SystemError_, match="'tau' must lie in"):
        get_system("MackeyGlass", tau=-1.0)
    assert get_system("MackeyGlass", tau=20.0).params["tau"] == 20.0


def test_factory_keywords_and_parameters_mix():
    system = get_system("Lorenz96", dim=12, F=10.0)
    assert (system.dim, system.params["F"]) == (12, 10.0)
    assert len(system.metadata.x0) == 12
    with pytest.raises(ValueError, match="dim"):
        get_system("Lorenz96", dim=3)
    with pytest.raises(UnknownParameterError, match="'G'"):
        get_system("Lorenz96", dim=8, G=1.0)


def test_params_are_read_only():
    system = get_system("Lorenz")
    with pytest.raises(TypeError):
        system.params["rho"] = 1.0  # type: ignore[index]


def test_register_a_system_and_a_factory(cleanup):
    register_system(_decay_system())
    cleanup.append("TestDecay")
    assert "TestDecay" in list_systems("flow")
    assert get_system("TestDecay", k=2.0).params["k"] == 2.0
    with pytest.raises(SystemError_, match="already registered"):
        register_system(_decay_system())

    def factory(dim: int = 2) -> System:
        meta = Metadata(dt=0.1, period=1.0, lyapunov_max=0.1, x0=(1.0,) * dim, citation="test")
        return System("TestScaled", dim, "flow", {"k": 1.0}, _decay, meta)

    register_system(factory, name="TestScaled", kind="flow")
    cleanup.append("TestScaled")
    assert get_system("TestScaled", dim=5).dim == 5


def test_bad_registrations_fail():
    with pytest.raises(SystemError_, match="kind"):
        register_system(lambda: _decay_system(), name="TestX", kind="ode")
    with pytest.raises(SystemError_, match="name"):
        register_system(_decay_system(), name="a/b")
    with pytest.raises(SystemError_, match="kind"):
        _ = System("Bad", 1, "ode", {}, _decay, _decay_system().metadata)  # type: ignore[arg-type]
    two = Metadata(dt=0.1, period=1.0, lyapunov_max=0.1, x0=(1.0, 2.0), citation="x")
    with pytest.raises(SystemError_, match="x0"):
        _ = System("Bad", 1, "flow", {}, _decay, two)
    one = Metadata(dt=0.1, period=1.0, lyapunov_max=0.1, x0=(1.0,), citation="x")
    with pytest.raises(SystemError_, match="tau"):
        _ = System("Bad", 1, "delay", {}, _decay, one)


def test_list_systems_rejects_unknown_kind():
    with pytest.raises(SystemError_, match="kind"):
        list_systems("ode")


def _write_plugin(root, dist: str = "chaosflow_test_plugin") -> None:
    """A tiny installed distribution: a module and its ``*.dist-info`` with entry points."""
    (root / f"{dist}_mod.py").write_text(
        textwrap.dedent(
            """
            from chaosflow.systems import Metadata, System, register_system

            def _rhs(t, x, p):
                return -p["k"] * x

            SYSTEM = System(
                name="PluginDecay", dim=1, kind="flow", params={"k": 0.25}, rhs=_rhs,
                metadata=Metadata(dt=0.1, period=4.0, lyapunov_max=0.1, x0=(2.0,),
                                  citation="plugin test"),
            )

            def register():
                register_system(SYSTEM, name="PluginDecayHooked", overwrite=True)
            """
        )
    )
    info = root / f"{dist}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nPluginDecay = {dist}_mod:SYSTEM\nhook = {dist}_mod:register\n"
    )


def test_entry_point_group_registers_plugin_systems(tmp_path, monkeypatch, cleanup):
    _write_plugin(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    cleanup.extend(["PluginDecay", "PluginDecayHooked"])
    reload_entry_points()
    system = get_system("PluginDecay")
    assert system.params["k"] == 0.25
    assert get_system("PluginDecayHooked").name == "PluginDecayHooked"
    x = np.array([[2.0]])
    np.testing.assert_allclose(system.rhs(0.0, x, system.params), [[-0.5]])


def test_broken_entry_point_is_reported_by_name(tmp_path, monkeypatch):
    info = tmp_path / "chaosflow_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: chaosflow_broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nBroken = no_such_mod:X\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SystemError_, match="'Broken'"):
        reload_entry_points()
    monkeypatch.undo()
    reload_entry_points()  # the catalog works again once the broken plugin is gone
