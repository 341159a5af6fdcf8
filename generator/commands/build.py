"""toolkit build: check the standards, then build the guidance site into site/.

The current edition (the newest published) is at the site's root; every earlier published
edition is at site/<edition>/ with an "archived edition" banner; drafts are built only with
--include-drafts, with a "draft" banner on every page. A build that fails leaves site/ as it was.

The forms of each edition, and the editions, are made side by side on every core; --jobs 1
makes them in one process. The files are the same, byte for byte, whichever is used.

Example:
    toolkit build
    toolkit build --include-drafts --site preview-site
    toolkit build --jobs 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .arguments import whole

if TYPE_CHECKING:
    from ..site.build import BuildResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("site"),
        help="where the site goes (default: site); replaced whole, so a new or empty folder or an earlier site",
    )
    parser.add_argument(
        "--include-drafts", action="store_true", help="also build draft editions, each with a draft banner"
    )
    parser.add_argument(
        "--status-page",
        action="store_true",
        help="add the public status page (status/): each practice's return received and valid, and when; no answers",
    )
    parser.add_argument(
        "--store", type=Path, default=Path("store"), help="with --status-page: the returns store (default: store)"
    )
    parser.add_argument("--register", type=Path, help="with --status-page: the register (default: toolkit.yml's)")
    parser.add_argument(
        "--jobs",
        type=whole(1, 256),
        default=None,
        metavar="N",
        help="processes to make the forms and editions on (default: one per core; 1: this process alone)",
    )


def print_result(result: BuildResult, site: Path) -> None:
    """Every problem on stdout as path:line:column: message, then one line on stderr."""
    from ..problems import summary
    from ..site.build import describe

    for problem in result.problems:
        print(problem.format(), flush=True)
    if result.ok:
        print(describe(result, site), file=sys.stderr, flush=True)
    else:
        print(f"{summary(result.problems)}: site not built, {site} left as it was", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from ..outputs import check_folder, places
    from ..overlay_sources import site_sources
    from ..site.build import BuildOptions, build
    from ..site.statuspage import StatusSource

    refused = check_folder(args.site, "site", places(args.standards))
    if refused:
        print(refused.format("build", "--site"), file=sys.stderr)
        return 2
    sources = site_sources(args.standards.parent)  # an ICB's project made by toolkit init uses the toolkit's own
    options = BuildOptions(
        standards=args.standards,
        site=args.site,
        include_drafts=args.include_drafts,
        status_page=StatusSource(args.store, args.register) if args.status_page else None,
        jobs=args.jobs,
        config=sources.config,
        content=sources.content,
        templates=sources.templates,
    )
    result = build(options)
    print_result(result, args.site)
    return 0 if result.ok else 1
