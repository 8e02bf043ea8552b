"""Cluster recipes: load a ``cluster:`` section and show what a batch cluster would submit.

``python -m chaosflow.ops.clusters deploy/clusters/slurm.yaml`` prints the SLURM job script that
``dask_jobqueue.SLURMCluster`` would ``sbatch`` for that section (through the same
``task_runner`` the flows use), so a site can check partitions, GPUs and the worker's
``--resources`` line before any job is queued. Needs the ``cluster`` extra (dask-jobqueue).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from chaosflow.specs import ClusterSpec, SpecError


def load_cluster(path: str | Path) -> ClusterSpec:
    """The ``cluster:`` section of a spec or cluster YAML file, validated."""
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict) or "cluster" not in data:
        raise SpecError(f"{str(path)!r} has no top-level `cluster:` section")
    return ClusterSpec.model_validate(data["cluster"])


def slurm_job_script(cluster: ClusterSpec, **overrides: Any) -> str:
    """The job script ``SLURMCluster`` would submit for ``cluster`` (kind ``slurm``).

    Starts and closes a scheduler on 127.0.0.1 to render it; submits nothing. ``overrides``
    replace SLURMCluster keyword arguments (e.g. ``log_directory`` in tests).
    """
    if cluster.kind != "slurm":
        raise ValueError(f"cluster kind is {cluster.kind!r}, not 'slurm'")
    from dask_jobqueue import SLURMCluster

    from chaosflow.flows._runner import task_runner

    kwargs = {**task_runner(cluster).cluster_kwargs, **overrides}
    kwargs["scheduler_options"] = {**kwargs.get("scheduler_options", {}), "host": "127.0.0.1"}
    with SLURMCluster(**kwargs) as slurm:
        return slurm.job_script()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m chaosflow.ops.clusters CLUSTER_OR_SPEC.yaml", file=sys.stderr)
        return 2
    print(slurm_job_script(load_cluster(argv[0])))
    return 0


if __name__ == "__main__":  # pragma: no cover - command-line use
    sys.exit(main(sys.argv[1:]))
