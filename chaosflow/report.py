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


def _samples(root, ds: xr.Dataset) -> dict[tuple[str, str], np.ndarray]:
    from chaosflow.tasks._evaluate import load_sample

    eval_id, seed = ds.attrs.get("eval", ""), int(ds["seed"].values[0])
    out = {}
    for model, run in zip(ds["model"].values, ds["run"].values, strict=True):
        for system in ds["system"].values:
            cell = {"run": str(run), "system": str(system), "seed": seed}
            arr = load_sample(root, cell, eval_id)
            if arr is not None:
                out[str(model), str(system)] = arr
    return out


def _spectrum(x: np.ndarray) -> np.ndarray:
    x = (x - x.mean()) / (x.std() + 1e-12)
    p = np.abs(np.fft.rfft(x)) ** 2
    total = p.sum()
    return p / total if total > 0 else np.full_like(p, np.nan)  # a constant series has none


def plot_attractors(root, ds: xr.Dataset, path: str | Path) -> Path | None:
    """Rows = systems; columns = true, each model (first two dims), then power spectra (dim 0)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = _samples(root, ds)
    if not samples:
        return None
    models = [m for m in map(str, ds["model"].values) if m != "ground_truth"]
    systems = [str(s) for s in ds["system"].values]
    ncol = len(models) + 2
    fig, axes = plt.subplots(
        len(systems), ncol, figsize=(2.6 * ncol, 2.4 * len(systems)), squeeze=False
    )
    for i, system in enumerate(systems):
        truth = next((a[1] for (m, s), a in samples.items() if s == system), None)
        panels = [("true", truth)] + [(m, samples.get((m, system), [None])[0]) for m in models]
        for j, (label, arr) in enumerate(panels):
            ax = axes[i, j]
            if arr is not None and np.isfinite(arr).all():
                ax.plot(arr[:, 0], arr[:, -1] if arr.shape[1] > 1 else arr[:, 0], lw=0.3)
            else:
                ax.text(0.5, 0.5, "diverged" if arr is not None else "—", ha="center")
            ax.set_title(f"{system}: {label}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
        ax = axes[i, -1]
        if truth is not None:
            ax.semilogy(_spectrum(truth[:, 0]), lw=0.6, color="k", label="true")
        for m in models:
            arr = samples.get((m, system))
            if arr is not None and np.isfinite(arr[0]).all():
                ax.semilogy(_spectrum(arr[0][:, 0]), lw=0.6, label=m)
        ax.set_title(f"{system}: power spectrum", fontsize=8)
        ax.legend(fontsize=6)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_vpt_distribution(ds: xr.Dataset, path: str | Path) -> Path:
    """Box plot of valid prediction time (Lyapunov times) over systems × seeds, per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = [str(m) for m in ds["model"].values]
    data = [ds["vpt_lyapunov"].sel(model=m).values.ravel() for m in models]
    data = [d[np.isfinite(d)] for d in data]
    fig, ax = plt.subplots(figsize=(1.4 * len(models) + 2, 3.5))
    ax.boxplot(data, tick_labels=models)
    ax.set_ylabel("valid prediction time [Lyapunov times]")
    ax.set_title("VPT over systems × seeds")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_reports(root, ds: xr.Dataset, folder: str | Path) -> list[Path]:
    """Every plot of a benchmark into ``folder``; returns the written paths."""
    folder = Path(folder)
    paths = [
        plot_summary(ds, folder / "benchmark.png"),
        plot_vpt_distribution(ds, folder / "vpt.png"),
    ]
    gallery = plot_attractors(root, ds, folder / "attractors.png")
    return paths + ([gallery] if gallery else [])
