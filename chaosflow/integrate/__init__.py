"""chaosflow.integrate."""
