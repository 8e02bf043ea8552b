"""`chaosflow datasets list|show|verify` and `chaosflow ingest`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Inspect and verify stored datasets.", no_args_is_help=True)
out = Console()


def _stores(root_url: str):
    from chaosflow.storage import DatasetStore, Root

    root = Root(root_url)
    names = [n.removesuffix(".state") for n in root.listdir("datasets") if n.endswith(".state")]
    return root, [DatasetStore(root, n) for n in names]


def _root_url(root: Path) -> str:
    from chaosflow.cli import _root

    return _root(root)


def _read_root(root: Path) -> str:
    """The URL of a root that must exist already (read-only commands create nothing)."""
    from chaosflow.cli import _root_url as url

    found = url(root)
    if "://" not in found and not Path(found).is_dir():
        raise ValueError(f"root {found!r} does not exist (no chaosflow data there)")
    return found


RootOpt = Annotated[Path, typer.Option("--root", help="storage root")]


@app.command("list")
def list_cmd(
    root: RootOpt = Path("chaosflow-data"), as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Datasets under the root, with their systems and completeness."""
    _, stores = _stores(_read_root(root))
    rows = [
        {
            "dataset": s.id,
            "systems": s.systems(),
            "complete": all(s.is_complete(k) for k in s.systems()),
        }
        for s in stores
    ]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title=f"datasets in {root}")
    for col in ("dataset", "systems", "complete"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["dataset"], ", ".join(r["systems"]), "yes" if r["complete"] else "NO")
    out.print(table)


def _find(root: Path, dataset: str):
    _, stores = _stores(_read_root(root))
    match = [s for s in stores if s.id == dataset]
    if not match:
        known = ", ".join(s.id for s in stores) or "none"
        raise ValueError(f"no dataset {dataset!r} under {root} (known: {known})")
    return match[0]


@app.command()
def show(
    dataset: str,
    root: RootOpt = Path("chaosflow-data"),
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Shapes, time step, splits and metadata of each system group."""
    store = _find(root, dataset)
    info = {}
    for system in store.systems():
        g = store.group(system, mode="r")
        a = store.attrs(system)
        info[system] = {
            "shape": list(g["x"].shape),
            "dt": a.get("dt"),
            "complete": store.is_complete(system),
            "missing_units": len(store.missing(system)),
            "lyapunov_max": a.get("lyapunov_max"),
            "citation": a.get("citation"),
        }
    if as_json:
        out.print_json(json.dumps({"dataset": store.id, "systems": info}))
        return
    table = Table(title=store.id)
    for col in ("system", "x (traj, time, dim)", "dt", "complete", "missing units"):
        table.add_column(col)
    for s, i in info.items():
        table.add_row(
            s, str(i["shape"]), f"{i['dt']:g}", str(i["complete"]), str(i["missing_units"])
        )
    out.print(table)


@app.command()
def verify(
    dataset: Annotated[str | None, typer.Argument()] = None, root: RootOpt = Path("chaosflow-data")
) -> None:
    """Check completeness, fill-value holes and checksums; exit 1 naming every problem."""
    from chaosflow.storage.verify import verify as check

    _, stores = _stores(_read_root(root))
    if dataset is not None:
        stores = [_find(root, dataset)]
    problems = []
    for s in stores:
        found = check(s)
        out.print(
            f"{s.id}: " + ("[green]ok[/]" if not found else f"[red]{len(found)} problem(s)[/]")
        )
        for p in found:
            out.print(f"  {p}", highlight=False)
        problems += found
    if problems:
        raise typer.Exit(1)


def ingest(
    file: Annotated[Path, typer.Argument(help="train series (time × dim): .npy, .csv, .txt, .nc")],
    name: Annotated[str, typer.Option("--name", help="dataset name (letters, digits, _-.)")],
    test: Annotated[Path | None, typer.Option(help="held-out series (default: last fifth)")] = None,
    dt: Annotated[float, typer.Option(help="sampling step in time units")] = 1.0,
    lyapunov: Annotated[float, typer.Option(help="largest Lyapunov exponent, if known")] = math.nan,
    root: RootOpt = Path("chaosflow-data"),
) -> None:
    """Store an observed (time × dim) series as a dataset that train/evaluate accept."""
    from chaosflow.specs import observed_id
    from chaosflow.storage import Root
    from chaosflow.storage.ingest import ingest as do_ingest
    from chaosflow.storage.ingest import read_series

    observed_id(name)  # validates the name before reading anything
    if not (math.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a positive number, got {dt!r}")
    train = read_series(file)
    held = read_series(test) if test is not None else None
    if held is not None and held.shape[1] != train.shape[1]:
        raise ValueError(f"train has {train.shape[1]} dims but test has {held.shape[1]}")
    url = _root_url(root)  # created only once the inputs are known to be good
    store = do_ingest(
        Root(url), name, train, held, dt=dt, lyapunov_max=lyapunov, source=str(file.name)
    )
    shape = store.group(name, mode="r")["x"].shape
    out.print(
        f"ingested {file.name} as dataset [cyan]{store.id}[/] (x {list(shape)}); "
        f"use it in a spec with `dataset: {{observed: {name}}}`"
    )
