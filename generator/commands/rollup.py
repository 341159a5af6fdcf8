"""toolkit rollup: a regional report (HTML and CSV) from the bundles several ICBs exported.

Example:
    toolkit rollup --from qk1-2025-26.zip --from qe1-2025-26.zip --out regional/2025-26

Returns received against active practices per ICB and sub-ICB location, domain ratings and risks on
the core questions only, support requests per domain per ICB, and CQC ratings where a bundle gives them.
Bundles on different core editions are compared through the lineage of their questions, which needs
the core editions among --standards.
Exit codes: 0 written; 1 the report could not be written; 2 a bundle that cannot be read or combined,
or an --out folder that is not empty and was not made by toolkit, or is inside the site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="bundles",
        type=Path,
        action="append",
        required=True,
        metavar="FILE",
        help="a bundle written by toolkit export (a .zip, or its unpacked folder); repeat for each ICB",
    )
    parser.add_argument("--out", type=Path, required=True, help="the folder to write the regional report into")
    parser.add_argument(
        "--standards",
        type=Path,
        default=Path("standards"),
        help="the standards folder, holding the core editions when bundles' editions differ (default: standards)",
    )


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..report.build import ReportError, check_out
    from ..rollup.bundle import BundleError, read
    from ..rollup.combine import RollupError, combine
    from ..rollup.write import write

    refused = outputs.check_folder(args.out, "report", outputs.places(args.standards))
    try:
        if refused is None and outputs.resolved(args.out) is not None:
            check_out(args.out)
    except ReportError as error:
        print(f"toolkit rollup: {error}", file=sys.stderr)
        return 2
    if refused is not None:
        print(refused.format("rollup", "--out"), file=sys.stderr)
        return 2
    try:
        bundles = [read(path, practices=False) for path in args.bundles]
        library = None
        if len({b.core_edition_id for b in bundles}) > 1:
            from ..check import check

            library, _ = check(args.standards)
        regional = combine(bundles, library)
    except (BundleError, RollupError) as error:
        print(f"toolkit rollup: {error}", file=sys.stderr)
        return 2
    try:
        written = write(regional, args.out, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    except OSError as error:
        print(f"toolkit rollup: {args.out}: cannot write the report ({outputs.reason(error)})", file=sys.stderr)
        return 1
    print(
        f"{len(bundles)} {'ICB' if len(bundles) == 1 else 'ICBs'}: {regional.total('valid'):,} valid returns from {regional.total('active'):,} active "
        f"practices; regional report written to {args.out / 'report.html'} with {len(written) - 1} CSV files"
    )
    for note in regional.notes:
        print(note)
    return 0
