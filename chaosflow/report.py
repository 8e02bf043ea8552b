"""Leaderboards and plots from the aggregated metrics Dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

#: metric → (short name, higher is better)
LEADERBOARD = {
    "vpt_lyapunov": ("VPT [λ⁻¹]", True),
    "d_stsp": ("D_stsp", False),
    "d_h": ("D_H", False),
    "diverged_fraction": ("diverged", False),
}


def leaderboard(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Per model: median and IQR across systems of the seed-median of each metric, best first."""
    rows = []
    for model in ds["model"].values:
        row: dict[str, Any] = {"model": str(model)}
        for var in LEADERBOARD:
            per_system = ds[var].sel(model=model).median("seed", skipna=True).values
            per_system = per_system[np.isfinite(per_system)]
            if per_system.size:
                q1, med, q3 = np.percentile(per_system, [25, 50, 75])
            else:
                q1 = med = q3 = float("nan")
            row[var] = float(med)
            row[var + "_iqr"] = (float(q1), float(q3))
        rows.append(row)
    rows.sort(key=lambda r: -r["vpt_lyapunov"] if np.isfinite(r["vpt_lyapunov"]) else np.inf)
    return rows


def leaderboard_markdown(rows: list[dict[str, Any]]) -> str:
    head = "| model | " + " | ".join(name for name, _ in LEADERBOARD.values()) + " |"
    sep = "|---|" + "---|" * len(LEADERBOARD)
    body = [
        f"| {r['model']} | "
        + " | ".join(
            f"{r[v]:.3g} [{r[v + '_iqr'][0]:.3g}, {r[v + '_iqr'][1]:.3g}]" for v in LEADERBOARD
        )
        + " |"
        for r in rows
    ]
    return "\n".join([head, sep, *body])


def print_leaderboard(rows: list[dict[str, Any]], title: str = "leaderboard") -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{title} (median [IQR] across systems)")
    table.add_column("model")
    for name, better_high in LEADERBOARD.values():
        table.add_column(f"{name} {'↑' if better_high else '↓'}", justify="right")
    for r in rows:
        table.add_row(
            r["model"],
            *(f"{r[v]:.3g} [{r[v + '_iqr'][0]:.3g}, {r[v + '_iqr'][1]:.3g}]" for v in LEADERBOARD),
        )
    Console().print(table)


def plot_summary(ds: xr.Dataset, path: str | Path) -> Path:
    """One PNG: VPT per model × system (bars), D_stsp heat-map, NRMSE vs horizon."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    models, systems = [str(m) for m in ds["model"].values], [str(s) for s in ds["system"].values]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    vpt = ds["vpt_lyapunov"].median("seed").values
    width = 0.8 / max(len(models), 1)
    for i, m in enumerate(models):
        axes[0].bar(np.arange(len(systems)) + i * width, vpt[i], width, label=m)
    axes[0].set_xticks(np.arange(len(systems)) + 0.4 - width / 2, systems, rotation=30)
    axes[0].set_ylabel("valid prediction time [Lyapunov times]")
    axes[0].legend(fontsize=8)
    d = ds["d_stsp"].median("seed").values
    im = axes[1].imshow(np.where(np.isfinite(d), d, np.nan), cmap="viridis_r", aspect="auto")
    axes[1].set_xticks(range(len(systems)), systems, rotation=30)
    axes[1].set_yticks(range(len(models)), models)
    axes[1].set_title("D_stsp (lower is better)")
    fig.colorbar(im, ax=axes[1])
    for i, m in enumerate(models):
        curve = ds["nrmse"].isel(model=i).median(("system", "seed")).values
        axes[2].plot(ds["horizon"].values, curve, label=m)
    axes[2].set_xlabel("horizon [steps]")
    axes[2].set_ylabel("NRMSE (median over systems)")
    axes[2].set_yscale("log")
    axes[2].legend(fontsize=8)
    fig.suptitle(f"chaosflow benchmark — {ds.attrs.get('dataset', '')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
