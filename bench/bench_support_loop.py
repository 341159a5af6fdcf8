"""Benchmark: the support loop for one ICB: practices' summaries (HTML and PDF), messages to every practice, and
the support cases through a workbook and back.

Generates returns to the current default edition (2025-26) for N practices (130 by default: one
ICB), collects them with the real collector into a fresh store, then times

- ``toolkit summary``: each practice's summary, HTML and PDF (WeasyPrint);
- ``toolkit remind --send``: every message composed and written as an .eml file, with the CSV;
- ``toolkit support export`` and ``import`` of the workbook (unchanged: nothing applied).

Usage:
    .venv/bin/python bench/bench_support_loop.py
    .venv/bin/python bench/bench_support_loop.py --practices 300
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_report import CURRENT, timed_collect, write_returns  # noqa: E402
from generator.check import check  # noqa: E402
from generator.cli import main as toolkit  # noqa: E402


def write_register(practices: int, path: Path) -> None:
    """The register with an email column; every tenth practice has no address."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("practice_code", "practice_name", "email"))
        for i in range(practices + practices // 50):
            writer.writerow((f"B{i:05d}", f"Practice {i}", "" if i % 10 == 9 else f"manager@b{i:05d}.nhs.example"))


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    said = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(said):
        code = toolkit(args)
    took = time.perf_counter() - started
    assert code in (0, 1), (args, code, said.getvalue())
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=130)
    args = parser.parse_args()
    library, _ = check(ROOT / "standards")
    edition = library.editions[CURRENT]
    work = Path(tempfile.mkdtemp(prefix="bench-support-"))
    try:
        write_returns(edition, args.practices, work / "returns", random.Random(2025))
        register = work / "practices.csv"
        write_register(args.practices, register)
        store = work / "store"
        timed_collect(CURRENT, work / "returns", store, register)
        common = ["--store", str(store), "--standards", str(ROOT / "standards")]
        summary = timed(["summary", *common, "--register", str(register), "--edition", CURRENT, "--out", str(work / "summaries")])  # fmt: skip
        pdfs = len(list((work / "summaries").glob("*.pdf")))
        remind = timed(["remind", *common, "--register", str(register), "--edition", CURRENT, "--today", "2025-07-01", "--send", "--out", str(work / "mail")])  # fmt: skip
        messages = len(list((work / "mail").glob("*.eml")))
        export = timed(["support", *common, "export", "--out", str(work / "cases.xlsx")])
        back = timed(["support", *common, "import", str(work / "cases.xlsx")])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"practices: {args.practices:,} sending returns to {CURRENT}")
    print(f"toolkit summary: {pdfs:,} summaries (HTML and PDF) in {summary:.1f} s, {summary / max(pdfs, 1):.2f} s each")
    print(f"toolkit remind --send: {messages:,} .eml files and the CSV in {remind:.1f} s")
    print(f"toolkit support export: {export:.2f} s; import (nothing changed): {back:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
