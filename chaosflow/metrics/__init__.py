"""chaosflow.metrics."""
