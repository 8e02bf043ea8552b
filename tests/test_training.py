"""Training: fit beats persistence, checkpoints round-trip, packs equal sequential fits, resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from chaosflow.integrate import RK4, Grid, simulate
from chaosflow.metrics import valid_prediction_time
from chaosflow.models import build_model
from chaosflow.systems import get_system
from chaosflow.training import (
    TrainConfig,
    fit,
    fit_ensemble,
    load_checkpoint,
    save_checkpoint,
    stack_models,
    unstack_model,
)
from chaosflow.training._gtf import alpha_star, update_alpha
from chaosflow.training._loop import clip_per_member


def lorenz_data(n_traj: int, n: int, seed: int, dt: float = 0.01) -> np.ndarray:
    """``[n_traj, n, 3]`` Lorenz-63 on the attractor (RK4, 10 substeps, 500-step burn-in)."""
    x0 = np.random.default_rng(seed).normal(0, 5, (n_traj, 3)) + np.array([0.0, 0.0, 25.0])
    x = simulate(get_system("Lorenz"), x0, grid=Grid(dt=dt, n=n + 500), method=RK4(substeps=10))
    return np.asarray(x)[:, 500:]


@pytest.fixture(scope="module")
def lorenz() -> tuple[np.ndarray, np.ndarray]:
    data = lorenz_data(24, 1000, seed=1)
    return data[:16], data[16:]


SMALL = TrainConfig(n_steps=60, batch_size=4, seq_len=12, eval_every=20, checkpoint_every=20)


def test_default_shplrnn_beats_persistence(lorenz):
    train, test = lorenz
    res = fit("shplrnn", train, seed=0, device="cpu")
    x0 = torch.tensor(test[:, 0], dtype=torch.float32)
    pred = res.model.rollout(x0, 400).numpy()
    persist = fit("persistence", train, seed=0).model.rollout(x0, 400).numpy()
    std = train.std(axis=(0, 1))
    model_vpt = np.median(valid_prediction_time(pred, test[:, :400], std=std))
    base_vpt = np.median(valid_prediction_time(persist, test[:, :400], std=std))
    assert base_vpt < 10
    assert model_vpt > 5 * base_vpt
    assert np.isfinite(res.model.rollout(x0, 3000).numpy()).all()
    assert len(res.curve["loss"]) == TrainConfig().n_steps
    assert res.curve["loss"][-1] < 0.1 * res.curve["loss"][0]


def test_rollout_keeps_x0_and_raw_units(lorenz):
    train, _ = lorenz
    model = fit("persistence", train, seed=0).model
    x0 = torch.tensor(train[:3, 5], dtype=torch.float32)
    out = model.rollout(x0, 7)
    assert out.shape == (3, 7, 3)
    torch.testing.assert_close(out, x0[:, None].expand(3, 7, 3), rtol=0, atol=1e-5)
    assert torch.equal(out[:, 0], x0)


def test_mean_baseline_predicts_training_mean(lorenz):
    train, _ = lorenz
    model = fit("mean", train, seed=0).model
    out = model.rollout(torch.tensor(train[:2, 0], dtype=torch.float64), 4)
    np.testing.assert_allclose(
        out[:, 1:].numpy(), np.broadcast_to(train.mean((0, 1)), (2, 3, 3)), rtol=1e-5
    )


def test_checkpoint_roundtrip_gives_identical_rollouts(lorenz, tmp_path):
    train, test = lorenz
    model = fit("shplrnn", train, seed=3, config=SMALL).model
    save_checkpoint(model, tmp_path / "ckpt")
    assert not list((tmp_path / "ckpt").glob("*.pt"))
    loaded = load_checkpoint(tmp_path / "ckpt")
    x0 = torch.tensor(test[:, 0], dtype=torch.float32)
    assert torch.equal(model.rollout(x0, 200), loaded.rollout(x0, 200))
    assert loaded.hparams == model.hparams


def test_same_seed_same_model_different_seed_differs(lorenz):
    train, _ = lorenz
    a = fit("shplrnn", train, seed=5, config=SMALL).model
    b = fit("shplrnn", train, seed=5, config=SMALL).model
    c = fit("shplrnn", train, seed=6, config=SMALL).model
    assert torch.equal(a.w1, b.w1)
    assert not torch.allclose(a.w1, c.w1)


@pytest.mark.parametrize("name", ["shplrnn", "alrnn"])
def test_ensemble_equals_sequential(lorenz, name):
    train, test = lorenz
    trains = [train[:8], train[8:], train[4:12]]
    seeds = [11, 12, 13]
    cfg = SMALL.replace(patience=1)
    pack = fit_ensemble(name, trains, config=cfg, seeds=seeds, valids=[test] * 3, device="cpu")
    for res, tr, s in zip(pack, trains, seeds, strict=True):
        alone = fit(name, tr, config=cfg, seed=s, valid=test, device="cpu")
        for key, value in alone.model.state_dict().items():
            torch.testing.assert_close(res.model.state_dict()[key], value, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(res.curve["loss"], alone.curve["loss"], rtol=1e-4)


def test_stack_unstack_roundtrip():
    gens = [torch.Generator().manual_seed(i) for i in range(3)]
    members = [build_model("shplrnn", 3, hparams={"hidden": 8}, generator=g) for g in gens]
    pack = stack_models(members)
    assert pack.k == 3
    for a, b in zip(members, unstack_model(pack), strict=True):
        for key, value in a.state_dict().items():
            assert torch.equal(value, b.state_dict()[key])


def test_resume_continues_exactly(lorenz, tmp_path):
    train, test = lorenz
    full = fit("shplrnn", train, seed=2, config=SMALL, valid=test)

    # Interrupt after step 40 (last checkpoint at step 20), then rerun in the same directory.
    class Stop(Exception):
        pass

    def stop_at_40(step, n, loss):
        if step == 40:
            raise Stop

    with pytest.raises(Stop):
        fit(
            "shplrnn",
            train,
            seed=2,
            config=SMALL,
            valid=test,
            run_dir=tmp_path,
            progress=stop_at_40,
        )
    resumed = fit("shplrnn", train, seed=2, config=SMALL, valid=test, run_dir=tmp_path)
    for key, value in full.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], value), key
    assert resumed.curve["loss"] == full.curve["loss"]
    assert load_checkpoint(tmp_path).k == 1
    assert json.loads((tmp_path / "curve.json").read_text())["loss"] == full.curve["loss"]


def test_resume_refuses_other_config(lorenz, tmp_path):
    train, _ = lorenz
    fit("shplrnn", train, seed=2, config=SMALL, run_dir=tmp_path)
    with pytest.raises(ValueError, match="another config"):
        fit("shplrnn", train, seed=2, config=SMALL.replace(lr=1e-2), run_dir=tmp_path)


def test_clip_per_member_matches_torch():
    g = torch.Generator().manual_seed(0)
    params = [
        torch.randn(3, 4, 5, generator=g, requires_grad=True),
        torch.randn(3, 2, generator=g, requires_grad=True),
    ]
    for p in params:
        p.grad = torch.randn(p.shape, generator=g) * 10
    expected = []
    for k in range(3):
        single = [p.grad[k].clone().requires_grad_(False) for p in params]
        holders = [torch.zeros_like(s, requires_grad=True) for s in single]
        for h, s in zip(holders, single, strict=True):
            h.grad = s
        torch.nn.utils.clip_grad_norm_(holders, 1.0)
        expected.append([h.grad for h in holders])
    clip_per_member(params, 1.0)
    for k in range(3):
        for p, e in zip(params, expected[k], strict=True):
            torch.testing.assert_close(p.grad[k], e)


def test_alpha_star_from_known_jacobian():
    # shPLRNN with W1 = 0 is linear, J = diag(A): 𝒩 = max|A| for every state.
    model = build_model("shplrnn", 2, hparams={"hidden": 4}, k=2)
    with torch.no_grad():
        model.w1.zero_()
        model.a.copy_(torch.tensor([[2.0, 0.5], [0.5, 0.8]]))
    states = torch.randn(2, 3, 5, 2, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(alpha_star(model, states), torch.tensor([0.5, 0.0]))
    alpha = update_alpha(torch.tensor([0.2, 0.2]), torch.tensor([0.5, 0.0]), decay=0.9)
    torch.testing.assert_close(alpha, torch.tensor([0.5, 0.18]))


def test_analytic_jacobian_matches_autograd():
    for clipped in (True, False):
        model = build_model(
            "shplrnn", 3, hparams={"hidden": 16, "latent": 5, "clipped": clipped}, k=2
        )
        z = torch.randn(2, 7, 5, generator=torch.Generator().manual_seed(1))
        from chaosflow.models._base import Model

        torch.testing.assert_close(model.jacobian(z), Model.jacobian(model, z))


def test_bad_inputs_fail_clearly(lorenz):
    train, _ = lorenz
    with pytest.raises(KeyError, match="known models"):
        fit("nope", train, seed=0)
    with pytest.raises(ValueError, match="unknown hyper-parameter"):
        fit("shplrnn", train, seed=0, hparams={"hiden": 3})
    with pytest.raises(ValueError, match="finite"):
        fit("shplrnn", np.full((2, 50, 3), np.nan), seed=0)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_pack_equals_sequential_and_accepts_cpu_inputs(lorenz):
    train, test = lorenz
    seeds = [0, 1]
    pack = fit_ensemble("shplrnn", [train, train], config=SMALL, seeds=seeds, device="cuda")
    for res, s in zip(pack, seeds, strict=True):
        alone = fit("shplrnn", train, config=SMALL, seed=s, device="cuda")
        assert alone.model.mean.device.type == "cuda"
        for key, value in alone.model.state_dict().items():
            torch.testing.assert_close(res.model.state_dict()[key], value, rtol=1e-4, atol=1e-5)
        out = res.model.rollout(torch.tensor(test[:, 0]), 50)
        assert out.device.type == "cpu"
        assert out.dtype == torch.float64
        assert torch.isfinite(out).all()
