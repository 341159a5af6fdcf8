"""toolkit edition: start next year's edition as a draft, and publish it once it checks clean.

Example:
    toolkit edition new 2026-27 --from 2025-26
    toolkit check
    toolkit edition publish 2026-27

Exit codes: 0 done; 1 refused (the edition exists, is unknown, or has problems); 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True, help="new or publish")
    new = actions.add_parser(
        "new",
        help="copy an edition to a new draft edition with its dates moved on",
        description="Copy an edition folder to a new draft edition, with its dates moved on and 'follows' set.",
    )
    new.add_argument("edition", help="the new edition's id, such as 2026-27")
    new.add_argument("--from", dest="from_id", help="the edition to copy (default: the newest in the folder)")
    publish = actions.add_parser(
        "publish",
        help="mark a draft edition published, if toolkit check finds no errors",
        description="Mark a draft edition published (and dated today if it has no date), if toolkit check finds no errors.",
    )
    publish.add_argument("edition", help="the edition's id, such as 2026-27")
    publish.add_argument(
        "--date", type=dt.date.fromisoformat, help="publication date, YYYY-MM-DD, when edition.yml gives none"
    )


def run(args: argparse.Namespace) -> int:
    from ..editions import EditionRefused, check_edition_id, new_edition, publish_edition
    from ..load import display

    try:
        if args.action == "new":
            check_edition_id(args.edition)
            target = args.standards / args.edition
            if os.path.lexists(target):  # a folder, a file, or a link, even a broken one: never replaced
                shown = os.path.join(display(args.standards), args.edition)  # the link itself, not where it leads
                raise EditionRefused(f"{shown} already exists; edit it, or remove it to start again")
            started = new_edition(args.standards, args.edition, args.from_id)
            print(f"started {started.edition_id} in {started.folder} as a draft")
            for key, before, after in started.changes:
                print(f"  {key}: {before or '(none)'} → {after}")
            print("next: edit its files, run 'toolkit check' and 'toolkit serve', then 'toolkit edition publish'")
            return 0
        published = publish_edition(args.standards, args.edition, args.date)
    except EditionRefused as refused:
        for problem in refused.problems:
            print(problem.format())
        print(refused.message, file=sys.stderr)
        return 1
    for warning in published.warnings:
        print(warning.format())
    if published.already:
        print(f"{published.edition_id} was already published ({published.date.isoformat()}); nothing changed")
    else:
        print(f"published {published.edition_id}, dated {published.date.isoformat()}")
    if published.current == published.edition_id:
        print(f"{published.edition_id} is the current edition; earlier ones stay published as archived editions")
    else:
        print(f"the current edition is still {published.current}, the newest published one")
    return 0
