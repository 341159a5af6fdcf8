"""toolkit support: the support requests practices made, as cases the quality team works until each is closed.

A "yes" to a domain's support question in a return that counts opens a case (when the returns
are collected, or here), owned by the domain's ICB contact. List them, filtered, and move one
on with a note; every change is kept.

Example:
    toolkit support list --status new
    toolkit support list --owner safeguarding-lead --edition 2025-26
    toolkit support update 12 --status contacted --note "Rang the practice manager; visit booked"
    toolkit support update 12 --status closed --outcome "visit made"
    toolkit support history 12
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=Path("store"), help="the store 'toolkit collect' wrote")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="list the cases, update one, or show one's history"
    )
    listing = actions.add_parser("list", help="list the cases, newest requests last", description="List the cases.")
    listing.add_argument("--edition", help="only the cases of this edition, such as 2025-26")
    listing.add_argument("--owner", help="the contact's id, as in references.yml")
    listing.add_argument("--domain", help="the domain's id")
    listing.add_argument(
        "--status", choices=("new", "contacted", "in progress", "closed"), help="only cases at this step"
    )
    changing = actions.add_parser("update", help="move a case on, or add a note", description="Change one case.")
    changing.add_argument("case", type=int, metavar="CASE", help="the case's number, as the list gives it")
    changing.add_argument(
        "--status", choices=("new", "contacted", "in progress", "closed"), help="the step the case has reached"
    )
    changing.add_argument("--outcome", help="how the case closed, such as 'visit made' or 'training arranged'")
    changing.add_argument("--owner", help="the contact now responsible, by id")
    changing.add_argument("--note", default="", help="what was done or said")
    shown = actions.add_parser("history", help="every change to one case", description="Show a case's history.")
    shown.add_argument("case", type=int, metavar="CASE", help="the case's number, as the list gives it")


def run(args: argparse.Namespace) -> int:
    from ..load import load_library
    from ..support import SupportError, cases, history, sync, update

    if not (args.store / "ledger.sqlite").is_file():
        print(
            f"toolkit support: {args.store}: no ledger here; run 'toolkit collect' first or give --store",
            file=sys.stderr,
        )
        return 2
    try:
        sync(args.store, load_library(args.standards).library)
        if args.action == "list":
            found = cases(args.store, edition=args.edition, owner=args.owner, domain=args.domain, status=args.status)
            for case in found:
                flags = " (withdrawn)" if case.withdrawn else ""
                closed = f": {case.outcome}" if case.outcome else ""
                print(
                    f"{case.id}\t{case.edition}\t{case.practice_code}\t{case.domain_id}\t{case.owner}\t"
                    f"{case.status}{closed}{flags}\t{case.request}"
                )
            print(f"{len(found)} case{'' if len(found) == 1 else 's'}", file=sys.stderr)
        elif args.action == "update":
            changes = {k: v for k in ("status", "outcome", "owner") if (v := getattr(args, k)) is not None}
            case = update(args.store, args.case, changes, args.note)
            print(f"case {case.id}: {case.status}{': ' + case.outcome if case.outcome else ''}", file=sys.stderr)
        else:
            for change in history(args.store, args.case):
                print(f"{change.at}\t{change.what}\t{change.old}\t{change.new}")
    except SupportError as error:
        print(f"toolkit support: {error}", file=sys.stderr)
        return 1
    return 0
