"""The practice register: the ICB's practices, a CSV with the columns ``practice_code,practice_name``.

Read as forgivingly as a return (UTF-8 with or without a byte order mark, else
Windows-1252; column names in any case, ``ODS code`` or ``code`` for the code and
``name`` for the name). Its order is kept: status.csv lists practices in it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .read import column_name

CODE_COLUMNS = ("practice_code", "ods_code", "code")
NAME_COLUMNS = ("practice_name", "name")


class RegisterError(ValueError):
    """The register cannot be read; the message says why in words."""


def read_register(path: Path) -> dict[str, str]:
    """ODS code → practice name, in the register's order."""
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
