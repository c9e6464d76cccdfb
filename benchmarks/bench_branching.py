"""Branching against rejection on a twenty-observation log (a benchmark, not a test).

Run by hand from the repository root:

    python benchmarks/bench_branching.py              # 10,000 replicates, 2 workers
    python benchmarks/bench_branching.py -n 2000 --workers 1

The toy is the test suite's MINIMAL scenario (a patron pressing monthly, exercises at the
held rung's cadence; 12 months). The log is twenty facts read off one simulated history
(a different seed: a synthetic truth the model can produce): whether an exercise started
in each month October 2020 - July 2021 and whether forces were present on each of those
months' first days. Both methods run the same replicates and seed; the script prints the
share rejection keeps, each branching stage's survivors (the ESS of its weights), the
distinct original replicates left, the Eve effective sample size of a forecast, and wall
times.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.engine.events import check_of  # noqa: E402
from sim.engine.outcomes import Facts  # noqa: E402
from sim.engine.plan import Plan  # noqa: E402
from sim.engine.replicate import run_replicate  # noqa: E402
from sim.scenario.claims import Question  # noqa: E402
from sim.scenario.loader import load  # noqa: E402
from tests.conftest import MINIMAL  # noqa: E402

TRUTH_SEED = 424242


def month_starts() -> list[dt.date]:
    return [dt.date(2020 + (9 + k) // 12, (9 + k) % 12 + 1, 1) for k in range(10)]


def events() -> list[dict]:
    """The twenty events of the log, as observation entries without their values."""
    out = []
    for d in month_starts():
        last = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1) - dt.timedelta(days=1)
        out.append(
            {
                "id": f"drill_{d:%Y_%m}",
                "metric": "exercise_in",
                "start": d.isoformat(),
                "end": last.isoformat(),
                "as_of": (last + dt.timedelta(days=1)).isoformat(),
            }
        )
        out.append(
            {
                "id": f"present_{d:%Y_%m_%d}",
                "metric": "present_on",
                "end": d.isoformat(),
                "as_of": (d + dt.timedelta(days=1)).isoformat(),
            }
        )
    return out  # fmt: skip


def truth_log(scenario_file: Path) -> list[dict]:
    """The events' values in one history of the scenario (replicate 0 of TRUTH_SEED)."""
    plan = Plan(load(scenario_file))
    run = run_replicate(plan, TRUTH_SEED, 0)
    facts = Facts(plan.scenario, run.ledger)
    log = []
    for e in events():
        fields = {k: v for k, v in e.items() if k not in ("id", "as_of")}
        q = Question(id=e["id"], question="?", **fields)
        log.append({**e, "value": bool(check_of(plan, q)(facts)), "source": "synthetic truth"})
    return log


def wargame(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.present.cli", *args], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = copy.deepcopy(MINIMAL)
        data["questions"] = [{"id": "present_aug", "question": "Forces present on 1 August 2021?",
                              "metric": "present_on", "end": "2021-08-01"}]  # fmt: skip
        scenario = tmp / "minimal.yaml"
        scenario.write_text(yaml.safe_dump(data, sort_keys=False))
        log = truth_log(scenario)
        obs = tmp / "log.yaml"
        obs.write_text(yaml.safe_dump({"observations": log}, sort_keys=False))
        common = ["run", str(scenario), "-n", str(args.n), "--observations", str(obs), "--lean",
                  "--workers", str(args.workers)]  # fmt: skip
        t_reject = wargame(*common, "--conditioning", "reject", "--out", str(tmp / "reject"))
        t_branch = wargame(*common, "--conditioning", "branch", "--out", str(tmp / "branch"))
        reject = json.loads((tmp / "reject" / "summary.json").read_text())
        branch = json.loads((tmp / "branch" / "summary.json").read_text())
    yes = sum(o["value"] for o in log)
    print(f"log: {len(log)} observations ({yes} yes) from one history, seed {TRUTH_SEED}")
    k = reject["kept"]
    print(f"rejection: kept {k['k']} of {k['n']} ({100 * k['p']:.2f} %) in {t_reject:.1f} s")
    stages = branch["branching"]["stages"]
    least = min(s["survivors"] for s in stages)
    print(f"branching: {len(stages)} stages in {t_branch:.1f} s; least survivors at a stage "
          f"(ESS of its weights) {least:,} of {args.n:,}; distinct original replicates at the "
          f"end {branch['branching']['distinct_origins']:,}")  # fmt: skip
    for s in stages:
        print(f"  {s['date']}: {s['survivors']:>6,} agree, {s['distinct_origins']:>6,} distinct")
    q = branch["questions"][0]
    print(f"forecast present_aug: {100 * q['p']:.1f} % ({100 * q['low']:.1f}-{100 * q['high']:.1f})"
          f", Eve effective sample size {q['n_effective']:,.0f}")  # fmt: skip
    if k["k"]:
        r = reject["questions"][0]
        print(f"  rejection's: {100 * r['p']:.1f} % ({100 * r['low']:.1f}-{100 * r['high']:.1f}) "
              f"from {k['k']} kept")  # fmt: skip


if __name__ == "__main__":
    main()
