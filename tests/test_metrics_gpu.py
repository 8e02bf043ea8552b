"""Metrics on CUDA tensors (skipped without CUDA)."""

import numpy as np
import pytest
import torch

from chaosflow.metrics import lyapunov_spectrum, nrmse, power_spectrum_distance, rk4_step
from chaosflow.metrics import state_space_divergence as dstsp
from chaosflow.systems import get_system

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"),
]


def test_metrics_accept_cuda_tensors():
    x = torch.randn(2, 512, 3, dtype=torch.float64, device="cuda")
    np.testing.assert_array_equal(nrmse(x, x), np.zeros(512))
    assert dstsp(x, x) == 0.0
    assert power_spectrum_distance(x, x) == 0.0


def test_lyapunov_autograd_on_cuda_matches_cpu():
    system = get_system("Lorenz")
    x0 = torch.tensor([system.metadata.x0], dtype=torch.float64)
    step = rk4_step(system, 0.01)
    cpu = lyapunov_spectrum(step, x0, 300, dt=0.01)
    gpu = lyapunov_spectrum(step, x0.cuda(), 300, dt=0.01)
    np.testing.assert_allclose(gpu, cpu, rtol=1e-8)
