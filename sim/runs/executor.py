"""Where work runs: this process, a pool of local processes, or a Dask cluster.

An :class:`Executor` applies a picklable function to tasks and yields ``(key, result)``
as each finishes. Callers put results back in order, so what is computed never depends
on where or in which order it ran: the same seed gives the same bytes on one process,
on a local pool, or on a cluster. Workers receive the shared context (a Plan, an
evaluator) once, not with every task, and only a few tasks per worker are in flight, so
memory does not grow with the task count.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import multiprocessing
import multiprocessing.connection
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from sim.scenario.errors import ScenarioError, WorkerDied

#: One piece of work: a key to put its result back in order, and the function's arguments.
Job = tuple[Hashable, tuple[Any, ...]]
Kind = Literal["local", "dask"]

_CONTEXT: Any = None


def _set_context(context: Any) -> None:
    """A worker's start: keep the shared context, then freeze what the worker holds.

    ``gc.freeze`` moves every object alive now (the imported libraries, the context) out
    of the collector's reach. A replicate makes many short-lived cycles (a Mesa model and
    its agents, a SimPy clock and its processes), so full collections are frequent, and
    each used to walk all of pandas, SciPy and Mesa again: freezing made a worker about
    16 % faster on the Belarus scenario. Garbage made later is collected as before, and
    nothing collected affects results.
    """
    global _CONTEXT
    _CONTEXT = context
    gc.freeze()


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return fn(_CONTEXT, *args)


@cache
def _mp_context() -> multiprocessing.context.BaseContext:
    """A fork server, where the platform has one; spawn elsewhere.

    The start method is chosen here, explicitly, because importing ``mesa`` sets the
    process-wide default to "spawn", which re-imports everything in every worker (about a
    second each) and made two workers barely faster than one. The fork server imports the
    engine once (:func:`start_server`) and forks each worker from there.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("forkserver")


def start_server(modules: Sequence[str]) -> None:
    """Start the fork server now, importing `modules` (what the workers will run), unless
    it is already running.

    Importing the engine takes most of a second, mostly Mesa's own imports. Started first
    thing by a command, the server does that on the second core while the command reads
    its scenario, so workers can start as soon as both are done instead of one after the
    other.
    """
    ctx = _mp_context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    ctx.set_forkserver_preload(list(modules))  # read only when the server starts
    forkserver.ensure_running()


@dataclass
class Executor:
    """How to run tasks: ``local`` processes (``workers`` of them; 1 = in this process) or
    a ``dask`` cluster (at ``scheduler``, or a local one with ``workers`` processes)."""

    workers: int = 1
    kind: Kind = "local"
    scheduler: str | None = None
    _client: Any = field(default=None, init=False, repr=False)
    _cluster: Any = field(default=None, init=False, repr=False)

    def start(self, modules: Sequence[str]) -> Executor:
        """Get local workers ready to run functions from `modules` (see
        :func:`start_server`); nothing to do in-process or on Dask."""
        if self.kind == "local" and self.workers > 1:
            start_server(modules)
        return self

    def map_unordered(
        self, fn: Callable[..., Any], context: Any, tasks: Iterable[Job]
    ) -> Iterator[tuple[Hashable, Any]]:
        """Yield ``(key, fn(context, *args))`` for each ``(key, args)`` as it finishes."""
        tasks = list(tasks)
        if self.kind == "dask":
            yield from self._dask(fn, context, tasks)
        elif self.workers <= 1 or len(tasks) <= 1:
            with _frozen():
                for key, args in tasks:
                    yield key, fn(context, *args)
        else:
            yield from self._pool(fn, context, tasks)

    def _pool(
        self, fn: Callable[..., Any], context: Any, tasks: list[Job]
    ) -> Iterator[tuple[Hashable, Any]]:
        start_server([fn.__module__])
        with ProcessPoolExecutor(
            min(self.workers, len(tasks)),
            mp_context=_mp_context(),
            initializer=_set_context,
            initargs=(context,),
        ) as pool:
            yield from _windowed(
                lambda args: pool.submit(_call, fn, args),
                tasks,
                2 * self.workers,
                wait_any=functools.partial(_wait_watching, pool),
            )

    # ------------------------------------------------------------------ dask

    def client(self) -> Any:
        """The Dask client, connecting (or starting a local cluster) on first use."""
        if self._client is None:
            try:
                from distributed import Client, LocalCluster
            except ImportError:  # pragma: no cover - distributed is a dependency
                raise ScenarioError.single(
                    "--executor dask needs the 'distributed' package", field="--executor"
                ) from None
            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout="20s")
                except OSError as e:
                    raise ScenarioError.single(
                        f"cannot reach the Dask scheduler: {e}", field="--scheduler"
                    ) from None
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
        return self._client

    def _dask(
        self, fn: Callable[..., Any], context: Any, tasks: list[Job]
    ) -> Iterator[tuple[Hashable, Any]]:
        from distributed import wait as dask_wait

        client = self.client()
        shared = client.scatter(context, broadcast=True, hash=False)
        width = 2 * max(1, sum(client.nthreads().values()))

        def wait_any(running: dict) -> set:
            return set(dask_wait(list(running), return_when="FIRST_COMPLETED").done)

        yield from _windowed(
            lambda args: client.submit(fn, shared, *args, pure=False),
            tasks,
            width,
            wait_any=wait_any,
        )

    def close(self) -> None:
        """Close a Dask client and any cluster this executor started."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """In this process, what :func:`_set_context` does in a worker, for as long as the
    tasks run: objects alive now are left out of full collections, then given back (so
    anything among them that dies meanwhile is still collected afterwards). Left alone if
    the caller froze objects of its own."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: How often a wait on a local pool looks at its workers (seconds).
