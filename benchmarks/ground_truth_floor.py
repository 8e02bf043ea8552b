"""Ground-truth floor on the GTF Lorenz-63 files: D_stsp and D_H of train vs test.

Two independent runs of the true system score this much against each other, so no model can
honestly beat it by much (Hess et al., ICML 2023; data README: ≈ 0.12 and 0.05–0.07).

Usage: ``python benchmarks/ground_truth_floor.py`` (data dir: ``$CHAOSFLOW_SHARED/data/gtf``
or ``<repo>/../shared/data/gtf``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from chaosflow.metrics import power_spectrum_distance, state_space_divergence

TRAIN, TEST = "lorenz63_on0.05_train.npy", "lorenz63_test.npy"


def gtf_dir() -> Path:
    """Where the GTF files live: ``$CHAOSFLOW_SHARED/data/gtf`` or ``<repo>/../shared/data/gtf``."""
    shared = os.environ.get("CHAOSFLOW_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return root / "data" / "gtf"


def floor(directory: Path) -> dict[str, float]:
    """D_stsp (30 bins) and D_H (σ = 20) of the train file against the test file."""
    train, test = np.load(directory / TRAIN), np.load(directory / TEST)
    return {
        "D_stsp": state_space_divergence(train, test),
        "D_H": power_spectrum_distance(train, test),
        "D_stsp_test_halves": state_space_divergence(
            test[: len(test) // 2], test[len(test) // 2 :]
        ),
    }


def main() -> int:
    directory = gtf_dir()
    if not (directory / TRAIN).exists():
        print(f"GTF files not found under {directory}; set CHAOSFLOW_SHARED", file=sys.stderr)
        return 1
    start = time.perf_counter()
    values = floor(directory)
    for name, value in values.items():
        print(f"{name:>20s} = {value:.4f}")
    print(f"{'seconds':>20s} = {time.perf_counter() - start:.2f}")
    print("expected: D_stsp ≈ 0.1–0.25 (README ≈ 0.12), D_H ≈ 0.05–0.07")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
