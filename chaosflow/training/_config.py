"""``TrainConfig``: every training knob as a plain, frozen, hashable field."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

Forcing = Literal["gtf", "adaptive", "sparse", "none"]


@dataclass(frozen=True)
class TrainConfig:
    """How to train one model (or a pack of them).

    Defaults train one shPLRNN on 16 Lorenz-63 trajectories × 1000 points in seconds on a CPU.

    Attributes
    ----------
    n_steps : gradient steps (each on ``batch_size`` windows of ``seq_len`` points).
    lr, lr_end : learning rate, decayed exponentially from ``lr`` to ``lr_end`` over ``n_steps``.
    optimizer : "radam" (Hess et al. 2023) or "adam".
    grad_clip : max gradient norm per member (0 disables).
    forcing : None uses the family's default; "gtf" fixed α, "adaptive" α from Jacobian norms
        (Hess et al. 2023, sec. 4), "sparse" α = 1 every ``tf_interval`` steps, "none".
    alpha : GTF α (fixed), or the starting α (adaptive).
    alpha_every, alpha_decay : adaptive α is re-estimated every ``alpha_every`` steps; it jumps
        up to a larger α* at once and decays towards a smaller one as
        ``α ← decay·α + (1 − decay)·α*``.
    tf_interval : forcing interval of sparse teacher forcing, in steps (≈ ln2/λmax).
    eval_every, patience, valid_horizon : validation (free-run MSE over ``valid_horizon`` steps)
        every ``eval_every`` steps; stop after ``patience`` evaluations without improvement
        (0 disables early stopping); the best parameters are kept.
    noise : std of Gaussian noise added to training windows (standardized units).
    checkpoint_every : steps between training-state checkpoints when ``fit`` gets a ``run_dir``.
    cpu_threads : torch intra-op threads while training on CPU (0 leaves torch's setting).
    """

    n_steps: int = 1500
    batch_size: int = 16
    seq_len: int = 30
    lr: float = 3e-3
    lr_end: float = 3e-4
    optimizer: Literal["radam", "adam"] = "radam"
    grad_clip: float = 10.0
    forcing: Forcing | None = None
    alpha: float = 0.1
    alpha_every: int = 5
    alpha_decay: float = 0.99
    tf_interval: int = 10
    eval_every: int = 100
    patience: int = 0
    valid_horizon: int = 25
    noise: float = 0.0
    checkpoint_every: int = 500
    cpu_threads: int = 1

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serializable fields."""
        return dataclasses.asdict(self)
