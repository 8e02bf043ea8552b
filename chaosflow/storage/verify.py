"""``chaosflow datasets verify``: completeness, fill-value holes, checksums and metadata."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chaosflow.storage.datasets import DatasetStore, checksum


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataset, named precisely enough to act on."""

    system: str
    unit: str
    kind: str  # "missing", "hole", "checksum", "unreadable", "incomplete", "metadata"
    detail: str

    def __str__(self) -> str:
        return f"{self.system} {self.unit}: {self.kind} — {self.detail}"


def verify(store: DatasetStore) -> list[Problem]:
    """Every problem found; an empty list means every unit is present, finite and matches."""
    problems: list[Problem] = []
    if not store.exists():
        return [Problem("-", "-", "missing", f"no dataset {store.id!r} under {store.root.url}")]
    for system in store.systems():
        try:
            keys = store.shards(system)
        except Exception as exc:  # corrupt group metadata
            problems.append(Problem(system, "-", "metadata", f"cannot open the group: {exc}"))
            continue
        for key in keys:
            problems += _check_unit(store, system, key)
        if not store.is_complete(system):
            problems.append(
                Problem(
                    system,
                    "-",
                    "incomplete",
                    "the dataset was never finalized "
                    "(a run stopped early); rerun the same spec to finish it",
                )
            )
    return problems


def _check_unit(store: DatasetStore, system: str, key) -> list[Problem]:
    unit = f"shard-{key.shard:04d} (traj {key.start}:{key.stop})"
    if not store.is_done(key):
        return [Problem(system, unit, "missing", "no done-marker: the unit was never written")]
    marker = store.root.read_json("datasets", store.sname, system, key.marker)
    g = store.group(system, mode="r")
    try:
        x = g["x"][key.start : key.stop]
        ic = g["ic"][key.start : key.stop]
    except Exception as exc:
        return [Problem(system, unit, "unreadable", f"chunk cannot be decoded: {exc}")]
    if not np.isfinite(x).all():
        holes = int((~np.isfinite(x)).sum())
        return [Problem(system, unit, "hole", f"{holes} fill values (NaN): the chunk is missing")]
    if checksum(x, ic) != marker["sha256"]:
        return [Problem(system, unit, "checksum", "data differ from the checksum written with it")]
    return []
