#!/usr/bin/env bash
# One prepared GPU check for a lent device machine (issues #4 and #6), pure core only:
# that machine has torch, numpy, scipy, numba, xarray, safetensors and torchdiffeq but no
# Prefect, Dask or Zarr, and chaosflow is not installed there, hence PYTHONPATH=. .
#
#   device tool:  run(command="bash benchmarks/device_check.sh", timeout_s=540)
#   here (CPU):   bash benchmarks/device_check.sh      (the CUDA sections then say "skipped")
#
# Writes every figure to $OUT (or benchmarks/out/device when $OUT is unset):
#   integrate.txt  Lorenz 2^20 trajectories, float64 and float32, RK4 and DOP853 on CUDA
#                  (issue #4 target: ≥ 5e8 points/s in float64), plus the CPU rows for scale
#   ensemble.txt   pack of 4096 shPLRNNs vs one model on the same card (issue #6: ≥ 1000×)
#   gpu_agree.txt  CUDA vs CPU float64 trajectories over one Lyapunov time (same code path)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-benchmarks/out/device}"
mkdir -p "$OUT"
export PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY="${PYTHON:-$(command -v python3)}"
[ -x .venv/bin/python ] && [ -z "${PYTHON:-}" ] && PY=.venv/bin/python

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
  "$PY" -c "import torch, numpy; print('torch', torch.__version__, 'numpy', numpy.__version__,
'cuda', torch.cuda.is_available())"; } | tee "$OUT/env.txt"

timeout 60 "$PY" - <<'EOF' 2>&1 | tee "$OUT/gpu_agree.txt"
import numpy as np, torch
from chaosflow.integrate import DOP853, RK4, Grid, simulate
from chaosflow.systems import get_system
if not torch.cuda.is_available():
    print("no CUDA: skipped"); raise SystemExit(0)
lorenz = get_system("Lorenz")
x0 = np.asarray(lorenz.metadata.x0) + np.random.default_rng(0).normal(0, 1, (64, 3))
grid = Grid(dt=0.01, n=111)  # ~1 Lyapunov time
for method in (RK4(), DOP853(substeps=2)):
    cpu = simulate(lorenz, torch.tensor(x0), grid=grid, method=method).numpy()
    gpu = simulate(lorenz, torch.tensor(x0, device="cuda"), grid=grid, method=method).cpu().numpy()
    print(f"{method}: max |cuda - cpu| = {np.abs(gpu - cpu).max():.2e} (attractor scale ~20)")
EOF

timeout 240 "$PY" benchmarks/integrate.py --skip-catalog --points 2000 --cuda --cuda-log2 20 \
  --cuda-points 101 2>&1 | tee "$OUT/integrate.txt"

timeout 200 "$PY" benchmarks/ensemble.py --k-cpu 8 --steps 60 --k-gpu 4096 \
  --out "$OUT/ensemble" 2>&1 | tee "$OUT/ensemble.txt"
echo "device_check done; figures in $OUT"
