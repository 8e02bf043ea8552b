"""Typed, validated run specifications; every output is named by the hash of the spec that made it.

``DatasetSpec`` → ``datasets/<id>.zarr``, ``TrainSpec`` (+ dataset) → ``runs/<id>/``,
``EvalSpec`` → metric cells, ``BenchmarkSpec`` = the three plus the cluster to run on.
"""

from chaosflow.specs._models import (
    BenchmarkSpec,
    ClusterSpec,
    DatasetSpec,
    EvalSpec,
    ModelSpec,
    ObservedDatasetSpec,
    SpecError,
    SystemRef,
    TrainSpec,
    default_spec,
    load_spec,
    observed_id,
    spec_hash,
)

__all__ = [
    "BenchmarkSpec",
    "ClusterSpec",
    "DatasetSpec",
    "EvalSpec",
    "ModelSpec",
    "ObservedDatasetSpec",
    "SpecError",
    "SystemRef",
    "TrainSpec",
    "default_spec",
    "load_spec",
    "observed_id",
    "spec_hash",
]
