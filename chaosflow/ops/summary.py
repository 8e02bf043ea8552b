"""The run-summary markdown: which dataset, which runs, which metrics a benchmark run produced.

Pure text from the spec, the storage root and the flow's return value, so it is tested without
Prefect; ``monitor.create_run_summary`` publishes it as an artifact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chaosflow.specs import BenchmarkSpec
from chaosflow.storage import Root


def _link(url: str) -> str:
    """A markdown link to a store location (``file://`` for local folders)."""
    href = url if "://" in url else f"file://{url}"
    return f"[`{url}`]({href})"


def run_dirs(spec: BenchmarkSpec, root: Root) -> dict[str, str]:
    """Model label → ``<root>/runs/<run-id>`` holding that model's checkpoints for this spec."""
    from chaosflow.tasks._train import run_id

    return {
        m.key: root.join("runs", run_id(spec.dataset, m, spec.train)) for m in spec.train.models
    }


def run_summary_markdown(
    spec: BenchmarkSpec,
    root: str,
    out: Mapping[str, Any],
    *,
    flow_run_url: str | None = None,
) -> str:
    """Markdown linking the dataset, the runs and the metrics of ``out`` (a flow's return value).

    ``out`` has the stage summaries the flows return (``generate``, ``train``, ``evaluate``,
    ``aggregate``, ``report``); stages that did not run are left out of the text.
    """
    r = Root(root)
    lines = ["# chaosflow run summary", ""]
    if flow_run_url:
        lines += [f"Flow run: [{flow_run_url}]({flow_run_url})", ""]
    ds = spec.dataset
    lines += [
        "## Dataset",
        f"- id: `{ds.id}` — {len(ds.system_keys)} systems: {', '.join(ds.system_keys)}",
        f"- store: {_link(r.join('datasets', ds.id + '.zarr'))}",
    ]
    if "generate" in out:
        g = out["generate"]
        lines.append(f"- units: {g['units']} ({g['generated']} generated now, rest reused)")
    lines += ["", "## Runs"]
    for label, url in run_dirs(spec, r).items():
        lines.append(f"- {label}: {_link(url)} (seeds {list(spec.train.seeds)})")
    if "train" in out:
        t = out["train"]
        lines.append(f"- {t['trained']} of {t['runs']} runs trained now ({t['packs']} packs)")
    lines += ["", "## Metrics"]
    if "evaluate" in out:
        lines.append(f"- evaluation `{out['evaluate']['eval']}`: {out['evaluate']['computed']} new")
    if "aggregate" in out:
        agg = out["aggregate"]
        lines.append(f"- {agg['cells']} cells in {_link(agg['metrics'])}")
    rep = out.get("report", {})
    if "plot" in rep:
        lines.append(f"- plot: {_link(rep['plot'])}")
    if rep.get("leaderboard"):
        from chaosflow import report

        lines += ["", "## Leaderboard (median [IQR] across systems)", ""]
        lines.append(report.leaderboard_markdown(rep["leaderboard"]))
    return "\n".join(lines) + "\n"
