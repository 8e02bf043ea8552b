"""Device choice at run time: CUDA when present, else CPU, never hard-coded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` if given, else ``cuda`` when available, else ``cpu``."""
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@contextlib.contextmanager
def cpu_threads(n: int, device: torch.device) -> Iterator[None]:
    """Run with ``n`` intra-op CPU threads (restored after); no-op for ``n <= 0`` or CUDA.

    Small recurrent models issue thousands of tiny ops per step: on a shared CPU, torch's
    intra-op thread pool then spins and slows training by 10-100x, hence 1 thread by default.
    """
    if n <= 0 or device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
