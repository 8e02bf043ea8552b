"""Independent reference Lyapunov spectra of the catalog flows, with their own quality checks.

Deliberately unlike the sweep's estimator (RK4 at a fixed step, finite-difference twin
trajectories, λmax only, ``benchmarks/lyapunov_sweep.py``): scipy's adaptive DOP853 (Hairer's
8(5,3) pair) at ``rtol`` 1e-10 / ``atol`` 1e-12 integrates the state, the full tangent space
(variational equations dQ/dt = J(x) Q, J by central differences of the numpy ``rhs``, all 2d
perturbed states of all starts in one batched call) and ∫∇·f dt, and re-orthonormalises Q by
QR (Benettin et al. 1980, Meccanica 15, 9; Shimada & Nagashima 1979) after the first step past
every P/10 (P the dominant period). The tangent equations are linear, so the QR may fall at
any step end; it only has to come before the vectors align. A transient is discarded, then
the full spectrum is the average of log|R_ii| over ≥ 1000 periods or ≥ 200/λ1 (whichever is
longer), capped by ``--max-seconds`` of CPU per run (20 s; 60 s, then 120 s, for the flows
that failed only the statistical checks at 20 s). All starts (6, 1e-3 around
``metadata.x0``) travel in one state vector, so one step-size sequence serves them all.

A reference passes only when it proves its own quality (``checks``):

* Σλ = ⟨∇·f⟩ (Liouville), ⟨∇·f⟩ integrated along the same run: |Σλ − ⟨∇·f⟩| ≤ 1% of Σ|λ|;
* autonomous flows (the ``rhs`` ignores t) have one exponent ≈ 0: min |λ_i| ≤ 5% of λ1;
* λ1 is positive (λ1·P ≥ 0.01: chaos, not a regular orbit);
* the average spans ≥ 50 e-foldings (λ1·T ≥ 50; the CPU cap may cut it shorter);
* the starts agree: the standard error of the mean λ1 over the starts ≤ 5% of it;
* tolerance convergence: a rerun at ``rtol`` 1e-8 over the same time agrees within 10% (or
  within 3 standard errors of the difference, where the scatter is larger than that).

Usage::

    nice -n 10 python benchmarks/lyapunov_reference.py --names Lorenz Aizawa \
        --json benchmarks/results/lyapunov_reference.json --out benchmarks/results/...md
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy.integrate import DOP853

from chaosflow.systems import get_system
from chaosflow.systems.catalog._lyapunov_refs import DYSTS_LYAPUNOV, PUBLISHED


@dataclass(frozen=True)
class Settings:
    """One reference run; times in dominant periods P unless said."""

    rtol: float = 1e-10
    atol: float = 1e-12
    periods: float = 1000.0
    lyapunov_times: float = 200.0  # also at least this many 1/λ1 (λ1 from the transient)
    transient: float = 50.0
    orth_per_period: int = 10
    starts: int = 6  # all in one state vector: extra starts cost little (batched rhs)
    start_scale: float = 1e-3  # relative distance of the starts from x0 (``starts_near_x0``)
    max_seconds: float = 20.0  # CPU cap of one run; the averaging time reached is reported
    seed: int = 0


@dataclass
class Spectrum:
    """Per start: ``lambdas [starts, d]`` (descending), ``divergence [starts]`` (⟨∇·f⟩ over
    the same window), ``time`` averaged over (time units), ``seconds`` of CPU."""

    lambdas: np.ndarray
    divergence: np.ndarray
    time: float
    seconds: float
    steps: int = 0
    extra: dict = field(default_factory=dict)


def starts_near_x0(system, n: int, seed: int = 0, scale: float = 1e-3) -> np.ndarray:
    """``[n, d]`` starts ``scale`` (relative to 1 + |x0|) around ``metadata.x0``.

    1e-3 is far enough apart that weakly chaotic flows decorrelate within the transient
    (ln 1e3 ≈ 7 Lyapunov times), so the spread over starts measures the statistical error.
    In a conservative flow starts 1e-3 apart can fall on different invariant sets (a chaotic
    sea and the regular islands inside it); ``--start-scale 1e-5`` keeps them in the set of x0,
    the set the sweep measures (its starts are 1e-5 around x0).
    """
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    noise = np.random.default_rng(seed).standard_normal((n, system.dim))
    return x0 + scale * (1.0 + np.abs(x0)) * noise


def is_autonomous(system) -> bool:
    """True when ``rhs`` ignores t (checked at 8 random states and two times)."""
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    x = x0 + 0.1 * (1.0 + np.abs(x0)) * np.random.default_rng(5).standard_normal((8, system.dim))
    p = dict(system.params)
    return bool(np.array_equal(system.rhs(0.0, x, p), system.rhs(1.2345, x, p)))


def variational_rhs(system, n: int):
    """``fun(t, y)`` of the extended state y = [x (n·d), Q (n·d·d), ∫∇·f (n)].

    J is the central difference of ``rhs`` with step 5e-6·(1 + |x_i|) (≈ ε^(1/3), error ~1e-10
    relative), the n·(2d + 1) states evaluated in one batched call.
    """
    d, p = system.dim, dict(system.params)
    eye = np.eye(d)

    def fun(t, y):
        x = y[: n * d].reshape(n, d)
        q = y[n * d : n * d * (d + 1)].reshape(n, d, d)
        h = 5e-6 * (1.0 + np.abs(x))  # [n, d]
        bump = h[:, :, None] * eye  # [n, i, d]: row i perturbs coordinate i
        pts = np.concatenate(
            [x, (x[:, None] + bump).reshape(-1, d), (x[:, None] - bump).reshape(-1, d)]
        )
        out = np.asarray(system.rhs(t, pts, p), dtype=np.float64)
        plus = out[n : n + n * d].reshape(n, d, d)
        minus = out[n + n * d :].reshape(n, d, d)
        jac = np.swapaxes((plus - minus) / (2.0 * h[:, :, None]), 1, 2)  # J[s, comp, i]
        return np.concatenate([out[:n].ravel(), (jac @ q).ravel(), np.trace(jac, axis1=1, axis2=2)])

    return fun


def _log_diag(r: np.ndarray) -> np.ndarray:
    """log|R_ii| of ``r: [n, d, d]``, floored at 1e-300 (a tangent vector squeezed to zero in
    the transient must not poison the sums with -inf)."""
    return np.log(np.maximum(np.abs(np.diagonal(r, axis1=1, axis2=2)), 1e-300))


def qr_spectrum(system, x0: np.ndarray, settings: Settings, horizon: float | None = None):
    """Full Lyapunov spectrum of ``system`` from each row of ``x0: [n, d]`` (see module doc).

    ``horizon``: averaging time in time units; ``None`` picks max(``periods``·P,
    ``lyapunov_times``/λ1) with λ1 measured over the transient. Returns a ``Spectrum``.
    """
    n, d = x0.shape
    period = system.metadata.period
    fun = variational_rhs(system, n)
    tau = period / settings.orth_per_period
    y = np.concatenate([x0.ravel(), np.tile(np.eye(d).ravel(), n), np.zeros(n)])
    t, step, steps = 0.0, None, 0
    log_r = np.zeros((n, d))
    t_avg, div_start, t_end = settings.transient * period, None, math.inf
    cpu0 = time.process_time()
    while t < t_end:
        solver = DOP853(
            fun, t, y, math.inf, rtol=settings.rtol, atol=settings.atol, first_step=step
        )
        next_orth = t + tau
        while solver.t < next_orth:
            solver.step()
            steps += 1
            if solver.status != "running":
                raise FloatingPointError(f"{system.name}: DOP853 {solver.status} at t={t:.4g}")
        t, y, step = solver.t, solver.y.copy(), solver.step_size
        if not np.all(np.isfinite(y)):
            raise FloatingPointError(f"{system.name}: non-finite state at t={t:.4g}")
        q, r = np.linalg.qr(y[n * d : n * d * (d + 1)].reshape(n, d, d))
        y[n * d : n * d * (d + 1)] = q.ravel()
        if div_start is not None:
            log_r += _log_diag(r)
        elif t >= t_avg:  # transient over: λ1 so far sets the horizon, then averaging starts
            if horizon is None:
                lam1 = float(np.max(log_r) / t) if t > 0 else 0.0
                horizon = settings.periods * period
                if lam1 > 0:
                    horizon = max(horizon, settings.lyapunov_times / lam1)
            t_avg, div_start, t_end = t, y[-n:].copy(), t + horizon
            log_r[:] = 0.0
        else:
            log_r += _log_diag(r)
        cpu = time.process_time() - cpu0
        if cpu > settings.max_seconds and t > t_avg:
            break  # cost cap: report the averaging time actually reached
        if cpu > 2 * settings.max_seconds and div_start is None:
            raise TimeoutError(f"{system.name}: transient not done in {cpu:.0f} s of CPU")
    span = t - t_avg
    return Spectrum(
        lambdas=-np.sort(-log_r / span, axis=1),
        divergence=(y[-n:] - div_start) / span,
        time=span,
        seconds=time.process_time() - cpu0,
        steps=steps,
    )


#: Acceptance thresholds of ``checks`` (module doc).
LIOUVILLE_TOL, ZERO_TOL, SPREAD_TOL, RTOL_TOL, CHAOS_MIN = 0.01, 0.05, 0.05, 0.10, 0.01
LENGTH_MIN = 50.0  # λ1·T: e-foldings averaged over


def _stderr(values: np.ndarray) -> float:
    """Standard error of the mean of ``values`` (the starts are independent after the
    transient, so their scatter measures the statistical error of the mean)."""
    return float(np.std(values, ddof=1) / math.sqrt(values.size))


def checks(
    lambdas: np.ndarray,
    divergence: np.ndarray,
    rerun_first: np.ndarray,
    period: float,
    autonomous: bool,
    span: float = math.inf,
) -> dict[str, str]:
    """name -> '' (passed) or why the reference fails that check.

    ``lambdas: [starts, d]`` spectra (descending), ``divergence: [starts]`` ⟨∇·f⟩ over the
    same window, ``rerun_first: [starts]`` λ1 of the rtol 1e-8 rerun, ``span`` the averaging
    time (at least ``LENGTH_MIN`` e-foldings, λ1·span, are required). The tolerance check
    allows the statistical scatter: |Δλ1| ≤ max(10% λ1, 3 combined standard errors).
    """
    lam = lambdas.mean(axis=0)
    lam1 = float(lam[0])
    total, div = float(lam.sum()), float(divergence.mean())
    out = dict.fromkeys(("liouville", "zero", "chaos", "length", "spread", "tolerance"), "")
    if abs(total - div) > LIOUVILLE_TOL * float(np.abs(lam).sum()):
        out["liouville"] = f"Σλ {total:.4g} vs ⟨∇·f⟩ {div:.4g}"
    if lam1 * period < CHAOS_MIN:
        out["chaos"] = f"λ1·P {lam1 * period:.2g} < {CHAOS_MIN}"
    if autonomous and float(np.min(np.abs(lam))) > ZERO_TOL * abs(lam1):
        out["zero"] = f"min abs λ_i {float(np.min(np.abs(lam))):.2g} > {ZERO_TOL}·λ1"
    if lam1 * span < LENGTH_MIN:
        out["length"] = f"λ1·T {lam1 * span:.3g} < {LENGTH_MIN:.0f}"
    firsts = lambdas[:, 0]
    err = _stderr(firsts)
    if err > SPREAD_TOL * abs(lam1):
        out["spread"] = f"λ1 ± {err:.2g} (starts {firsts.min():.4g}..{firsts.max():.4g})"
    other = float(rerun_first.mean())
    allowed = max(RTOL_TOL * abs(lam1), 3.0 * math.hypot(err, _stderr(rerun_first)))
    if abs(other - lam1) > allowed:
        out["tolerance"] = f"rtol 1e-8 gives λ1 {other:.4g}"
    return out


def row_checks(row: dict) -> dict[str, str]:
    """``checks`` recomputed from a stored row (thresholds may change after a run)."""
    return checks(
        np.asarray(row["spectrum_starts"]),
        np.asarray(row["divergence_starts"]),
        np.asarray(row["lambda1_rtol1e-8_starts"]),
        row["period"],
        row["autonomous"],
        row["time"],
    )


def reference(name: str, settings: Settings) -> dict:
    """Run, rerun at rtol 1e-8 over the same averaging time, check; one JSON-ready row."""
    system = get_system(name)
    x0 = starts_near_x0(system, settings.starts, settings.seed, settings.start_scale)
    main = qr_spectrum(system, x0, settings)
    loose = replace(settings, rtol=1e-8, atol=1e-10, max_seconds=2 * settings.max_seconds)
    rerun = qr_spectrum(system, x0, loose, horizon=main.time)
    lam = main.lambdas.mean(axis=0)
    row = {
        "lambda1": float(lam[0]),
        "spectrum": lam.tolist(),
        "spectrum_starts": main.lambdas.tolist(),
        "divergence_starts": main.divergence.tolist(),
        "lambda1_rtol1e-8_starts": rerun.lambdas[:, 0].tolist(),
        "sum": float(lam.sum()),
        "divergence": float(main.divergence.mean()),
        "min_abs": float(np.min(np.abs(lam))),
        "autonomous": is_autonomous(system),
        "period": system.metadata.period,
        "x0": list(system.metadata.x0),
        "time": main.time,
        "periods": main.time / system.metadata.period,
        "steps": main.steps,
        "seconds": main.seconds + rerun.seconds,
        "published": PUBLISHED.get(name, (math.nan,))[0],
        "dysts_qr": DYSTS_LYAPUNOV.get(name, (math.nan,))[0],
        "settings": asdict(settings),
    }
    failed = {k: v for k, v in row_checks(row).items() if v}
    return row | {"passed": not failed, "failed": failed}


def _safe(name: str, settings: Settings) -> tuple[str, dict]:
    cpu = time.process_time()
    try:
        return name, reference(name, settings)
    except Exception as err:  # one failing flow must not stop the run; it is reported
        return name, {
            "passed": False,
            "failed": {"run": f"{type(err).__name__}: {err}"},
            "seconds": time.process_time() - cpu,
        }


def _fmt(value: float) -> str:
    return "nan" if value is None or not math.isfinite(value) else f"{value:.4g}"


def recheck(rows: dict) -> dict:
    """``rows`` with ``passed``/``failed`` recomputed by the current ``checks``."""
    for row in rows.values():
        if "spectrum_starts" in row:
            failed = {k: v for k, v in row_checks(row).items() if v}
            row.update(passed=not failed, failed=failed)
    return rows


def emit(rows: dict) -> str:
    """``_lyapunov_refs.INDEPENDENT`` lines for the rows that passed, dysts' λ1 beside."""
    from chaosflow.systems.catalog._lyapunov_refs import RECALLED

    lines = []
    for name, row in sorted(rows.items()):
        if not row["passed"] or name in PUBLISHED:
            continue
        spectrum = ", ".join(f"{v:.4g}" for v in row["spectrum"])
        other = (
            f"dysts QR {row['dysts_qr']:.4g}"
            if math.isfinite(row["dysts_qr"])
            else f"recalled {RECALLED[name][0]:.4g}"
        )
        lines.append(f'    "{name}": ({spectrum}),  # {other}')
    return "\n".join(lines)


