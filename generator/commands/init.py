"""toolkit init: start a new ICB's project that builds on the core edition shipped with the toolkit.

Writes toolkit.yml, an edition that builds on the newest published core edition with an empty
overlay, the folders for local domains, the register and the logo, and a README for the ICB.
Nothing in DEST is replaced: if any of those files is already there, nothing is written.

Example:
    toolkit init nhs-west-icb --icb-name "NHS West Integrated Care Board" --icb-code QX9
    cd nhs-west-icb && toolkit build
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", type=Path, metavar="DEST", help="the new project's folder (new, or without its files)")
    parser.add_argument(
        "--icb-name", required=True, help="the ICB's full name, such as 'NHS West Integrated Care Board'"
    )
    parser.add_argument("--icb-code", required=True, help="the ICB's ODS code, such as QK1; local ids start with it")


def run(args: argparse.Namespace) -> int:
    from ..overlay_init import InitRefused, make_project

    try:
        made = make_project(args.dest, args.icb_name, args.icb_code)
    except InitRefused as refused:
        print(f"toolkit init: {refused}", file=sys.stderr)
        return 1
    for path in made.files:
        print(path)
    print(
        f"made a project for {args.icb_name.strip()} in {made.folder}, building on {made.builds_on}; "
        f"next: cd {made.folder} and run toolkit build (see its README.md)",
        file=sys.stderr,
    )
    return 0
