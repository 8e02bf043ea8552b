"""Lyapunov spectrum (QR / Benettin) against exact and published values."""

import numpy as np
import pytest
import torch

from chaosflow.metrics import (
    autograd_jacobian,
    lyapunov_spectra,
    lyapunov_spectrum,
    model_lyapunov_spectrum,
    relative_error,
    rk4_step,
    rk4_step_jacobian,
)
from chaosflow.systems import get_system


def _linear(a):
    a_np, a_t = np.asarray(a), torch.as_tensor(a)

    def step(x):
        return x @ (a_t.to(x.dtype).T if isinstance(x, torch.Tensor) else a_np.T)

    def jac(x):
        return np.broadcast_to(a_np, (x.shape[0], *a_np.shape))

    return step, jac


def test_triangular_linear_map_is_exact_every_step():
    # For upper-triangular A (|diag| decreasing) QR of A·I is A itself up to signs: exact.
    a = np.array([[1.5, 2.0, -1.0], [0.0, -0.8, 3.0], [0.0, 0.0, 0.25]])
    step, jac = _linear(a)
    expected = np.log(np.abs(np.diag(a)))
    got = lyapunov_spectrum(step, np.zeros(3), 10, jac=jac)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)
    got_autograd = lyapunov_spectrum(step, np.zeros(3), 10)
    np.testing.assert_allclose(got_autograd, expected, rtol=0, atol=1e-13)


def test_general_linear_map_converges_to_log_abs_eig():
    rng = np.random.default_rng(0)
    p = rng.normal(size=(3, 3))
    a = p @ np.diag([1.5, -0.8, 0.3]) @ np.linalg.inv(p)
    step, jac = _linear(a)
    got = lyapunov_spectrum(step, np.zeros((2, 3)), 4000, jac=jac, dt=0.5)
    expected = np.sort(np.log(np.abs(np.linalg.eigvals(a))))[::-1] / 0.5
    np.testing.assert_allclose(got, expected, atol=2e-3)


def _henon(x, a=1.4, b=0.3):
    xs, ys = x[..., 0], x[..., 1]
    stack = torch.stack if isinstance(x, torch.Tensor) else np.stack
    return stack([1.0 - a * xs**2 + ys, b * xs], -1)


def test_henon_map_published_exponents():
    # λ1 = 0.41922 (Sprott 2003, Chaos and Time-Series Analysis, App. A); λ1 + λ2 = ln b exactly.
    x0 = np.array([[0.1, 0.1], [0.2, -0.1], [-0.3, 0.2], [0.0, 0.0]])
    lam = lyapunov_spectrum(_henon, x0, 5000, transient=200)
    assert lam[0] == pytest.approx(0.41922, rel=0.01)
    assert lam.sum() == pytest.approx(np.log(0.3), abs=1e-10)


@pytest.fixture(scope="module")
def lorenz():
    system = get_system("Lorenz")
    x0 = np.array(system.metadata.x0) + np.random.default_rng(1).normal(size=(16, 3))
    return system, x0


def test_lorenz_lmax_from_true_jacobian(lorenz):
    system, x0 = lorenz
    dt = 0.01
    step, jac = rk4_step(system, dt), rk4_step_jacobian(system, dt)
    lam = lyapunov_spectrum(step, x0, 4000, jac=jac, dt=dt, transient=500)
    assert relative_error(lam[0], 0.9056) < 0.05
    assert abs(lam[1]) < 0.05  # the flow direction
    p = system.params
    assert lam.sum() == pytest.approx(-(p["sigma"] + 1 + p["beta"]), abs=1e-3)  # trace of J


def test_rk4_jacobian_matches_autograd(lorenz):
    system, x0 = lorenz
    step = rk4_step(system, 0.01)
    analytic = rk4_step_jacobian(system, 0.01)(x0)
    auto = autograd_jacobian(step)(torch.as_tensor(x0)).numpy()
    np.testing.assert_allclose(analytic, auto, rtol=1e-12, atol=1e-12)
    a = lyapunov_spectra(step, x0[:2], 100, jac=rk4_step_jacobian(system, 0.01), dt=0.01)
    b = lyapunov_spectra(step, x0[:2], 100, dt=0.01)
    np.testing.assert_allclose(a, b, rtol=1e-10)
    assert a.shape == (2, 3)


def test_leading_exponents_only_and_float32(lorenz):
    system, x0 = lorenz
    step, jac = rk4_step(system, 0.01), rk4_step_jacobian(system, 0.01)
    full = lyapunov_spectra(step, x0[:2], 300, jac=jac, dt=0.01)
    first = lyapunov_spectra(step, x0[:2], 300, jac=jac, dt=0.01, n_exponents=1)
    np.testing.assert_allclose(first[:, 0], full[:, 0], rtol=1e-12)
    single = lyapunov_spectra(step, torch.tensor(x0[:2], dtype=torch.float32), 300, dt=0.01)
    np.testing.assert_allclose(single, full, atol=2e-2)
    with pytest.raises(ValueError, match="n_exponents"):
        lyapunov_spectrum(step, x0, 10, jac=jac, n_exponents=4)


class _DiagonalLatentModel(torch.nn.Module):
    """The model interface of ``chaosflow.models`` on a linear latent map z -> a ⊙ z (+ pad)."""

    def __init__(self, a):
        super().__init__()
        self.k, self.dim = a.shape[0], 2
        self.a = torch.as_tensor(a, dtype=torch.float64)
        self.mean = torch.full((self.k, 2), 3.0, dtype=torch.float64)
        self.std = torch.full((self.k, 2), 2.0, dtype=torch.float64)

    def encode(self, x):
        return torch.cat([x, torch.zeros_like(x[..., :1])], dim=-1)

    def step(self, z):
        return self.a[:, None] * z

    def jacobian(self, z):
        return torch.diag_embed(self.a)[:, None].expand(*z.shape, z.shape[-1])


def test_model_spectrum_of_a_linear_latent_map_is_exact():
    a = np.array([[0.9, -0.5, 0.2], [1.1, 0.7, -0.3]])
    model = _DiagonalLatentModel(a)
    lam = model_lyapunov_spectrum(model, np.ones((3, 2)), 20, dt=0.5)
    expected = np.sort(np.log(np.abs(a)), axis=1)[:, ::-1] / 0.5
    np.testing.assert_allclose(lam, expected, atol=1e-12)


def test_model_spectrum_matches_autograd_on_a_pack():
    from chaosflow.models import build_model

    gen = torch.Generator().manual_seed(0)
    model = build_model("shplrnn", 3, hparams={"hidden": 16}, generator=gen, k=2).double()
    x0 = torch.tensor(np.random.default_rng(3).normal(size=(2, 4, 3)))
    lam = model_lyapunov_spectrum(model, x0, 300)
    for member in range(2):
        z0 = model.encode((x0 - model.mean[:, None]) / model.std[:, None])[member].detach()

        def step(z, member=member):
            zz = z.expand(2, *z.shape).clone()
            return model.step(zz)[member]

        ref = lyapunov_spectra(step, z0, 300).mean(axis=0)
        np.testing.assert_allclose(lam[member], ref, rtol=1e-8, atol=1e-10)
