"""Support cases to a workbook and back: the quality team edits cases in Excel or LibreOffice.

The export writes one row per case on the sheet ``Cases``: what the store holds, with four
columns to edit (status, outcome, owner, and a new note) and every note so far beside them, to
read. A hidden sheet, ``Exported``, keeps what each case was when exported (its values and its
version, the number of changes in its history), so the import can tell

- a row the team changed (its status, outcome or owner differs from the export's, or a new note
  is written): applied through :func:`generator.support.update`, so every change is kept as
  history and a note is added, never put in place of another;
- a row nobody changed: left alone;
- a row changed in the workbook whose case was changed in the store since the export (by
  ``toolkit support update``, another import, or a newer return): refused, naming the case and
  what changed, so one person's work never silently undoes another's.

A workbook that is damaged, or is not one the export wrote, is refused with a message; nothing
in it is applied.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Collection, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .support import CASES_FILE, STATUSES, Case, SupportError, cases, history, update

CASES_SHEET = "Cases"
EXPORTED_SHEET = "Exported"
SIGNATURE = "toolkit support export, version 1"
"""The first cell of the hidden sheet: what tells an exported workbook from any other."""

COLUMNS = (
    ("case", "Case", 8),
    ("edition", "Edition", 10),
    ("practice_code", "Practice", 10),
    ("domain_id", "Domain", 18),
    ("request", "What the practice asked for", 40),
    ("opened_at", "Received", 20),
    ("withdrawn", "Withdrawn", 10),
    ("status", "Status (edit)", 14),
    ("outcome", "Outcome (edit)", 20),
    ("owner", "Owner (edit)", 18),
    ("new_note", "New note (edit)", 40),
    ("notes", "Notes so far", 60),
)
EDITABLE = ("status", "outcome", "owner")
EXPORTED_COLUMNS = ("case", "version", "status", "outcome", "owner")


class WorkbookError(Exception):
    """The workbook cannot be read as an export of the cases; the message says why in words."""


@dataclass(frozen=True)
class Refusal:
    case_id: int
    practice_code: str
    domain_id: str
    reason: str

    def format(self) -> str:
        return f"case {self.case_id} ({self.practice_code}, {self.domain_id}): {self.reason}; not applied"


@dataclass(frozen=True)
class Applied:
    case_id: int
    changes: tuple[str, ...]
    """What changed, in words: "status new → contacted", "a note"."""

    def format(self) -> str:
        return f"case {self.case_id}: {', '.join(self.changes)}"


@dataclass
class Imported:
    applied: list[Applied] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unchanged: int = 0


def _versions(store: Path) -> dict[int, int]:
    """How many changes each case's history holds: any change in the store moves it on."""
    with closing(sqlite3.connect(store / CASES_FILE)) as db:
        return {int(c): int(n) for c, n in db.execute("SELECT case_id, count(*) FROM history GROUP BY case_id")}


def _notes(store: Path, case_id: int) -> str:
    return "\n".join(f"{c.at[:10]}: {c.new}" for c in history(store, case_id) if c.what == "note")


