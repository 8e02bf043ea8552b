"""Generation work, free of Prefect/Dask: plan units, run one shard, finalize.

Seeds derive from (spec seed, system key, shard) alone, so any shard regenerates to identical bytes
on any worker, in any order, in any later run.
"""

from __future__ import annotations

import dataclasses
import time
import zlib
from dataclasses import dataclass

import numpy as np

from chaosflow.specs import DatasetSpec, SystemRef
from chaosflow.storage import DatasetStore, Root, ShardKey, SystemLayout
from chaosflow.storage.datasets import SPLITS


def shard_seed(spec: DatasetSpec, system_key: str, shard: int) -> np.random.SeedSequence:
    """The seed of one unit: independent of every other system and shard."""
    return np.random.SeedSequence(
        entropy=spec.seed, spawn_key=(zlib.crc32(system_key.encode()), shard)
    )


def layout(spec: DatasetSpec, ref: SystemRef) -> SystemLayout:
    system = ref.build()
    dt = spec.dt or system.metadata.dt
    split = [0] * spec.n_train + [1] * spec.n_valid + [2] * spec.n_test
    attrs = {
        "system": system.name,
        "kind": system.kind,
        "params": dict(system.params),
        "dt": dt,
        "dim": system.dim,
        "lyapunov_max": system.metadata.lyapunov_max,
        "period": system.metadata.period,
        "citation": system.metadata.citation,
        "splits": list(SPLITS),
        "config": spec.system_config(ref),
    }
    return SystemLayout(
        ref.key, system.dim, spec.n_traj, spec.n_points, spec.shard_size, dt, tuple(split), attrs
    )


def prepare(root: Root, spec: DatasetSpec) -> tuple[DatasetStore, list[ShardKey]]:
    """Create the store and every missing template; return the units not yet done."""
    store = DatasetStore(root, spec.id)
    store.ensure_store({"name": spec.name})
    todo: list[ShardKey] = []
    for ref in spec.systems:
        store.create_template(layout(spec, ref))
        todo += store.missing(ref.key)
    return store, todo


def _method(spec: DatasetSpec):
    from chaosflow.integrate import DOP853, RK4, Dopri5

    if spec.method == "rk4":
        return RK4(substeps=spec.substeps)
    if spec.method == "dop853":
        return DOP853(substeps=spec.substeps)
    return Dopri5()


@dataclass(frozen=True)
class ShardResult:
    """What one unit cost: wall seconds in all and per phase (attractor sampling, integration,
    checks + Zarr write + marker)."""

    key: ShardKey
    skipped: bool
    points: int
    seconds: float
    sample_seconds: float = 0.0
    simulate_seconds: float = 0.0
    write_seconds: float = 0.0


def run_shard(root: Root, spec: DatasetSpec, key: ShardKey) -> ShardResult:
    """Integrate one shard and write it (skips a unit already marked done)."""
    from chaosflow.integrate import Grid, sample_on_attractor

    store = DatasetStore(root, spec.id)
    if store.is_done(key):
        return ShardResult(key, True, 0, 0.0)
    t0 = time.perf_counter()
    ref = next(r for r in spec.systems if r.key == key.system)
    system = ref.build()
    n = key.stop - key.start
    ic = sample_on_attractor(system, n, shard_seed(spec, key.system, key.shard))
    t1 = time.perf_counter()
    grid = Grid(dt=spec.dt or system.metadata.dt, n=spec.n_points)
    x, method = integrate_shard(system, ic, grid, _method(spec))
    t2 = time.perf_counter()
    store.write_shard(
        key,
        np.asarray(x, dtype=np.float64),
        np.asarray(ic, dtype=np.float64),
        extra={"method": str(method)},
    )
    t3 = time.perf_counter()
    return ShardResult(key, False, n * spec.n_points, t3 - t0, t1 - t0, t2 - t1, t3 - t2)


#: A fixed-step shard that diverges is redone with 2x, 4x, 8x the substeps before it fails.
REFINE = 3


def integrate_shard(system, ic: np.ndarray, grid, method) -> tuple[np.ndarray, object]:
    """``simulate`` with step refinement: ``(x [n, points, dim], the method that was used)``.

    A row that blows up under a fixed step is almost always a step too large for a fast
    excursion (e.g. Sakarya under RK4 at h = 0.01 escapes to 450 and NaN where RK4 at h = 0.0025
    and DOP853 stay on the attractor), not a property of the system, so the whole shard is
    redone with twice the substeps, up to ``REFINE`` times. Deterministic: the same initial
    conditions diverge the same way, so a rerun takes the same path to the same bytes.
    Still diverged after that → ``DivergenceError`` naming the rows.
    """
    from chaosflow.integrate import DivergenceError, FixedStep, simulate_checked

    for attempt in range(REFINE + 1):
        res = simulate_checked(system, ic, grid=grid, method=method)
        if not res.diverged.any():
            return res.x, method
        if not isinstance(method, FixedStep) or attempt == REFINE:
            break
        method = dataclasses.replace(method, substeps=2 * method.substeps)
    raise DivergenceError(system.name, np.flatnonzero(res.diverged), res.diverged_times)


def run_shards(root: Root, spec: DatasetSpec, keys: list[ShardKey]) -> list[ShardResult]:
    """A batch of units in one call (one coarse task)."""
    return [run_shard(root, spec, k) for k in keys]


def finalize(root: Root, spec: DatasetSpec) -> DatasetStore:
    store = DatasetStore(root, spec.id)
    for ref in spec.systems:
        if not store.is_complete(ref.key):
            store.finalize(ref.key)
    store.consolidate()
    return store


def generate_direct(root: Root, spec: DatasetSpec) -> DatasetStore:
    """The whole generation without any orchestration (reference for benchmarks and tests)."""
    _, todo = prepare(root, spec)
    run_shards(root, spec, todo)
    return finalize(root, spec)
