"""Benchmark: collect 130, 1,300 and 6,300 returns (one ICB, ten, every practice in England), side by side with
(a) the stock ``frictionless validate`` CLI run once per file, (b) a one-process loop over the Frictionless API
with the schema loaded once, and (c) the ``csv`` module with the same constraints checked by hand (the floor).

    .venv/bin/python bench/bench_collect.py            # (b) timed in full up to 1,300 returns, extrapolated above
    .venv/bin/python bench/bench_collect.py --full     # (b) timed in full at every size (about 2 minutes more)
    .venv/bin/python bench/bench_collect.py --sizes 130 1300

The returns are generated for the current edition of standards/ (every question
answered, one in ten with a wrong answer, some with risks but no action plan; CRLF,
some with a byte order mark), as practices' CSV files in a temporary folder.
``toolkit collect`` is timed as a whole process: start-up, storing every file
(written, flushed to disk, renamed), checking, the SQLite ledger, status.csv and the
feedback pages.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.forms.example import example_rows, return_date  # noqa: E402
from generator.load import load_library  # noqa: E402
from generator.model import Edition  # noqa: E402
from generator.returnformat import ALL_COLUMNS, table_schema  # noqa: E402

CLI_SAMPLE = 5


def generate(edition: Edition, folder: Path, count: int) -> None:
    """``count`` returns of ``edition``, one practice each, as practices' CSV files saved on the day they are due."""
    rows = example_rows(edition)
    day = return_date(edition)
    saved_at = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC).timestamp()
    folder.mkdir(parents=True)
    for number in range(count):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for index, row in enumerate(rows):
            row = {**row, "practice_code": f"{'ABCDEFGHJKLMNP'[number % 14]}{number:05d}"}
            if number % 10 == 3 and index == 4:
                row["answer"] = "maybe"  # an answer the question does not allow
            if number % 10 == 6 and row["action"]:
                row.update(action="", action_owner="", action_due="")  # a risk without its action plan
            writer.writerow(row)
        data = out.getvalue().encode("utf-8")
        if number % 3 == 0:
            data = b"\xef\xbb\xbf" + data
        sub = folder / f"batch-{number // 500:02d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"return-{number:05d}.csv"
        path.write_bytes(data)
        os.utime(path, (saved_at + number, saved_at + number))


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.csv"))


