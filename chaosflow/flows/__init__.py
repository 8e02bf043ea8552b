"""chaosflow.flows."""
