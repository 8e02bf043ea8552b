"""chaosflow.metrics: pure functions on arrays (numpy in; torch accepted and converted).

Short-term: :func:`nrmse`, :func:`smape`, :func:`prediction_error`,
:func:`valid_prediction_time` (+ :func:`prediction_time`, :func:`lyapunov_times`).
Geometry: :func:`state_space_divergence` (D_stsp), :func:`power_spectrum_distance` (D_H).
Invariants: :func:`lyapunov_spectrum` (QR method on a one-step map; :func:`rk4_step` builds
one from a System), :func:`correlation_dimension`.
Robustness: :func:`diverged_fraction`, :func:`fixed_point_fraction`.
Definitions and citations: ``chaosflow/metrics/DESIGN.md``.
"""

from chaosflow.metrics._geometry import binned_kl, gmm_kl, state_space_divergence
from chaosflow.metrics._invariants import (
    correlation_dimension,
    diverged_fraction,
    diverged_mask,
    fixed_point_fraction,
    fixed_point_mask,
)
from chaosflow.metrics._lyapunov import (
    autograd_jacobian,
    lyapunov_spectra,
    lyapunov_spectrum,
    model_lyapunov_spectrum,
    relative_error,
    rk4_step,
    rk4_step_jacobian,
    rollout_step,
)
from chaosflow.metrics._short import (
    lyapunov_times,
    nrmse,
    prediction_error,
    prediction_time,
    smape,
    valid_prediction_time,
)
from chaosflow.metrics._spectrum import hellinger, power_spectrum_distance, smoothed_spectrum

__all__ = [
    "autograd_jacobian",
    "binned_kl",
    "correlation_dimension",
    "diverged_fraction",
    "diverged_mask",
    "fixed_point_fraction",
    "fixed_point_mask",
    "gmm_kl",
    "hellinger",
    "lyapunov_spectra",
    "lyapunov_spectrum",
    "lyapunov_times",
    "model_lyapunov_spectrum",
    "nrmse",
    "power_spectrum_distance",
    "prediction_error",
    "prediction_time",
    "relative_error",
    "rk4_step",
    "rk4_step_jacobian",
    "rollout_step",
    "smape",
    "smoothed_spectrum",
    "state_space_divergence",
    "valid_prediction_time",
]
