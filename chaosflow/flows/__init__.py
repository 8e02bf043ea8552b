"""Prefect flows; see ``flows.flows`` and the stage functions in ``flows.stages``."""

from chaosflow.flows.flows import (
    aggregate_flow,
    benchmark_flow,
    evaluate_flow,
    generate_flow,
    train_flow,
    with_runner,
)

__all__ = [
    "aggregate_flow",
    "benchmark_flow",
    "evaluate_flow",
    "generate_flow",
    "train_flow",
    "with_runner",
]
