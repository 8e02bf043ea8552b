"""chaosflow.storage."""
