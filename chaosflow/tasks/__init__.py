"""chaosflow.tasks."""
