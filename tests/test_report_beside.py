"""Work run beside the report in a forked child: its result, its error, and the same without forking."""

from __future__ import annotations

import os

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