def time_collect(folder: Path, store: Path, standards: Path, edition: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and its workers) and the summary line of one ``toolkit collect``."""
    command = [
        sys.executable, "-m", "generator", "collect", "--from", str(folder), "--store", str(store),
        "--standards", str(standards), "--edition", edition, "--quiet",
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"toolkit collect failed ({run.returncode}):\n{run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, run.stderr.strip().splitlines()[0]


def time_frictionless_cli(files: list[Path], schema: Path) -> float:
    """Seconds a file for the stock CLI, the median of a sample."""
    cli = Path(sys.executable).with_name("frictionless")
    times = []
    for path in files[:CLI_SAMPLE]:
        started = time.perf_counter()
        subprocess.run(
            [str(cli), "validate", "--trusted", "--schema", str(schema), str(path)], capture_output=True, check=False
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_frictionless_api(files: list[Path], descriptor: dict[str, Any]) -> tuple[float, int]:
    """Seconds for a one-process loop over the Frictionless API, the schema loaded once; and how many were invalid."""
    import frictionless

    schema = frictionless.Schema.from_descriptor(descriptor)
    invalid = 0
    started = time.perf_counter()
    with frictionless.system.use_context(trusted=True):  # the files are in a temporary folder, an absolute path
        for path in files:
            report = frictionless.validate(str(path), schema=schema)
            invalid += not report.valid
    return time.perf_counter() - started, invalid


def time_csv_floor(files: list[Path], edition: Edition) -> tuple[float, int]:
    """Seconds to read every file with the csv module and check the same constraints by hand; how many invalid."""
    started = time.perf_counter()
    ods = re.compile(r"^[A-Z][0-9]{5}$")
    ids = {q.id: q for _, _, q in edition.questions()}
    allowed = {q.id: {a.casefold() for a in q.allowed_answers} for q in ids.values()}
    required = {q.id for q in ids.values() if q.required}
    invalid = 0
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        at = {name: header.index(name) for name in ALL_COLUMNS}
        bad = False
        seen = set()
        for cells in reader:
            question = cells[at["question_id"]]
            answer = cells[at["answer"]].strip().casefold()
            due = cells[at["action_due"]]
            known = question in ids and question not in seen
            bad = (
                bad
                or not ods.match(cells[at["practice_code"]])
                or cells[at["edition"]] != edition.id
                or not known
                or bool(allowed[question] and answer and answer not in allowed[question])
                or (question in required and not answer)
            )
            if due:
                try:
                    dt.datetime.strptime(due, "%Y-%m-%d")
                except ValueError:
                    bad = True
            seen.add(question)
        invalid += bad or not required <= seen
    return time.perf_counter() - started, invalid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[130, 1300, 6300])
    parser.add_argument("--full", action="store_true", help="time the Frictionless API loop in full at every size")
    parser.add_argument("--standards", type=Path, default=ROOT / "standards")
    args = parser.parse_args()

    library = load_library(args.standards).library
    edition = library.current()
    if edition is None:
        raise SystemExit(f"{args.standards}: no published edition loads; run toolkit check")
    descriptor = table_schema(edition)
    print(
        f"edition {edition.id}: {len(list(edition.questions()))} questions a return; "
        f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}"
    )
    api_rate: float | None = None
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-collect-") as temp:
        work = Path(temp)
        schema = work / "return.schema.json"
        import json

        schema.write_text(json.dumps(descriptor))
        for size in args.sizes:
            folder = work / f"returns-{size}"
            generate(edition, folder, size)
            files = files_in(folder)
            collect_s, collect_cpu, summary = time_collect(folder, work / f"store-{size}", args.standards, edition.id)
            cli_each = time_frictionless_cli(files, schema)
            if args.full or size <= 1300 or api_rate is None:
                api_s, api_invalid = time_frictionless_api(files, descriptor)
                api_rate = size / api_s
                api_note = ""
            else:
                api_s, api_invalid, api_note = size / api_rate, -1, " (extrapolated)"
            floor_s, floor_invalid = time_csv_floor(files, edition)
            print(f"\n{size:,} returns — {summary}")
            print(f"  toolkit collect (whole process, 2 cores) {collect_s:8.2f} s  {size / collect_s:7.0f} returns/s")
            print(f"      CPU time of collect and its workers  {collect_cpu:8.2f} s  (shared by the cores)")
            print(
                f"  (a) frictionless validate CLI per file  {cli_each * size:8.0f} s  "
                f"({cli_each:.2f} s a file: median of {CLI_SAMPLE} files, times {size:,})"
            )
            print(f"  (b) Frictionless API loop, 1 process   {api_s:8.2f} s  {size / api_s:7.0f} returns/s{api_note}")
            print(f"  (c) csv module by hand, 1 process      {floor_s:8.2f} s  {size / floor_s:7.0f} returns/s")
            print(
                f"  collect is {api_s / collect_s:.1f}x (b), {cli_each * size / collect_s:.0f}x (a), "
                f"and {collect_s / floor_s:.1f}x the time of (c)"
            )
            if api_invalid >= 0:
                print(
                    f"  invalid returns: (b) {api_invalid}, (c) {floor_invalid} "
                    "((b) checks only what the Table Schema expresses: not the answers)"
                )
            lines.append((size, collect_s, cli_each * size, api_s, floor_s, api_note))
            shutil.rmtree(folder)
    print("\nreturns | collect | (a) CLI, est. | (b) API loop | (c) csv floor | vs (b) | vs (c)")
    for size, collect_s, cli_s, api_s, floor_s, note in lines:
        print(
            f"{size:7,} | {collect_s:6.1f} s | {cli_s:11.0f} s | {api_s:9.1f} s{'*' if note else ' '} | "
            f"{floor_s:11.2f} s | {api_s / collect_s:5.1f}x | {collect_s / floor_s:5.1f}x"
        )
    if any(note for *_, note in lines):
        print("* extrapolated from the largest size timed in full (run with --full to time it)")
    print(
        f"(a) is the median of {CLI_SAMPLE} runs of the CLI times the number of files. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every column alike)."
    )


if __name__ == "__main__":
    main()
