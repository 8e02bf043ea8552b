"""The system registry: built-in catalog, user registrations, ``chaosflow.systems`` entry points."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import replace
from importlib.metadata import entry_points
from typing import Any

from chaosflow.systems._base import KINDS, System, SystemError_

Factory = Callable[..., System]

_REGISTRY: dict[str, tuple[str, Factory]] = {}
_ENTRY_POINTS_LOADED = False
ENTRY_POINT_GROUP = "chaosflow.systems"


class UnknownSystemError(KeyError):
    """No system of that name; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


def register_system(
    system: System | Factory,
    *,
    name: str | None = None,
    kind: str | None = None,
    overwrite: bool = False,
) -> None:
    """Register a ``System`` (parameter overrides allowed) or a factory ``(**kwargs) -> System``.

    A factory is for scalable systems (``Lorenz96(dim=40)``); it must name ``kind`` or be
    registered under a name whose default build reveals it.
    """
    if isinstance(system, System):
        fixed = system if name is None or name == system.name else replace(system, name=name)

        def factory(**kw: float) -> System:
            return fixed.with_params(**kw) if kw else fixed

        name, kind = fixed.name, fixed.kind
    else:
        factory = system
        if name is None or kind is None:
            built = factory()
            name, kind = name or built.name, kind or built.kind
    if kind not in KINDS:
        raise SystemError_(f"kind {kind!r} for system {name!r} is not one of {KINDS}")
    if not name or "/" in name or name.startswith("."):
        raise SystemError_(f"system name {name!r} must be non-empty, without '/' or a leading '.'")
    if name in _REGISTRY and not overwrite:
        raise SystemError_(f"system {name!r} is already registered (pass overwrite=True)")
    _REGISTRY[name] = (kind, factory)


def unregister_system(name: str) -> None:
    """Remove a registered system (tests, plugins replacing a definition); unknown names fail."""
    if name not in _REGISTRY:
        raise UnknownSystemError(f"unknown system {name!r}; nothing to unregister")
    del _REGISTRY[name]


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as err:  # a broken plugin must not take the catalog down with it
            raise SystemError_(
                f"entry point {ep.name!r} ({ep.value}) in group {ENTRY_POINT_GROUP!r} "
                f"failed to load: {err}"
            ) from err
        if isinstance(obj, System):
            register_system(obj, name=ep.name if ep.name != obj.name else None, overwrite=True)
        elif callable(obj):
            obj()  # a hook that calls register_system itself
        else:
            raise SystemError_(
                f"entry point {ep.name!r} ({ep.value}) is neither a System nor a callable"
            )


def reload_entry_points() -> None:
    """Scan the ``chaosflow.systems`` entry points again (after installing a plugin)."""
    global _ENTRY_POINTS_LOADED
    _ENTRY_POINTS_LOADED = False
    _load_entry_points()


def get_system(name: str, **overrides: Any) -> System:
    """The system called ``name``, with parameter (or ``dim``) overrides applied.

    Raises ``UnknownSystemError`` (a ``KeyError``) listing close matches for unknown names and
    a ``ValueError`` naming the parameter for bad overrides.
    """
    _load_entry_points()
    if name not in _REGISTRY:
        lowered = {k.lower(): k for k in _REGISTRY}
        if name.lower() in lowered:
            name = lowered[name.lower()]
        else:
            close = difflib.get_close_matches(name, list(_REGISTRY), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownSystemError(
                f"unknown system {name!r}{hint} (`chaosflow systems list` shows all "
                f"{len(_REGISTRY)})"
            )
    return _build(name, _REGISTRY[name][1], overrides)


def _build(name: str, factory: Factory, overrides: dict[str, Any]) -> System:
    """Call ``factory`` with the overrides it accepts; the rest become parameter overrides.

    A factory's own keywords (``dim``, ``L``) go to it; everything else goes through
    ``System.with_params``, which names unknown parameters and rejects bad values.
    """
    try:
        accepted = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # builtins without a signature: pass everything
        return factory(**overrides)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    own = {k: v for k, v in overrides.items() if takes_any or k in accepted}
    rest = {k: v for k, v in overrides.items() if k not in own}
    try:
        system = factory(**own)
    except TypeError as err:  # a wrong type for a factory keyword (dim="ten")
        raise SystemError_(f"system {name!r}: bad overrides {sorted(own)}: {err}") from err
    return system.with_params(**rest) if rest else system


def list_systems(kind: str | None = None) -> list[str]:
    """Sorted names of the registered systems, optionally of one kind."""
    _load_entry_points()
    if kind is not None and kind not in KINDS:
        raise SystemError_(f"kind {kind!r} is not one of {KINDS}")
    return sorted(n for n, (k, _) in _REGISTRY.items() if kind is None or k == kind)
