"""Training data for a pack: standardization, seeded window sampling, validation windows.

Each member owns a CPU ``torch.Generator``; window indices are drawn member by member in chunks,
so a member sees the same windows whether it trains alone or in a pack.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor

#: Steps of window indices drawn per generator call.
CHUNK = 100


def as_trajectories(data: np.ndarray) -> np.ndarray:
    """``[T, d]`` or ``[B, T, d]`` to ``[B, T, d]`` float array."""
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or not np.all(np.isfinite(arr)):
        raise ValueError(f"training data must be finite [B, T, d] (or [T, d]), got {arr.shape}")
    return arr


def moments(datas: Sequence[np.ndarray]) -> tuple[Tensor, Tensor]:
    """Per-member mean and std ``[K, d]`` over trajectories and time (std floored at 1e-8)."""
    mean = np.stack([d.mean(axis=(0, 1)) for d in datas])
    std = np.stack([np.maximum(d.std(axis=(0, 1)), 1e-8) for d in datas])
    return torch.tensor(mean, dtype=torch.float32), torch.tensor(std, dtype=torch.float32)


class WindowSampler:
    """Draws ``[K, batch, seq_len, d]`` standardized windows, one generator per member."""

    def __init__(
        self,
        datas: Sequence[Tensor],
        generators: Sequence[torch.Generator],
        batch: int,
        seq_len: int,
        noise: float = 0.0,
    ) -> None:
        for d in datas:
            if d.shape[1] < seq_len:
                raise ValueError(f"trajectories of {d.shape[1]} points are shorter than seq_len")
        self.datas, self.gens = list(datas), list(generators)
        self.batch, self.seq_len, self.noise = batch, seq_len, noise
        same = len({tuple(d.shape) for d in datas}) == 1
        self.stacked = torch.stack(self.datas) if same else None
        self.offsets = torch.arange(seq_len, device=datas[0].device)
        self.pos, self.traj, self.start = CHUNK, None, None

    def _refill(self) -> None:
        traj, start = [], []
        for d, g in zip(self.datas, self.gens, strict=True):
            traj.append(torch.randint(d.shape[0], (CHUNK, self.batch), generator=g))
            start.append(
                torch.randint(d.shape[1] - self.seq_len + 1, (CHUNK, self.batch), generator=g)
            )
        dev = self.datas[0].device
        self.traj, self.start = torch.stack(traj, 1).to(dev), torch.stack(start, 1).to(dev)
        self.pos = 0

    def sample(self) -> Tensor:
        """The next windows, ``[K, batch, seq_len, d]``."""
        if self.pos >= CHUNK:
            self._refill()
        traj, start = self.traj[self.pos], self.start[self.pos]  # [K, batch]
        self.pos += 1
        times = start[..., None] + self.offsets  # [K, batch, seq]
        if self.stacked is not None:
            k = torch.arange(len(self.datas), device=traj.device)[:, None, None]
            x = self.stacked[k, traj[..., None], times]
        else:
            x = torch.stack([d[traj[i, :, None], times[i]] for i, d in enumerate(self.datas)])
        if self.noise > 0:
            eps = torch.stack([torch.randn(x.shape[1:], generator=g) for g in self.gens])
            x = x + self.noise * eps.to(x.device)
        return x

    def state(self) -> dict[str, Tensor]:
        """Tensors that let a resumed run draw the same windows."""
        out = {f"gen.{i}": g.get_state() for i, g in enumerate(self.gens)}
        if self.traj is not None:
            out |= {"traj": self.traj.cpu(), "start": self.start.cpu()}
        out["pos"] = torch.tensor(self.pos)
        return out

    def load_state(self, state: dict[str, Tensor]) -> None:
        for i, g in enumerate(self.gens):
            g.set_state(state[f"gen.{i}"])
        dev = self.datas[0].device
        if "traj" in state:
            self.traj, self.start = state["traj"].to(dev), state["start"].to(dev)
        self.pos = int(state["pos"])


def valid_windows(datas: Sequence[Tensor], horizon: int, n: int = 32) -> Tensor:
    """Evenly spread validation windows ``[K, n, horizon, d]`` (deterministic)."""
    out = []
    for d in datas:
        b, t = d.shape[:2]
        if t < horizon:
            raise ValueError(f"validation trajectories of {t} points are shorter than {horizon}")
        idx = torch.arange(n)
        traj = idx % b
        start = (idx * (t - horizon + 1)) // n
        times = start[:, None] + torch.arange(horizon)
        out.append(d[traj[:, None].to(d.device), times.to(d.device)])
    return torch.stack(out)
