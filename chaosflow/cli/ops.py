"""``chaosflow serve``: the scheduled deployments on one machine, without a work pool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)

_NO_API = (
    "chaosflow serve needs a Prefect server to register its schedules with: start one with "
    "`prefect server start --host 127.0.0.1` and run `export "
    "PREFECT_API_URL=http://127.0.0.1:4200/api` (or `prefect config set PREFECT_API_URL=...`) "
    "before serving; the UI is then at http://127.0.0.1:4200."
)


def serve(
    spec: Annotated[
        Path | None, typer.Option("--spec", help="benchmark spec YAML (default: the shipped one)")
    ] = None,
    root: Annotated[Path, typer.Option("--root", help="storage root folder")] = Path(
        "chaosflow-data"
    ),
    cron: Annotated[
        str | None,
        typer.Option("--cron", help="cron (UTC) for every served stage; default: per stage"),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="generate|train|evaluate|benchmark (repeat; default all)"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="flow runs at once on this machine")] = 1,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the deployments and exit without serving")
    ] = False,
) -> None:
    """Serve the scheduled deployments (Prefect ``serve``) until Ctrl-C; runs show in the UI."""
    from chaosflow.ops import deployments
    from chaosflow.ops.entry import STAGES
    from chaosflow.specs import SpecError, load_spec

    try:
        spec_path = None
        if spec is not None:
            load_spec(spec)  # fail now, not at 3 am
            spec_path = str(spec.resolve())
        plans = deployments.plan(spec_path, str(root.resolve()), stages=stage or STAGES, cron=cron)
    except (SpecError, ValueError) as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    for p in plans:
        console.print(f"{p.full_name}: cron '{p.cron}' (UTC), parameters {p.parameters}")
    if dry_run:
        return
    if not deployments.api_url():
        console.print(f"[bold red]error:[/] {_NO_API}", highlight=False)
        raise typer.Exit(2)
    console.print(f"serving {len(plans)} deployments against {deployments.api_url()}; Ctrl-C stops")
    deployments.serve(plans, limit=limit)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``chaosflow`` app."""
    app.command("serve")(serve)
