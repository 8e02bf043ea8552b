"""Pack of K shPLRNNs vs K sequential trainings: model-steps per second, one run.

A *model-step* is one gradient step of one model (``batch_size`` windows of ``seq_len`` points).
CPU: K members trained as one pack (``fit_ensemble``) against the same K trained one after
another (``fit``), same seeds and data; also checks that the packed parameters equal the
sequential ones. CUDA (when present): a pack of ``--k-gpu`` (default 4096) against a single
model on the same card; the issue asks for ≥ 1000× the single model's model-steps per second.

Run: ``.venv/bin/python benchmarks/ensemble.py [--k-cpu 8] [--steps 60] [--k-gpu 4096]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from chaosflow.training import TrainConfig, fit, fit_ensemble

REPO = Path(__file__).resolve().parents[1]


def lorenz_data(n_traj: int, n: int, seed: int) -> np.ndarray:
    """``[n_traj, n, 3]`` Lorenz-63 at dt = 0.01 (chaosflow.integrate)."""
    from chaosflow.integrate import Grid, simulate
    from chaosflow.systems import get_system

    x0 = np.random.default_rng(seed).normal(0, 5, (n_traj, 3)) + np.array([0.0, 0.0, 25.0])
    x = simulate(get_system("Lorenz"), x0, grid=Grid(dt=0.01, n=n + 500))
    return np.asarray(x)[:, 500:]


def timed(fn) -> tuple[object, float]:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    out = fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return out, time.perf_counter() - t0


def cpu_section(args, data: np.ndarray, config: TrainConfig) -> dict:
    seeds = list(range(args.k_cpu))
    trains = [data[i % 4 :: 4] for i in seeds]
    # Warm-up (lazy torch initialisation, first-call allocations) outside both clocks.
    warm = TrainConfig(n_steps=2, eval_every=2, cpu_threads=config.cpu_threads)
    fit_ensemble("shplrnn", trains[:2], config=warm, seeds=seeds[:2], device="cpu")
    fit("shplrnn", trains[0], config=warm, seed=0, device="cpu")
    pack, t_pack = timed(
        lambda: fit_ensemble("shplrnn", trains, config=config, seeds=seeds, device="cpu")
    )
    seq, t_seq = timed(
        lambda: [
            fit("shplrnn", t, config=config, seed=s, device="cpu")
            for t, s in zip(trains, seeds, strict=True)
        ]
    )
    diff = max(
        float((p.model.state_dict()[k] - s.model.state_dict()[k]).abs().max())
        for p, s in zip(pack, seq, strict=True)
        for k in s.model.state_dict()
    )
    steps = args.k_cpu * config.n_steps
    return {"device": "cpu", "cpu": platform.processor() or platform.machine(),
            "threads": config.cpu_threads, "K": args.k_cpu, "n_steps": config.n_steps,
            "pack_s": round(t_pack, 2), "sequential_s": round(t_seq, 2),
            "pack_model_steps_per_s": round(steps / t_pack, 1),
            "sequential_model_steps_per_s": round(steps / t_seq, 1),
            "speedup": round(t_seq / t_pack, 2), "max_param_diff": diff}  # fmt: skip


def cuda_section(args, data: np.ndarray, config: TrainConfig) -> dict:
    name = torch.cuda.get_device_name(0)
    k = args.k_gpu
    _, t_one = timed(lambda: fit("shplrnn", data, config=config, seed=0, device="cuda"))
    _, t_one = timed(lambda: fit("shplrnn", data, config=config, seed=0, device="cuda"))
    _, t_pack = timed(
        lambda: fit_ensemble(
            "shplrnn", [data] * k, config=config, seeds=list(range(k)), device="cuda"
        )
    )
    one, packed = config.n_steps / t_one, k * config.n_steps / t_pack
    return {"device": name, "K": k, "n_steps": config.n_steps, "single_s": round(t_one, 2),
            "pack_s": round(t_pack, 2), "single_model_steps_per_s": round(one, 1),
            "pack_model_steps_per_s": round(packed, 1),
            "ratio": round(packed / one, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k-cpu", type=int, default=8)
    parser.add_argument("--k-gpu", type=int, default=4096)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "ensemble")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = lorenz_data(16, 1000, seed=0)
    config = TrainConfig(n_steps=args.steps, eval_every=args.steps, cpu_threads=args.threads)
    report = {"cpu": cpu_section(args, data, config)}
    print(json.dumps(report["cpu"], indent=1), flush=True)
    if torch.cuda.is_available():
        report["cuda"] = cuda_section(args, data, config)
        print(json.dumps(report["cuda"], indent=1), flush=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
