"""Built-in systems, one module per kind (flows split alphabetically); importing registers them."""

from chaosflow.systems.catalog import (  # noqa: F401
    delay,
    flows,
    flows_a_k,
    flows_l_z,
    maps,
    pde,
)
