"""The system registry: built-in catalog, user registrations and ``chaosflow.systems`` entry points."""

from __future__ import annotations

import difflib
from collections.abc import Callable
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
    system: System | Factory, *, name: str | None = None, kind: str | None = None,
    overwrite: bool = False,
) -> None:
    """Register a ``System`` (parameter overrides allowed) or a factory ``(**kwargs) -> System``.

    A factory is for scalable systems (``Lorenz96(dim=40)``); it must name ``kind`` or be
    registered under a name whose default build reveals it.
    """
    if isinstance(system, System):
        fixed = system
        factory: Factory = lambda **kw: fixed.with_params(**kw) if kw else fixed  # noqa: E731
        name, kind = name or fixed.name, fixed.kind
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


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        if isinstance(obj, System):
            register_system(obj, overwrite=True)
        elif callable(obj):
            obj()  # a hook that calls register_system itself


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
    return _REGISTRY[name][1](**overrides)


def list_systems(kind: str | None = None) -> list[str]:
    """Sorted names of the registered systems, optionally of one kind."""
    _load_entry_points()
    if kind is not None and kind not in KINDS:
        raise SystemError_(f"kind {kind!r} is not one of {KINDS}")
    return sorted(n for n, (k, _) in _REGISTRY.items() if kind is None or k == kind)
