"""toolkit carry-forward: start this year's return from last year's.

Answers to unchanged questions are kept; answers to reworded or replaced questions are kept
but their comment starts "Check again:"; answers to removed questions are dropped; new
questions are left empty. What needs a look is listed on the terminal.

Example:
    toolkit carry-forward returns/C82001-2024-25.csv --to 2025-26
    toolkit carry-forward C82001.json --to 2025-26 --out C82001-2025-26.json

The written return is CSV, or the online form's JSON when --out ends in .json; --out - writes
it to the terminal. Without --out it goes next to RETURN, named for the new edition.

An existing file is replaced only with --force; the new file is written whole or not at all.

Exit codes: 0 written; 1 the return or an edition cannot be read, the file exists (without
--force) or cannot be written; 2 usage error, or an --out that cannot be a file (a folder, a
device, in a folder that does not exist, inside site/ or build/).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ret", metavar="RETURN", type=Path, help="last year's return: CSV, or the online form's JSON")
    parser.add_argument("--to", required=True, metavar="EDITION", help="the edition to carry it to, such as 2025-26")
    parser.add_argument(
        "--out", help="where to write the new return (.csv or .json; '-' for the terminal); default: beside RETURN"
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )


def _default_out(ret: Path, old: str, new: str) -> Path:
    suffix = ret.suffix if ret.suffix.lower() in (".csv", ".json") else ".csv"
    stem = ret.stem.replace(old, new) if old in ret.stem else f"{ret.stem}-{new}"
    return ret.with_name(stem + suffix)


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..carry import ReturnUnreadable, carry_forward, read_return, to_csv, to_json
    from ..load import load_library

    def fail(message: str) -> int:
        print(message, file=sys.stderr)
        return 1

    def refused(out: Path) -> int | None:
        not_ours = outputs.check_file(out, outputs.places(args.standards), force=args.force)
        if not_ours is None:
            return None
        print(not_ours.format("carry-forward", "--out"), file=sys.stderr)
        return 1 if not_ours.exists else 2

    if args.out and args.out != "-" and (code := refused(Path(args.out))) is not None:
        return code
    try:
        given = read_return(args.ret)
    except ReturnUnreadable as error:
        return fail(str(error))
    library = load_library(args.standards).library
    for edition_id, role in ((given.edition, f"{args.ret} names"), (args.to, "--to names")):
        if edition_id not in library.editions:
            known = ", ".join(sorted(library.editions)) or "none"
            return fail(
                f"{role} the edition '{edition_id}', which is not in {args.standards} or does not load (editions: {known})"
            )
    if given.edition == args.to:
        return fail(f"{args.ret} is already a return to {args.to}")
    if given.edition > args.to:
        return fail(
            f"{args.ret} is a return to {given.edition}, which is later than {args.to}; carry returns forward only"
        )
    old, new = library.editions[given.edition], library.editions[args.to]
    between = [e for e in library.editions.values() if old.id < e.id < new.id]
    result = carry_forward(given.rows, old, new, between)

    out = Path(args.out) if args.out and args.out != "-" else None
    if args.out is None:
        out = _default_out(args.ret, old.id, new.id)
        if os.path.lexists(out) and not args.force:
            return fail(f"{out} already exists; name another file with --out")
        if (code := refused(out)) is not None:
            return code
    as_json = out is not None and out.suffix.lower() == ".json"
    written = to_json(result, given.extra) if as_json else to_csv(result)
    if out is None:
        outputs.to_stdout(written)
    else:
        try:
            outputs.write_file(out, written.encode("utf-8"), force=args.force)
        except OSError as error:
            return fail(f"toolkit carry-forward: cannot write {out}: {outputs.reason(error)}")

    report = sys.stderr
    for problem in result.problems:
        print(f"{args.ret}: {problem}", file=report)
    kept, again, empty = (result.with_status(s) for s in ("kept", "check again", "empty"))
    print(
        f"{result.practice_code or 'the practice'}: {old.id} → {new.id}: {len(kept)} kept, {len(again)} to check again, "
        f"{len(result.dropped)} dropped, {len(empty)} empty" + (f"; written to {out}" if out else ""),
        file=report,
    )
    if again:
        print("Check again:", file=report)
        for row in again:
            print(f"  {row.question_id}: {row.reason}", file=report)
    if result.dropped:
        print(f"Dropped (no longer asked in {new.id}):", file=report)
        for dropped in result.dropped:
            print(f"  {dropped.question_id} {dropped.text} — answered '{dropped.answer}'", file=report)
    new_questions = [r.question_id for r in empty if r.from_id is None]
    if new_questions:
        print(f"New in {new.id}, to answer: {', '.join(new_questions)}", file=report)
    return 0
