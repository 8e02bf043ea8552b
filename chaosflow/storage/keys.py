"""Immutable keys for units of work: each names its region, done-marker and log line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ShardKey:
    """Trajectories ``[start, stop)`` of one system (one Zarr chunk along ``traj``)."""

    dataset: str
    system: str
    shard: int
    start: int
    stop: int

    def __str__(self) -> str:
        return f"{self.dataset}/{self.system}/shard-{self.shard:04d}[{self.start}:{self.stop}]"

    @property
    def marker(self) -> str:
        return f"shard-{self.shard:04d}.json"


def plan_shards(dataset: str, system: str, n_traj: int, shard_size: int) -> list[ShardKey]:
    """Split ``n_traj`` trajectories into chunk-aligned shards (the last may be short)."""
    return [
        ShardKey(dataset, system, i, start, min(start + shard_size, n_traj))
        for i, start in enumerate(range(0, n_traj, shard_size))
    ]


@dataclass(frozen=True, order=True)
class RunKey:
    """One trained model: model label × system × seed, under a training spec."""

    train: str
    model: str
    system: str
    seed: int

    def __str__(self) -> str:
        return f"{self.train}/{self.model}/{self.system}/seed-{self.seed}"

    @property
    def parts(self) -> tuple[str, str, str, str]:
        return (self.train, self.model, self.system, f"seed-{self.seed}")
