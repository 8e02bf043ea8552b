"""Built-in systems, one module per kind (flows split alphabetically); importing registers them.

``flows_a_k`` imports its own siblings (``flows_a_k_2..4``); the L–Z flows live in three
modules imported here; ``flows_extra`` holds flows beyond dysts.
"""

from chaosflow.systems.catalog import (  # noqa: F401
    delay,
    flows,
    flows_a_k,
    flows_extra,
    flows_l_z,
    flows_l_z_2,
    flows_l_z_3,
    maps,
    pde,
)
