"""Calibration's cost: its wall time against its own replicates', and the simulator
replicates it needs against plain rejection sampling from the prior.

Run by hand from the repository root (not a test):

    python benchmarks/bench_calibration.py [--scenario scenarios/belarus_2020.yaml]
    python benchmarks/bench_calibration.py --no-rejection   # the overhead ratio only

History matching: ``wargame calibrate`` with its defaults, timed as a user runs it; its
replicates are the waves plus the check run, and it reports the posterior's effective
sample size (ESS). Then ``wargame run --lean`` on the same number of replicates with the
same workers, timed the same way: calibrate / its own replicates is the analysis
overhead's ratio (the target is at most 2.0).

Plain rejection, the baseline: a judgment is a statement about P(event | θ), so one
replicate cannot accept or reject θ; rejection must estimate each prior θ's event
probabilities from ``r`` replicates and keep θ when every estimate lies in its judgment's
range. Measured here in the same run: ``rows`` prior rows, ``r`` replicates each, give the
acceptance rate; rejection then needs ESS / rate rows, i.e. ESS / rate × r replicates, to
reach the same ESS (its accepted rows are unweighted, so its ESS is their number). The
ratio of the two replicate counts is printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from sim.analysis.calibration.steps import free_entries  # noqa: E402
from sim.engine.draws import draw, parameter_table  # noqa: E402
from sim.engine.plan import Plan  # noqa: E402
from sim.engine.rows import Rows  # noqa: E402
from sim.maths.stats import wilson  # noqa: E402
from sim.runs.executor import Executor  # noqa: E402
from sim.runs.runner import execute  # noqa: E402
from sim.runs.store import chunk_bounds  # noqa: E402
from sim.scenario.loader import load  # noqa: E402


def wargame(*args: str) -> float:
    """Wall seconds of one ``wargame`` command, run as a user runs it."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.present.cli", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t0


def rejection_rate(scenario_file: Path, rows: int, r: int, workers: int) -> tuple[int, int]:
    """(accepted, rows): prior rows whose r-replicate estimates meet every judgment."""
    s = load(scenario_file)
    free = free_entries(parameter_table(s), None)
    u = np.random.default_rng(12345).random((rows, len(free)))
    values = draw(free, u)
    design = Rows.design([e.path for e in free], np.repeat(values, r, axis=0))
    plan = Plan(s, rows=design)
    bounds = chunk_bounds(rows * r, 250)
    chunks = execute(plan, s.monte_carlo.seed, bounds, Executor(workers), False)
    o = pd.concat([c.outcomes for _, c in chunks]).sort_values("replicate")
    ok = np.ones(rows, dtype=bool)
    for j in s.judgments:
        p = o[f"judgment.{j.id}"].to_numpy(dtype=float).reshape(rows, r).mean(axis=1)
        low, high = j.range
        ok &= (p >= low) & (p <= high)
    return int(ok.sum()), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/belarus_2020.yaml")
    ap.add_argument("--rows", type=int, default=600, help="prior rows for the rejection rate")
    ap.add_argument("-r", type=int, default=50, help="replicates per row for rejection")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-rejection", action="store_true", help="skip the rejection baseline")
    args = ap.parse_args()
    scenario = Path(args.scenario)
    print(f"scenario {scenario}, {os.cpu_count()} cores, {args.workers} workers")

    with tempfile.TemporaryDirectory() as tmp:
        workers = ["--workers", str(args.workers)]
        hm_seconds = wargame("calibrate", str(scenario), *workers, "--out", f"{tmp}/cal")
        report = json.loads(Path(f"{tmp}/cal/calibration.json").read_text())
        hm = report["replicates"]["total"]
        lean = wargame("run", str(scenario), "-n", str(hm), "--lean", *workers,
                       "--out", f"{tmp}/run")  # fmt: skip
    ess = report["ess"]
    print(
        f"history matching: {hm:,} replicates, {hm_seconds:.1f} s, ESS {ess:,.0f} "
        f"({report['posterior_rows']:,} rows), prior share consistent "
        f"{100 * report['prior_share_consistent']['p']:.2f} %"
    )
    print(
        f"its own replicates: wargame run --lean -n {hm:,} in {lean:.1f} s; "
        f"calibrate / its replicates = {hm_seconds / lean:.2f} (target <= 2.0)"
    )
    if args.no_rejection:
        return

    t0 = time.perf_counter()
    accepted, rows = rejection_rate(scenario, args.rows, args.r, args.workers)
    rej_seconds = time.perf_counter() - t0
    low, high = wilson(accepted, rows)
    rate = accepted / rows
    print(
        f"rejection (r = {args.r} replicates per prior row): accepted {accepted} of {rows} rows "
        f"({100 * rate:.2f} %, 95 % {100 * low:.2f}-{100 * high:.2f} %) in {rej_seconds:.1f} s"
    )
    target = ess  # the same effective sample size as history matching reached
    if accepted == 0:
        least = target / high * args.r
        print(
            f"rejection accepted nothing; at the upper 95 % bound of its rate it needs at "
            f"least {least:,.0f} replicates for ESS {target:,.0f}: at least "
            f"{least / hm:,.0f}x history matching"
        )
        return
    needed = target / rate * args.r
    span = (target / high * args.r, target / low * args.r if low > 0 else math.inf)
    print(
        f"rejection needs ~{needed:,.0f} replicates for ESS {target:,.0f} "
        f"(95 % {span[0]:,.0f}-{span[1]:,.0f}); ratio to history matching: "
        f"{needed / hm:,.0f}x (95 % {span[0] / hm:,.0f}-{span[1] / hm:,.0f}x)"
    )


if __name__ == "__main__":
    main()
