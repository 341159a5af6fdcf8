"""toolkit export: one ICB's returns to an edition as a bundle for the region (a Frictionless Data Package zip).

Example:
    toolkit export --edition 2025-26 --out qk1-2025-26.zip
    toolkit export --edition 2025-26 --out qk1-2025-26-counts.zip --counts-only
    toolkit export --edition 2025-26 --register epraccur.csv --icb QK1 --icb-name "NHS Example ICB" --out qk1.zip

The bundle holds the ICB's code and name, the register snapshot (practice → sub-ICB location → ICB →
region) and its date, which question ids are core, the answers of each valid return keyed by practice
code, edition and question id, support requests per domain and the CQC ratings the store keeps.
--counts-only leaves out everything practice by practice: counts alone, for a regional audience.
The ICB's code, name and register default to those in toolkit.yml.
Exit codes: 0 written; 1 the store could not be read or the bundle not written; 2 usage error (an
unknown edition, no ICB code or name, a register that cannot be read, an --out that is there already
without --force, or inside the site).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

DEFAULT_STORE = Path("store")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", help="the edition whose returns to export (default: the current edition)")
    parser.add_argument("--out", type=Path, required=True, help="the bundle to write: a .zip file")
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE,
        help=f"the store 'toolkit collect' wrote (default: {DEFAULT_STORE})",
    )
    parser.add_argument("--register", type=Path, help="the practice register (default: the one toolkit.yml names)")
    parser.add_argument(
        "--register-date",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the date of the register snapshot (default: the register file's date)",
    )
    parser.add_argument("--icb", help="the ICB's ODS code, such as QK1 (default: toolkit.yml's)")
    parser.add_argument("--icb-name", help="the ICB's name (default: toolkit.yml's)")
    parser.add_argument(
        "--counts-only", action="store_true", help="leave out practice-level detail: counts only, no practice named"
    )
    parser.add_argument("--force", action="store_true", help="replace a bundle already at --out")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )


def _settings(standards: Path) -> tuple[str | None, str | None, Path | None]:
    """The ICB's code, name and register from toolkit.yml beside the standards, where it can be read."""
    from ..settings import load_settings

    settings, _ = load_settings(standards.absolute().parent)
    if settings is None:
        return None, None, None
    return settings.icb.ods_code, settings.icb.name, settings.register


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..check import check
    from ..report import ledger
    from ..report.inputs import read_register
    from ..report.ratings import RatingsError, history
    from ..returns.register import RegisterError
    from ..rollup.bundle import zipped
    from ..rollup.export import bundle_of, regions_of

    code, name, register_path = _settings(args.standards)
    code = (args.icb or code or "").strip().upper()
    name = (args.icb_name or name or "").strip()
    if not code or not name:
        print(
            "toolkit export: the bundle must say whose it is: give --icb CODE and --icb-name NAME, or set them in "
            "toolkit.yml",
            file=sys.stderr,
        )
        return 2
    refused = outputs.check_file(args.out, outputs.places(args.standards, [args.store]), force=args.force)
    if refused is not None:
        print(refused.format("export", "--out"), file=sys.stderr)
        return 2
    register_path = args.register or register_path
    try:
        register = read_register(register_path, code) if register_path is not None else None
    except RegisterError as error:
        print(f"toolkit export: {error}", file=sys.stderr)
        return 2
    library, _ = check(args.standards)
    current = library.current()
    edition_id = args.edition or (current.id if current else "")
    edition = library.editions.get(edition_id)
    if edition is None:
        known = ", ".join(sorted(library.editions)) or "none"
        print(f"toolkit export: no edition '{edition_id}' could be loaded (editions loaded: {known})", file=sys.stderr)
        return 2
    register_date = ""
    if register_path is not None:
        day = args.register_date or dt.datetime.fromtimestamp(register_path.stat().st_mtime, dt.UTC).date()
        register_date = day.isoformat()
    try:
        returns = ledger.read_returns(args.store, edition.id, notes=False)
        held = history(args.store)
    except (ledger.LedgerError, RatingsError) as error:
        print(f"toolkit export: {error}", file=sys.stderr)
        return 1
    bundle = bundle_of(
        edition,
        returns,
        icb_code=code,
        icb_name=name,
        register=register,
        regions=regions_of(register_path) if register_path is not None else {},
        register_date=register_date,
        ratings=held[-1][1] if held else None,
        counts_only=args.counts_only,
        exported_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    try:
        outputs.write_file(args.out, zipped(bundle), force=args.force)
    except OSError as error:
        print(f"toolkit export: {args.out}: cannot be written ({outputs.reason(error)})", file=sys.stderr)
        return 1
    valid = sum(p.valid for p in bundle.places)
    detail = "counts only" if bundle.counts_only else f"{len(bundle.answers):,} answers"
    print(
        f"{code} {name}: {valid:,} valid returns to {edition.id} ({detail}; {len(bundle.core_ids):,} core questions) "
        f"written to {args.out}"
    )
    return 0
