"""Largest Lyapunov exponent of every catalog system vs its reference (issue 3).

Benettin's method, averaged over a few initial conditions near
``metadata.x0`` after a transient:

* flows: classical RK4 (numpy, finite-difference twin trajectories) at two steps,
  ``h = P/s`` and ``h = P/(2s)`` with ``s = --steps-per-period`` (P the dominant period), over
  ``--periods`` periods. Where RK4 diverges at ``P/s`` (a stiff flow) ``s`` is multiplied by 4
  until it does not (at most ``--max-steps-per-period``). The estimate is the finer step's; it
  is "step-converged" when the two steps agree within ``--converged`` (15%);
* maps: the map itself, exact tangent map by forward-mode autograd (``max_lyapunov``; maps
  wrap coordinates, which finite differences cannot straddle);
* delay equations (finite differences): RK4 on a history buffer of ``--delay-points`` nodes
  per delay τ (the state is the discretised history; delayed values at half steps are
  linearly interpolated);
* the PDE: its own ETDRK4 ``step`` at ``metadata.dt`` (autograd tangent).

Prints ``name | kind | reference | estimate | coarse | rel. error | ok | steps/period | time``
and marks systems on ``chaosflow.systems.lyapunov.LYAPUNOV_EXCEPTIONS``. ``--json`` writes
``{name: {"reference", "estimate", "coarse", "steps_per_period", "category"}}``, the input of
``chaosflow.systems.lyapunov._SWEEP``. Usage::

    python benchmarks/lyapunov_sweep.py [--kind flow] [--names Lorenz Henon] [--out table.md]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from chaosflow.systems import get_system, list_systems
from chaosflow.systems.catalog._lyapunov_refs import DYSTS_LYAPUNOV
from chaosflow.systems.lyapunov import (
    LYAPUNOV_EXCEPTIONS,
    is_conservative,
    map_step,
    max_lyapunov,
    max_lyapunov_fd,
    mean_divergence,
    relative_error,
    rk4_step,
)

TOLERANCE = 0.20


def _initial_conditions(system, n: int, seed: int = 0) -> np.ndarray:
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return x0 + 1e-5 * (1.0 + np.abs(x0)) * rng.standard_normal((n, system.dim))


def delay_history_step(system, points: int):
    """One RK4 step ``h = τ/points`` on the history ``[batch, (points+1)·dim]`` (newest first)."""
    dim, tau = system.dim, float(system.params["tau"])
    h, p = tau / points, dict(system.params)

    def f(x, lagged):
        return system.rhs(0.0, np.concatenate([x, lagged], axis=-1), p)

    def step(buf):
        hist = buf.reshape(buf.shape[0], points + 1, dim)
        x, old, older = hist[:, 0], hist[:, points], hist[:, points - 1]
        mid = 0.5 * (old + older)
        k1 = f(x, old)
        k2 = f(x + 0.5 * h * k1, mid)
        k3 = f(x + 0.5 * h * k2, mid)
        k4 = f(x + h * k3, older)
        new = x + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        return np.concatenate([new[:, None], hist[:, :points]], axis=1).reshape(buf.shape)

    return step, h


def _mean_finite(name: str, lam: np.ndarray) -> float:
    """Mean over the runs that stayed finite (a start may leave the basin: coexisting
    unbounded solutions); NaN when none did."""
    finite = np.isfinite(lam)
    if not finite.all():
        print(f"# {name}: {int((~finite).sum())} of {lam.size} runs diverged", file=sys.stderr)
    return float(np.mean(lam[finite])) if finite.any() else math.nan


def flow_estimate(system, steps_per_period: int, args) -> float:
    """λmax of a flow by RK4 at ``h = P / steps_per_period`` over ``args.periods`` periods."""
    h = system.metadata.period / steps_per_period
    n = args.periods * steps_per_period
    x0 = _initial_conditions(system, args.ics)
    with np.errstate(all="ignore"):  # a diverging (stiff) run overflows; it is reported
        lam = max_lyapunov_fd(rk4_step(system, h), x0, n, dt=h, transient=n // 10)
    return _mean_finite(system.name, lam)


def flow_row(system, args) -> dict:
    """Coarse and fine estimates, refining the step while RK4 diverges (stiff flows)."""
    spp = args.steps_per_period
    coarse = flow_estimate(system, spp, args)
    while not math.isfinite(coarse) and spp * 4 <= args.max_steps_per_period:
        spp *= 4
        coarse = flow_estimate(system, spp, args)
    fine = flow_estimate(system, 2 * spp, args) if math.isfinite(coarse) else math.nan
    return {"estimate": fine, "coarse": coarse, "steps_per_period": 2 * spp}


def estimate(system, args) -> dict:
    """``{"estimate": λmax per time unit, ...}`` (mean over ``args.ics`` initial conditions)."""
    if system.kind == "flow":
        return flow_row(system, args)
    x0 = _initial_conditions(system, args.ics)
    meta = system.metadata
    if system.kind == "map":
        lam = max_lyapunov(map_step(system), x0, args.map_steps, transient=args.map_steps // 10)
    elif system.kind == "pde":
        p = dict(system.params)
        n = round(args.pde_time / meta.dt)
        lam = max_lyapunov(
            lambda u: system.step(u, meta.dt, p), x0, n, dt=meta.dt, transient=n // 10
        )
    else:
        step, h = delay_history_step(system, args.delay_points)
        history = np.repeat(x0, args.delay_points + 1, axis=1)  # constant initial history
        n = round(args.delay_periods * meta.period / h)
        lam = max_lyapunov_fd(step, history, n, dt=h, transient=n // 5)
    return {"estimate": _mean_finite(system.name, lam), "coarse": math.nan}


def category(row: dict, converged: float) -> str:
    """``ok`` (step-converged and within 20%), else the first that applies:

    ``stiff`` (no finite estimate); ``conservative`` (``is_conservative``: the phase space mixes
    regular islands and chaotic seas and λmax depends on the start); ``regular`` (λmax below
    1% growth per period at both steps: no chaos from x0); ``unconverged`` (the two steps
    differ by more than ``converged``); else the estimate is converged and the reference
    disagrees: ``published``, ``independent`` (the independent QR reference of
    ``benchmarks/lyapunov_reference.py``), or, where that failed its checks and dysts' QR λ1
    is the reference, ``dysts-inconsistent`` (dysts' QR spectrum fails an exact property of a
    flow's spectrum, ``dysts_check``) or ``dysts``.
    """
    lam, coarse, period = row["estimate"], row["coarse"], row["period"]
    unconverged = math.isfinite(coarse) and abs(lam - coarse) > converged * max(
        abs(lam), abs(coarse)
    )
    if row["error"] <= TOLERANCE and not unconverged:
        return "ok"
    if not math.isfinite(lam):
        return "stiff"
    if row.get("conservative"):
        return "conservative"
    if max(lam, coarse if math.isfinite(coarse) else lam) * period < 0.01:
        return "regular"
    if unconverged:
        return "unconverged"
    if row["source"].startswith("chaosflow independent"):
        return "independent"
    if not row["source"].startswith("dysts"):
        return "published"
    return "dysts-inconsistent" if row.get("dysts_check") else "dysts"


def dysts_check(name: str, divergence: float) -> str:
    """Which exact property dysts' QR spectrum of ``name`` fails ('' if none or no spectrum):
    its sum must be the mean divergence, and one exponent (the flow direction) must vanish."""
    if name not in DYSTS_LYAPUNOV:
        return ""
    qr, _, total, smallest = DYSTS_LYAPUNOV[name]
    failed = []
    if abs(total - divergence) > 0.2 * max(abs(divergence), qr):
        failed.append(f"dysts Σλ {total:.3g} vs ⟨∇·f⟩ {divergence:.3g}")
    if smallest > 0.1 * qr:
        failed.append(f"no zero λ_i in dysts' spectrum (min |λ_i| {smallest:.2g})")
    return "; ".join(failed)


def _measured(name: str, system, args, saved: dict) -> dict:
    """This system's estimates: from ``saved`` (earlier ``--json`` files) or measured now."""
    if name in saved:
        keep = ("estimate", "coarse", "steps_per_period", "divergence")
        row = {k: saved[name][k] for k in keep if saved[name].get(k) is not None}
        return row | {"seconds": 0.0}
    start = time.perf_counter()
    try:
        row = estimate(system, args)
    except Exception as err:  # report and go on: one failure must not stop the sweep
        row = {"estimate": math.nan, "coarse": math.nan}
        print(f"# {name}: {type(err).__name__}: {err}", file=sys.stderr)
    return row | {"seconds": time.perf_counter() - start}


def independent_failure(name: str, references: dict) -> str:
    """Why ``name`` has no independent reference ('' if it has one or was not run): the failed
    checks of its row in ``benchmarks/results/lyapunov_reference.json``."""
    row = references.get(name)
    if row is None or row.get("passed"):
        return ""
    failed = row.get("failed", {})
    order = [k for k in ("run", "chaos", "spread", "liouville", "zero", "tolerance", "length")]
    names = [k for k in order if k in failed]
    return f"independent reference fails {', '.join(names)} ({failed[names[0]]})"


def sweep(names, args, saved: dict | None = None):
    """One row per system; estimates in ``saved`` are reused and compared afresh with the
    catalog's current references."""
    references = json.loads(args.references.read_text()) if args.references.exists() else {}
    rows = []
    for name in names:
        system = get_system(name)
        row = _measured(name, system, args, saved or {})
        ref = system.metadata.lyapunov_max
        lam = row["estimate"]
        row.update(
            name=name,
            kind=system.kind,
            reference=ref,
            period=system.metadata.period,
            error=relative_error(lam, ref) if math.isfinite(lam) else math.inf,
        )
        row["source"] = system.metadata.extra.get("lyapunov_source", "")
        if row["error"] > TOLERANCE and system.kind == "flow":
            if not math.isfinite(row.get("divergence", math.nan)):
                spp = row.get("steps_per_period") or 2 * args.steps_per_period
                row["divergence"] = mean_divergence(system, spp, 30)
            row["dysts_check"] = dysts_check(name, row["divergence"])
            row["independent"] = independent_failure(name, references)
            row["conservative"] = is_conservative(system)
        row["category"] = category(row, args.converged)
        rows.append(row)
        print(_row(row), flush=True)
    return rows


def _row(row) -> str:
    if row["category"] == "ok":
        ok = "yes"
    else:
        ok = "exception" if row["name"] in LYAPUNOV_EXCEPTIONS else "NO"
    spp = row.get("steps_per_period", "")
    return (
        f"| {row['name']} | {row['kind']} | {row['reference']:.4g} | {row['estimate']:.4g} | "
        f"{row['coarse']:.4g} | {row['error']:.1%} | {ok} | {row['category']} | {spp} | "
        f"{row.get('divergence', math.nan):.3g} | {row.get('dysts_check', '')} | "
        f"{row.get('independent', '')} | {row['seconds']:.0f}s |"
    )


def _literal(value: float) -> str:
    return "math.nan" if not math.isfinite(value) else f"{value:.3g}"


#: Observations from runs beyond the sweep's own (extra steps, longer runs, other starts),
#: added to the detail of the ``_SWEEP`` line.
NOTES = {
    "Torus": "quasi-periodic by construction; dysts lists a zero spectrum",
    "CaTwoPlusQuasiperiodic": "quasi-periodic, as its name says; 40 starts of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.0065",
    "SprottMore": "32 starts up to 100% around x0 are regular too, and 40 of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.083 (0.011 at "
    "twice the step)",
    "KawczynskiStrizhak": "32 starts up to 100% around x0 are regular too, and 40 of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.013",
    "CircadianRhythm": "32 starts up to 100% around x0 are regular too, and 40 of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.0077",
    "ForcedFitzHughNagumo": "32 starts up to 100% around x0 are regular too, and 40 of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.0058",
    "ForcedVanDerPol": "at w = 2π/10, 1000 periods at P/1600 and P/800 (P/400 is periodic); "
    "at dysts' w = 0.63 32 starts around x0 and 40 of ``lyapunov_x0_scan.py`` are regular",
    "Bouali2": "32 starts up to 100% around x0 are regular too, and 40 of "
    "``lyapunov_x0_scan.py`` (half in 1.2× the x0 orbit's box): λmax·P ≤ 0.036",
    "HenonHeiles": "3000 periods from the catalog's x0, in the chaotic sea at the energy of "
    "dysts' x0 (0.137), which is on a regular orbit",
    "DequanLi": "λmax 0.00085 over 3000 periods (250 time units) too; 16 starts of "
    "``lyapunov_x0_scan.py`` over 3000 periods: λmax·P ≤ 0.0013 (c = 11/6 instead of 1.833 is "
    "regular too)",
    "CellularNeuralNetwork": "0.202, 0.149, 0.123, 0.102, 0.099 at P/100 to P/1600",
    "WindmiReduced": "0.301, 0.164, 0.102, 0.084, 0.084 at P/100 to P/1600",
    "StickSlipOscillator": "0.033, 0.049, 0.089, 0.119 at P/100 to P/800",
    "LiuChen": "0.166, 0.113, 0.083, 0.057 at P/200 to P/1600",
    "Lorenz84": "a periodic orbit coexists with the chaotic attractor",
    "DoublePendulum": "0.0064, 0.10, 1.31, 1.39 at P/100 to P/800",
    # reference estimator (DOP853, 12 s) from 4 starts 1e-5 and 1e-3 around x0, 2026-11-28:
    "IsothermalChemical": "a chaotic attractor coexists with a periodic orbit; dysts' x0 is near "
    "their basin boundary (starts 1e-3 around it reach the orbit); 3000 periods from the "
    "catalog's x0, inside the chaotic basin",
    "PanXuZhou": "coexisting attractors: λ1 0.67, 0.23, -0.006, -0.02 from 4 starts 1e-5 "
    "around x0; the sweep's value averages over them. The chaotic set is transient: 36 starts "
    "1e-3 around 3 chaotic points (``lyapunov_x0_scan.py``) give λmax -0.055..0.65 over 1000 "
    "periods, so no x0 keeps its neighbours chaotic",
    "Tsucs2": "transient chaos: 0.0313 (0.0317 at twice the step) over 300 periods, -0.0014 "
    "(-0.0011) over 3000; 40 starts of ``lyapunov_x0_scan.py``: λmax·P ≤ 0.0085 (c = 5/6 "
    "instead of 0.833 is regular too)",
    "BelousovZhabotinsky": "chaotic at P/400, periodic at P/200",
    # 2026-11-28: 3000 periods (``--periods 3000``; Coullet 30000) for these; the independent
    # runs of ``benchmarks/lyapunov_reference.py`` at 300 s of CPU (conservative flows: starts
    # 1e-5; Coullet and NoseHoover also at 900 s)
    "Coullet": "0.0785 (0.085 at twice the step) over 300 periods, 0.0188 over 3000, 0.0133 "
    "over 30000: its λ1 converges slowly (the independent run at 900 s: 0.01405)",
    "NoseHoover": "3000 periods; the independent runs from starts 1e-5 give 0.0298 (300 s) "
    "and 0.0246 (900 s), failing only their spread check (9%, 11%): sticky orbits",
    "ArnoldWeb": "3000 periods",
    "BlinkingVortex": "3000 periods; the independent run gives 0.746 but fails Σλ = 0",
    "MacArthur": "the independent run averages 0.3 e-foldings in 300 s of CPU (10 dimensions, "
    "min() kinks): no reference of its own",
    "FluidTrampoline": "the film switches on at x = 0 (a jump in the vector field): the "
    "independent run's finite-difference Jacobian straddles it",
}


def sweep_entry(r: dict) -> str:
    """One ``chaosflow.systems.lyapunov._SWEEP`` entry (ruff-formatted, lines ≤ 100)."""
    values = [_literal(r[k]) for k in ("estimate", "coarse", "reference")]
    parts = (NOTES.get(r["name"], ""), r.get("independent", ""), r.get("dysts_check", ""))
    detail = "; ".join(p for p in parts if p).replace('"', "'")
    line = f'    "{r["name"]}": ("{r["category"]}", {", ".join(values)}, "{detail}"),'
    if len(line) <= 100:
        return line
    chunks, rest = [], detail
    while len(rest) > 88:
        cut = rest.rfind(" ", 0, 88)
        chunks.append(rest[: cut + 1])
        rest = rest[cut + 1 :]
    chunks.append(rest)
    body = [f'        "{r["category"]}",', *(f"        {v}," for v in values)]
    body += [f'        "{c}"' for c in chunks[:-1]] + [f'        "{chunks[-1]}",']
    return "\n".join([f'    "{r["name"]}": (', *body, "    ),"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["flow", "map", "delay", "pde"])
    parser.add_argument("--names", nargs="*")
    parser.add_argument("--ics", type=int, default=8, help="initial conditions per system")
    parser.add_argument("--periods", type=int, default=300)
    parser.add_argument("--steps-per-period", type=int, default=100)
    parser.add_argument("--max-steps-per-period", type=int, default=6400)
    parser.add_argument("--converged", type=float, default=0.15)
    parser.add_argument("--map-steps", type=int, default=5000)
    parser.add_argument("--delay-points", type=int, default=50)
    parser.add_argument("--delay-periods", type=float, default=40.0)
    parser.add_argument("--pde-time", type=float, default=1000.0)
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON, keyed by name")
    parser.add_argument(
        "--reuse",
        type=Path,
        nargs="*",
        default=[],
        help="earlier --json files whose estimates to reuse (later files win); systems not in "
        "them are measured",
    )
    parser.add_argument("--emit-sweep", action="store_true", help="print _SWEEP lines")
    parser.add_argument(
        "--references",
        type=Path,
        default=Path(__file__).parent / "results" / "lyapunov_reference.json",
        help="the independent reference runs (benchmarks/lyapunov_reference.py --json)",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    saved: dict = {}
    for path in args.reuse:
        saved.update(json.loads(path.read_text()))
    names = args.names or list_systems(args.kind)
    header = (
        "| name | kind | reference | estimate | coarse (2h) | rel. error | ok(≤20%) | "
        "category | steps/period | mean ∇·f | dysts spectrum fails | no independent reference "
        "because | time |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    print(header)
    rows = sweep(names, args, saved)
    bad = [r["name"] for r in rows if r["category"] != "ok"]
    bad = [name for name in bad if name not in LYAPUNOV_EXCEPTIONS]
    counts = {}
    for r in rows:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    summary = (
        f"\n{len(rows)} systems: {counts.get('ok', 0)} step-converged within 20%, "
        f"{sum(r['name'] in LYAPUNOV_EXCEPTIONS for r in rows)} on the exception list, "
        f"{len(bad)} unexplained: {', '.join(bad) or '-'}\ncategories: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    print(summary)
    if args.json:
        keep = ("reference", "estimate", "coarse", "steps_per_period", "divergence")
        keep += ("category", "dysts_check", "independent")
        payload = {r["name"]: {k: r.get(k) for k in keep} for r in rows}
        args.json.write_text(json.dumps(payload, indent=1))
    if args.emit_sweep:  # the rows outside 20%, as ``chaosflow.systems.lyapunov._SWEEP`` lines
        print("\n".join(sweep_entry(r) for r in rows if r["category"] != "ok"))
    if args.out:
        args.out.write_text(header + "\n" + "\n".join(map(_row, rows)) + "\n" + summary + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
