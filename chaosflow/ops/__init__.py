"""Operations: deployable flows, scheduled deployments (``chaosflow serve``) and UI monitoring.

``entry`` holds the flows deployments point at (JSON parameters: a spec path and a root),
``deployments`` the schedules and ``serve``, ``monitor`` progress/summary artifacts, and
``summary`` the run-summary text. Orchestration only: the science core never imports this.
"""

from chaosflow.ops.deployments import SCHEDULES, DeploymentPlan, plan, serve, to_deployments

__all__ = ["SCHEDULES", "DeploymentPlan", "plan", "serve", "to_deployments"]
