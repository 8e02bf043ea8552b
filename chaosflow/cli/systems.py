"""`chaosflow systems ...`: browse the catalog, render a gallery, list Lyapunov exceptions."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from chaosflow.systems import KINDS, SystemError_, get_system, list_systems
from chaosflow.systems.lyapunov import LYAPUNOV_EXCEPTIONS

app = typer.Typer(help="Browse the system catalog.", no_args_is_help=True)
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)

KindOption = Annotated[
    str | None, typer.Option("--kind", "-k", help=f"Only one kind: {', '.join(KINDS)}.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _fail(message: str) -> typer.Exit:
    """Print a one-line error (no traceback) and return the exit to raise (code 2)."""
    _err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise _fail(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _summary(name: str) -> dict[str, Any]:
    s = get_system(name)
    return {
        "name": s.name,
        "kind": s.kind,
        "dim": s.dim,
        "lyapunov_max": _finite(s.metadata.lyapunov_max),
        "dt": s.metadata.dt,
        "period": s.metadata.period,
    }


def _describe(name: str) -> dict[str, Any]:
    s = get_system(name)
    meta = s.metadata
    return {
        **_summary(name),
        "params": dict(s.params),
        "x0": list(meta.x0),
        "lyapunov_time": _finite(meta.lyapunov_time),
        "citation": meta.citation,
        "description": meta.description,
        "has_jacobian": s.jac is not None,
        "has_stepper": s.step is not None,
        "param_bounds": {k: list(v) for k, v in meta.param_bounds.items()},
        "extra": {k: v for k, v in meta.extra.items() if _jsonable(v)},
        "lyapunov_exception": LYAPUNOV_EXCEPTIONS.get(s.name),
    }


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


@app.command("list")
def list_command(kind: KindOption = None, as_json: JsonOption = False) -> None:
    """List the registered systems (name, kind, dimension, λmax, dt)."""
    _check_kind(kind)
    names = list_systems(kind)
    counts = {k: len(list_systems(k)) for k in KINDS if kind in (None, k)}
    if as_json:
        payload = {"counts": counts, "total": len(names), "systems": [_summary(n) for n in names]}
        typer.echo(json.dumps(payload, indent=2))
        return
    table = Table(title=f"{len(names)} systems", show_lines=False)
    for column in ("name", "kind", "dim", "λmax", "dt"):
        table.add_column(column, justify="left" if column in ("name", "kind") else "right")
    for row in map(_summary, names):
        lam = "—" if row["lyapunov_max"] is None else f"{row['lyapunov_max']:.4g}"
        table.add_row(row["name"], row["kind"], str(row["dim"]), lam, f"{row['dt']:.4g}")
    _out.print(table)
    _out.print(", ".join(f"{k}: {n}" for k, n in counts.items()), highlight=False)


@app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="System name (see `chaosflow systems list`).")],
    as_json: JsonOption = False,
) -> None:
    """Parameters, metadata and citation of one system."""
    try:
        info = _describe(name)
    except (KeyError, SystemError_) as err:
        raise _fail(str(err).strip("'\"")) from None
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    table = Table(title=f"{info['name']} ({info['kind']}, dim {info['dim']})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key in ("description", "params", "dt", "period", "lyapunov_max", "lyapunov_time"):
        table.add_row(key, str(info[key]))
    table.add_row("x0", ", ".join(f"{v:.6g}" for v in info["x0"][:12]))
    table.add_row("citation", info["citation"])
    if info["extra"].get("departs_from_dysts"):
        table.add_row("differs from dysts", info["extra"]["departs_from_dysts"])
    if info["lyapunov_exception"]:
        table.add_row("λ exception", info["lyapunov_exception"])
    _out.print(table)


@app.command("lyapunov")
def lyapunov_command(as_json: JsonOption = False) -> None:
    """Systems whose λmax check (estimate within 20% of the reference) does not apply, and why."""
    if as_json:
        typer.echo(json.dumps(LYAPUNOV_EXCEPTIONS, indent=2))
        return
    table = Table(title=f"Lyapunov exceptions ({len(LYAPUNOV_EXCEPTIONS)})")
    table.add_column("system", style="bold")
    table.add_column("reason", overflow="fold")
    for name, reason in sorted(LYAPUNOV_EXCEPTIONS.items()):
        table.add_row(name, reason)
    _out.print(table)
    _out.print("Sweep: python benchmarks/lyapunov_sweep.py", highlight=False)


@app.command("gallery")
def gallery_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write.")] = Path("gallery.png"),
    kind: KindOption = None,
    points: Annotated[int, typer.Option(help="Points per attractor.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed for the initial conditions.")] = 0,
    names: Annotated[
        list[str] | None, typer.Option("--name", "-n", help="Only these systems (repeatable).")
    ] = None,
) -> None:
    """Render a grid of attractor plots (2-D/3-D projections) to a PNG."""
    _check_kind(kind)
    selected = names or list_systems(kind)
    try:
        for name in selected:
            get_system(name)
    except KeyError as err:
        raise _fail(str(err).strip("'\"")) from None
    failed = render_gallery(list(selected), out, points=points, seed=seed)
    _out.print(f"wrote {out} ({len(selected)} systems)", highlight=False)
    for name, reason in failed.items():
        _err.print(f"[yellow]skipped[/] {name}: {reason}", highlight=False)


def render_gallery(names: list[str], out: Path, *, points: int, seed: int) -> dict[str, str]:
    """Plot each system's attractor in a grid; returns ``{name: reason}`` for skipped ones.

    Flows with dim ≥ 3: 3-D line of the first three coordinates; maps: 2-D scatter; delay
    equations: x(t) against x(t − τ); the PDE: a space-time image.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from chaosflow.integrate import Grid, sample_on_attractor, simulate

    cols = max(1, min(8, math.ceil(math.sqrt(len(names)))))
    rows = max(1, math.ceil(len(names) / cols))
    fig = plt.figure(figsize=(2.4 * cols, 2.4 * rows), dpi=80)
    failed: dict[str, str] = {}
    for i, name in enumerate(names, start=1):
        system = get_system(name)
        three_d = system.kind == "flow" and system.dim >= 3
        ax = fig.add_subplot(rows, cols, i, projection="3d" if three_d else None)
        ax.set_title(name, fontsize=7)
        ax.set_axis_off()
        try:
            x0 = sample_on_attractor(system, 1, seed)
            x = simulate(system, x0, grid=Grid(dt=system.metadata.dt, n=points))[0]
        except Exception as err:  # one bad system must not spoil the gallery
            failed[name] = f"{type(err).__name__}: {err}"
            continue
        _draw(ax, system, x, np)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return failed


def _draw(ax: Any, system: Any, x: Any, np: Any) -> None:
    if system.kind == "pde":
        ax.imshow(x.T, aspect="auto", cmap="RdBu_r", interpolation="nearest")
    elif system.kind == "map":
        y = x[:, 1] if system.dim > 1 else np.roll(x[:, 0], -1)
        ax.scatter(x[:, 0], y, s=0.3, c="k", linewidths=0)
    elif system.kind == "delay":
        lag = max(1, round(system.params["tau"] / system.metadata.dt))
        ax.plot(x[lag:, 0], x[:-lag, 0], lw=0.3, c="k")
    elif system.dim >= 3:
        ax.plot(x[:, 0], x[:, 1], x[:, 2], lw=0.3, c="k")
    else:
        ax.plot(x[:, 0], x[:, 1], lw=0.3, c="k")
