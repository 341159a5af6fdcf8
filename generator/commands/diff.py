"""toolkit diff: what changed between two editions.

Example:
    toolkit diff 2024-25 2025-26
    toolkit diff 2024-25 2025-26 --markdown --out bulletin.md

--out never writes over a file unless --force is given; the file is written whole or not at all.

Exit codes: 0 done (changes or not); 1 an edition is missing or does not load, or the --out file
exists (without --force) or cannot be written; 2 usage error, or an --out that cannot be a file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", help="the earlier edition, such as 2024-25")
    parser.add_argument("new", help="the later edition, such as 2025-26")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="write Markdown for the bulletin to practices (removed words ~~struck~~, added words **bold**)",
    )
    parser.add_argument(
        "--out", type=Path, help="write to this file instead of the terminal ('-' is the terminal); never over a file"
    )
    parser.add_argument("--force", action="store_true", help="replace the --out file if it exists")


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..diff import diff_editions, to_markdown, to_text
    from ..load import load_library
    from ..problems import errors

    out: Path | None = None if args.out is None or str(args.out) == "-" else args.out
    if out is not None:
        not_ours = outputs.check_file(out, outputs.places(args.standards), force=args.force)
        if not_ours:
            print(not_ours.format("diff", "--out"), file=sys.stderr)
            return 1 if not_ours.exists else 2
    loaded = load_library(args.standards)
    library = loaded.library
    missing = [e for e in (args.old, args.new) if e not in library.editions]
    if missing:
        for problem in errors(loaded.problems):
            if any(f"/{e}/" in problem.path or problem.path.startswith(f"{e}/") for e in missing):
                print(problem.format(), file=sys.stderr)
        folders = sorted(loaded.sources)
        for edition_id in missing:
            why = "does not load; run toolkit check" if edition_id in folders else "is not in the standards folder"
            print(f"the edition {edition_id} {why} (editions: {', '.join(folders) or 'none'})", file=sys.stderr)
        return 1
    if args.old == args.new:
        print("give two different editions", file=sys.stderr)
        return 2
    old, new = library.editions[args.old], library.editions[args.new]
    if old.id > new.id:
        print(f"showing the changes from the earlier {new.id} to the later {old.id}", file=sys.stderr)
        old, new = new, old
    between = [e for e in library.editions.values() if old.id < e.id < new.id]
    diff = diff_editions(old, new, between)
    shown = to_markdown(diff) if args.markdown else to_text(diff)
    if out is not None:
        try:
            outputs.write_file(out, shown.encode("utf-8"), force=args.force)
        except OSError as error:
            print(f"toolkit diff: cannot write {out}: {outputs.reason(error)}", file=sys.stderr)
            return 1
        print(f"wrote {out}", file=sys.stderr)
    else:
        outputs.to_stdout(shown)
    return 0
