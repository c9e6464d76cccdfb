"""Replicate throughput and memory of the Belarus baseline, against a mesa.batch_run baseline.

Run by hand from the repository root (not a test):

    python benchmarks/bench_replicates.py            # throughput, ratios, memory at 1e4, 1e5
    python benchmarks/bench_replicates.py --million  # also peak memory for 10^6 replicates
    python benchmarks/bench_replicates.py --baseline 7c0b39c   # also against an older commit

Everything is measured in the same run on the same machine, so the ratios are fair.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.chdir(ROOT)

import mesa  # noqa: E402
import mesa_baseline  # noqa: E402
import numpy as np  # noqa: E402
import simpy  # noqa: E402

from sim.engine.plan import Plan  # noqa: E402
from sim.engine.replicate import replicate_streams, run_replicates  # noqa: E402
from sim.runs.runner import execute  # noqa: E402
from sim.runs.store import chunk_bounds  # noqa: E402
from sim.scenario.loader import load  # noqa: E402


def outcomes(plan: Plan, n: int, seed: int, workers: int = 1, detail: bool = False) -> list:
    """Run n replicates in chunks of 250 on `workers` processes; the outcome tables in
    replicate order (what a run folder's outcomes table holds)."""
    done = dict(execute(plan, seed, chunk_bounds(n, 250), workers, detail))
    return [done[k].outcomes for k in sorted(done)]


def rate(fn, n: int, repeat: int = 2) -> float:
    """Best replicates per second over `repeat` timings of fn(n)."""
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(n)
        best = max(best, n / (time.perf_counter() - t0))
    return best


def peak_rss_mb(n: int, extra: list[str]) -> float:
    """Peak resident memory (MB) of a `wargame run` of n replicates, children included."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "sim.present.cli",
            "run",
            "scenarios/belarus_2020.yaml",
            "-n",
            str(n),
            "--out",
            f"{tmp}/run",
            *extra,
        ]
        code = (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True
        )
        return int(out.stdout.strip()) / 1024


def simpy_events_per_replicate(plan: Plan, n: int = 500) -> float:
    """Mean number of SimPy events a Belarus replicate processes."""
    count = 0
    step = simpy.Environment.step

    def counting(env: simpy.Environment) -> None:
        nonlocal count
        count += 1
        step(env)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    try:
        run_replicates(plan, mesa_baseline.SEED, 0, n, events=False)
    finally:
        simpy.Environment.step = step  # type: ignore[method-assign]
    return count / n


def skeleton(n: int, events: int) -> None:
    """`n` replicates with no model in them: the replicate's seed streams, a Mesa model with
    four agents of four classes (as the Belarus scenario casts them) and a SimPy clock
    processing `events` events. Nothing built of Mesa actors and SimPy operations with
    these seeds can run a replicate faster."""
    classes = [type(f"Idle{i}", (mesa.Agent,), {}) for i in range(4)]

    def clock(env: simpy.Environment):
        for _ in range(events - 2):  # the process's start and end are events too
            yield env.timeout(1)

    for i in range(n):
        _, rng = replicate_streams(mesa_baseline.SEED, i)
        model = mesa.Model(rng=rng)
        for cls in classes:
            cls(model)
        env = simpy.Environment()
        env.process(clock(env))
        env.run()
        mesa.Agent._ids.pop(model, None)  # mesa#3179, as WargameModel.run


def engine_over_floor(
    plan: Plan, events: int, n: int, rounds: int = 11
) -> tuple[list[float], float]:
    """Engine / floor ratios from `rounds` alternating timings of each (1 worker, lean,
    n / rounds replicates per timing, CPU time of this process), and the floor's median
    microseconds per replicate.

    On a shared machine, timing the engine and the floor minutes apart lets a change in
    the machine's speed pass for a change in the ratio; timing them in turn, over short
    stretches, lets both see the same machine, and the median ratio is what one replicate
    costs against the floor."""
    size = max(250, n // rounds)
    ratios, floors = [], []
    for _ in range(rounds):
        t0 = time.process_time()
        dict(execute(plan, 1, chunk_bounds(size, 250), 1, False))
        engine = (time.process_time() - t0) / size
        t0 = time.process_time()
        skeleton(size, events)
        floor = (time.process_time() - t0) / size
        ratios.append(engine / floor)
        floors.append(floor * 1e6)
    return ratios, statistics.median(floors)


# One worker, lean chunks, the tree's own Belarus scenario: what a replicate costs there.
# The same code runs for both trees, each in its own interpreter, so import caches, the
# garbage collector's state and the scenario loaded are each tree's own.
MEASURE = """
import sys, time
from sim.engine.plan import Plan
from sim.runs.runner import execute
from sim.runs.store import chunk_bounds
from sim.scenario.loader import load
plan = Plan(load("scenarios/belarus_2020.yaml"))
n = int(sys.argv[1])
dict(execute(plan, 1, chunk_bounds(250, 250), 1, False))
t0 = time.perf_counter()
dict(execute(plan, 1, chunk_bounds(n, 250), 1, False))
print(n / (time.perf_counter() - t0))
"""


def tree_rate(tree: Path, n: int) -> float:
    """Replicates per second of `MEASURE` run in a fresh interpreter on the code at `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(n)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def against_baseline(ref: str, n: int, rounds: int = 5) -> None:
    """This tree's throughput per replicate against commit `ref`'s, in the same run.

    `ref` is checked out into a temporary git worktree; the two trees are timed in
    alternation (`rounds` times each), so drift in the machine's speed falls on both."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), ref], cwd=ROOT, check=True
        )
        try:
            rates: dict[str, list[float]] = {ref: [], "this tree": []}
            for _ in range(rounds):
                rates[ref].append(tree_rate(tree, n))
                rates["this tree"].append(tree_rate(ROOT, n))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    print(f"\nagainst {ref}: 1 worker, lean, each tree's Belarus scenario, {n:,} replicates,")
    print(f"{rounds} alternating timings each (fresh interpreter per timing):")
    for name, rs in rates.items():
        print(
            f"  {name:<20} best {max(rs):>7,.0f}   median {statistics.median(rs):>7,.0f}"
            " replicates/s"
        )
    best = max(rates["this tree"]) / max(rates[ref])
    median = statistics.median(rates["this tree"]) / statistics.median(rates[ref])
    print(f"  this tree / {ref}: best {best:.2f}x, median {median:.2f}x")


def check_fidelity(n: int = 50) -> None:
    """The batch_run baseline and wargame give the same outcomes for the same seeds."""
    plan = Plan(load(mesa_baseline.SCENARIO))
    ours = [p for t in outcomes(plan, n, mesa_baseline.SEED) for p in t["persistent"]]
    last = {r["RunId"]: r["persistent"] for r in mesa_baseline.run_batch(n)}
    theirs = [last[k] for k in sorted(last)]
    assert ours == theirs, "the baseline does not run the same model"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10_000, help="replicates for throughput")
    ap.add_argument("--million", action="store_true", help="also measure 10^6 replicates")
    ap.add_argument("--baseline", metavar="REF", help="also compare with git commit REF")
    ap.add_argument("--baseline-only", action="store_true", help="only the --baseline comparison")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    args = ap.parse_args()
    if args.baseline:
        against_baseline(args.baseline, min(args.n, 2_000))
        if args.baseline_only:
            return

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, mesa {mesa.__version__}"
    )
    check_fidelity()
    print("fidelity: batch_run baseline gives the same outcomes as wargame (50 replicates)")
    plan = Plan(load("scenarios/belarus_2020.yaml"))
    n = args.n
    results = {
        "wargame, 1 worker": rate(lambda k: outcomes(plan, k, 1, workers=1), n),
        "wargame, 2 workers": rate(lambda k: outcomes(plan, k, 1, workers=2), n),
        "wargame, 2 workers, with trajectories and events": rate(
            lambda k: outcomes(plan, k, 1, workers=2, detail=True), n
        ),
        "mesa.batch_run + DataCollector, 1 process": rate(mesa_baseline.run_batch, n, 1),
        "mesa.batch_run + DataCollector, 2 processes": rate(
            lambda k: mesa_baseline.run_batch(k, 2), n, 1
        ),
    }
    print(f"\nthroughput, Belarus baseline, 24 months, {n:,} replicates (best of 2 for wargame;")
    print("the first 2-worker run also pays about 1 s to start the fork server):")
    for name, r in results.items():
        print(f"  {name:<52}{r:>9,.0f} replicates/s")
    one, two = results["wargame, 1 worker"], results["wargame, 2 workers"]
    base1 = results["mesa.batch_run + DataCollector, 1 process"]
    base2 = results["mesa.batch_run + DataCollector, 2 processes"]
    print("\nratios:")
    print(f"  2 workers / 1 worker                                {two / one:6.2f}x")
    print(f"  wargame / batch_run, 1 process each                 {one / base1:6.2f}x")
    print(f"  wargame / batch_run, 2 processes each               {two / base2:6.2f}x")
    # batch_run runs the same model, so its time per replicate is wargame's plus its own
    # overhead B; the 1-process ratio (w + B) / w reaches 5 only when w <= B / 4.
    events = simpy_events_per_replicate(plan)
    ratios, floor_us = engine_over_floor(plan, round(events), n)
    ours_us, overhead_us = 1e6 / one, 1e6 * (1 / base1 - 1 / one)
    print("\nwhat 5x batch_run would take, 1 process each (microseconds per replicate):")
    print(f"  wargame now                                         {ours_us:>9,.0f}")
    print(f"  batch_run + DataCollector's own overhead B          {overhead_us:>9,.0f}")
    print(f"  5x needs wargame at or under B / 4                  {overhead_us / 4:>9,.0f}")
    print(f"  floor: seeds, Mesa model + 4 agents, {events:.0f} SimPy events {floor_us:>7,.0f}")
    q1, med, q3 = np.percentile(ratios, [25, 50, 75])
    print(f"  engine / floor (1 worker; target <= 4.0)            {med:9.2f}")
    print(
        f"    median of {len(ratios)} alternating timings of both (quartiles {q1:.2f}-{q3:.2f});"
        " each replicate costs both"
    )
    if args.no_memory:
        return
    print("\npeak memory (RSS of the largest process), `wargame run --lean`, 2 workers:")
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    for size in sizes:
        t0 = time.perf_counter()
        mb = peak_rss_mb(size, ["--lean", "--workers", "2"])
        print(f"  {size:>9,} replicates: {mb:8,.0f} MB   ({time.perf_counter() - t0:,.0f} s)")


if __name__ == "__main__":
    main()
