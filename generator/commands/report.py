"""toolkit report: the ICB's report on one edition's returns, as HTML, CSV and Excel.

Example:
    toolkit report
    toolkit report --edition 2025-26
    toolkit report --edition 2025-26 --store returns-store --register practices.csv --out reports/2025-26

The report is written to the store's report/ folder unless --out says otherwise, and
never inside the published site/: it names practices and is for the ICB only.
Exit codes: 0 written; 1 the store could not be read or the report not written; 2 usage error
(an unknown edition, a register that cannot be read, an --out inside site/ or another of the
project's folders, or a folder that is not empty and was not made by toolkit report).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_STORE = Path("store")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--edition",
        help="the edition whose returns to report on, such as 2025-26 (default: the current published edition)",
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE,
        help=f"the store 'toolkit collect' wrote (default: {DEFAULT_STORE})",
    )
    parser.add_argument("--out", type=Path, help="the folder to write the report into (default: <store>/report)")
    parser.add_argument(
        "--register",
        type=Path,
        help="the practice register, a CSV practice_code,practice_name: with it, practices with no return are listed as missing",
    )
    parser.add_argument(
        "--previous", help="the edition to compare with year on year (default: the one the edition follows)"
    )
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--target-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="the ICB's target for first contact on a support request, in working days (default: toolkit.yml's support: target_working_days, else 10)",
    )
    parser.add_argument(
        "--icb", help="the ICB's code (such as QK1): keeps its active practices from an epraccur register"
    )
    parser.add_argument(
        "--cqc",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "CQC's 'Latest ratings' file (.ods, or its Locations sheet as .xlsx or .csv), kept in the store so that "
            "later reports need it no more; give one per month kept to build up a history (repeatable)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..check import check
    from ..problems import errors
    from ..report.build import ReportError, check_out, make
    from ..report.helpgiven import target_working_days
    from ..report.inputs import read_register
    from ..returns.register import RegisterError
    from ..settings import SettingsError, icb_settings

    if args.target_days is not None and args.target_days < 0:
        print("toolkit report: --target-days must be 0 or more working days", file=sys.stderr)
        return 2
    out: Path = args.out or args.store / "report"
    around = outputs.places(args.standards, [args.store]) + outputs.store_parts(args.store)
    not_ours = outputs.check_folder(out, "report", around)
    try:
        if outputs.resolved(out) is not None:  # (a symbolic link loop is refused below)
            check_out(out)
        # The ICB's settings (toolkit.yml beside the standards), when the project has them: its name, its register.
        icb = icb_settings(args.standards.absolute().parent)
        register_path = args.register or (icb.register if icb else None)
        icb_code = args.icb or (icb.icb.ods_code if icb else None)
        listed = read_register(register_path, icb_code) if register_path else None
        register = listed.practices if listed is not None else None
    except (ReportError, RegisterError, SettingsError) as error:
        print(f"toolkit report: {error}", file=sys.stderr)
        return 2
    if not_ours:
        print(not_ours.format("report", "--out" if args.out else "the report folder"), file=sys.stderr)
        return 2
    library, problems = check(args.standards)
    if args.edition is None:
        current = library.current()
        args.edition = current.id if current else "(no published edition)"
    if args.edition not in library.editions:
        for problem in errors(problems):
            print(problem.format(), file=sys.stderr)
        known = ", ".join(sorted(library.editions)) or "none"
        print(
            f"toolkit report: no edition '{args.edition}' could be loaded (editions loaded: {known})", file=sys.stderr
        )
        return 2
    try:
        made = make(
            library,
            args.edition,
            args.store,
            out,
            register=register,
            previous_id=args.previous,
            cqc=args.cqc,
            places=listed.places if listed is not None else None,
            target_days=target_working_days(args.standards.absolute().parent, args.target_days),
            icb_name=icb.icb.name if icb else "",
        )
    except ReportError as error:
        print(f"toolkit report: {error}", file=sys.stderr)
        return 1
    f = made.figures
    print(
        f"{len(f.returns):,} practices: {f.count('valid'):,} valid, {f.count('invalid'):,} invalid, "
        f"{f.count('missing'):,} missing; {len(f.risks):,} answers flag a risk; {len(f.support):,} support requests"
    )
    if made.comparison.result is None and made.comparison.note:
        print(made.comparison.note)
    print(f"Report written to {out / 'report.html'} (for the ICB only), with {len(made.files) - 1} CSV and Excel files")
    return 0
