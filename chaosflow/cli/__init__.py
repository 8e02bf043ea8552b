"""The ``chaosflow`` command line (Typer). Errors print one paragraph and exit non-zero."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from chaosflow.cli import datasets as _datasets
from chaosflow.cli.systems import app as systems_app

app = typer.Typer(
    name="chaosflow",
    help="Trajectories of chaotic systems, models trained on them, honest metrics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

RootOpt = Annotated[
    Path, typer.Option("--root", help="storage root (a folder; fsspec URLs via CHAOSFLOW_ROOT)")
]
SpecOpt = Annotated[
    Path | None, typer.Option("--spec", help="benchmark spec YAML (default: the shipped one)")
]
DEFAULT_ROOT = Path("chaosflow-data")


def _quiet_prefect() -> None:
    # The ephemeral server's telemetry heartbeat fights sqlite ("database is locked").
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")


def friendly(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into a one-paragraph message and exit code 2."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from chaosflow.specs import SpecError
        from chaosflow.storage import StorageError

        try:
            return f(*args, **kwargs)
        except (SpecError, StorageError, ValueError, KeyError, FileNotFoundError) as exc:
            msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            console.print(f"[bold red]error:[/] {escape(msg)}", highlight=False)
            raise typer.Exit(2) from None
        except Exception as exc:
            if os.environ.get("CHAOSFLOW_DEBUG"):
                raise
            console.print(
                f"[bold red]error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
                "Stored work is kept; rerun the same command to resume "
                "(CHAOSFLOW_DEBUG=1 shows the traceback).",
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper


def _load(spec: Path | None):
    from chaosflow.specs import default_spec, load_spec

    return default_spec() if spec is None else load_spec(spec)


def _root_url(root: Path) -> str:
    """The root's URL without creating anything (checks run before the first write)."""
    url = os.environ.get("CHAOSFLOW_ROOT")
    return url if url and root == DEFAULT_ROOT else str(root.resolve())


def _root(root: Path) -> str:
    url = os.environ.get("CHAOSFLOW_ROOT")
    if url and root == DEFAULT_ROOT:
        return url
    root = root.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"root {str(root)!r} cannot be created: {exc.strerror}") from None
    if not os.access(root, os.W_OK):
        raise ValueError(f"root {str(root)!r} is not writable")
    return str(root)


def _run_flow(name: str, spec_path: Path | None, root: Path) -> dict[str, Any]:
    from chaosflow import safety

    spec = _load(spec_path)
    safety.check(spec, _root_url(root))  # sizes, options, inputs: refused before any write
    url = _root(root)
    _quiet_prefect()
    from chaosflow import flows
    from chaosflow.flows._server import prefect_api

    f = getattr(flows, f"{name}_flow")
    wait = float(os.environ.get("CHAOSFLOW_LOCK_WAIT", "0"))  # seconds; 0 refuses at once
    with safety.acquire(url, wait=wait, command=f"chaosflow {name}"), prefect_api():
        return flows.with_runner(f, spec.cluster)(spec, url)


@app.command()
@friendly
def run(spec: SpecOpt = None, root: RootOpt = DEFAULT_ROOT) -> None:
    """Run the end-to-end benchmark (generate → train → evaluate → aggregate → report)."""
    from chaosflow import report

    loaded = _load(spec)
    console.print(
        f"[bold]chaosflow[/] benchmark: dataset [cyan]{loaded.dataset.id}[/], "
        f"{len(loaded.dataset.system_keys)} systems × {len(loaded.train.models)} models × "
        f"{len(loaded.train.seeds)} seeds → {root}"
    )
    out = _run_flow("benchmark", spec, root)
    gen = out["generate"]
    console.print(
        f"dataset: {'reused the stored dataset' if gen['reused'] else 'generated'} "
        f"{gen['dataset']} ({gen['generated']} of {gen['units']} units generated now)"
    )
    report.print_leaderboard(out["report"]["leaderboard"])
    console.print(f"metrics: {out['aggregate']['metrics']}")
    for path in out["report"].get("plots", []):
        console.print(f"plot:    {path}")


@app.command()
@friendly
def generate(
    spec: Annotated[Path, typer.Argument(help="benchmark spec YAML")], root: RootOpt = DEFAULT_ROOT
) -> None:
    """Generate (or complete) the spec's dataset."""
    out = _run_flow("generate", spec, root)
    console.print(
        f"dataset {out['dataset']}: {out['generated']} units generated, "
        f"{out['units'] - out['generated']} reused"
    )


@app.command()
@friendly
def train(
    spec: Annotated[Path, typer.Argument(help="benchmark spec YAML")], root: RootOpt = DEFAULT_ROOT
) -> None:
    """Train the spec's models on its (already generated) dataset."""
    out = _run_flow("train", spec, root)
    console.print(f"trained {out['trained']} of {out['runs']} runs ({out['packs']} packs)")


@app.command()
@friendly
def evaluate(
    spec: Annotated[Path, typer.Argument(help="benchmark spec YAML")], root: RootOpt = DEFAULT_ROOT
) -> None:
    """Evaluate the spec's trained runs and aggregate into metrics.zarr."""
    out = _run_flow("evaluate", spec, root)
    console.print(f"computed {out['computed']} new cells; {out['cells']} in {out['metrics']}")


@app.command("report")
@friendly
def report_cmd(
    root: RootOpt = DEFAULT_ROOT,
    out: Annotated[
        Path | None, typer.Option(help="folder for the plots (default ROOT/reports)")
    ] = None,
    export: Annotated[
        Path | None, typer.Option(help="also export the metrics to a .nc or .csv file")
    ] = None,
) -> None:
    """Print the leaderboard of ROOT/metrics.zarr and write its plots."""
    from chaosflow import report
    from chaosflow.storage import Root
    from chaosflow.tasks._aggregate import export_metrics, open_metrics

    if export is not None and export.suffix not in (".nc", ".csv"):
        raise ValueError(f"--export {str(export)!r}: use a .nc or .csv file name")
    r = Root(str(root.resolve()))
    if not r.exists("metrics.zarr"):
        raise ValueError(f"no metrics at {r.join('metrics.zarr')}: run `chaosflow run` first")
    ds = open_metrics(r)
    report.print_leaderboard(report.leaderboard(ds))
    for path in report.write_reports(r, ds, out or Path(r.url) / "reports"):
        console.print(f"plot: {path}")
    if export is not None:
        console.print(f"exported: {export_metrics(ds, export)}")


def _mount() -> None:
    from chaosflow.safety import cli as safety_cli

    app.add_typer(systems_app, name="systems")
    app.add_typer(_datasets.app, name="datasets")
    app.add_typer(safety_cli.app, name="runs")
    _datasets.app.command("repair")(safety_cli.repair_datasets)
    for cmd in [*_datasets.app.registered_commands, *safety_cli.app.registered_commands]:
        cmd.callback = friendly(cmd.callback)
    app.command("ingest")(friendly(_datasets.ingest))
    from chaosflow.cli.ops import register

    register(app)


_mount()


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
