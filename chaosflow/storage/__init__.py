"""Storage layout: datasets (Zarr v3), runs (checkpoints) and metrics, under one root."""

from chaosflow.storage._root import Root, StorageError, safe_part
from chaosflow.storage.datasets import DatasetStore, SystemLayout, checksum
from chaosflow.storage.keys import RunKey, ShardKey, plan_shards

__all__ = [
    "DatasetStore",
    "Root",
    "RunKey",
    "ShardKey",
    "StorageError",
    "SystemLayout",
    "checksum",
    "plan_shards",
    "safe_part",
]
