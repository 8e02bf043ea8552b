"""Model zoo: every family overfits a tiny dataset and rolls out finite values; known answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_training import lorenz_data

from chaosflow.models import MODELS, build_model
from chaosflow.training import TrainConfig, fit, fit_ensemble

TINY_CFG = TrainConfig(n_steps=300, batch_size=8, seq_len=10, lr=5e-3, lr_end=5e-4)


@pytest.fixture(scope="module")
def tiny() -> np.ndarray:
    """``[3, 120, 3]`` Lorenz-63 at dt = 0.01."""
    return lorenz_data(3, 120, seed=4)


def short_rollout_mse(model, data: np.ndarray, horizon: int = 8) -> float:
    """Mean squared error (standardized) of ``horizon``-step rollouts from every 10th point."""
    starts = range(0, data.shape[1] - horizon, 10)
    x0 = torch.tensor(np.concatenate([data[:, s] for s in starts]), dtype=torch.float32)
    truth = np.concatenate([data[:, s : s + horizon] for s in starts])
    pred = model.rollout(x0, horizon).numpy()
    return float((((pred - truth) / data.std(axis=(0, 1))) ** 2).mean())


def test_registry_lists_the_zoo():
    expected = {"shplrnn", "alrnn", "node", "lru", "esn", "gru", "koopman", "persistence", "mean"}
    assert set(MODELS) == expected


@pytest.mark.parametrize("name", sorted(set(MODELS) - {"persistence", "mean"}))
def test_each_model_overfits_tiny_data_and_stays_finite(tiny, name):
    hparams = {"size": 100, "washout": 20} if name == "esn" else {}
    res = fit(name, tiny, seed=0, config=TINY_CFG, hparams=hparams)
    persist = fit("persistence", tiny, seed=0).model
    # A few hundred steps on 3 × 120 points: short rollouts clearly beat persistence.
    limit = 0.05 if res.model.fitting == "closed_form" else 0.65
    assert short_rollout_mse(res.model, tiny) < limit * short_rollout_mse(persist, tiny)
    if res.model.fitting == "gradient":
        assert np.mean(res.curve["loss"][-20:]) < 0.8 * np.mean(res.curve["loss"][:20])
    x0 = torch.tensor(tiny[:, 0], dtype=torch.float32)
    # The AL-RNN's linear units are unbounded by construction (no clipping, unlike the
    # clipped shPLRNN): a briefly trained one may diverge on long runs, so check 300 steps.
    n = 300 if name == "alrnn" else 1000
    out = res.model.rollout(x0, n)
    assert out.shape == (3, n, 3)
    assert torch.equal(out[:, 0], x0)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", ["gru", "lru"])
def test_packed_families_equal_sequential(tiny, name):
    cfg = TINY_CFG.replace(n_steps=30)
    trains, seeds = [tiny[:2], tiny[1:]], [3, 4]
    pack = fit_ensemble(name, trains, config=cfg, seeds=seeds)
    for res, tr, s in zip(pack, trains, seeds, strict=True):
        alone = fit(name, tr, config=cfg, seed=s)
        for key, value in alone.model.state_dict().items():
            torch.testing.assert_close(res.model.state_dict()[key], value, rtol=1e-4, atol=1e-5)


def test_gru_step_matches_torch_grucell():
    model = build_model("gru", 3, hparams={"hidden": 5}, generator=torch.Generator().manual_seed(0))
    cell = torch.nn.GRUCell(3, 5)
    with torch.no_grad():
        cell.weight_ih.copy_(model.w_ih[0])
        cell.weight_hh.copy_(model.w_hh[0])
        cell.bias_ih.copy_(model.b_ih[0])
        cell.bias_hh.copy_(model.b_hh[0])
    g = torch.Generator().manual_seed(1)
    x, h = torch.randn(4, 3, generator=g), torch.randn(4, 5, generator=g)
    z = model.step(torch.cat([x, h], -1)[None])[0]
    torch.testing.assert_close(z[:, 3:], cell(x, h))


def test_lru_eigenvalues_inside_unit_circle():
    model = build_model("lru", 3, hparams={"r_min": 0.9, "r_max": 0.999})
    re, im = model.eigenvalues()
    mod = torch.sqrt(re**2 + im**2)
    assert (mod < 1).all()
    assert (mod > 0.9 - 1e-6).all()


def _henon(n: int, seed: int) -> np.ndarray:
    x = np.array([0.1, 0.1]) + np.random.default_rng(seed).normal(0, 0.01, 2)
    out = []
    for i in range(n + 100):
        x = np.array([1 - 1.4 * x[0] ** 2 + x[1], 0.3 * x[0]])
        if i >= 100:
            out.append(x)
    return np.array(out)[None]


def test_koopman_degree2_recovers_henon_map_exactly():
    # The Hénon map is quadratic, also after standardization: a degree-2 dictionary with
    # re-lifting represents it exactly, so one-step predictions match to rounding.
    data = _henon(2000, seed=0)
    model = fit("koopman", data, seed=0, hparams={"degree": 2, "ridge": 1e-12}).model
    x = torch.tensor(data[0, :-1], dtype=torch.float64)
    pred = model.double().rollout(x, 2)[:, 1].numpy()
    np.testing.assert_allclose(pred, data[0, 1:], atol=2e-6)  # float32 Koopman matrix


def test_koopman_degree1_is_dmd_of_linear_system():
    a = np.array([[0.9, -0.2], [0.2, 0.9]])
    x = [np.array([1.0, 0.5])]
    for _ in range(200):
        x.append(a @ x[-1])
    data = np.array(x)[None]
    model = fit("koopman", data, seed=0, hparams={"degree": 1, "relift": False}).model.double()
    pred = model.rollout(torch.tensor(data[:, 0]), 50).numpy()
    np.testing.assert_allclose(pred, data[:, :50], rtol=1e-5, atol=1e-6)


def test_esn_context_synchronizes_reservoir():
    data = lorenz_data(4, 1500, seed=9)
    train, test = data[:3], data[3:]
    model = fit("esn", train, seed=0, hparams={"size": 200, "washout": 100}).model
    ctx = torch.tensor(test[:, :300], dtype=torch.float32)
    pred = model.rollout(ctx[:, -1], 150, context=ctx).numpy()
    err = np.abs(pred - test[:, 299:449]).max() / test.std()
    assert err < 0.1


def test_esn_reservoir_has_requested_spectral_radius():
    model = build_model("esn", 3, hparams={"size": 50, "spectral_radius": 0.7}, k=2)
    radius = torch.linalg.eigvals(model.w.double()).abs().amax(-1)
    torch.testing.assert_close(radius, torch.full((2,), 0.7, dtype=torch.float64))


def test_rollout_rejects_wrong_shapes():
    model = build_model("persistence", 3)
    with pytest.raises(ValueError, match="x0 must be"):
        model.rollout(torch.zeros(3), 5)
