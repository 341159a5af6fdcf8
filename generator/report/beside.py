"""Run one piece of work in a forked process beside this one, and take its result later.

The report has two pieces of work that need nothing from the rest until the end:
reading and judging last year's returns, and writing the workbook. On a machine with
two cores each runs in a child process while this one does the rest.

A forked child shares this process's memory as it was when forked, so nothing has to be
sent to it; its result comes back pickled through a pipe. Where forking is not safe (no
``fork`` start method, or other threads running) the work runs here, when it is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")


def _child(work: Callable[[], object], send: Connection) -> None:
    try:
        outcome: tuple[str, object] = ("ok", work())
    except Exception as error:  # handed to the parent, which raises it
        outcome = ("error", error)
    try:
        send.send(outcome)
    except Exception as error:  # the result or the error could not be pickled
        send.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        send.close()


def can_fork() -> bool:
    """Whether a child can be forked safely here: the platform has fork and no other thread runs."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 and os.cpu_count() != 1


class Beside(Generic[T]):
    """``work()`` started now in a child process (or later, here); :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T], fork: bool | None = None) -> None:
        self._work = work
        self._receive: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if can_fork() if fork is None else fork:
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(work, send), daemon=True)
            self._process.start()
            send.close()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self) -> T:
        """The work's result; the work's exception is raised here."""
        if self._receive is None or self._process is None:
            return self._work()
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"the child process stopped without a result (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[no-any-return]
