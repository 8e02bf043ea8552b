"""Kuramoto–Sivashinsky: exact linear modes, conserved mean, ETDRK4 order vs scipy, backends."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp

from chaosflow.integrate import Grid, simulate
from chaosflow.systems import SystemError_, get_system


@pytest.fixture(scope="module")
def ks():
    return get_system("KuramotoSivashinsky")


def _grid(system) -> np.ndarray:
    return system.params["L"] * np.arange(system.dim) / system.dim


def test_rhs_of_a_single_mode_by_hand(ks):
    # u = a cos(qx): u_t = a (q^2 - q^4) cos(qx) + a^2 q sin(2qx) / 2 exactly on the grid.
    q, a = 2 * math.pi / ks.params["L"] * 3, 0.7
    x = _grid(ks)
    u = a * np.cos(q * x)
    expected = a * (q**2 - q**4) * np.cos(q * x) + 0.5 * a * a * q * np.sin(2 * q * x)
    np.testing.assert_allclose(ks.rhs(0, u[None], ks.params)[0], expected, atol=1e-10)


def test_small_mode_grows_or_decays_at_the_linear_rate(ks):
    # amplitude 1e-9: the quadratic term is 1e-18, so u(t) = a exp((q^2 - q^4) t) cos(qx).
    x = _grid(ks)
    for m in (1, 4):
        q = 2 * math.pi / ks.params["L"] * m
        u0 = 1e-9 * np.cos(q * x)[None]
        u = u0
        for _ in range(8):
            u = ks.step(u, 0.25, ks.params)
        exact = u0 * math.exp((q**2 - q**4) * 2.0)
        np.testing.assert_allclose(u, exact, rtol=1e-6, atol=1e-22)


def test_mean_is_conserved(ks):
    u0 = np.asarray(ks.metadata.x0)[None] + 0.3
    u = simulate(ks, u0, grid=Grid(dt=0.25, n=200))
    np.testing.assert_allclose(u.mean(axis=-1), 0.3 + np.mean(ks.metadata.x0), atol=1e-12)


def test_etdrk4_converges_to_the_semi_discrete_solution(ks):
    u0 = np.asarray(ks.metadata.x0)
    ref = solve_ivp(
        lambda t, u: ks.rhs(t, u[None], ks.params)[0],
        (0.0, 2.0),
        u0,
        method="DOP853",
        rtol=1e-12,
        atol=1e-12,
    ).y[:, -1]
    errors = []
    for dt in (0.125, 0.0625, 0.03125):
        u = u0[None]
        for _ in range(round(2.0 / dt)):
            u = ks.step(u, dt, ks.params)
        errors.append(np.abs(u[0] - ref).max())
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    # Fourth order only asymptotically: the stiff modes reduce it at moderate dt (measured
    # 2.6, 2.9, 3.2, 3.4 from dt = 0.25 down to 1/64).
    assert errors[-1] < 1e-6
    assert orders[-1] > orders[0] > 2.7, orders
    assert orders[-1] > 3.0, orders


def test_numpy_and_torch_steps_agree(ks):
    u0 = np.asarray(ks.metadata.x0)[None].repeat(2, 0)
    u_np = ks.step(u0, 0.25, ks.params)
    u_t = ks.step(torch.tensor(u0), 0.25, ks.params)
    assert torch.is_tensor(u_t)
    np.testing.assert_allclose(u_t.numpy(), u_np, rtol=0, atol=1e-13)


def test_size_and_resolution_are_configurable():
    s = get_system("KuramotoSivashinsky", dim=32, L=16.0)
    assert s.dim == 32
    assert s.params["L"] == 16.0
    assert len(s.metadata.x0) == 32
    with pytest.raises(ValueError, match="dim"):
        get_system("KuramotoSivashinsky", dim=33)
    with pytest.raises(ValueError, match="L"):
        get_system("KuramotoSivashinsky", L=-1.0)
    with pytest.raises(SystemError_, match="'nu'"):
        get_system("KuramotoSivashinsky", nu=1.0)


def test_attractor_state_is_spatiotemporally_chaotic(ks):
    u = np.asarray(ks.metadata.x0)
    assert 0.5 < u.std() < 2.0  # L = 22: |u| of order 1-3 on the attractor
    assert abs(u.mean()) < 1e-10


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_step_agrees_with_numpy(ks):
    u0 = np.asarray(ks.metadata.x0)[None].repeat(3, 0)
    u_np, u_cuda = u0, torch.tensor(u0, device="cuda")
    for _ in range(40):
        u_np = ks.step(u_np, 0.25, ks.params)
        u_cuda = ks.step(u_cuda, 0.25, ks.params)
    assert u_cuda.device.type == "cuda"
    np.testing.assert_allclose(u_cuda.cpu().numpy(), u_np, rtol=0, atol=1e-10)
