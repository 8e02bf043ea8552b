"""Task runners from a ``ClusterSpec``: threads, LocalCluster, an address, SLURM or Kubernetes."""

from __future__ import annotations

from typing import Any

from chaosflow.specs import ClusterSpec

#: Set in every local Dask worker before it starts (glibc reads it at start-up). glibc raises
#: its mmap threshold each time a large block is freed (up to 32 MiB), after which freed shard
#: buffers stay in the heap and a worker's RSS crept up with every system it generated
#: (~0.15 MiB per system, 185 -> 204 MiB over the 137 flows in one process); with the
#: threshold fixed at 1 MiB, buffers of 1 MiB and more go back to the OS and RSS stays flat
#: (189 -> 190 MiB from the 11th flow to the 137th).
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": "1048576"}


def worker_environment() -> None:
    """Add ``WORKER_ENV`` to Dask's ``distributed.nanny.pre-spawn-environ`` (this process)."""
    import dask

    current = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    dask.config.set({"distributed.nanny.pre-spawn-environ": {**current, **WORKER_ENV}})


def task_runner(cluster: ClusterSpec) -> Any:
    """A Prefect task runner for ``cluster``; Dask dashboards and schedulers bind to 127.0.0.1."""
    if cluster.kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=cluster.n_workers)
    from prefect_dask import DaskTaskRunner

    if cluster.kind == "address":
        return DaskTaskRunner(address=cluster.address)
    if cluster.kind == "local":
        worker_environment()
        kwargs: dict[str, Any] = {
            "n_workers": cluster.n_workers,
            "threads_per_worker": cluster.threads_per_worker,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": "127.0.0.1:0",
            # workers import Prefect and the task code while they start (the driver is idle
            # then), not on their first task while the driver plans and writes templates
            "preload": ["chaosflow.tasks.prefect_tasks"],
            **{k: v for k, v in cluster.options.items() if k != "adapt"},
        }
        if cluster.gpu_workers:
            kwargs["resources"] = {"GPU": 1}
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs=kwargs,
            adapt_kwargs=cluster.options.get("adapt"),
        )
    classes = {
        "slurm": "dask_jobqueue.SLURMCluster",
        "kubernetes": "dask_kubernetes.operator.KubeCluster",
    }
    adapt = cluster.options.get("adapt", {"minimum": 0, "maximum": cluster.n_workers})
    kwargs = {k: v for k, v in cluster.options.items() if k != "adapt"}
    return DaskTaskRunner(
        cluster_class=classes[cluster.kind], cluster_kwargs=kwargs, adapt_kwargs=adapt
    )


def batches(items: list, n: int) -> list[list]:
    """At most ``n`` contiguous, near-equal batches (coarse tasks, never one per item)."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(items[start:stop])
        start = stop
    return [b for b in out if b]
