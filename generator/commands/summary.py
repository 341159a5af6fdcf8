"""toolkit summary: each practice's own one-page summary of its valid return, HTML and PDF, to send back.

Its rating in each domain beside the spread across the ICB's practices (no other practice is
named), its risks and action plan, its support requests and who owns them, and its next steps.

Example:
    toolkit summary --edition 2025-26 --register practices.csv
    toolkit summary --edition 2025-26 --out summaries-2025-26 --no-pdf
    toolkit remind --edition 2025-26 --summaries store/summaries/2025-26 --send

The summaries go into <store>/summaries/<edition> unless --out says otherwise: a folder of their
own, never inside the published site. Exit codes: 0 written; 1 the store could not be read or the
files not written; 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", help="the edition, such as 2025-26 (default: the current published edition)")
    parser.add_argument("--store", type=Path, default=Path("store"), help="the store 'toolkit collect' wrote")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--register", type=Path, help="the practice register, for the practices' names (default: toolkit.yml's)"
    )
    parser.add_argument("--icb", help="the ICB's code, to keep its practices from an epraccur register")
    parser.add_argument("--out", type=Path, help="the folder to write into (default: <store>/summaries/<edition>)")
    parser.add_argument(
        "--target-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="the ICB's target for first contact on a support request, in working days "
        "(default: toolkit.yml's support: target_working_days, else 10)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML pages only")


def _fail(message: str, code: int = 2) -> int:
    print(f"toolkit summary: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .. import marked_folders, outputs
    from ..load import load_library
    from ..report import figures, ledger
    from ..report.build import ReportError, check_out
    from ..report.helpgiven import target_working_days
    from ..returns.register import RegisterError, read_register_file
    from ..settings import load_settings
    from ..summary import MARKER, write_all
    from ..support import SupportError

    project = args.standards.absolute().parent
    settings, _ = load_settings(project)
    if args.target_days is not None and args.target_days < 0:
        return _fail("--target-days must be 0 or more working days")
    if not (args.store / "ledger.sqlite").is_file():
        return _fail(f"{args.store}: no ledger here; run 'toolkit collect' first or give --store")
    register_path = args.register or (settings.register if settings else None)
    try:
        icb = args.icb or (settings.icb.ods_code if settings else None)
        register = read_register_file(register_path, icb).practices if register_path else None
    except RegisterError as error:
        return _fail(str(error))
    library = load_library(args.standards).library
    current = library.current()
    edition = library.editions.get(args.edition or (current.id if current else ""))
    if edition is None:
        known = ", ".join(sorted(library.editions)) or "none"
        return _fail(f"no edition '{args.edition}' could be loaded (editions loaded: {known})")
    out: Path = args.out or args.store / "summaries" / edition.id
    around = outputs.places(args.standards, [args.store]) + outputs.store_parts(args.store)
    try:
        check_out(out)
    except ReportError as error:
        return _fail(str(error).replace("a report names", "a summary names"))
    refused = marked_folders.refused(out, around, MARKER, "toolkit summary")
    if refused:
        return _fail(f"{'--out ' if args.out else 'the summaries folder '}{out}: {refused}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        found = figures.compute(edition, ledger.read_returns(args.store, edition.id), register, generated_at=stamp)
        written = write_all(
            out,
            found,
            edition,
            args.store,
            target_days=target_working_days(project, args.target_days),
            icb_name=settings.icb.name if settings else "",
            pdf=not args.no_pdf,
        )
    except (ledger.LedgerError, SupportError) as error:
        return _fail(str(error), 1)
    pages = sum(1 for p in written if p.suffix == ".html")
    print(f"{pages} practice summar{'y' if pages == 1 else 'ies'} written to {out} (each for its practice only)")
    return 0
