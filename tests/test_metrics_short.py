"""Short-term metrics against hand-computed values."""

import numpy as np
import pytest
import torch

from chaosflow.metrics import (
    lyapunov_times,
    nrmse,
    prediction_error,
    prediction_time,
    smape,
    valid_prediction_time,
)


@pytest.fixture
def pair():
    """B=2, T=3, d=2 with errors chosen by hand."""
    true = np.array(
        [
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            [[-1.0, 0.0], [1.0, -2.0], [2.0, 2.0]],
        ]
    )
    err = np.array(
        [
            [[0.0, 0.0], [1.0, 0.0], [2.0, -2.0]],
            [[0.0, 0.0], [0.0, -1.0], [1.0, 0.0]],
        ]
    )
    return true + err, true


def test_prediction_error_by_hand(pair):
    pred, true = pair
    # t=0: 0; t=1: (1 + 0 + 0 + 1)/4; t=2: (4 + 4 + 1 + 0)/4
    np.testing.assert_allclose(prediction_error(pred, true), [0.0, 0.5, 2.25])


def test_nrmse_by_hand_with_given_std(pair):
    pred, true = pair
    std = np.array([1.0, 2.0])
    # t=1: (1/1 + 0 + 0 + 1/4)/4 ; t=2: (4/1 + 4/4 + 1/1 + 0)/4
    expected = np.sqrt([0.0, 1.25 / 4, 6.0 / 4])
    np.testing.assert_allclose(nrmse(pred, true, std=std), expected)


def test_nrmse_default_std_is_pooled_true_std(pair):
    pred, true = pair
    s = true.reshape(-1, 2).std(axis=0)
    np.testing.assert_allclose(nrmse(pred, true), nrmse(pred, true, std=s))


def test_smape_by_hand():
    true = np.array([[[1.0, 0.0], [2.0, -1.0]]])
    pred = np.array([[[1.0, 0.0], [3.0, 1.0]]])
    # t=0: both terms 0 (0/0 counted as 0); t=1: 2·1/5 and 2·2/2
    np.testing.assert_allclose(smape(pred, true), [0.0, 100.0 * (0.4 + 2.0) / 2])


def test_smape_bounds_and_nan_for_diverged():
    rng = np.random.default_rng(0)
    true = rng.normal(size=(3, 5, 2))
    s = smape(-true, true)
    np.testing.assert_allclose(s, 200.0)
    pred = true.copy()
    pred[0, 3:] = np.nan
    assert np.isnan(smape(pred, true)[3:]).all()
    assert smape(pred, true)[0] == 0.0


def test_vpt_identical_is_full_horizon():
    x = np.random.default_rng(1).normal(size=(4, 50, 3))
    np.testing.assert_array_equal(valid_prediction_time(x, x), [50] * 4)


def test_vpt_first_exceedance():
    true = np.zeros((3, 10, 2))
    std = np.ones(2)
    pred = np.zeros_like(true)
    # error grows 0.1 per step in both dims: e(t) = 0.1 t; first t with e > 0.4 is 5
    pred[0] = 0.1 * np.arange(10)[:, None]
    # trajectory 1 jumps once at t=7 and comes back; validity ends at the first exceedance
    pred[1, 7] = 1.0
    # trajectory 2 hits NaN at t=2 (diverged): not valid from there
    pred[2, 2:] = np.nan
    n = valid_prediction_time(pred, true, std=std)
    np.testing.assert_array_equal(n, [5, 7, 2])
    assert n.dtype == np.int64
    np.testing.assert_array_equal(valid_prediction_time(pred, true, eps=0.65, std=std)[0], 7)


def test_vpt_unit_helpers():
    n = np.array([0, 100, 250])
    np.testing.assert_allclose(prediction_time(n, 0.01), [0.0, 1.0, 2.5])
    np.testing.assert_allclose(lyapunov_times(n, 0.01, 0.9056), [0.0, 0.9056, 2.264])
    with pytest.raises(ValueError, match="positive"):
        lyapunov_times(n, 0.01, 0.0)


def test_torch_and_single_trajectory_inputs(pair):
    pred, true = pair
    got = nrmse(torch.from_numpy(pred[0]), torch.from_numpy(true[0]), std=[1.0, 2.0])
    np.testing.assert_allclose(got, nrmse(pred[:1], true[:1], std=[1.0, 2.0]))


def test_shape_mismatch_is_an_error(pair):
    pred, true = pair
    with pytest.raises(ValueError, match="same shape"):
        nrmse(pred[:, :2], true)
    with pytest.raises(ValueError, match="positive"):
        nrmse(pred, true, std=[1.0, 0.0])
