"""chaosflow.models."""