def export(store: Path, *, edition: str | None = None) -> bytes:
    """The cases (of ``edition``, or all) as an .xlsx workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    found = cases(store, edition=edition)
    versions = _versions(store)
    book = Workbook()
    sheet = book.active
    sheet.title = CASES_SHEET
    sheet.append([label for _, label, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    editable = PatternFill("solid", fgColor="FFF2CC")
    for case in found:
        sheet.append(
            [
                case.id, case.edition, case.practice_code, case.domain_id, case.request, case.opened_at,
                "yes" if case.withdrawn else "", case.status, case.outcome, case.owner, "", _notes(store, case.id),
            ]
        )  # fmt: skip
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = width
    keys = [key for key, _, _ in COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        for key in (*EDITABLE, "new_note"):
            row[keys.index(key)].fill = editable
        for key in ("request", "new_note", "notes"):
            row[keys.index(key)].alignment = Alignment(wrap_text=True, vertical="top")
    if found:
        status_letter = sheet.cell(row=1, column=keys.index("status") + 1).column_letter
        choices = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False)
        choices.error = "Give one of: " + ", ".join(STATUSES)
        choices.add(f"{status_letter}2:{status_letter}{len(found) + 1}")
        sheet.add_data_validation(choices)
    sheet.freeze_panes = "B2"

    kept = book.create_sheet(EXPORTED_SHEET)
    kept.sheet_state = "hidden"
    kept.append([SIGNATURE])
    kept.append(list(EXPORTED_COLUMNS))
    for case in found:
        kept.append([case.id, versions.get(case.id, 0), case.status, case.outcome, case.owner])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: object, where: str) -> int:
    text = _text(value)
    if not text.isdigit():
        raise WorkbookError(f"{where}: '{text}' is not a case number; the case numbers must be left as exported")
    return int(text)


@dataclass(frozen=True)
class Row:
    case_id: int
    status: str
    outcome: str
    owner: str
    note: str


@dataclass(frozen=True)
class Exported:
    case_id: int
    version: int
    status: str
    outcome: str
    owner: str


def read(path: Path) -> tuple[list[Row], dict[int, Exported]]:
    """The rows of an exported workbook and what each case was when exported; WorkbookError when it is not one."""
    from openpyxl import load_workbook

    if path.is_dir():
        raise WorkbookError(f"{path}: is a folder; give the workbook's file, such as cases.xlsx")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise WorkbookError(f"{path}: there is no such file") from None
    except OSError as error:
        raise WorkbookError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError):
        raise WorkbookError(
            f"{path}: is not an Excel workbook that can be read (it is damaged, or another kind of file); "
            "export the cases again with 'toolkit support export'"
        ) from None
    except Exception as error:  # openpyxl raises its own kinds for a broken part of the file, or another kind of file
        if type(error).__name__ == "InvalidFileException":
            raise WorkbookError(
                f"{path}: is not an Excel workbook (.xlsx); export the cases with 'toolkit support export' and "
                "save the edited workbook as .xlsx"
            ) from None
        raise WorkbookError(f"{path}: is damaged and cannot be read ({type(error).__name__})") from None
    try:
        return _read(path, book)
    finally:
        book.close()


def _read(path: Path, book: object) -> tuple[list[Row], dict[int, Exported]]:
    sheets = {ws.title: ws for ws in book.worksheets}  # type: ignore[attr-defined]
    if CASES_SHEET not in sheets or EXPORTED_SHEET not in sheets:
        raise WorkbookError(
            f"{path}: is not a workbook of support cases exported by 'toolkit support export' (it has no "
            f"'{CASES_SHEET}' sheet and hidden '{EXPORTED_SHEET}' sheet); export the cases and edit that workbook"
        )
    kept = [list(r) for r in sheets[EXPORTED_SHEET].iter_rows(values_only=True)]
    if not kept or _text(kept[0][0] if kept[0] else None) != SIGNATURE:
        raise WorkbookError(
            f"{path}: its hidden '{EXPORTED_SHEET}' sheet is not the one 'toolkit support export' wrote; "
            "export the cases again and edit that workbook"
        )
    exported: dict[int, Exported] = {}
    for number, values in enumerate(kept[2:], start=3):
        cells = [*values, *[None] * len(EXPORTED_COLUMNS)]
        if all(_text(c) == "" for c in cells):
            continue
        where = f"{path}, sheet {EXPORTED_SHEET}, row {number}"
        case_id = _number(cells[0], where)
        exported[case_id] = Exported(
            case_id, _number(cells[1], where), _text(cells[2]), _text(cells[3]), _text(cells[4])
        )
    rows_in = [list(r) for r in sheets[CASES_SHEET].iter_rows(values_only=True)]
    labels = [label for _, label, _ in COLUMNS]
    header = [_text(c) for c in (rows_in[0] if rows_in else [])]
    missing = [label for label in labels if label not in header]
    if missing:
        raise WorkbookError(
            f"{path}: the '{CASES_SHEET}' sheet has lost the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}; keep the columns as exported (rename or delete none)"
        )
    at = {key: header.index(label) for key, label, _ in COLUMNS}
    rows: list[Row] = []
    for number, values in enumerate(rows_in[1:], start=2):
        cells = [*values, *[None] * len(header)]
        if all(_text(c) == "" for c in cells):
            continue
        where = f"{path}, sheet {CASES_SHEET}, row {number}"
        case_id = _number(cells[at["case"]], where)
        if case_id not in exported:
            raise WorkbookError(f"{where}: case {case_id} was not in this export; add no rows, edit the ones there")
        rows.append(
            Row(
                case_id,
                _text(cells[at["status"]]).lower(),
                _text(cells[at["outcome"]]),
                _text(cells[at["owner"]]),
                _text(cells[at["new_note"]]),
            )
        )
    return rows, exported


def apply(
    store: Path,
    rows: Sequence[Row],
    exported: dict[int, Exported],
    *,
    at: str | None = None,
    owners: Collection[str] = (),
) -> Imported:
    """Apply the rows the team changed, refuse those whose case changed in the store since the export.

    With ``owners`` (the contacts' ids), a row that gives a case to anyone else is refused.
    """
    result = Imported()
    held: dict[int, Case] = {c.id: c for c in cases(store)}
    versions = _versions(store)
    for row in rows:
        before = exported[row.case_id]
        case = held.get(row.case_id)
        wanted = {k: getattr(row, k) for k in EDITABLE if getattr(row, k) != getattr(before, k)}
        if not wanted and not row.note:
            result.unchanged += 1
            continue
        if case is None:
            result.refused.append(Refusal(row.case_id, "?", "?", "the store holds no such case"))
            continue
        if owners and "owner" in wanted and wanted["owner"] not in owners:
            known = ", ".join(sorted(owners))
            reason = f"'{wanted['owner']}' is not a contact's id; give one of {known}"
            result.refused.append(Refusal(case.id, case.practice_code, case.domain_id, reason))
            continue
        if versions.get(case.id, 0) != before.version:
            if _already(store, case, wanted, row.note):
                result.unchanged += 1
                continue
            since = [
                f"{k} is now '{getattr(case, k)}' (was '{getattr(before, k)}' when exported)"
                for k in EDITABLE
                if getattr(case, k) != getattr(before, k)
            ] or ["a note was added or the practice's return changed it"]
            result.refused.append(
                Refusal(
                    case.id,
                    case.practice_code,
                    case.domain_id,
                    f"changed in the store since the export ({'; '.join(since)}); export again and redo this row",
                )
            )
            continue
        try:
            update(store, case.id, wanted, row.note, at=at)
        except SupportError as error:
            result.refused.append(Refusal(case.id, case.practice_code, case.domain_id, str(error)))
            continue
        words = tuple(f"{k} '{getattr(before, k)}' → '{v}'" for k, v in wanted.items())
        result.applied.append(Applied(case.id, (*words, *(("a note",) if row.note else ()))))
    return result


def _already(store: Path, case: Case, wanted: dict[str, str], note: str) -> bool:
    """Whether the store already holds what the row asks (the same workbook imported twice)."""
    if any(getattr(case, k) != v for k, v in wanted.items()):
        return False
    notes = [c.new for c in history(store, case.id) if c.what == "note"]
    return not note or note in notes
