"""Work run beside the report in a forked child: its result, its error, and the same without forking."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.report.beside import Beside, can_fork


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def fails() -> int:
    raise ValueError("no such ledger")


@pytest.mark.parametrize("fork", [True, False])
def test_result_and_where_it_ran(fork: bool) -> None:
    if fork and not can_fork():
        pytest.skip("forking is not safe here (no fork, or other threads running)")
    work = Beside(lambda: pid_and_square(7), fork=fork)
    assert work.forked is fork
    pid, value = work.result()
    assert value == 49
    assert (pid != os.getpid()) is fork


@pytest.mark.parametrize("fork", [True, False])
def test_errors_are_raised_in_the_parent(fork: bool) -> None:
    if fork and not can_fork():
        pytest.skip("forking is not safe here (no fork, or other threads running)")
    work = Beside(fails, fork=fork)
    with pytest.raises(ValueError, match="no such ledger"):
        work.result()


def test_a_child_that_dies_is_reported() -> None:
    if not can_fork():
        pytest.skip("forking is not safe here (no fork, or other threads running)")
    work = Beside(lambda: os._exit(3), fork=True)
    with pytest.raises(RuntimeError, match=r"the child process stopped without a result \(exit code 3\)"):
        work.result()


def test_the_forked_cases_run_in_a_fresh_interpreter() -> None:
    """Late in the whole suite other threads are running, so the cases above skip their forked half:
    run them again in an interpreter of their own, where forking is safe, so that they are never skipped."""
    if "fork" not in multiprocessing.get_all_start_methods() or os.cpu_count() == 1:
        pytest.skip("no fork here, or one processor (the report does not fork then)")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k", "not fresh_interpreter"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout, result.stdout[-2000:]
    assert "skipped" not in result.stdout, result.stdout[-2000:]
