"""chaosflow.training: ``fit``, ``fit_ensemble``, checkpoints and device choice.

Pure torch/numpy; never imports Prefect or Dask (the lead's tasks wrap these functions).
"""

from chaosflow.training._checkpoint import load_checkpoint, save_checkpoint
from chaosflow.training._config import TrainConfig
from chaosflow.training._device import pick_device
from chaosflow.training._ensemble import fit_ensemble, stack_models, unstack_model
from chaosflow.training._fit import FitResult, fit

__all__ = [
    "FitResult",
    "TrainConfig",
    "fit",
    "fit_ensemble",
    "load_checkpoint",
    "pick_device",
    "save_checkpoint",
    "stack_models",
    "unstack_model",
]
