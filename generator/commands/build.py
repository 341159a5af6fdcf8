"""toolkit build: check the standards, then build the guidance site into site/.

The current edition (the newest published) is at the site's root; every earlier published
edition is at site/<edition>/ with an "archived edition" banner; drafts are built only with
--include-drafts, with a "draft" banner on every page. A build that fails leaves site/ as it was.

Example:
    toolkit build
    toolkit build --include-drafts --site preview-site
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument("--site", type=Path, default=Path("site"), help="where the site goes (default: site)")
    parser.add_argument(
        "--include-drafts", action="store_true", help="also build draft editions, each with a draft banner"
    )


def run(args: argparse.Namespace) -> int:
    from ..site.build import BuildOptions, build, describe

    result = build(BuildOptions(standards=args.standards, site=args.site, include_drafts=args.include_drafts))
    for problem in result.problems:
        print(problem.format())
    if not result.ok:
        from ..problems import summary

        print(f"{summary(result.problems)}: site not built, {args.site} left as it was", file=sys.stderr)
        return 1
    print(describe(result, args.site), file=sys.stderr)
    return 0
