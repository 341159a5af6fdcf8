"""Work run beside the report in a forked child: its result, its error, and the same without forking.

Forking is only safe in a process with no other thread, and late in the whole suite other threads
are alive (the browser's, the preview server's). So the forked cases run in an interpreter of their
own, started by one test, and none of them is ever skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.report.beside import Beside


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def fails() -> int:
    raise ValueError("no such ledger")


def result_and_where_it_ran(fork: bool) -> None:
    work = Beside(lambda: pid_and_square(7), fork=fork)
    assert work.forked is fork
    pid, value = work.result()
    assert value == 49
    assert (pid != os.getpid()) is fork


def errors_are_raised_in_the_parent(fork: bool) -> None:
    work = Beside(fails, fork=fork)
    with pytest.raises(ValueError, match="no such ledger"):
        work.result()


def a_child_that_dies_is_reported() -> None:
    work = Beside(lambda: os._exit(3), fork=True)
    with pytest.raises(RuntimeError, match=r"the child process stopped without a result \(exit code 3\)"):
        work.result()


def forked_cases() -> None:
    """Every case with a forked child; run in a fresh interpreter (see the module's docstring)."""
    assert threading.active_count() == 1, "forking is not safe even in a fresh interpreter"
    result_and_where_it_ran(fork=True)
    errors_are_raised_in_the_parent(fork=True)
    a_child_that_dies_is_reported()
    print("forked cases passed")


def test_result_and_where_it_ran_without_forking() -> None:
    result_and_where_it_ran(fork=False)


def test_errors_are_raised_in_the_parent_without_forking() -> None:
    errors_are_raised_in_the_parent(fork=False)


def test_the_forked_cases_in_an_interpreter_of_their_own() -> None:
    script = f"import runpy; runpy.run_path({str(Path(__file__).resolve())!r})['forked_cases']()"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.strip() == "forked cases passed"
