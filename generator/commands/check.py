"""toolkit check: load every edition, report every problem as path:line:column: message.

Example:
    toolkit check
    toolkit check --standards path/to/standards --json
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


def run(args: argparse.Namespace) -> int:
    from ..check import check
    from ..problems import errors, summary

    library, problems = check(args.standards)
    if args.json:
        print(json.dumps([asdict(p) for p in problems], indent=2))
    else:
        for problem in problems:
            print(problem.format())
        editions = ", ".join(sorted(library.editions)) or "none"
        print(f"{summary(problems)} (editions loaded: {editions})", file=sys.stderr)
    return 1 if errors(problems) else 0
