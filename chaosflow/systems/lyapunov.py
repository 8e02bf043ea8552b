"""Largest Lyapunov exponent of catalog systems (Benettin), and the reasoned exception list.

``max_lyapunov`` propagates one tangent vector per initial condition through a one-step map
with forward-mode autograd (``torch.func.jvp``, i.e. the exact Jacobian–vector product),
renormalising after every step (Benettin et al. 1980, Meccanica 15, 9). It estimates λmax
only; ``chaosflow.metrics.lyapunov_spectrum`` gives the whole spectrum by QR.

``LYAPUNOV_EXCEPTIONS`` names the systems whose catalog reference chaosflow's estimate is not
expected to match within 20%, each with the reason; ``chaosflow systems lyapunov`` prints it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from chaosflow.systems._base import System

StepFn = Callable[[torch.Tensor], torch.Tensor]

#: Flow sweep (``benchmarks/lyapunov_sweep.py``; the table, and the runs it merges, in
#: ``benchmarks/results/lyapunov_flows.txt``): RK4 at two steps, P/200 and P/100 (P the
#: dominant period; P/400 and P/200 where those disagreed, finer where RK4 diverged), 300
#: periods (3000 for Tsucs2, IsothermalChemical and six conservative flows, 30000 for
#: Coullet, 1000 at P/1600 for ForcedVanDerPol), 8 starts 1e-5 around x0,
#: against ``metadata.lyapunov_max`` (its rule:
#: ``chaosflow.systems.catalog._lyapunov_refs``: published, else the independent QR reference
#: of ``benchmarks/lyapunov_reference.py`` where it passed its checks, else dysts' QR λ1;
#: the detail says why a flow has no independent reference). The flows that are not
#: step-converged within 20%: name -> (category, chaosflow λmax at the finer step, at twice
#: that step, reference, detail), the category the sweep's first that applies
#: (``lyapunov_sweep.category``, ``_WHY``).
_SWEEP: dict[str, tuple[str, float, float, float, str]] = {
    "ArnoldWeb": (
        "conservative",
        0.00533,
        0.00547,
        0.0627,
        "3000 periods; independent reference fails spread (λ1 ± 0.0013 (starts "
        "0.0001827..0.006233)); dysts Σλ 0.0607 vs ⟨∇·f⟩ 0",
    ),
    "BelousovZhabotinsky": (
        "unconverged",
        29.3,
        -0.000181,
        115,
        "chaotic at P/400, periodic at P/200; independent reference fails spread, liouville, "
        "zero, length (λ1 ± 6.2 (starts 5.878..44.65))",
    ),
    "BickleyJet": (
        "conservative",
        2.47e-07,
        2.48e-07,
        1.96e-07,
        "independent reference fails chaos, length (λ1·P 0.0013 < 0.01); dysts Σλ 1.03e-07 vs "
        "⟨∇·f⟩ 1.44e-16",
    ),
    "BlinkingVortex": (
        "conservative",
        0.715,
        0.506,
        4.88,
        "3000 periods; the independent run gives 0.746 but fails Σλ = 0; independent reference "
        "fails liouville (Σλ 0.03654 vs ⟨∇·f⟩ -3.349e-05)",
    ),
    "Bouali2": (
        "regular",
        0.00169,
        0.00169,
        0.0204,
        "32 starts up to 100% around x0 are regular too, and 40 of ``lyapunov_x0_scan.py`` (half "
        "in 1.2× the x0 orbit's box): λmax·P ≤ 0.036; independent reference fails chaos, spread, "
        "zero, length (λ1·P 0.0067 < 0.01); dysts Σλ 0.0141 vs ⟨∇·f⟩ -0.0298; no zero λ_i in "
        "dysts' spectrum (min |λ_i| 0.0033)",
    ),
    "CaTwoPlusQuasiperiodic": (
        "regular",
        0.00033,
        0.000336,
        0.162,
        "quasi-periodic, as its name says; 40 starts of ``lyapunov_x0_scan.py`` (half in 1.2× "
        "the x0 orbit's box): λmax·P ≤ 0.0065; independent reference fails chaos, spread, zero, "
        "length (λ1·P 0.00074 < 0.01); dysts Σλ 0.0849 vs ⟨∇·f⟩ -0.079; no zero λ_i in dysts' "
        "spectrum (min |λ_i| 0.022)",
    ),
    "CircadianRhythm": (
        "regular",
        -0.000148,
        -0.000149,
        0.093,
        "32 starts up to 100% around x0 are regular too, and 40 of ``lyapunov_x0_scan.py`` (half "
        "in 1.2× the x0 orbit's box): λmax·P ≤ 0.0077; independent reference fails chaos, "
        "spread, zero, length (λ1·P 0.0062 < 0.01)",
    ),
    "DequanLi": (
        "regular",
        0.000855,
        0.00079,
        1.86,
        "λmax 0.00085 over 3000 periods (250 time units) too; 16 starts of "
        "``lyapunov_x0_scan.py`` over 3000 periods: λmax·P ≤ 0.0013 (c = 11/6 instead of 1.833 "
        "is regular too); independent reference fails chaos, spread, zero, length (λ1·P 0.0012 < "
        "0.01); dysts Σλ -0.908 vs ⟨∇·f⟩ -3.72",
    ),
    "FluidTrampoline": (
        "dysts",
        0.0442,
        0.0455,
        0.0808,
        "the film switches on at x = 0 (a jump in the vector field): the independent run's "
        "finite-difference Jacobian straddles it; independent reference fails run "
        "(FloatingPointError: FluidTrampoline: DOP853 failed at t=34.22)",
    ),
    "ForcedFitzHughNagumo": (
        "unconverged",
        0.000211,
        0.000359,
        0.000627,
        "32 starts up to 100% around x0 are regular too, and 40 of ``lyapunov_x0_scan.py`` (half "
        "in 1.2× the x0 orbit's box): λmax·P ≤ 0.0058; independent reference fails chaos, length "
        "(λ1·P 0 < 0.01); no zero λ_i in dysts' spectrum (min |λ_i| 0.00063)",
    ),
    "InteriorSquirmer": (
        "conservative",
        0.404,
        0.424,
        0.845,
        "independent reference fails spread, length (λ1 ± 0.21 (starts 0.07673..1.444)); dysts "
        "Σλ 0.179 vs ⟨∇·f⟩ 0.0016",
    ),
    "KawczynskiStrizhak": (
        "regular",
        0.000426,
        0.000433,
        0.0256,
        "32 starts up to 100% around x0 are regular too, and 40 of ``lyapunov_x0_scan.py`` (half "
        "in 1.2× the x0 orbit's box): λmax·P ≤ 0.013; independent reference fails chaos, spread, "
        "zero, length (λ1·P -0.00053 < 0.01); no zero λ_i in dysts' spectrum (min |λ_i| 0.026)",
    ),
    "LiuChen": (
        "unconverged",
        0.0573,
        0.0778,
        0.213,
        "0.166, 0.113, 0.083, 0.057 at P/200 to P/1600; independent reference fails spread, "
        "zero, length (λ1 ± 1.4 (starts -1.189..8.628)); no zero λ_i in dysts' spectrum (min "
        "|λ_i| 0.21)",
    ),
    "MacArthur": (
        "dysts",
        0.0204,
        0.0196,
        0.194,
        "the independent run averages 0.3 e-foldings in 300 s of CPU (10 dimensions, min() "
        "kinks): no reference of its own; independent reference fails spread, liouville, zero, "
        "length (λ1 ± 0.018 (starts 0.0071..0.1388))",
    ),
    "NoseHoover": (
        "conservative",
        0.03,
        0.0308,
        0.0476,
        "3000 periods; the independent runs from starts 1e-5 give 0.0298 (300 s) and 0.0246 (900 "
        "s), failing only their spread check (9%, 11%): sticky orbits; independent reference "
        "fails spread (λ1 ± 0.0026 (starts 0.01527..0.03314)); dysts Σλ 0.0373 vs ⟨∇·f⟩ 0.00848",
    ),
    "PanXuZhou": (
        "dysts",
        0.479,
        0.434,
        0.87,
        "coexisting attractors: λ1 0.67, 0.23, -0.006, -0.02 from 4 starts 1e-5 around x0; the "
        "sweep's value averages over them. The chaotic set is transient: 36 starts 1e-3 around 3 "
        "chaotic points (``lyapunov_x0_scan.py``) give λmax -0.055..0.65 over 1000 periods, so "
        "no x0 keeps its neighbours chaotic; independent reference fails spread, zero (λ1 ± 0.13 "
        "(starts -0.05483..0.6522))",
    ),
    "SprottMore": (
        "regular",
        0.00129,
        0.00116,
        0.325,
        "32 starts up to 100% around x0 are regular too, and 40 of ``lyapunov_x0_scan.py`` (half "
        "in 1.2× the x0 orbit's box): λmax·P ≤ 0.083 (0.011 at twice the step); independent "
        "reference fails run (FloatingPointError: SprottMore: DOP853 failed at t=5.937)",
    ),
    "StickSlipOscillator": (
        "unconverged",
        0.119,
        0.0891,
        0.0707,
        "0.033, 0.049, 0.089, 0.119 at P/100 to P/800; independent reference fails chaos, length "
        "(λ1·P 0 < 0.01); dysts Σλ 0.0495 vs ⟨∇·f⟩ -0.108",
    ),
    "SwingingAtwood": (
        "conservative",
        0.323,
        0.0695,
        7.74,
        "independent reference fails spread, zero, length (λ1 ± 0.1 (starts 0.1248..0.7618)); no "
        "zero λ_i in dysts' spectrum (min |λ_i| 3)",
    ),
    "Torus": (
        "conservative",
        2.95e-10,
        2.89e-09,
        0.00817,
        "quasi-periodic by construction; dysts lists a zero spectrum; independent reference "
        "fails chaos, length (λ1·P 0 < 0.01)",
    ),
    "Tsucs2": (
        "regular",
        -0.0014,
        -0.00108,
        0.641,
        "transient chaos: 0.0313 (0.0317 at twice the step) over 300 periods, -0.0014 (-0.0011) "
        "over 3000; 40 starts of ``lyapunov_x0_scan.py``: λmax·P ≤ 0.0085 (c = 5/6 instead of "
        "0.833 is regular too); independent reference fails chaos, zero, tolerance, length (λ1·P "
        "0.0037 < 0.01); dysts Σλ -0.906 vs ⟨∇·f⟩ -1.75; no zero λ_i in dysts' spectrum (min "
        "|λ_i| 0.22)",
    ),
    # delay equations (``--names PiecewiseCircuit SprottDelay --delay-periods 150
    # --delay-points N``, N = 50, 100 (2026-11-27), 200, 400 (2026-11-28) history nodes per delay
    # τ): 400 vs 200 nodes; their references stay dysts' naive estimates (``catalog.delay``)
    "PiecewiseCircuit": (
        "dysts-naive",
        0.0256,
        0.026,
        0.0361,
        "0.0246, 0.0254, 0.026, 0.0256 at 50, 100, 200, 400 nodes",
    ),
    "SprottDelay": (
        "dysts-naive",
        0.0521,
        0.0566,
        0.0795,
        "0.0405, 0.063, 0.0566, 0.0521 at 50, 100, 200, 400 nodes",
    ),
}
_WHY = {
    "stiff": "RK4 from x0 diverges at every step down to P/6400",
    "conservative": "conservative flow: λmax depends on the start (islands and chaotic seas)",
    "regular": "no chaos from x0 at the default parameters (λmax·P < 0.01)",
    "unconverged": "not step-converged (the two steps differ by more than 15%)",
    "published": "converged, but outside 20% of the published value",
    "independent": "converged, but outside 20% of the independent QR reference",
    "dysts-inconsistent": "converged; no independent reference passed its checks, so the "
    "reference is dysts' QR λ1, whose spectrum fails an exact test",
    "dysts": "converged; no independent reference passed its checks, so the reference is "
    "dysts' QR λ1, a 30-period first-order estimate",
    "dysts-naive": "converged; the reference is dysts' unrenormalised twin-trajectory estimate",
}


def _reason(category: str, fine: float, coarse: float, reference: float, detail: str) -> str:
    coarse_text = "" if math.isnan(coarse) else f" ({coarse:.3g} at twice the step)"
    detail_text = f" ({detail})" if detail else ""
    return (
        f"{_WHY[category]}{detail_text}: chaosflow λmax {fine:.3g}{coarse_text} vs reference "
        f"{reference:.4g}"
    )


#: name -> why the 20% agreement test of ``benchmarks/lyapunov_sweep.py`` does not apply.
LYAPUNOV_EXCEPTIONS: dict[str, str] = {name: _reason(*row) for name, row in _SWEEP.items()}


def max_lyapunov(
    step: StepFn,
    x0: Any,
    n_steps: int,
    *,
    dt: float = 1.0,
    transient: int = 0,
    seed: int = 0,
) -> np.ndarray:
    """λmax per time unit for each initial condition, by Benettin's renormalised tangent.

    Parameters
    ----------
    step : one-step map ``[batch, d] -> [batch, d]`` on float64 torch tensors, differentiable.
    x0 : ``[batch, d]`` initial states (numpy or torch).
    n_steps : steps whose stretching is averaged (after ``transient`` unaveraged ones).
    dt : time per step, so the result is per time unit (1 for maps).
    seed : seeds the random initial tangent vectors.

    Returns
    -------
    ``[batch]`` float64 array of λmax estimates (per time unit).
    """
    x = torch.as_tensor(np.asarray(x0, dtype=np.float64)) if not torch.is_tensor(x0) else x0
    x = x.to(torch.float64)
    gen = torch.Generator(device=x.device).manual_seed(seed)
    v = torch.randn(x.shape, generator=gen, dtype=x.dtype, device=x.device)
    v = v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    with torch.no_grad(), warnings.catch_warnings():
        # torch's forward-AD loads its jvp decompositions through torch.jit.script on first
        # use, which warns of its own deprecation (torch 2.13); nothing we call is scripted.
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
        for i in range(transient + n_steps):
            x, v = torch.func.jvp(step, (x,), (v,))
            norm = torch.linalg.vector_norm(v, dim=-1, keepdim=True)
            if i >= transient:
                total += torch.log(norm[:, 0])
            v = v / norm
    return (total / (n_steps * dt)).cpu().numpy()


def max_lyapunov_fd(
    step: Callable[[np.ndarray], np.ndarray],
    x0: Any,
    n_steps: int,
    *,
    dt: float = 1.0,
    transient: int = 0,
    eps: float = 1e-8,
    seed: int = 0,
    return_state: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """λmax per time unit by two nearby trajectories renormalised every step (numpy).

    The finite-difference twin of ``max_lyapunov`` (Benettin et al. 1976, PRA 14, 2338): the
    partner sits ``eps`` (relative to ``1 + |x|``) away along the current tangent estimate and
    both advance in one batched ``step`` call, so it costs two trajectories and no autograd.
    Not for maps that wrap coordinates (mod 1, mod 2π): a pair straddling the cut separates
    by the period. Returns ``[batch]`` (and the final states ``[batch, d]`` with
    ``return_state``: points of whatever set each start settled on). Rows are independent: one
    that escapes to inf/NaN gives a non-finite λ and leaves the others alone.
    """
    x = np.array(x0, dtype=np.float64)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(x.shape)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    batch = x.shape[0]
    total = np.zeros(batch)
    for i in range(transient + n_steps):
        delta = eps * (1.0 + np.linalg.norm(x, axis=-1, keepdims=True))
        both = step(np.concatenate([x, x + delta * v]))
        x, partner = both[:batch], both[batch:]
        v = (partner - x) / delta
        norm = np.linalg.norm(v, axis=-1, keepdims=True)
        if i >= transient:
            total += np.log(norm[:, 0])
        v /= norm
    lam = total / (n_steps * dt)
    return (lam, x) if return_state else lam


def rk4_step(system: System, dt: float, substeps: int = 1, params: Mapping | None = None):
    """Classical RK4 one-step map of a flow over ``dt`` (``substeps`` internal steps).

    A tiny local stepper so the Lyapunov estimate needs only the catalog (the production
    integrator is ``chaosflow.integrate.simulate``).
    """
    p = dict(system.params if params is None else params)
    h = dt / substeps

    def step(x: torch.Tensor) -> torch.Tensor:
        for _ in range(substeps):
            k1 = system.rhs(0.0, x, p)
            k2 = system.rhs(0.0, x + 0.5 * h * k1, p)
            k3 = system.rhs(0.0, x + 0.5 * h * k2, p)
            k4 = system.rhs(0.0, x + h * k3, p)
            x = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        return x

    return step


def map_step(system: System, params: Mapping | None = None) -> StepFn:
    """The map itself as a one-step function."""
    p = dict(system.params if params is None else params)
    return lambda x: system.rhs(0.0, x, p)


def relative_error(estimate: float, reference: float) -> float:
    """``|estimate - reference| / |reference|`` (``inf`` for a zero reference)."""
    return abs(estimate - reference) / abs(reference) if reference else math.inf


#: Conservative flows whose right-hand side is not divergence-free in the catalog's coordinates:
#: the time-reversible Nosé–Hoover flows (∇·f = z; Hoover 1985), the stirring flows written in
#: polar coordinates (r, θ) and the double pendulum in angle / angular-velocity coordinates
#: (area- or volume-preserving in canonical coordinates; dysts marks them Hamiltonian).
CONSERVATIVE_ELSEWHERE = frozenset(
    {"SprottA", "NoseHoover", "BlinkingRotlet", "BlinkingVortex", "InteriorSquirmer"}
    | {"DoublePendulum"}
)


def divergence(system: System, x: np.ndarray, params: Mapping | None = None) -> np.ndarray:
    """∇·f at the states ``x: [batch, dim]`` by central differences; returns ``[batch]``."""
    p = dict(system.params if params is None else params)
    out = np.zeros(x.shape[0])
    for i in range(system.dim):
        delta = 1e-6 * (1.0 + np.abs(x[:, i]))
        bump = np.zeros_like(x)
        bump[:, i] = delta
        ahead, behind = system.rhs(0.0, x + bump, p), system.rhs(0.0, x - bump, p)
        out += (ahead[:, i] - behind[:, i]) / (2 * delta)
    return out


def mean_divergence(
    system: System, steps_per_period: int, periods: int, ics: int = 4, seed: int = 1
) -> float:
    """Time average of ∇·f along RK4 orbits (h = P / ``steps_per_period``) from ``ics`` starts
    1e-5 around x0, over ``periods`` periods after ``periods / 10``; NaN if all diverge.

    The Lyapunov exponents of a flow sum to this average, so it checks a reference spectrum
    independently of any exponent estimate.
    """
    h = system.metadata.period / steps_per_period
    step = rk4_step(system, h)
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    noise = np.random.default_rng(seed).standard_normal((ics, system.dim))
    x = x0 + 1e-5 * (1.0 + np.abs(x0)) * noise
    total, n = np.zeros(ics), periods * steps_per_period
    with np.errstate(all="ignore"):  # a diverging start is dropped below
        for i in range(n + n // 10):
            x = step(x)
            if i >= n // 10:
                total += divergence(system, x)
    finite = np.isfinite(total)
    return float(np.mean(total[finite]) / n) if finite.any() else math.nan


def is_conservative(system: System) -> bool:
    """∇·f vanishes at 64 random points around x0 (|∇·f| < 1e-6), or ``CONSERVATIVE_ELSEWHERE``.

    In a conservative flow regular islands and chaotic seas coexist, so λmax depends on the
    start and one start's estimate is no test of an average over starts.
    """
    if system.name in CONSERVATIVE_ELSEWHERE:
        return True
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    x = x0 + (1.0 + np.abs(x0)) * np.random.default_rng(0).standard_normal((64, system.dim))
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(divergence(system, x)) < 1e-6))
