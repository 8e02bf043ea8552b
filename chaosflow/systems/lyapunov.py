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

#: Flow sweep of 2026-11-27 (``benchmarks/lyapunov_sweep.py --kind flow --periods 150``):
#: name -> (category, chaosflow λmax at h = P/100, at h = P/50, catalog reference). Categories:
#: ``reference`` — the estimate is step-converged (the two agree within 15%) and the catalog
#: value, dysts' ``maximum_lyapunov_estimated``, is what disagrees (dysts' own spectra
#: disagree with it too, e.g. Aizawa 0.135 vs its λ1 0.089); ``regular`` — λmax ≈ 0 from x0
#: at the default parameters (quasi-periodic, transient chaos, or a conservative flow whose
#: exponent depends on the initial condition); ``unconverged`` — the two steps disagree by
#: more than 15%; ``stiff`` — RK4 at h = P/100 diverges, the value is at h = P/1000.
_SWEEP: dict[str, tuple[str, float, float, float]] = {
    "Aizawa": ("reference", 0.0867, 0.0857, 0.1349),
    "AnishchenkoAstakhov": ("reference", 0.0475, 0.0462, 0.1011),
    "ArnoldBeltramiChildress": ("reference", 0.0406, 0.0364, 0.3667),
    "ArnoldWeb": ("unconverged", 0.00359, 0.0023, 0.06514),
    "AtmosphericRegime": ("stiff", 0.00606, math.nan, 0.01054),
    "BeerRNN": ("unconverged", 0.00202, 0.0136, 0.03877),
    "BelousovZhabotinsky": ("regular", -4.65e-05, -0.00138, 132.1),
    "BickleyJet": ("regular", 2.41e-07, 2.52e-07, 3.032e-06),
    "Blasius": ("reference", 0.0595, 0.0561, 0.126),
    "BlinkingRotlet": ("unconverged", 0.437, 0.523, 2.12),
    "BlinkingVortex": ("reference", 0.752, 0.675, 2.863),
    "Bouali": ("reference", 0.0223, 0.0255, 0.06013),
    "Bouali2": ("reference", 0.0136, 0.0136, 0.07682),
    "CaTwoPlus": ("reference", 0.389, 0.343, 0.5803),
    "CaTwoPlusQuasiperiodic": ("regular", 0.00611, 0.00608, 0.4808),
    "CellCycle": ("regular", 9.28e-05, 9.09e-05, 0.01017),
    "CellularNeuralNetwork": ("unconverged", 0.194, 0.284, 2.326),
    "Chua": ("reference", 0.433, 0.433, 1.23),
    "CircadianRhythm": ("regular", -1.04e-05, 0.000203, 0.006263),
    "CoevolvingPredatorPrey": ("reference", 0.0034, math.nan, 0.007327),
    "Colpitts": ("reference", 0.113, 0.111, 0.3736),
    "DequanLi": ("reference", 0.289, 0.289, 0.7397),
    "DoubleGyre": ("unconverged", 0.0708, 0.0902, 0.1219),
    "DoublePendulum": ("regular", 0.0165, 0.00207, 3.985),
    "ExcitableCell": ("unconverged", 0.453, 0.756, 0.7164),
    "FluidTrampoline": ("reference", 0.0513, 0.0569, 0.2231),
    "ForcedFitzHughNagumo": ("regular", 9.83e-05, 0.00135, 0.007561),
    "ForcedVanDerPol": ("regular", -0.000773, math.nan, 0.00351),
    "GuckenheimerHolmes": ("reference", 0.522, 0.453, 0.7886),
    "HastingsPowell": ("unconverged", 0.00709, -0.00761, 0.01253),
    "HenonHeiles": ("unconverged", 0.00369, 0.00299, 0.03551),
    "HindmarshRose": ("reference", 0.213, 0.218, 0.6535),
    "Hopfield": ("reference", 0.0749, 0.0769, 0.5684),
    "HyperRossler": ("reference", 0.125, 0.133, 0.1719),
    "InteriorSquirmer": ("stiff", 0.409, math.nan, 0.8447),
    "IsothermalChemical": ("regular", 0.00803, 0.00227, 0.4501),
    "ItikBanksTumor": ("reference", 0.0196, 0.0195, 0.03622),
    "JerkCircuit": ("stiff", 0.0733, math.nan, 0.2923),
    "KawczynskiStrizhak": ("regular", -0.0035, -0.00352, 0.07571),
    "LidDrivenCavityFlow": ("reference", 0.709, 0.657, 2.173),
    "LiuChen": ("stiff", 0.138, math.nan, 0.2457),
    "Lorenz84": ("regular", 0.000358, -2.6e-05, 0.4615),
    "LuChen": ("unconverged", 0.124, 0.805, 0.3267),
    "MacArthur": ("stiff", 0.0205, math.nan, 0.2495),
    "MooreSpiegel": ("reference", 0.17, 0.16, 0.6977),
    "MultiChua": ("reference", 0.26, 0.285, 1.462),
    "NoseHoover": ("regular", 0.000613, 0.00276, 0.01046),
    "OscillatingFlow": ("reference", 0.0921, 0.09, 0.1347),
    "PanXuZhou": ("unconverged", 0.317, 0.594, 0.6132),
    "PehlivanWei": ("reference", 0.0636, 0.0671, 0.1042),
    "RabinovichFabrikant": ("reference", 0.183, 0.192, 0.2541),
    "SaltonSea": ("reference", 0.392, 0.358, 1.07),
    "SprottA": ("regular", 0.000389, 0.000648, 0.01299),
    "SprottG": ("reference", 0.0352, 0.0342, 0.09068),
    "SprottI": ("reference", 0.0131, 0.0121, 0.02322),
    "SprottJ": ("reference", 0.079, 0.0777, 0.1229),
    "SprottJerk": ("reference", 0.0558, math.nan, 0.08785),
    "SprottK": ("reference", 0.0389, 0.0384, 0.05963),
    "SprottL": ("reference", 0.064, 0.0623, 0.09216),
    "SprottM": ("reference", 0.0451, 0.0406, 0.08422),
    "SprottMore": ("regular", 0.00365, 0.00275, 1.095),
    "SprottN": ("reference", 0.0815, 0.0758, 0.1187),
    "SprottO": ("reference", 0.0496, 0.0484, 0.09141),
    "SprottQ": ("reference", 0.113, 0.111, 0.1717),
    "SprottR": ("reference", 0.0621, 0.0637, 0.09661),
    "SprottS": ("reference", 0.193, 0.187, 0.2738),
    "SprottTorus": ("reference", 0.0534, 0.0469, 0.1057),
    "StickSlipOscillator": ("reference", 0.0239, 0.0204, 0.06406),
    "SwingingAtwood": ("reference", 0.666, 0.645, 1.011),
    "Thomas": ("reference", 0.455, 0.494, 0.6324),
    "Torus": ("regular", 8.27e-09, -1.22e-09, 0.008173),
    "Tsucs2": ("unconverged", 0.00984, 0.00143, 0.1362),
    "WindmiReduced": ("unconverged", 0.296, 0.353, 0.4035),
    "YuWang2": ("reference", 0.49, 0.427, 1.158),
    # delay equations: 100 vs 50 history nodes per delay, 150 periods
    "PiecewiseCircuit": ("reference", 0.0254, 0.0246, 0.0361),
    "SprottDelay": ("unconverged", 0.063, 0.0405, 0.0795),
}
_WHY = {
    "reference": "the catalog reference (dysts estimate) disagrees with the step-converged",
    "regular": "no chaos found from x0 at default parameters:",
    "unconverged": "the estimate is not step-converged:",
    "stiff": "stiff (RK4 diverges at P/100); at h = P/1000",
}


def _reason(category: str, fine: float, coarse: float, reference: float) -> str:
    coarse_text = "" if math.isnan(coarse) else f" ({coarse:.3g} at twice the step)"
    return f"{_WHY[category]} chaosflow λmax {fine:.3g}{coarse_text} vs reference {reference:.4g}"


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
) -> np.ndarray:
    """λmax per time unit by two nearby trajectories renormalised every step (numpy).

    The finite-difference twin of ``max_lyapunov`` (Benettin et al. 1976, PRA 14, 2338): the
    partner sits ``eps`` (relative to ``1 + |x|``) away along the current tangent estimate and
    both advance in one batched ``step`` call, so it costs two trajectories and no autograd.
    Not for maps that wrap coordinates (mod 1, mod 2π): a pair straddling the cut separates
    by the period. Returns ``[batch]``.
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
    return total / (n_steps * dt)


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
