"""Work spread over processes: the forms' parts (and the editions' site builds) laid out on every core.

``Workers(jobs)`` runs calls of module-level functions on ``jobs`` processes, or in this one
process when ``jobs`` is 1. Results come back in the order of the calls, so the output never
depends on which process finished first. The processes are started only when first needed
(a build with nothing to render starts none), from a fresh server process (``forkserver``),
never forked from a process that may hold other threads' locks; several threads may hand
work to the same ``Workers`` at once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

Call = tuple[Callable[..., Any], tuple[Any, ...]]
"""A module-level function and its arguments (both picklable when ``jobs`` > 1)."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Workers:
    """``jobs`` processes to run calls on; 1 runs every call here, in order."""

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs
        self._pool: Executor | None = None
        self._lock = threading.Lock()

    def submit(self, call: Call) -> Future[Any]:
        """Start ``call``; its future result. With one job it runs now, before this returns."""
        function, arguments = call
        if self.jobs == 1:
            future: Future[Any] = Future()
            try:
                future.set_result(function(*arguments))
            except BaseException as error:  # handed back through the future, as a process's would be
                future.set_exception(error)
            return future
        with self._lock:
            if self._pool is None:
                methods = multiprocessing.get_all_start_methods()
                context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
            pool = self._pool
        return pool.submit(function, *arguments)

    def run(self, calls: Sequence[Call]) -> list[Any]:
        """Every call's result, in the order of ``calls``."""
        futures = [self.submit(call) for call in calls]
        return [future.result() for future in futures]

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
