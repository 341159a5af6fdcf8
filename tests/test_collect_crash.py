"""Killing collect (kill -9) mid-run, then running it again, gives the ledger of one clean run."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.forms.example import example_rows
from generator.load import load_library
from generator.returnformat import ALL_COLUMNS
from generator.returns.store import LEDGER_FILE

FILES = 3000
"""Enough files that a run is still going when the test kills it (about 3 s on 2 cores)."""


def write_returns(standards: Path, inbox: Path, count: int) -> None:
    """``count`` returns of the minimal edition, one practice each, every seventh one invalid."""
    edition = load_library(standards).library.editions["2030-31"]
    rows = example_rows(edition)
    inbox.mkdir()
    for number in range(count):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for index, row in enumerate(rows):
            answer = "maybe" if number % 7 == 0 and index == 0 else row["answer"]
            writer.writerow({**row, "practice_code": f"Y{number:05d}", "answer": answer})
        path = inbox / f"{number // 100:02d}" / f"Y{number:05d}.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_text(out.getvalue(), encoding="utf-8")
        os.utime(path, (1906880400 + number, 1906880400 + number))


def command(store: str) -> list[str]:
    return [sys.executable, "-m", "generator", "collect", "--from", "inbox", "--store", store, "--quiet", "--jobs", "2"]


def start(store: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command(store),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def count(store: Path) -> int:
    try:
        with sqlite3.connect(f"{(store / LEDGER_FILE).resolve().as_uri()}?mode=ro", uri=True, timeout=0.05) as db:
            return int(db.execute("SELECT count(*) FROM submissions").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, f"the run ended before {what}: make FILES larger"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)
    assert process.poll() is None, f"the run ended before {what}: make FILES larger"
    kill(process)


def kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the collect process (not its workers), and wait until its workers have stopped by themselves."""
    with contextlib.suppress(ProcessLookupError):  # it may just have finished
        os.kill(process.pid, signal.SIGKILL)  # only the collect process itself, as kill -9 <pid> would
    process.wait()
    # Its worker processes notice and stop by themselves.
    deadline = time.monotonic() + 10
    while True:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("worker processes outlived the killed run")
        time.sleep(0.05)


def dump(store: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(store / LEDGER_FILE) as db:
        return (
            db.execute("SELECT * FROM submissions ORDER BY id").fetchall(),
            db.execute("SELECT * FROM answers ORDER BY submission_id, question_id").fetchall(),
        )


def test_killed_runs_then_a_rerun_give_the_clean_ledger(standards: Path) -> None:
    write_returns(standards, Path("inbox"), FILES)
    clean = subprocess.run(command("clean"), capture_output=True, check=False)
    assert clean.returncode == 0, clean.stderr

    crashed = Path("crashed")
    raw = crashed / "raw"
    kill_when(start("crashed"), lambda: raw.is_dir() and any(raw.iterdir()), "a raw file was stored")
    first = count(crashed)
    kill_when(start("crashed"), lambda: count(crashed) > first, "the ledger grew")
    assert 0 < count(crashed) < FILES, "the second run was killed mid-run"
    final = subprocess.run(command("crashed"), capture_output=True, check=False)
    assert final.returncode == 0, final.stderr

    assert dump(crashed) == dump(Path("clean"))
    assert sorted(p.name for p in raw.iterdir()) == sorted(p.name for p in Path("clean/raw").iterdir())
    assert list((crashed / "tmp").iterdir()) == []
    assert (crashed / "status.csv").read_bytes() == Path("clean/status.csv").read_bytes()


def whole_store(store: Path) -> dict[str, bytes]:
    """Every file of a store but the ledger (compared by its rows) and the lock, by path."""
    return {
        str(path.relative_to(store)): path.read_bytes()
        for path in sorted(store.rglob("*"))
        if path.is_file() and path.name not in (LEDGER_FILE, ".lock") and not path.name.startswith(LEDGER_FILE)
    }


def test_random_kills_then_a_rerun_give_the_whole_clean_store(standards: Path) -> None:
    """kill -9 at random moments of runs (gathering, checking, recording, writing feedback), then one more run:
    raw files, ledger, status.csv and every feedback page and CSV are those of one clean run."""
    write_returns(standards, Path("inbox"), FILES)
    began = time.monotonic()
    clean = subprocess.run(command("clean"), capture_output=True, check=False)
    took = time.monotonic() - began
    assert clean.returncode == 0, clean.stderr
    seed = random.randrange(2**32)
    moments = random.Random(seed).sample(range(1, 100), 5)
    crashed = Path("crashed")
    for percent in moments:
        process = start("crashed")
        try:
            process.wait(timeout=took * percent / 100)
        except subprocess.TimeoutExpired:
            kill(process)
    final = subprocess.run(command("crashed"), capture_output=True, check=False)
    assert final.returncode == 0, final.stderr
    assert dump(crashed) == dump(Path("clean")), f"seed {seed}"
    assert whole_store(crashed) == whole_store(Path("clean")), f"seed {seed}"
    assert any(name.startswith("feedback/") for name in whole_store(crashed))
