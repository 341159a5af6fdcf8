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
    toolkit support export --out cases.xlsx
    toolkit support import cases.xlsx

The workbook's status, outcome, owner and new-note columns are edited in Excel or LibreOffice;
the import applies only the rows changed, and refuses (and names) a row whose case was changed
in the store since the export. A note is always added to the case's notes, never put in place of one.
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
    parser.add_argument(
        "--target-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="the ICB's target for first contact, in working days (default: toolkit.yml's support: target_working_days, else 10): the list shows when each new "
        "case's first contact is due",
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
    out = actions.add_parser(
        "export", help="write the cases to a workbook to edit", description="Write the cases to an .xlsx workbook."
    )
    out.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook to write")
    out.add_argument("--edition", help="only the cases of this edition")
    out.add_argument("--force", action="store_true", help="replace the file if it is there")
    back = actions.add_parser(
        "import",
        help="apply the rows changed in an exported workbook",
        description="Apply the rows changed in a workbook 'toolkit support export' wrote.",
    )
    back.add_argument("workbook", type=Path, metavar="FILE.xlsx", help="the edited workbook")


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..load import load_library
    from ..report.helpgiven import due_by, target_working_days
    from ..support import SupportError, cases, history, sync, update

    if not (args.store / "ledger.sqlite").is_file():
        print(
            f"toolkit support: {args.store}: no ledger here; run 'toolkit collect' first or give --store",
            file=sys.stderr,
        )
        return 2
    if args.target_days is not None and args.target_days < 0:
        print("toolkit support: --target-days must be 0 or more working days", file=sys.stderr)
        return 2
    try:
        target = target_working_days(args.standards.absolute().parent, args.target_days)
        library = load_library(args.standards).library
        sync(args.store, library)
        if args.action in ("export", "import"):
            owners = {c.id for e in library.editions.values() for c in e.references.contacts}
            return workbook(args, owners)
        if args.action == "list":
            found = cases(args.store, edition=args.edition, owner=args.owner, domain=args.domain, status=args.status)
            for case in found:
                flags = " (withdrawn)" if case.withdrawn else ""
                closed = f": {case.outcome}" if case.outcome else ""
                due = due_by(dt.date.fromisoformat(case.opened_at[:10]), target) if case.status == "new" else None
                print(
                    f"{case.id}\t{case.edition}\t{case.practice_code}\t{case.domain_id}\t{case.owner}\t"
                    f"{case.status}{closed}{flags}\t{case.request}\t"
                    + (f"first contact due by {due.isoformat()}" if due else "")
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


def workbook(args: argparse.Namespace, owners: set[str]) -> int:
    """Export the cases to a workbook, or import an edited one."""
    from .. import outputs
    from ..support_workbook import WorkbookError, apply, export, read

    if args.action == "export":
        refused = outputs.check_file(args.out, outputs.places(args.standards, [args.store]), force=args.force)
        if refused:
            print(refused.format("support export", "--out"), file=sys.stderr)
            return 2
        outputs.write_file(args.out, export(args.store, edition=args.edition), force=args.force)
        print(f"Cases written to {args.out}: edit the yellow columns, then 'toolkit support import'", file=sys.stderr)
        return 0
    try:
        rows, exported = read(args.workbook)
    except WorkbookError as error:
        print(f"toolkit support import: {error}", file=sys.stderr)
        return 1
    done = apply(args.store, rows, exported, owners=owners)
    for applied in done.applied:
        print(applied.format())
    for refusal in done.refused:
        print(f"toolkit support import: {refusal.format()}", file=sys.stderr)
    print(
        f"{len(done.applied)} case{'' if len(done.applied) == 1 else 's'} changed, {len(done.refused)} refused, "
        f"{done.unchanged} unchanged",
        file=sys.stderr,
    )
    return 1 if done.refused else 0
