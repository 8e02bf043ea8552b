"""Scheduled deployments of the stages, for ``chaosflow serve`` and ``deploy/prefect.yaml``.

``SCHEDULES`` is the one table of default crons; ``deploy/prefect.yaml`` declares the same
deployments for a process work pool (a test keeps the two in step). ``serve`` runs the
deployments in this process without a work pool (Prefect's ``serve``): scheduled runs execute
as subprocesses of it, so one machine needs only ``prefect server start`` and ``chaosflow serve``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Default cron per stage (UTC). Stages resume from the store, so a repeat does only what is new.
SCHEDULES: dict[str, str] = {
    "generate": "0 1 * * *",
    "train": "0 2 * * *",
    "evaluate": "0 5 * * *",
    "benchmark": "0 3 * * 0",
}
#: At most this many runs of one deployment at a time; later ones wait (ENQUEUE).
DEPLOYMENT_CONCURRENCY = 1
#: Deployment names: ``prefect.yaml`` (work pool) and ``chaosflow serve`` differ, so serving on a
#: machine never replaces the work-pool deployment of the same flow on a shared server.
DEPLOYMENT_NAME = "scheduled"
SERVE_NAME = "serve"
TAGS = ("chaosflow",)


@dataclass(frozen=True)
class DeploymentPlan:
    """One stage to deploy: which flow, when, with which JSON parameters."""

    stage: str
    cron: str
    parameters: dict[str, Any]
    name: str = SERVE_NAME

    @property
    def flow_name(self) -> str:
        return f"chaosflow-{self.stage}"

    @property
    def full_name(self) -> str:
        """``<flow name>/<deployment name>``, as ``prefect deployment run`` takes it."""
        return f"{self.flow_name}/{self.name}"


def check_cron(cron: str) -> str:
    """``cron`` if it is a valid five-field cron expression, else ``ValueError`` saying why."""
    from prefect.client.schemas.schedules import CronSchedule

    try:  # pydantic's ValidationError is a ValueError
        if len(cron.split()) != 5:
            raise ValueError(cron)
        CronSchedule(cron=cron)
    except ValueError:
        msg = f"cron {cron!r} is not a five-field cron expression like '0 3 * * *' (UTC)"
        raise ValueError(msg) from None
    return cron


def plan(
    spec_path: str | None,
    root: str,
    *,
    stages: Iterable[str] = ("benchmark",),
    cron: str | None = None,
) -> list[DeploymentPlan]:
    """Deployments for ``stages``; ``cron`` replaces every stage's default schedule."""
    from chaosflow.ops.entry import STAGES

    out = []
    for stage in dict.fromkeys(stages):
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; stages: {list(STAGES)}")
        params = {"spec_path": spec_path, "root": root}
        out.append(DeploymentPlan(stage, check_cron(cron or SCHEDULES[stage]), params))
    return out


def to_deployments(plans: Sequence[DeploymentPlan]) -> list[Any]:
    """Prefect ``RunnerDeployment`` objects for ``plans`` (what ``prefect.serve`` takes)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    from chaosflow.ops.entry import FLOWS

    limit = ConcurrencyLimitConfig(
        limit=DEPLOYMENT_CONCURRENCY, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
    )
    return [
        FLOWS[p.stage].to_deployment(
            name=p.name,
            cron=p.cron,
            parameters=p.parameters,
            tags=list(TAGS),
            concurrency_limit=limit,
            description=f"chaosflow {p.stage} on a schedule ({p.cron}, UTC)",
        )
        for p in plans
    ]


def serve(plans: Sequence[DeploymentPlan], *, limit: int = 1) -> None:
    """Serve ``plans`` until interrupted: at most ``limit`` flow runs at once on this machine.

    Needs a Prefect API (``PREFECT_API_URL``); the runner's own webserver stays off, and if
    someone enables it, it binds to 127.0.0.1 only.
    """
    os.environ.setdefault("PREFECT_RUNNER_SERVER_HOST", "127.0.0.1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect import serve as prefect_serve

    prefect_serve(*to_deployments(plans), limit=limit)


def api_url() -> str | None:
    """The configured Prefect API URL (environment or profile), or None."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None
