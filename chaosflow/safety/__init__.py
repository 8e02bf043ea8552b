"""Reliability guards: a per-root run lock, a preflight size check, stored-work validators.

Nothing here imports Prefect or Dask; the CLI calls these before and around a run.
"""

from chaosflow.safety.checks import (
    CheckpointError,
    RunProblem,
    check_run,
    find_runs,
    quarantine_runs,
    repair_dataset,
    validate_checkpoint,
    verify_runs,
)
from chaosflow.safety.lock import LockedError, LockInfo, acquire, lock_path, read_lock
from chaosflow.safety.preflight import Estimate, PreflightError, check, estimate

__all__ = [
    "CheckpointError",
    "Estimate",
    "LockInfo",
    "LockedError",
    "PreflightError",
    "RunProblem",
    "acquire",
    "check",
    "check_run",
    "estimate",
    "find_runs",
    "lock_path",
    "quarantine_runs",
    "read_lock",
    "repair_dataset",
    "validate_checkpoint",
    "verify_runs",
]