def markdown(rows: dict) -> str:
    """The table of ``rows`` (name -> ``reference`` row), after a header with the method."""
    passed = sum(r["passed"] for r in rows.values())
    cpu = sum(r["seconds"] for r in rows.values())
    lines = [
        "# Independent reference Lyapunov spectra (issue 3)",
        "",
        "`python benchmarks/lyapunov_reference.py` (module docstring): scipy DOP853 at rtol "
        "1e-10 / atol 1e-12 on state + variational equations (central-difference Jacobian of "
        "the numpy `rhs`), QR every P/10, 6 starts 1e-3 around `metadata.x0`, 50 periods of "
        "transient, then ≥ 1000 P or ≥ 200/λ1, capped at 20 s of CPU per run (40 s for the "
        "rerun at rtol 1e-8 over the same time). Checks: |Σλ − ⟨∇·f⟩| ≤ 1% Σ|λ| (liouville); "
        "an exponent within 5% of λ1 of zero for autonomous flows (zero); λ1·P ≥ 0.01 "
        "(chaos); λ1·T ≥ 50 (length); standard error of λ1 over the starts ≤ 5% (spread); "
        "rtol 1e-8 rerun within max(10%, 3 standard errors) (tolerance). Spectra are means "
        "over the starts. Flows that failed only statistical checks (spread, length, "
        "tolerance) got one longer run, `--max-seconds 60` (and 120 where the standard error "
        "was still within 10%); their rows are the longer run (`settings` in the JSON). "
        "2026-11-28: Bouali, Coullet, WindmiReduced, MacArthur, BlinkingVortex and "
        "BlinkingRotlet got `--max-seconds 300 --periods 20000`; the conservative "
        "ArnoldBeltramiChildress and NoseHoover the same with `--start-scale 1e-5`, whose "
        "starts stay in the invariant set of x0 (1e-3 put some on the islands of the chaotic "
        "sea: their λ1 spread 0.0009..0.12 and 0.007..0.038). NoseHoover (starts 1e-5) and "
        "Coullet then got `--max-seconds 900 --periods 100000`. HenonHeiles, from its new x0 in "
        "the chaotic sea (dysts' x0 is on a regular orbit), got `--max-seconds 300 --periods "
        "20000 --start-scale 1e-5`; IsothermalChemical, from its new x0 away from the basin "
        "boundary of a coexisting periodic orbit, `--max-seconds 120`; ForcedVanDerPol, at "
        "w = 2π/10 (dysts' 0.63 is regular), `--max-seconds 300 --periods 20000`.",
        "",
        f"{passed} of {len(rows)} passed; {cpu / 60:.0f} CPU minutes in all "
        "(2-core box shared with other jobs, `nice -n 10`).",
        "",
        "| name | λ spectrum | λ1 starts (spread) | Σλ vs ⟨∇·f⟩ | min abs λ | rtol 1e-8 λ1 | "
        "periods | published | dysts QR λ1 | passed | failed checks | CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in sorted(rows.items()):
        if "spectrum" not in r:
            lines.append(
                f"| {name} | | | | | | | | | no | {r['failed']['run']} | {r['seconds']:.0f} |"
            )
            continue
        starts = [v[0] for v in r["spectrum_starts"]]
        spread = f"{min(starts):.4g}..{max(starts):.4g}"
        zero = _fmt(r["min_abs"]) + ("" if r["autonomous"] else " (forced)")
        failed = "; ".join(f"{k}: {v}" for k, v in r["failed"].items())
        lines.append(
            f"| {name} | {', '.join(_fmt(v) for v in r['spectrum'])} | {spread} | "
            f"{_fmt(r['sum'])} vs {_fmt(r['divergence'])} | {zero} | "
            f"{_fmt(float(np.mean(r['lambda1_rtol1e-8_starts'])))} | {r['periods']:.0f} | "
            f"{_fmt(r['published'])} | "
            f"{_fmt(r['dysts_qr'])} | {'yes' if r['passed'] else 'no'} | {failed} | "
            f"{r['seconds']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", nargs="*", help="default: every flow with only dysts' λ")
    parser.add_argument(
        "--json",
        type=Path,
        help="results, keyed by name; rows already in it are kept (and skipped) unless --redo",
    )
    parser.add_argument("--out", type=Path, help="markdown table of everything in --json")
    parser.add_argument("--redo", action="store_true")
    parser.add_argument("--emit", action="store_true", help="print INDEPENDENT lines")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=Settings.max_seconds)
    parser.add_argument("--periods", type=float, default=Settings.periods)
    parser.add_argument("--start-scale", type=float, default=Settings.start_scale)
    args = parser.parse_args(argv)
    settings = Settings(
        max_seconds=args.max_seconds, periods=args.periods, start_scale=args.start_scale
    )
    names = [n for n in DYSTS_LYAPUNOV if n not in PUBLISHED] if args.names is None else args.names
    rows = json.loads(args.json.read_text()) if args.json and args.json.exists() else {}
    rows = recheck(rows)
    todo = [n for n in names if args.redo or n not in rows]
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs) as pool:
            done = pool.map(_safe, todo, [settings] * len(todo))
            _collect(done, rows, args)
    else:
        _collect((_safe(n, settings) for n in todo), rows, args)
    if args.emit:
        print(emit(rows))
    return 0


def _collect(done, rows: dict, args) -> None:
    """Store each finished row at once, so a stopped run keeps what it finished."""
    for name, row in done:
        rows[name] = row
        ok = "passed" if row["passed"] else f"FAILED {row['failed']}"
        print(
            f"{name}: λ1 {row.get('lambda1', math.nan):.4g} ({row['seconds']:.0f}s) {ok}",
            flush=True,
        )
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1, sort_keys=True))
        if args.out:
            args.out.write_text(markdown(rows))
    if args.json:  # also when nothing ran: rows follow the current checks
        args.json.write_text(json.dumps(rows, indent=1, sort_keys=True))
    if args.out:
        args.out.write_text(markdown(rows))
    passed = sum(r["passed"] for r in rows.values())
    print(f"{passed} of {len(rows)} passed", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
