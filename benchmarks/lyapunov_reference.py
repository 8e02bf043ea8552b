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
longer), capped by ``--max-seconds`` of CPU per run. All starts (6, 1e-3 around
``metadata.x0``) travel in one state vector, so one step-size sequence serves them all.

A reference passes only when it proves its own quality (``checks``):

* Σλ = ⟨∇·f⟩ (Liouville), ⟨∇·f⟩ integrated along the same run: |Σλ − ⟨∇·f⟩| ≤ 1% of Σ|λ|;
* autonomous flows (the ``rhs`` ignores t) have one exponent ≈ 0: min |λ_i| ≤ 5% of λ1;
* λ1 is positive (λ1·P ≥ 0.01: chaos, not a regular orbit);
* the starts agree: the standard error of the mean λ1 over the starts ≤ 3% of it;
* tolerance convergence: a rerun at ``rtol`` 1e-8 over the same time agrees within 10%.

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


def starts_near_x0(system, n: int, seed: int = 0) -> np.ndarray:
    """``[n, d]`` starts 1e-3 (relative to 1 + |x0|) around ``metadata.x0``.

    Far enough apart that weakly chaotic flows decorrelate within the transient
    (ln 1e3 ≈ 7 Lyapunov times), so the spread over starts measures the statistical error.
    """
    x0 = np.asarray(system.metadata.x0, dtype=np.float64)
    noise = np.random.default_rng(seed).standard_normal((n, system.dim))
    return x0 + 1e-3 * (1.0 + np.abs(x0)) * noise


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
            log_r += np.log(np.abs(np.diagonal(r, axis1=1, axis2=2)))
        elif t >= t_avg:  # transient over: λ1 so far sets the horizon, then averaging starts
            if horizon is None:
                lam1 = float(np.max(log_r) / t) if t > 0 else 0.0
                horizon = settings.periods * period
                if lam1 > 0:
                    horizon = max(horizon, settings.lyapunov_times / lam1)
            t_avg, div_start, t_end = t, y[-n:].copy(), t + horizon
            log_r[:] = 0.0
        else:
            log_r += np.log(np.abs(np.diagonal(r, axis1=1, axis2=2)))
        if time.process_time() - cpu0 > settings.max_seconds and t > t_avg:
            break  # cost cap: report the averaging time actually reached
    span = t - t_avg
    return Spectrum(
        lambdas=-np.sort(-log_r / span, axis=1),
        divergence=(y[-n:] - div_start) / span,
        time=span,
        seconds=time.process_time() - cpu0,
        steps=steps,
    )


#: Acceptance thresholds of ``checks`` (module doc).
LIOUVILLE_TOL, ZERO_TOL, SPREAD_TOL, RTOL_TOL, CHAOS_MIN = 0.01, 0.05, 0.03, 0.10, 0.01


def checks(system, main: Spectrum, rerun: Spectrum, autonomous: bool) -> dict[str, str]:
    """name -> '' (passed) or why the reference fails that check."""
    lam = main.lambdas.mean(axis=0)
    lam1, period = float(lam[0]), system.metadata.period
    total, div = float(lam.sum()), float(main.divergence.mean())
    out = {"liouville": "", "zero": "", "chaos": "", "spread": "", "tolerance": ""}
    if abs(total - div) > LIOUVILLE_TOL * float(np.abs(lam).sum()):
        out["liouville"] = f"Σλ {total:.4g} vs ⟨∇·f⟩ {div:.4g}"
    if lam1 * period < CHAOS_MIN:
        out["chaos"] = f"λ1·P {lam1 * period:.2g} < {CHAOS_MIN}"
    if autonomous and float(np.min(np.abs(lam))) > ZERO_TOL * abs(lam1):
        out["zero"] = f"min |λ_i| {float(np.min(np.abs(lam))):.2g} > {ZERO_TOL}·λ1"
    firsts = main.lambdas[:, 0]
    stderr = float(np.std(firsts, ddof=1) / math.sqrt(firsts.size))
    if stderr > SPREAD_TOL * abs(lam1):
        out["spread"] = f"λ1 ± {stderr:.2g} (starts {firsts.min():.4g}..{firsts.max():.4g})"
    other = float(rerun.lambdas[:, 0].mean())
    if abs(other - lam1) > RTOL_TOL * abs(lam1):
        out["tolerance"] = f"rtol 1e-8 gives λ1 {other:.4g}"
    return out


def reference(name: str, settings: Settings) -> dict:
    """Run, rerun at rtol 1e-8 over the same averaging time, check; one JSON-ready row."""
    system = get_system(name)
    x0 = starts_near_x0(system, settings.starts, settings.seed)
    autonomous = is_autonomous(system)
    main = qr_spectrum(system, x0, settings)
    loose = replace(settings, rtol=1e-8, atol=1e-10, max_seconds=4 * settings.max_seconds)
    rerun = qr_spectrum(system, x0, loose, horizon=main.time)
    failed = {k: v for k, v in checks(system, main, rerun, autonomous).items() if v}
    lam = main.lambdas.mean(axis=0)
    dysts = DYSTS_LYAPUNOV.get(name, (math.nan,) * 4)
    return {
        "lambda1": float(lam[0]),
        "spectrum": [float(v) for v in lam],
        "lambda1_starts": [float(v) for v in main.lambdas[:, 0]],
        "sum": float(lam.sum()),
        "divergence": float(main.divergence.mean()),
        "min_abs": float(np.min(np.abs(lam))),
        "autonomous": autonomous,
        "lambda1_rtol1e-8": float(rerun.lambdas[:, 0].mean()),
        "time": main.time,
        "periods": main.time / system.metadata.period,
        "steps": main.steps,
        "seconds": main.seconds + rerun.seconds,
        "passed": not failed,
        "failed": failed,
        "published": PUBLISHED.get(name, (math.nan,))[0],
        "dysts_qr": dysts[0],
        "settings": asdict(settings),
    }


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


def markdown(rows: dict) -> str:
    """The table of ``rows`` (name -> ``reference`` row)."""
    lines = [
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
        starts = r["lambda1_starts"]
        spread = f"{min(starts):.4g}..{max(starts):.4g}"
        zero = _fmt(r["min_abs"]) + ("" if r["autonomous"] else " (forced)")
        failed = "; ".join(f"{k}: {v}" for k, v in r["failed"].items())
        lines.append(
            f"| {name} | {', '.join(_fmt(v) for v in r['spectrum'])} | {spread} | "
            f"{_fmt(r['sum'])} vs {_fmt(r['divergence'])} | {zero} | "
            f"{_fmt(r['lambda1_rtol1e-8'])} | {r['periods']:.0f} | {_fmt(r['published'])} | "
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
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=Settings.max_seconds)
    parser.add_argument("--periods", type=float, default=Settings.periods)
    args = parser.parse_args(argv)
    settings = Settings(max_seconds=args.max_seconds, periods=args.periods)
    names = args.names or [n for n in DYSTS_LYAPUNOV if n not in PUBLISHED]
    rows = json.loads(args.json.read_text()) if args.json and args.json.exists() else {}
    todo = [n for n in names if args.redo or n not in rows]
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs) as pool:
            done = pool.map(_safe, todo, [settings] * len(todo))
            _collect(done, rows, args)
    else:
        _collect((_safe(n, settings) for n in todo), rows, args)
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
    passed = sum(r["passed"] for r in rows.values())
    print(f"{passed} of {len(rows)} passed", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
