"""``chaosflow runs verify [--repair]`` and ``datasets repair``: find and fix damaged stored work.

Mounted by ``chaosflow.cli`` (``app.add_typer(runs_app, name="runs")``); usable alone as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Inspect and repair trained runs.", no_args_is_help=True)
out = Console()
RootOpt = Annotated[Path, typer.Option("--root", help="storage root")]


@app.callback()
def _group() -> None:
    """Inspect and repair trained runs."""


def _existing_root(root: Path):
    from chaosflow.storage import Root

    if not root.is_dir():
        raise ValueError(f"root {str(root)!r} does not exist")
    return Root(str(root.resolve()))


@app.command()
def verify(
    root: RootOpt = Path("chaosflow-data"),
    repair: Annotated[
        bool, typer.Option(help="move damaged runs to ROOT/quarantine so `train` redoes them")
    ] = False,
) -> None:
    """Check every finished run's checkpoint; exit 1 naming each damaged run."""
    from chaosflow.safety.checks import find_runs, quarantine_runs, verify_runs

    r = _existing_root(root)
    problems = verify_runs(r)
    out.print(f"{len(find_runs(r))} finished runs, {len(problems)} damaged", highlight=False)
    for p in problems:
        out.print(f"  {p}", highlight=False)
    if problems and repair:
        for path in quarantine_runs(r, problems):
            out.print(f"  quarantined → {path}", highlight=False)
        out.print("rerun `chaosflow train SPEC` (or `run`) to retrain exactly these runs")
        return
    if problems:
        out.print("rerun with --repair to quarantine them, then train again")
        raise typer.Exit(1)


def repair_datasets(
    dataset: Annotated[str | None, typer.Argument()] = None, root: RootOpt = Path("chaosflow-data")
) -> None:
    """Forget damaged units found by verify, so a rerun of the spec regenerates exactly them."""
    from chaosflow.safety.checks import repair_dataset
    from chaosflow.storage import DatasetStore
    from chaosflow.storage.verify import verify as check

    r = _existing_root(root)
    names = [n.removesuffix(".state") for n in r.listdir("datasets") if n.endswith(".state")]
    if dataset is not None:
        if dataset not in names:
            raise ValueError(f"no dataset {dataset!r} under {root} (known: {names or 'none'})")
        names = [dataset]
    for name in names:
        store = DatasetStore(r, name)
        forgotten = repair_dataset(store, check(store))
        out.print(f"{name}: {len(forgotten)} unit(s) to regenerate {forgotten}", highlight=False)
