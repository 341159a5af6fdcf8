"""toolkit collect: gather practices' returns from folders and URLs, store every byte, check each, write status.csv.

Example:
    toolkit collect --from returns/
    toolkit collect --edition 2025-26 --from inbox/ --from https://forms.example.nhs.uk/returns/index.json \\
        --store store --register practices.csv

Every problem of each newly collected return is printed as ``file row N, column: message``;
the summary goes to standard error. Exit codes: 0 when the run completed (invalid returns
are an outcome, not a failure); 1 when a source or file could not be read (what could be
read is stored all the same); 2 on a usage or configuration error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .arguments import decimal, whole

if TYPE_CHECKING:
    from ..returns.collect import Collected, Outcome

DEFAULT_STORE = Path("store")
MAX_SIZE_MB = 1024
"""No return is a gigabyte: a larger limit is a typing mistake."""
MAX_TIMEOUT = 3600
MAX_RETRIES = 10
MAX_JOBS = 256


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..returns.sources import DEFAULT_TOKEN_ENV

    parser.add_argument(
        "--from",
        dest="sources",
        action="extend",
        nargs="+",
        required=True,
        metavar="SOURCE",
        help="a folder (read recursively), a file, or an http(s):// URL of a return or of a JSON index of returns",
    )
    parser.add_argument(
        "--edition", help="the edition being collected, such as 2025-26 (default: the current published edition)"
    )
    parser.add_argument(
        "--store", type=Path, default=DEFAULT_STORE, help=f"the store folder (default: {DEFAULT_STORE})"
    )
    parser.add_argument(
        "--register",
        type=Path,
        help="the practice register: a CSV with the columns practice_code,practice_name, or NHS England's epraccur file",
    )
    parser.add_argument("--icb", help="the ICB's code (such as QK1): keeps its active practices from an epraccur register")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--max-size",
        type=decimal(0, MAX_SIZE_MB),
        default=20.0,
        metavar="MB",
        help=f"the largest file taken as a return (default: 20 MB; at most {MAX_SIZE_MB})",
    )
    parser.add_argument(
        "--timeout",
        type=decimal(0, MAX_TIMEOUT),
        default=30.0,
        metavar="SECONDS",
        help=(
            "HTTP: the longest wait for each piece of an answer; the whole answer, however steadily it trickles, "
            f"must arrive within ten times that (default: 30 seconds, so 300 for the whole; at most {MAX_TIMEOUT})"
        ),
    )
    parser.add_argument(
        "--retries",
        type=whole(0, MAX_RETRIES),
        default=3,
        help=f"HTTP retries for 5xx answers and network errors (default: 3; at most {MAX_RETRIES})",
    )
    parser.add_argument(
        "--token-env",
        default=DEFAULT_TOKEN_ENV,
        metavar="NAME",
        help=f"the environment variable holding a bearer token for HTTP sources (default: {DEFAULT_TOKEN_ENV})",
    )
    parser.add_argument(
        "--jobs",
        type=whole(0, MAX_JOBS),
        default=0,
        help=f"worker processes (default: one per core; at most {MAX_JOBS})",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary and what could not be read")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print every problem of every return (by default: one line per return with problems; all are in its feedback)",
    )


def _usage(args: argparse.Namespace) -> str | None:
    if args.max_size <= 0:
        return "--max-size must be more than 0"
    if args.timeout <= 0:
        return "--timeout must be more than 0"
    if args.retries < 0:
        return "--retries must be 0 or more"
    if args.jobs < 0:
        return "--jobs must be 0 or more"
    if "=" in args.token_env or not args.token_env.strip():
        return "--token-env takes the NAME of an environment variable, not the token"
    return None


class _Bar:
    """A progress bar on a terminal; nothing when standard error is not one."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or total < 20 or (done < total and now - self.shown < 0.1):
            return
        self.shown = now
        filled = int(30 * done / total)
        sys.stderr.write(f"\rcollecting [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _mark(store: Path) -> None:
    """Mark the store as the toolkit's, once collect has made it, so later runs (and builds) recognise it."""
    from ..outputs import mark

    if store.is_dir():
        with contextlib.suppress(OSError):  # a read-only store is still read; the marker can wait
            mark(store, "store")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..returns.collect import ConfigError, Options, collect, fewer_collections
    from ..returns.messages import format_problem, grouped
    from ..returns.sources import Settings

    wrong = _usage(args)
    if wrong:
        print(f"toolkit collect: {wrong}", file=sys.stderr)
        return 2
    not_ours = outputs.check_folder(args.store, "store", outputs.places(args.standards))
    if not_ours:
        print(not_ours.format("collect", "--store"), file=sys.stderr)
        return 2
    settings = Settings(
        max_size=int(args.max_size * 1024 * 1024),
        read_timeout=args.timeout,
        connect_timeout=min(10.0, args.timeout),
        deadline=10 * args.timeout,
        retries=args.retries,
        token_env=args.token_env,
    )
    options = Options(
        sources=args.sources,
        store=args.store,
        edition=args.edition,
        standards=args.standards,
        register=args.register,
        icb=args.icb,
        settings=settings,
        jobs=args.jobs,
    )
    try:
        with fewer_collections():
            outcome = collect(options, progress=_Bar(sys.stderr.isatty() and not args.quiet))
    except ConfigError as error:
        print(f"toolkit collect: {error}", file=sys.stderr)
        return 2
    finally:
        _mark(args.store)

    summary(outcome)
    opened = open_support_cases(args.store, args.standards)
    if opened:
        print(f"{opened} new support request{'' if opened == 1 else 's'}: see 'toolkit support list'", file=sys.stderr)
    if args.verbose:
        for new in outcome.new:
            for found, places in grouped(new.problems):
                print(format_problem(new.location, found, places))
    elif not args.quiet:
        for new in outcome.new:
            if new.problems:
                print(one_line(new, outcome.store))
    for refused in outcome.refused:
        print(outcome.refused_text(refused))
    for trouble in outcome.problems:
        print(("" if trouble.severity == "warning" else "error: ") + trouble.format(), file=sys.stderr)
    return 1 if outcome.failed else 0


def open_support_cases(store: Path, standards: Path) -> int:
    """Open a case for each new support request (see :mod:`generator.support`); how many were opened."""
    from ..load import load_library
    from ..support import SupportError, sync

    try:
        return sync(store, load_library(standards).library)
    except SupportError as error:
        print(f"warning: {error}", file=sys.stderr)
        return 0


def one_line(new: Collected, store: Path) -> str:
    """A return with problems in one line: its verdict, its counts and where its feedback is."""
    from ..returns.outputs import feedback_file

    errors = sum(1 for p in new.problems if p.severity == "error")
    warnings = len(new.problems) - errors
    page = store / feedback_file(new.edition, new.practice_code, new.id)
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    return f"{new.location}: {new.status}, {counts}; every problem is in {page}"


def summary(outcome: Outcome) -> None:
    """What the run did, in two lines on standard error: first, before any detail."""
    valid = sum(1 for n in outcome.new if n.status == "valid")
    parts = [f"{len(outcome.new)} new ({valid} valid, {len(outcome.new) - valid} invalid)"]
    others = sorted({n.edition for n in outcome.new if n.edition != outcome.edition})
    if others:
        count = sum(1 for n in outcome.new if n.edition != outcome.edition)
        parts.append(f"{count} of them for {' and '.join(others)}, not {outcome.edition}")
    if outcome.already:
        parts.append(f"{outcome.already} already in the store")
    if outcome.duplicates:
        parts.append(
            f"{_plural(outcome.duplicates, 'copy')} of a file collected in this run".replace("copys", "copies")
        )
    if outcome.refused:
        parts.append(f"{outcome.refused.__len__()} too large to be a return")
    unread = sum(1 for p in outcome.problems if p.severity == "error")
    if unread:
        parts.append(f"{unread} not read")
    print(f"collected {_plural(outcome.files, 'file')}: {', '.join(parts)}", file=sys.stderr)
    counts = {s: sum(1 for p in outcome.statuses if p.status == s) for s in ("valid", "invalid", "missing")}
    print(
        f"{outcome.edition}: {counts['valid']} valid, {counts['invalid']} invalid, {counts['missing']} missing "
        f"({_plural(len(outcome.statuses), 'practice')}) in {outcome.store / 'status.csv'}",
        file=sys.stderr,
    )
