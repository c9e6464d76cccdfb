"""What a user gets from ``wargame run``, against what its workers can do.

Run by hand from the repository root (not a test):

    python benchmarks/bench_end_to_end.py          # 20,000 replicates, 2 workers
    python benchmarks/bench_end_to_end.py -n 5000  # a quicker look

It prints, for the Belarus baseline, lean (outcomes and parameters) and full (with
trajectories and events):

* the engine's worker-only steady state: the same chunks a run of that size uses, run by
  the same executor on the same number of workers (forked from a server that preloaded
  what ``wargame run``'s preloads), each worker tabulating its chunk
  (``run_chunk``) and handing back only a row count. No encoding, no transfer, no writing,
  no start-up of the command: what the workers alone can do;
* the same with each worker also encoding its chunk, as in a run (``+ encoding``);
* the end-to-end rate of the command line, ``wargame run ... -n N --workers W``, timed
  from launch to exit in a fresh process, everything included;
* their ratio;
* the time from command to first replicate: ``wargame run`` with one replicate per chunk,
  timed from launch until the first chunk file is on disk (an upper bound: it includes
  running and writing that replicate);
* the default run, ``wargame run scenarios/belarus_2020.yaml`` (2,000 replicates),
  end to end;
* for scale, a fresh Python that imports Mesa and nothing else: no process that runs a
  replicate can start faster.

Every figure is the best of a few repeats, measured in this one run on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from sim.engine.plan import Plan  # noqa: E402
from sim.runs.executor import Executor, start_server  # noqa: E402
from sim.runs.runner import default_chunk, encoded_chunk, run_chunk  # noqa: E402
from sim.runs.store import chunk_bounds  # noqa: E402
from sim.scenario.loader import load  # noqa: E402

SCENARIO = "scenarios/belarus_2020.yaml"
SEED = 20200916
WARGAME = shutil.which("wargame", path=str(Path(sys.executable).parent)) or "wargame"


def engine_chunk(plan: Plan, seed: int, start: int, stop: int, detail: bool) -> int:
    """The engine's share of a chunk: replicates and their tables; only a count returns."""
    return len(run_chunk(plan, seed, start, stop, detail).outcomes)


def worker_chunk(plan: Plan, seed: int, start: int, stop: int, detail: bool) -> int:
    """A worker's whole task in a run: the engine's share, then encoding the chunk."""
    return encoded_chunk(plan, seed, start, stop, detail).replicates


def workers_rate(task, plan: Plan, n: int, workers: int, detail: bool, repeat: int) -> float:
    """Replicates per second of the workers alone running `task`, on a warm executor."""
    executor = Executor(workers=workers)
    tasks = [(k, (SEED, a, b, detail)) for k, a, b in chunk_bounds(n, default_chunk(n))]
    list(executor.map_unordered(task, plan, tasks[: 2 * workers]))  # warm up
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        done = sum(count for _, count in executor.map_unordered(task, plan, tasks))
        assert done == n
        best = max(best, n / (time.perf_counter() - t0))
    return best


def command(out: Path, *extra: str) -> list[str]:
    return [WARGAME, "run", SCENARIO, "--seed", str(SEED), "--out", str(out), *extra]


def cli_seconds(tmp: Path, extra: list[str], repeat: int) -> float:
    """Best wall time of a ``wargame run`` in a fresh process, launch to exit."""
    best = float("inf")
    for i in range(repeat):
        out = tmp / f"run-{len(list(tmp.iterdir()))}-{i}"
        t0 = time.perf_counter()
        subprocess.run(command(out, *extra), check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
        shutil.rmtree(out)
    return best


def written(chunks: Path) -> bool:
    """Whether a chunk file is in place (temporary files start with a dot)."""
    return chunks.is_dir() and any(not p.name.startswith(".") for p in chunks.iterdir())


def import_seconds(module: str, repeat: int) -> float:
    """Best wall time of a fresh Python that only imports `module`."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def first_replicate_seconds(tmp: Path, workers: int, repeat: int) -> float:
    """Best time from launch until the first one-replicate chunk is written."""
    best = float("inf")
    for i in range(repeat):
        out = tmp / f"first-{i}"
        chunks = out / "chunks"
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            command(out, "-n", "100", "--chunk-size", "1", "--workers", str(workers)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not written(chunks):
                if proc.poll() is not None:
                    raise RuntimeError("the run ended before writing a chunk")
                time.sleep(0.002)
            best = min(best, time.perf_counter() - t0)
        finally:
            proc.send_signal(signal.SIGINT)  # as Ctrl-C: the run stops its workers
            proc.wait()
        shutil.rmtree(out)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=20_000, help="replicates (default 20,000)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="repeats, best kept (default 3)")
    args = ap.parse_args()
    n, w, r = args.n, args.workers, args.repeat
    # The workers' fork server, set up as `wargame run` sets it up. Left to the first
    # pool, it would preload this script instead, and workers forked from that server ran
    # about 10 % slower than the command's own: the engine would look slower than it is.
    start_server(["sim.runs.runner"])

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    plan = Plan(load(SCENARIO))
    print(f"\nBelarus baseline, {n:,} replicates, {w} workers, chunks of {default_chunk(n)}")
    print(f"(best of {r}; rates in replicates per second)\n")
    print(f"  {'':<6}{'engine':>8}{'+ encoding':>12}{'wargame run':>13}{'run / engine':>14}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for label, detail, extra in (("lean", False, ["--lean"]), ("full", True, [])):
            engine = workers_rate(engine_chunk, plan, n, w, detail, r)
            task = workers_rate(worker_chunk, plan, n, w, detail, r)
            cli = n / cli_seconds(tmp, ["-n", str(n), "--workers", str(w), *extra], r)
            print(f"  {label:<6}{engine:>8,.0f}{task:>12,.0f}{cli:>13,.0f}{cli / engine:>14.0%}")
        first = first_replicate_seconds(tmp, w, max(r, 5))
        default = cli_seconds(tmp, [], max(r, 5))
    floor = import_seconds("mesa", max(r, 5))
    print(f"\n  command to first replicate (written)        {first:6.2f} s")
    print(f"  default run (2,000 replicates), end to end  {default:6.2f} s")
    print(f"  for scale: a fresh Python importing mesa    {floor:6.2f} s")


if __name__ == "__main__":
    main()
