"""Where work runs: results come back keyed and complete on any executor, and a pool
whose worker dies stops with the tasks it lost instead of hanging."""

from __future__ import annotations

import ast
import os
import signal
import struct
import subprocess
import sys

from sim.runs.executor import Executor, map_unordered
from sim.scenario.errors import WorkerDied
from tests.conftest import ROOT

TASKS = [(i, (i,)) for i in range(12)]


def square_plus(context: int, i: int) -> int:
    return i * i + context


def test_every_task_comes_back_once_under_its_key_on_one_or_two_processes():
    expected = {i: i * i + 5 for i in range(12)}
    for workers in (1, 2):
        got = list(map_unordered(square_plus, 5, TASKS, workers=workers))
        assert dict(got) == expected and len(got) == len(TASKS)


def die_sending(context: None, i: int) -> int:
    """Task 5 dies half-way through sending its result, as a worker killed at that
    moment does: the result pipe holds the start of a message whose end never comes,
    and the lock on the pipe stays taken."""
    if i != 5:
        return i
    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":
        frame = frame.f_back
        assert frame is not None, "not running in a process pool worker"
    results = frame.f_locals["result_queue"]
    results._wlock.acquire()
    os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"half")
    os.kill(os.getpid(), signal.SIGKILL)
    return i


def run_dying_pool() -> None:
    """Run :func:`die_sending` on two workers and print how it ended."""
    try:
        done = sorted(key for key, _ in Executor(workers=2).map_unordered(die_sending, None, TASKS))
    except WorkerDied as e:
        print(f"WorkerDied {e.keys}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    else:
        print(f"finished: {done}")


def test_a_worker_dying_mid_result_stops_the_run_naming_the_lost_tasks():
    """Without a watch on the workers, the pool waits for the rest of the half-sent
    result forever; the run must stop within seconds instead."""
    code = "from tests.test_executor import run_dying_pool; run_dying_pool()"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("WorkerDied "), done.stdout + done.stderr
    lost = ast.literal_eval(done.stdout.removeprefix("WorkerDied "))
    assert 5 in lost and set(lost) <= set(range(12))
