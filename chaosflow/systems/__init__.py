"""The system catalog: ``get_system(name)``, ``list_systems(kind)``, ``register_system(...)``."""

from chaosflow.systems import catalog as _catalog  # noqa: F401  (registers built-ins)
from chaosflow.systems._base import KINDS, Metadata, System, SystemError_, UnknownParameterError
from chaosflow.systems._registry import (
    ENTRY_POINT_GROUP,
    UnknownSystemError,
    get_system,
    list_systems,
    register_system,
    reload_entry_points,
    unregister_system,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "Metadata",
    "System",
    "SystemError_",
    "UnknownParameterError",
    "UnknownSystemError",
    "get_system",
    "list_systems",
    "register_system",
    "reload_entry_points",
    "unregister_system",
]
