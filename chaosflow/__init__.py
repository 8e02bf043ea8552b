"""chaosflow: trajectories of chaotic systems, models trained on them, honest metrics.

The science core (``systems``, ``integrate``, ``models``, ``training``, ``metrics``) is pure
numpy/torch; orchestration (``flows``, ``tasks``) wires it to Prefect and Dask; ``storage``
owns the Zarr layout.
"""

__version__ = "0.1.0"
