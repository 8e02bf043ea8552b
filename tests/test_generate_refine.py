"""Step refinement in generation: a shard whose fixed step is unstable is redone with more
substeps (deterministically), and fails naming the rows when refinement cannot save it."""

from __future__ import annotations

import numpy as np
import pytest

from chaosflow.integrate import RK4, DivergenceError, Grid, simulate
from chaosflow.systems import Metadata, System
from chaosflow.tasks._generate import REFINE, integrate_shard


def _decay(rate: float) -> System:
    # dx/dt = -rate x. RK4's stability interval on the negative axis ends at h·rate ≈ 2.785.
    return System(
        name=f"TestDecay{rate:g}",
        dim=1,
        kind="flow",
        params={"rate": rate},
        rhs=lambda t, x, p: -p["rate"] * x,
        metadata=Metadata(dt=0.1, period=1.0, lyapunov_max=0.0, x0=(1.0,), citation="test"),
    )


def test_unstable_step_is_refined_to_the_first_stable_one() -> None:
    system = _decay(50.0)  # h·rate = 5 at one substep: RK4 amplifies by ~13.7 per step
    ic = np.array([[1.0], [2.0], [-0.5]])
    grid = Grid(dt=0.1, n=400)
    x, method = integrate_shard(system, ic, grid, RK4(substeps=1))
    assert method == RK4(substeps=2)  # h·rate = 2.5: stable
    np.testing.assert_array_equal(x, simulate(system, ic, grid=grid, method=RK4(substeps=2)))
    z = -2.5  # RK4's amplification R(z) = 1 + z + z²/2 + z³/6 + z⁴/24, two substeps per output
    r = 1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24
    np.testing.assert_allclose(x[:, 1, 0], ic[:, 0] * r**2, rtol=1e-12)


def test_stable_step_is_kept() -> None:
    system = _decay(1.0)
    ic = np.array([[1.0]])
    x, method = integrate_shard(system, ic, Grid(dt=0.1, n=50), RK4(substeps=1))
    assert method == RK4(substeps=1)
    np.testing.assert_allclose(x[0, -1, 0], np.exp(-4.9), rtol=1e-5)


def test_refinement_gives_up_naming_the_rows() -> None:
    system = _decay(1e4)  # needs h < 2.8e-4: 2^REFINE substeps of 0.1 are far from it
    ic = np.array([[1.0], [0.0]])  # the zero row stays at zero: not diverged
    with pytest.raises(DivergenceError) as info:
        integrate_shard(system, ic, Grid(dt=0.1, n=200), RK4(substeps=1))
    assert info.value.indices == [0]
    assert REFINE >= 1
