"""Benchmark: the ICB report for every practice in England, against collecting their returns in the same run.

Generates returns to the default editions (2024-25 and 2025-26) for N practices (6,300 by
default: every practice in England), collects them with the real collector into a fresh
store, then makes the report of 2025-26 (with its year-on-year comparison with 2024-25)
and prints the figures and ratios.

Goals (issue "Reports for the ICB"): the report in under 10 s, and in under a third of
the time collecting the 2025-26 returns took.

Usage:
    .venv/bin/python bench/bench_report.py                  # 6,300 practices
    .venv/bin/python bench/bench_report.py --practices 130  # one ICB
    .venv/bin/python bench/bench_report.py --keep /tmp/bench-report   # keep the store and report to look at

The answers are drawn at random but reproducibly (seed 2025): most answers are yes, as in
real returns, so that about one answer in twenty flags a risk and about one practice in
twelve asks for support in a domain.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import answertypes  # noqa: E402
from generator.check import check  # noqa: E402
from generator.model import Edition, Question  # noqa: E402
from generator.returns.collect import Options, collect  # noqa: E402

CURRENT, PREVIOUS = "2025-26", "2024-25"
TODAY = dt.date.today()


WEIGHTS = {"yes": 90, "partial": 4, "no": 2, "not applicable": 4}
"""How often each of a type's own answers is given."""


def answer(question: Question, rng: random.Random) -> str:
    """A plausible answer: mostly good, sometimes one that flags a risk."""
    kind = answertypes.of(question)  # asked, never branched on by name: a new type needs nothing here
    own = kind.answers  # yes / partial / no (with or without not applicable), yes / no
    if own and question.id.split(".")[0].endswith("0"):  # a support request
        return "yes" if rng.random() < 0.08 else "no"
    if own:
        return rng.choices(own, [WEIGHTS[a] for a in own])[0]
    if kind.kind == "number":
        low = question.minimum if question.minimum is not None else 0.0
        high = question.maximum if question.maximum is not None else low + 100
        if question.risk_below is not None and rng.random() < 0.96:
            low = max(low, question.risk_below)
        if question.risk_above is not None and rng.random() < 0.96:
            high = min(high, question.risk_above)
        return str(int(rng.uniform(low, high)))
    if kind.kind == "date":
        days = rng.randint(5, 200) if rng.random() < 0.96 else rng.randint(800, 1200)
        return (TODAY - dt.timedelta(days=days)).isoformat()
    if kind.own_options:
        return rng.choice(question.options)
    return "Reviewed at the practice meeting."


def write_returns(edition: Edition, practices: int, folder: Path, rng: random.Random) -> None:
    folder.mkdir(parents=True)
    questions = [q for _, _, q in edition.questions()]
    for i in range(practices):
        code = f"B{i:05d}"
        with (folder / f"{code}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(
                ("practice_code", "edition", "question_id", "answer", "comment", "action", "action_owner", "action_due")
            )
            for q in questions:
                given = answer(q, rng)
                comment = "See our action plan." if rng.random() < 0.05 else ""
                if given == "not applicable" and q.not_applicable_when:  # the reason the standards ask for
                    comment = f"Not applicable: {q.not_applicable_when}."
                writer.writerow((code, edition.id, q.id, given, comment, "", "", ""))


def write_register(practices: int, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("practice_code", "practice_name"))
        # A few more practices than sent returns, so that some are missing.
        for i in range(practices + practices // 50):
            writer.writerow((f"B{i:05d}", f"Practice {i}"))


def cpu() -> float:
    """Processor seconds used so far by this process and its finished children (user and system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_collect(edition: str, folder: Path, store: Path, register: Path) -> tuple[float, float]:
    """Wall and processor seconds to collect ``folder``."""
    started, used = time.perf_counter(), cpu()
    outcome = collect(
        Options(
            sources=[str(folder)],
            store=store,
            edition=edition,
            standards=ROOT / "standards",
            register=register,
            site_url="https://standards.example.nhs.uk/",
        )
    )
    took = time.perf_counter() - started
    assert not outcome.failed, outcome.problems
    return took, cpu() - used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=6300)
    parser.add_argument("--keep", type=Path, help="a folder to keep the returns, store and report in")
    args = parser.parse_args()

    library, _ = check(ROOT / "standards")
    for needed in (CURRENT, PREVIOUS):
        if needed not in library.editions:
            print(f"bench_report: the edition {needed} does not load; run 'toolkit check'", file=sys.stderr)
            return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    rng = random.Random(2025)
    n = args.practices
    try:
        started = time.perf_counter()
        for edition in (PREVIOUS, CURRENT):
            write_returns(library.editions[edition], n, work / f"returns-{edition}", rng)
        register = work / "practices.csv"
        write_register(n, register)
        generated = time.perf_counter() - started
        store = work / "store"
        collect_previous = timed_collect(PREVIOUS, work / f"returns-{PREVIOUS}", store, register)
        collect_current = timed_collect(CURRENT, work / f"returns-{CURRENT}", store, register)

        # The report as a person runs it: a whole process, standards loaded, ledger read, files written.
        started, used = time.perf_counter(), cpu()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "report",
                "--edition",
                CURRENT,
                "--store",
                str(store),
                "--register",
                str(register),
                "--standards",
                str(ROOT / "standards"),
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        report, report_cpu = time.perf_counter() - started, cpu() - used

        # Where its time goes, in this process.
        from generator.report.build import make

        made = make(library, CURRENT, store, work / "report-steps", register=None)
        t = made.timings
        f = made.figures
        sizes = {p.name: p.stat().st_size for p in made.files}
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    answers = sum(1 for _ in library.editions[CURRENT].questions()) * n
    print(f"Report benchmark: {n:,} practices, {answers:,} answers to {CURRENT}, compared with {PREVIOUS}")
    print(f"  generating the returns (both editions):   {generated:7.2f} s")
    print(
        f"  collecting {PREVIOUS} returns:              {collect_previous[0]:7.2f} s  ({collect_previous[1]:.1f} s of processor time)"
    )
    print(
        f"  collecting {CURRENT} returns (A):           {collect_current[0]:7.2f} s  ({collect_current[1]:.1f} s of processor time)"
    )
    print(f"  toolkit report, whole process (B):        {report:7.2f} s  ({report_cpu:.1f} s of processor time)")
    print(
        f"    in process: ledger {t.read:.2f} s, figures {t.compute:.2f} s, HTML {t.html:.2f} s, "
        f"CSV and Excel {t.exports:.2f} s"
    )
    print(
        f"  figures: {f.count('valid'):,} valid, {len(f.risks):,} answers flagging a risk, "
        f"{len(f.support):,} support requests"
    )
    print(
        f"  files: report.html {sizes['report.html'] / 1e6:.1f} MB, report.xlsx {sizes['report.xlsx'] / 1e6:.1f} MB, "
        f"risks.csv {sizes['risks.csv'] / 1e6:.1f} MB"
    )
    ratio = report / collect_current[0]
    print(f"  B / A = {ratio:.2f}  (goal: under 0.33)   B = {report:.2f} s  (goal: under 10 s)")
    met = report < 10 and ratio < 1 / 3
    print("  goals met" if met else "  GOALS MISSED")
    print(f"  machine load (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
