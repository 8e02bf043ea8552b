"""GTF Lorenz-63 protocol (Hess et al. 2023) and ESN valid prediction time on clean Lorenz-63.

Part 1 (issue 6): train a clipped shPLRNN (M = 3 = observed dim, hidden L) with adaptive GTF on
the noisy train file of ``<shared>/data/gtf``; from the first test point generate 1.25·T steps,
drop the first 0.25·T and compare with the test file (D_stsp, 30 bins; D_H, σ = 20). Seeds train
as one pack (``fit_ensemble``). Each seed's generated trajectory is saved as ``[time, dim]`` .npy
beside the table so anyone can score it independently.

Part 2: an echo-state network fitted in closed form on clean Lorenz-63 (dt = 0.01), valid
prediction time (NRMSE < 0.4) in Lyapunov times on held-out trajectories.

Run: ``.venv/bin/python benchmarks/gtf_lorenz.py [--steps N] [--out DIR]``.
``<shared>`` is ``$CHAOSFLOW_SHARED`` or ``<repo>/../shared``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from chaosflow.metrics import (
    lyapunov_times,
    power_spectrum_distance,
    state_space_divergence,
    valid_prediction_time,
)
from chaosflow.training import TrainConfig, fit, fit_ensemble, save_checkpoint

REPO = Path(__file__).resolve().parents[1]
LYAPUNOV = 0.9056  # Lorenz-63 λmax per time unit (Sprott 2003)


def data_dir() -> Path:
    shared = Path(os.environ.get("CHAOSFLOW_SHARED", REPO.parent / "shared"))
    return shared / "data" / "gtf"


def gtf_protocol(args: argparse.Namespace, out: Path) -> list[dict]:
    train = np.load(data_dir() / "lorenz63_on0.05_train.npy").astype(np.float64)
    test = np.load(data_dir() / "lorenz63_test.npy").astype(np.float64)
    config = TrainConfig(
        n_steps=args.steps,
        batch_size=16,
        seq_len=args.seq_len,
        lr=args.lr,
        lr_end=args.lr_end,
        forcing="adaptive",
        alpha=0.2,
        eval_every=500,
        cpu_threads=args.threads,
    )
    hparams = {"hidden": args.hidden, "latent": 3, "clipped": True}
    t0 = time.perf_counter()
    results = fit_ensemble(
        "shplrnn", [train] * len(args.seeds), hparams=hparams, config=config, seeds=args.seeds
    )
    train_s = time.perf_counter() - t0
    print(f"trained {len(results)} shPLRNNs as one pack in {train_s:.0f} s", flush=True)
    n_total, n_drop = int(1.25 * len(test)), int(0.25 * len(test))
    rows = []
    for seed, res in zip(args.seeds, results, strict=True):
        x0 = torch.tensor(test[None, 0], dtype=torch.float32)  # [1, 3]
        gen = res.model.rollout(x0, n_total)[0, n_drop:].double().numpy()
        np.save(out / f"shplrnn_seed{seed}.npy", gen.astype(np.float32))
        save_checkpoint(res.model, out / f"shplrnn_seed{seed}")
        ok = bool(np.isfinite(gen).all())
        rows.append(
            {
                "seed": seed,
                "D_stsp": state_space_divergence(gen, test, n_bins=30) if ok else float("inf"),
                "D_H": power_spectrum_distance(gen, test, sigma=20.0) if ok else float("inf"),
                "final_alpha": res.curve["alpha"][-1],
                "final_loss": res.curve["loss"][-1],
                "train_s_pack": round(train_s, 1),
            }
        )
    return rows


def lorenz_clean(n_traj: int, n: int, seed: int) -> np.ndarray:
    """``[n_traj, n, 3]`` clean Lorenz-63 at dt = 0.01 via chaosflow.integrate."""
    from chaosflow.integrate import Grid, simulate
    from chaosflow.systems import get_system

    system = get_system("Lorenz")
    x0 = np.random.default_rng(seed).normal(0, 5, (n_traj, 3)) + np.array([0.0, 0.0, 25.0])
    x = simulate(system, x0, grid=Grid(dt=0.01, n=n + 1000))
    return np.asarray(x)[:, 1000:]


def esn_vpt(args: argparse.Namespace) -> dict:
    data = lorenz_clean(24, 20000, seed=7)
    train, test = data[:4], data[4:]
    res = fit("esn", train, seed=0, hparams={"size": args.esn_size})
    std = train.std(axis=(0, 1))
    warm, horizon = 200, 1500
    ctx = torch.tensor(test[:, :warm], dtype=torch.float64)
    pred = res.model.rollout(ctx[:, -1], horizon, context=ctx).numpy()
    truth = test[:, warm - 1 : warm - 1 + horizon]
    steps = valid_prediction_time(pred, truth, eps=0.4, std=std)
    lyap = lyapunov_times(steps, 0.01, LYAPUNOV)
    return {"esn_size": args.esn_size, "vpt_lyap_median": float(np.median(lyap)),
            "vpt_lyap_min": float(lyap.min()), "vpt_lyap_max": float(lyap.max()),
            "fit_s": round(res.seconds, 1)}  # fmt: skip


def markdown(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        cells = [f"{r[k]:.4g}" if isinstance(r[k], float) else str(r[k]) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--seq-len", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--lr-end", type=float, default=1e-4)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--esn-size", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip", choices=["gtf", "esn"], default=None)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "gtf_lorenz")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"args": {k: str(v) for k, v in vars(args).items()}}
    if args.skip != "gtf":
        rows = gtf_protocol(args, args.out)
        med = {k: float(np.median([r[k] for r in rows])) for k in ("D_stsp", "D_H")}
        report |= {"gtf_rows": rows, "gtf_median": med}
        table = markdown(rows) + f"\n\nmedian D_stsp {med['D_stsp']:.3f}, D_H {med['D_H']:.3f}"
        (args.out / "table.md").write_text(table + "\n")
        print(table, flush=True)
    if args.skip != "esn":
        esn = esn_vpt(args)
        report["esn"] = esn
        print(markdown([esn]), flush=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