WATCH_S = 1.0


def _wait_watching(pool: ProcessPoolExecutor, running: dict) -> set:
    """Wait for any of `running` (futures of `pool`) to finish, looking at the pool's
    workers every :data:`WATCH_S` seconds meanwhile, and break the pool if one has died
    without the pool noticing (see :func:`_break`)."""
    while True:
        done, _ = wait(running, timeout=WATCH_S, return_when=FIRST_COMPLETED)
        if done:
            return done
        workers = list((pool._processes or {}).values())
        if multiprocessing.connection.wait([w.sentinel for w in workers], timeout=0):
            _break(pool)


def _break(pool: ProcessPoolExecutor) -> None:
    """Make a pool whose worker died see that it is broken.

    A worker killed while it is sending a result leaves half a message in the pool's
    result pipe, and the pool's manager thread waits for the rest of it forever (as
    CPython 3.11 does), so the run would hang instead of stopping. Killing the other
    workers and closing this process's writing end of that pipe leaves it no writer: the
    manager thread reads an end of file, marks the pool broken and fails every future,
    and :func:`_windowed` reports which tasks were lost. The pool is not used again.
    """
    for worker in list((pool._processes or {}).values()):
        worker.kill()
    results: Any = pool._result_queue  # typeshed leaves out the queue's pipe ends
    results._writer.close()


def _windowed(
    submit: Callable[[tuple[Any, ...]], Any],
    tasks: list[Job],
    width: int,
    wait_any: Callable[[dict], set],
) -> Iterator[tuple[Hashable, Any]]:
    """Keep at most `width` tasks in flight; hand on each result as it arrives."""
    todo = iter(tasks)
    running: dict[Future, Hashable] = {}
    current: Hashable | None = None
    try:
        while True:
            for key, args in itertools.islice(todo, width - len(running)):
                running[submit(args)] = key
            if not running:
                return
            for fut in wait_any(running):
                current = running.pop(fut)
                result = fut.result()
                yield current, result
                current = None
    except BrokenProcessPool:
        lost: set[Any] = {*running.values(), *([] if current is None else [current])}
        raise WorkerDied(sorted(lost)) from None
    except BaseException:
        for fut in running:
            fut.cancel()
        raise


def as_executor(workers: int | Executor) -> Executor:
    """Accept a worker count wherever an Executor is expected."""
    return workers if isinstance(workers, Executor) else Executor(workers=workers)


def map_unordered(
    fn: Callable[..., Any], context: Any, tasks: Iterable[Job], workers: int | Executor = 1
) -> Iterator[tuple[Hashable, Any]]:
    """Shorthand for ``as_executor(workers).map_unordered(fn, context, tasks)``."""
    yield from as_executor(workers).map_unordered(fn, context, tasks)
