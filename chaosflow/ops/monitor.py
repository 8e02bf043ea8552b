"""What a person watching the Prefect UI sees: progress artifacts, rates, failed units, a summary.

Every helper here is called inside a flow or task run (it needs Prefect's run context for the
logger and for artifacts). ``Progress`` is one progress artifact per stage, updated as coarse
units finish; ``track`` waits on a stage's futures in completion order, so the bar moves while
the stage runs, and names the unit that failed and why; ``training_progress`` is the callback
``training.fit(progress=...)`` takes; ``create_run_summary`` is the markdown artifact that links
the dataset, the runs and the metrics of one benchmark run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.futures import PrefectFuture, as_completed

_KEY = re.compile(r"[^a-z0-9-]+")


def artifact_key(*parts: str) -> str:
    """A Prefect artifact key (lowercase letters, digits and dashes) from free text."""
    key = _KEY.sub("-", "-".join(parts).lower()).strip("-")
    return re.sub("-{2,}", "-", key) or "chaosflow"


class UnitFailed(RuntimeError):
    """A unit of work (a shard batch, a pack, a batch of cells) failed; ``unit`` names it."""

    def __init__(self, stage: str, unit: str, cause: BaseException) -> None:
        super().__init__(f"{stage}: unit {unit} failed: {type(cause).__name__}: {cause}")
        self.stage, self.unit, self.cause = stage, unit, cause


@dataclass
class Progress:
    """One progress artifact for a stage, with a rate in ``unit`` per second in its description.

    ``total`` counts ``unit`` (units, trajectories, packs...), ``done`` starts at zero. The
    artifact is created on the first ``start()`` and updated by ``advance``; each update also
    logs one line, so the same numbers appear in the run's logs.
    """

    stage: str
    total: int
    unit: str = "units"
    done: int = 0
    started: float = field(default_factory=time.perf_counter)
    artifact_id: UUID | None = None

    def start(self) -> Progress:
        self.started = time.perf_counter()
        self.artifact_id = create_progress_artifact(
            progress=self.percent, key=artifact_key(self.stage, "progress"), description=self.text
        )
        get_run_logger().info("%s: %s", self.stage, self.text)
        return self

    @property
    def percent(self) -> float:
        return 100.0 if self.total <= 0 else min(100.0, 100.0 * self.done / self.total)

    @property
    def rate(self) -> float:
        """``unit`` per second since ``start``."""
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def text(self) -> str:
        return f"{self.done}/{self.total} {self.unit} ({self.rate:.3g} {self.unit}/s)"

    def advance(self, n: int = 1, note: str = "") -> None:
        """``n`` more ``unit`` are done; ``note`` (e.g. the unit's key) goes to the log line."""
        self.done += n
        if self.artifact_id is not None:
            update_progress_artifact(self.artifact_id, self.percent, description=self.text)
        get_run_logger().info("%s: %s%s", self.stage, self.text, f" ({note})" if note else "")


def track(
    futures: Mapping[str, PrefectFuture],
    *,
    stage: str,
    weights: Mapping[str, int] | None = None,
    unit: str = "units",
) -> dict[str, Any]:
    """Results of ``futures`` (unit label → future), advancing a progress artifact as each ends.

    ``weights[label]`` is how many ``unit`` a future carries (default 1): a shard batch of 4
    shards × 8 trajectories weighs 32 trajectories. The first failure is logged with its unit
    label and re-raised as ``UnitFailed`` naming the unit; the other futures still finish (the
    store keeps what they wrote, so a rerun does only the failed unit).
    """
    weights = weights or {}
    progress = Progress(stage, sum(weights.get(k, 1) for k in futures), unit=unit).start()
    label_of = {id(f): k for k, f in futures.items()}
    results: dict[str, Any] = {}
    failures: list[UnitFailed] = []
    for fut in as_completed(list(futures.values())):
        label = label_of[id(fut)]
        try:
            results[label] = fut.result()
        except Exception as exc:
            failures.append(UnitFailed(stage, label, exc))
            get_run_logger().error("%s", failures[-1])
            continue
        progress.advance(weights.get(label, 1), note=label)
    if failures:
        raise failures[0] from failures[0].cause
    return {k: results[k] for k in futures}


def training_progress(
    label: str, *, every: int = 50, logger: Any = None
) -> Callable[[int, int, float], None]:
    """A ``progress(step, n_steps, loss)`` callback for ``training.fit``: logs epoch and loss.

    Logs every ``every`` steps and at the last step, and keeps a progress artifact keyed by
    ``label`` up to date, so the UI shows how far a pack has trained and its current loss.
    """
    state: dict[str, Any] = {}

    def report(step: int, n_steps: int, loss: float) -> None:
        if step % every and step != n_steps:
            return
        log = logger or get_run_logger()
        text = f"step {step}/{n_steps}, loss {loss:.4g}"
        log.info("train %s: %s", label, text)
        pct = 100.0 * step / max(n_steps, 1)
        if "id" not in state:
            key = artifact_key("train", label, "progress")
            state["id"] = create_progress_artifact(pct, key=key, description=text)
        else:
            update_progress_artifact(state["id"], pct, description=text)

    return report


def create_run_summary(markdown: str, *, key: str = "run-summary") -> UUID:
    """Publish ``markdown`` (see ``summary.run_summary_markdown``) as the run's summary artifact."""
    return create_markdown_artifact(markdown, key=key, description="chaosflow run summary")


def flow_run_url(flow_run_id: Any, ui_url: str | None = None) -> str | None:
    """The UI page of a flow run, or None when no UI URL is configured (ephemeral API)."""
    if ui_url is None:
        from prefect.settings import PREFECT_UI_URL

        ui_url = PREFECT_UI_URL.value()
    return f"{ui_url.rstrip('/')}/runs/flow-run/{flow_run_id}" if ui_url else None


def current_flow_run_id() -> str | None:
    """The id of the flow run this code runs in, or None outside a flow run."""
    from prefect.runtime import flow_run

    return flow_run.id


def summarize_units(results: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Totals over ``generate-shards`` results: units written/skipped, points, points/s."""
    written = [r for r in results if not r.get("skipped")]
    points = sum(int(r.get("points", 0)) for r in written)
    seconds = sum(float(r.get("seconds", 0.0)) for r in written)
    return {
        "written": len(written),
        "skipped": len(results) - len(written),
        "points": points,
        "points_per_s": points / seconds if seconds else 0.0,
    }
