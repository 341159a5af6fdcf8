"""toolkit check: load every edition and the ICB's settings (toolkit.yml beside the standards folder), and
report every problem as path:line:column: message.

Example:
    toolkit check
    toolkit check --standards path/to/standards --json
    toolkit check --links        # also ask every outside link in the standards and content/ whether it still works
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument("--json", action="store_true", help="print the problems as JSON for other programs")
    parser.add_argument(
        "--links",
        action="store_true",
        help="also check every outside link in the standards and content/ (answers cached for an hour in .cache/)",
    )


def run(args: argparse.Namespace) -> int:
    from ..check import check
    from ..problems import errors, summary
    from ..settings import load_settings

    library, problems = check(args.standards)
    _, settings_problems = load_settings(args.standards.parent)
    problems = sorted(problems + settings_problems, key=lambda p: (p.path, p.line, p.column, p.message))
    if args.links:
        from ..links import check_links, find_links, link_problems

        root = args.standards.parent
        found = find_links(args.standards, root / "content")
        results = check_links((link.url for link in found), root / ".cache" / "links.json")
        problems = sorted(problems + link_problems(found, results), key=lambda p: (p.path, p.line, p.column, p.message))
        if not args.json:
            broken = sum(1 for r in results.values() if r.broken)
            print(f"{len(results)} outside links checked, {broken} broken", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(p) for p in problems], indent=2))
    else:
        for problem in problems:
            print(problem.format())
        editions = ", ".join(sorted(library.editions)) or "none"
        print(f"{summary(problems)} (editions loaded: {editions})", file=sys.stderr)
    return 1 if errors(problems) else 0
