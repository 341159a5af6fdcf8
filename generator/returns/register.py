"""The practice register: the ICB's practices, as a simple CSV or as NHS England's ``epraccur`` file.

A simple CSV has the columns ``practice_code,practice_name``, read as forgivingly as a
return (UTF-8 with or without a byte order mark, else Windows-1252; column names in any
case, ``ODS code`` or ``code`` for the code and ``name`` for the name). Its order is kept:
status.csv lists practices in it. Optional columns whose names start ``email`` (``email``,
``email_2``, ``Email address``) give the addresses ``toolkit remind`` writes to; a cell may hold
several, separated by ``;``.

``epraccur`` is the Organisation Data Service's file of GP practices (prescribing cost
centres) as downloaded: a CSV with no header row and 27 columns, of which the toolkit reads
1 the practice code, 2 its name, 4 the ICB's code (high level health geography, such as
``QK1``), 13 the status (``A`` active; ``C`` closed, ``D`` dormant, ``P`` proposed), 15 the
sub-ICB location (commissioner, such as ``04C``) and 26 the prescribing setting or role
(``RO76`` a GP practice in current files, ``4`` in older ones). Only the active GP practices
of the ICB are kept, and what was left out is counted by reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .read import column_name

CODE_COLUMNS = ("practice_code", "ods_code", "code")
NAME_COLUMNS = ("practice_name", "name")


class RegisterError(ValueError):
    """The register cannot be read; the message says why in words."""


EPRACCUR_COLUMNS = 27
GP_PRACTICE = frozenset({"RO76", "4"})
ACTIVE = "A"
STATUSES = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
_ODS = re.compile(r"^[A-Z][0-9]{5}$")


@dataclass
class Register:
    """The ICB's practices (code → name, in the file's order), each one's sub-ICB location where the file gives
    it, and, for an epraccur file, how many of its rows were left out and why."""

    practices: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    emails: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each practice's email addresses, from a simple CSV's email columns (none for a practice without)."""


def read_register(path: Path, icb: str | None = None) -> dict[str, str]:
    """ODS code → practice name, in the register's order (see :func:`read_register_file`)."""
    return read_register_file(path, icb).practices


def read_register_file(path: Path, icb: str | None = None) -> Register:
    """The register in ``path``: a simple CSV, or NHS England's epraccur file (kept to ICB ``icb``'s practices)."""
    records = _records(path)
    if _is_epraccur(records):
        return _epraccur(path, records, icb)
    return Register(_simple(path, records), emails=_emails(records))


def _is_epraccur(records: list[list[str]]) -> bool:
    first = records[0]
    return len(first) >= EPRACCUR_COLUMNS - 2 and bool(_ODS.match(first[0].strip().upper()))


def _epraccur(path: Path, records: list[list[str]], icb: str | None) -> Register:
    rows = [r + [""] * (EPRACCUR_COLUMNS - len(r)) for r in records]
    icbs = sorted({r[3].strip().upper() for r in rows if r[3].strip()})
    if icb is None:
        if len(icbs) != 1:
            raise RegisterError(
                f"{path}: this is NHS England's epraccur file, with the practices of {len(icbs)} ICBs: give your "
                f"ICB's code with --icb (such as {icbs[0] if icbs else 'QK1'}) to keep its practices"
            )
        icb = icbs[0]
    icb = icb.strip().upper()
    found = Register()
    for row in rows:
        code = row[0].strip().upper()
        if row[3].strip().upper() != icb:
            reason = "of another ICB"
        elif row[25].strip().upper() not in GP_PRACTICE:
            reason = "not a GP practice (another prescribing setting)"
        elif row[12].strip().upper() != ACTIVE:
            reason = STATUSES.get(row[12].strip().upper(), f"of status '{row[12].strip()}'")
        else:
            found.practices[code] = row[1].strip()
            found.places[code] = row[14].strip().upper()
            continue
        found.left_out[reason] = found.left_out.get(reason, 0) + 1
    if not found.practices:
        raise RegisterError(f"{path}: the epraccur file holds no active GP practice of the ICB {icb}")
    return found


def _records(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RegisterError(f"{path}: cannot read the practice register ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    except csv.Error as error:
        raise RegisterError(f"{path}: the practice register is not a CSV file we can read ({error})") from None
    if not records:
        raise RegisterError(f"{path}: the practice register is empty; it needs the columns practice_code,practice_name")
    return records


def _simple(path: Path, records: list[list[str]]) -> dict[str, str]:
    names = [column_name(label) for label in records[0]]
    code_at = next((names.index(c) for c in CODE_COLUMNS if c in names), None)
    if code_at is None:
        raise RegisterError(
            f"{path}: the practice register has no practice_code column; its first row must be "
            f"practice_code,practice_name (it is {','.join(records[0])})"
        )
    name_at = next((names.index(c) for c in NAME_COLUMNS if c in names), None)
    register: dict[str, str] = {}
    for record in records[1:]:
        code = record[code_at].strip().upper() if code_at < len(record) else ""
        if code:
            register[code] = record[name_at].strip() if name_at is not None and name_at < len(record) else ""
    return register


def _emails(records: list[list[str]]) -> dict[str, tuple[str, ...]]:
    """Code → the addresses in the columns whose names start 'email', in column order, each once."""
    names = [column_name(label) for label in records[0]]
    code_at = next((names.index(c) for c in CODE_COLUMNS if c in names), 0)
    columns = [i for i, name in enumerate(names) if name.startswith("email")]
    found: dict[str, tuple[str, ...]] = {}
    for record in records[1:]:
        code = record[code_at].strip().upper() if code_at < len(record) else ""
        cells = [record[i] for i in columns if i < len(record)]
        addresses = dict.fromkeys(a.strip() for cell in cells for a in re.split(r"[;,]", cell) if a.strip())
        if code and addresses:
            found[code] = tuple(addresses)
    return found
