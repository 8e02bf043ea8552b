"""Built-in systems, one module per kind; importing this package registers them."""

from chaosflow.systems.catalog import flows as flows  # noqa: F401
