"""Where work runs: in this process or on a pool of worker processes.

:func:`map_unordered` applies a picklable function to tasks and yields ``(key, result)``
as each finishes. The caller puts results back in order, so what is computed never
depends on where or in which order it ran. Workers receive the shared context (a Plan,
an evaluator) once, through the pool's initializer, not with every task.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import cache
from typing import Any

Task = tuple[Hashable, tuple[Any, ...]]

_CONTEXT: Any = None


def _set_context(context: Any) -> None:
    global _CONTEXT
    _CONTEXT = context


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return fn(_CONTEXT, *args)


@cache
def _mp_context() -> multiprocessing.context.BaseContext:
    """A fork server that has already imported the engine, where the platform has one.

    The start method is chosen here, explicitly, because importing ``mesa`` sets the
    process-wide default to "spawn", which re-imports everything in every worker (about a
    second each) and made two workers barely faster than one.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.runner", "sim.sweep", "agents"])
    return ctx


def map_unordered(
    fn: Callable[..., Any], context: Any, tasks: Iterable[Task], workers: int = 1
) -> Iterator[tuple[Hashable, Any]]:
    """Yield ``(key, fn(context, *args))`` for each ``(key, args)`` task as it finishes."""
    tasks = list(tasks)
    if workers <= 1 or len(tasks) <= 1:
        for key, args in tasks:
            yield key, fn(context, *args)
        return
    with ProcessPoolExecutor(
        min(workers, len(tasks)),
        mp_context=_mp_context(),
        initializer=_set_context,
        initargs=(context,),
    ) as pool:
        # Keep a few tasks per worker in flight, not all of them: finished results are
        # handed on and dropped one by one, so memory does not grow with the task count.
        todo = iter(tasks)
        running: dict[Future, Hashable] = {}
        try:
            while True:
                for key, args in itertools.islice(todo, 2 * workers - len(running)):
                    running[pool.submit(_call, fn, args)] = key
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    key = running.pop(fut)
                    yield key, fut.result()
        except BaseException:
            for fut in running:
                fut.cancel()
            raise
