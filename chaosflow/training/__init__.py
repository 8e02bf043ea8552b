"""chaosflow.training."""
