"""Monte Carlo: run many replicates of a plan, in chunks, on one or more processes.

Replicate `i` always uses the same seed stream (:mod:`sim.engine.replicate`) and chunks are put
back in replicate order, so results do not depend on the number of workers. A run streams
chunk by chunk to a run folder (:func:`run_to_store`), which can be resumed after an
interruption; :func:`execute` yields the chunks themselves, for callers that keep them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from sim.engine.plan import Plan
from sim.engine.replicate import run_replicates
from sim.runs.chunkfile import EncodedChunk, encode
from sim.runs.executor import Executor, map_unordered
from sim.runs.store import RunStore
from sim.runs.tables import ChunkTables, chunk_tables
from sim.scenario.errors import ReplicateFailure, RunFailed, WorkerDied

Progress = Callable[[int], None]
Bounds = list[tuple[int, int, int]]

#: Replicates per chunk: the unit of work sent to a worker and of writing to disk.
DEFAULT_CHUNK = 250


def default_chunk(replicates: int) -> int:
    """Chunk size for a run: 250 replicates, growing to keep large runs to about 400
    chunks (each chunk is a few files to write and to read back when finishing)."""
    return min(5000, max(DEFAULT_CHUNK, replicates // 400))


def run_chunk(plan: Plan, seed: int, start: int, stop: int, detail: bool) -> ChunkTables:
    """Run replicates [start, stop) and tabulate them."""
    runs = run_replicates(plan, seed, start, stop, events=detail)
    return chunk_tables(plan, runs, detail)


def encoded_chunk(plan: Plan, seed: int, start: int, stop: int, detail: bool) -> EncodedChunk:
    """Run replicates [start, stop), tabulate them and encode the tables, ready to write
    (what a worker of :func:`run_to_store` does: the parent never touches the DataFrames)."""
    return encode(run_chunk(plan, seed, start, stop, detail))


#: What a worker runs on a chunk: ``task(plan, seed, start, stop, detail)``, or with a
#: context and extra arguments (:func:`execute`).
ChunkTask = Callable[..., Any]


def execute(
    plan: Plan,
    seed: int,
    bounds: Bounds,
    workers: int | Executor,
    detail: bool,
    task: ChunkTask = run_chunk,
    context: Any = None,
    extra: Callable[[int, int], tuple] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Yield (chunk index, ``task(context, seed, start, stop, detail, *extra(start,
    stop))``) for each chunk, in completion order; the context is the plan unless given
    (a branching run's: the particles' plan, seeds and parameters)."""
    tasks = [(k, (seed, a, b, detail, *(extra(a, b) if extra else ()))) for k, a, b in bounds]
    yield from map_unordered(task, plan if context is None else context, tasks, workers)  # type: ignore[misc]


def run_to_store(
    store: RunStore,
    plan: Plan,
    workers: int | Executor = 1,
    progress: Progress | None = None,
    task: ChunkTask = encoded_chunk,
    context: Any = None,
    extra: Callable[[int, int], tuple] | None = None,
) -> dict:
    """Run the store's missing chunks, writing each as it finishes and appending it to the
    final tables once the chunks before it are in, then finish the folder. `task`,
    `context` and `extra` are :func:`execute`'s (a branching run's last stage).

    On Ctrl-C or a failure the folder is marked incomplete (it can be resumed) and the
    exception propagates.
    """
    m = store.manifest
    t0 = time.perf_counter()
    assembly = store.assembly(plan)
    try:
        assembly.flush()  # chunks an interrupted run already finished
        pending = store.pending()
        ran = sum(b - a for _, a, b in pending)
        chunks = execute(plan, m["seed"], pending, workers, m["detail"], task, context, extra)
        for k, chunk in chunks:
            store.write_chunk(k, chunk)
            assembly.add(k)
            if progress:
                progress(chunk.replicates)
        summary, rows = assembly.close()
    except KeyboardInterrupt:
        assembly.discard()
        store.mark("incomplete", "interrupted", time.perf_counter() - t0)
        raise
    except WorkerDied as e:
        assembly.discard()
        spans = ", ".join(f"{a}-{b - 1}" for k, a, b in store.bounds() if k in e.keys)
        reason = f"a worker process died (killed or out of memory) running replicates {spans}"
        store.mark("incomplete", reason, time.perf_counter() - t0)
        raise RunFailed(reason) from None
    except Exception as e:
        assembly.discard()
        store.mark("incomplete", f"failed: {type(e).__name__}: {e}", time.perf_counter() - t0)
        if isinstance(e, ReplicateFailure):
            e.folder = str(store.path)
        raise
    store.finish_run(summary, rows, time.perf_counter() - t0, ran)
    return summary
