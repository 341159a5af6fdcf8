"""Bytes → rows: a return CSV as practices really save it, the self-assessment workbook, the online form's JSON.

Whatever its format, a return becomes the same :class:`Row` values, one per answer, each
holding every column of :data:`~generator.returnformat.ALL_COLUMNS`. Reading forgives
what a spreadsheet does to a file and a practice would never mean:

* UTF-8 with or without a byte order mark, Windows-1252 as Excel saves "CSV (Comma
  delimited)" on Windows, UTF-16 as it saves "Unicode Text"; CRLF line ends; Excel's
  quoting; ``;`` or tab between cells where the first row has no comma;
* blank rows anywhere (Excel leaves them at the end), spaces around any value, column
  names in any case and with spaces for underscores (``Practice Code``);
* the practice code and question id in lower case; a date written ``31/12/2025``
  (day first, as in the UK) in ``action_due``.

What the format itself gets wrong is a problem of the file as a whole: a file that is no
return at all (a PDF, a Word file, an image, an empty file, binary junk), a workbook that
would unpack to more than a workbook holds (checked in the zip's directory before
anything is unpacked), a missing column, a row with more cells than columns.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..returnformat import ALL_COLUMNS, JSON_FORMAT, WORKBOOK_COLUMNS, WORKBOOK_DATA_SHEET
from .messages import FILE_KINDS, ReturnProblem, place, problem
from .text import valid_data, valid_text

REQUIRED_COLUMNS = ("practice_code", "edition", "question_id", "answer")
"""Columns a return cannot do without; the others may be left out."""

UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")

MAX_UNPACKED = 64 * 1024 * 1024
"""The most a workbook may unpack to. The self-assessment workbook unpacks to about 1 MB."""
MAX_RATIO = 200
"""The most any member of a workbook may be compressed: ordinary XML compresses 5 to 20 times."""
MAX_MEMBERS = 2_000
"""The most files a workbook's zip may hold."""
MAX_JSON_DEPTH = 32
"""The deepest a JSON file's lists and objects may nest: a return nests three deep. Deeper is no return, refused
alike by the collector and by the browser (whose parsers would otherwise give up at different depths)."""
MAX_ROWS = 10_000
"""The most rows a file may have (a CSV's lines, a sheet's rows, the JSON's answers): a return has one for each
question, about 200, and the workbook's longest sheet about 250. Reading stops there, so a huge file inside the
size limit costs bounded time and memory."""
MAX_SHEET_COLUMNS = 64
"""The most columns of a sheet that are read; the self-assessment workbook's sheets use fewer than 12."""


@dataclass(frozen=True, slots=True)
class Row:
    """One answer, as read: every column present (empty where not given)."""

    row: int
    """The row as a spreadsheet numbers it (CSV, workbook; the first row is 1), or the answer's number (JSON)."""
    values: dict[str, str]
    sheet: str = ""
    """The workbook sheet the row is on; empty for CSV and JSON."""


@dataclass
class ReadReturn:
    """What reading a file gave: its rows, what it declares as a whole, and the problems of its form."""

    format: str
    """'csv', 'workbook', 'json', or 'unknown' when it is no return at all."""
    rows: list[Row] = field(default_factory=list)
    problems: list[ReturnProblem] = field(default_factory=list)
    present: frozenset[str] = frozenset(ALL_COLUMNS)
    """The columns the file has; checks of a column it lacks are left to its missing_column problem."""
    edition: str = ""
    """The edition the file declares as a whole (the JSON export and the workbook do), else empty."""
    practice_code: str = ""
    """The practice code the file declares as a whole (the JSON export and the workbook do), else empty."""
    declared_once: bool = False
    """Whether the practice code and edition are given once for the whole return (JSON, the workbook)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What else the online form's JSON export says of the return (practice_name, completed_by…)."""

    def place(self, row: Row) -> str:
        return place(self.format, row.row, row.sheet)


def read_return(data: bytes) -> ReadReturn:
    """Read a return from its bytes, whatever its format; never raises for bad input."""
    kind = sniff(data)
    if kind == "workbook":
        return read_workbook(data)
    if kind in FILE_KINDS:
        return _not_a_return(kind)
    text, problems = decode(data)
    if text is None:
        return ReadReturn("unknown", problems=problems)
    if _looks_like(text, ("from:", "received:", "return-path:", "mime-version:", "delivered-to:")):
        return _not_a_return("email")
    if _looks_like(text, ("<!doctype html", "<html")):
        return _not_a_return("html")
    if text.lstrip()[:1] in ("{", "["):
        return read_json(text)
    return read_csv(text)


def _not_a_return(kind: str) -> ReadReturn:
    return ReadReturn("unknown", problems=[problem("not_a_return", what=FILE_KINDS[kind])])


def _looks_like(text: str, starts: tuple[str, ...]) -> bool:
    return text.lstrip()[:20].lower().startswith(starts)


# --- what a file is -------------------------------------------------------------------------------------

SIGNATURES: tuple[tuple[tuple[tuple[int, bytes], ...], str], ...] = (
    (((0, b"%PDF"),), "pdf"),
    (((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),), "old_office"),
    (((0, b"\x89PNG"),), "image"),
    (((0, b"\xff\xd8\xff"),), "image"),
    (((0, b"GIF87a"),), "image"),
    (((0, b"GIF89a"),), "image"),
    (((0, b"II*\x00"),), "image"),
    (((0, b"MM\x00*"),), "image"),
    (((0, b"{\\rtf"),), "rtf"),
    (((0, b"BM"), (6, b"\x00\x00\x00\x00")), "image"),
    (((4, b"ftypheic"),), "image"),
    (((4, b"ftypmif1"),), "image"),
    (((0, b"RIFF"), (8, b"WEBP")), "image"),
)
"""What a file that is no return is, by its first bytes: each kind's bytes at their offsets, all to be there. The
check page's script reads the same table (:func:`generator.selfassess.data.form_data`)."""

_NOT_CONTROL = bytes(b for b in range(256) if (b >= 32 and b != 127) or b in (9, 10, 12, 13))


def sniff(data: bytes) -> str:
    """'workbook', 'text', or what else the file is (a key of :data:`FILE_KINDS`), from its first bytes."""
    if not data.strip():
        return "empty"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    for parts, kind in SIGNATURES:
        if all(data[at : at + len(magic)] == magic for at, magic in parts):
            return kind
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    head = data[:4096]
    if b"\x00" in head or len(head.translate(None, _NOT_CONTROL)) > len(head) // 100:
        return "binary"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "workbook"  # a damaged zip: most likely a workbook, and reading it says it is damaged
    if "xl/workbook.xml" in names:
        return "workbook"
    if "word/document.xml" in names:
        return "word"
    if any(n.startswith("ppt/") for n in names):
        return "presentation"
    if "mimetype" in names and "content.xml" in names:
        return "opendocument"
    return "zip"


def decode(data: bytes) -> tuple[str | None, list[ReturnProblem]]:
    """The text of a file: UTF-16 (with its mark), UTF-8 (with or without one), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, [problem("text_unreadable")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), []
    except UnicodeDecodeError:
        return None, [problem("text_unreadable")]


# --- normalising what was read ---------------------------------------------------------------------------


def column_name(label: str) -> str:
    """A column's name as written in a first row → its name in the format: 'Practice Code' → 'practice_code'."""
    return re.sub(r"[\s\-]+", "_", label.replace("\ufeff", "").strip().lower())


def iso_date(value: str) -> str:
    """A date written day first (31/12/2025, as UK spreadsheets do) in YYYY-MM-DD; any other value unchanged."""
    match = UK_DATE.match(value)
    if not match:
        return value
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return value


def normal_row(values: dict[str, str]) -> dict[str, str]:
    """Every column present and stripped; codes and ids in capitals; the due date in YYYY-MM-DD."""
    row = {name: values.get(name, "").strip() for name in ALL_COLUMNS}
    _normalise(row)
    return row


def _normalise(row: dict[str, str]) -> None:
    """Codes and ids in capitals, the due date in YYYY-MM-DD, in a row of stripped values."""
    row["practice_code"] = row["practice_code"].upper()
    row["question_id"] = row["question_id"].upper()
    if "/" in row["action_due"]:
        row["action_due"] = iso_date(row["action_due"])


def cell_text(value: Any) -> str:
    """A workbook cell or JSON value as the text a CSV file would hold.

    A date is the day it falls on, whatever time of day a spreadsheet keeps with it; a time of day or a length of
    time (a cell shown as 14:30 or [h]:mm), which is never a date, is its hours and minutes, as the check page's
    script writes it too.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (dt.time, dt.timedelta)):
        seconds = value.hour * 3600 + value.minute * 60 if isinstance(value, dt.time) else value // dt.timedelta(seconds=1)
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else number_text(value)
    return valid_text(str(value))  # a JSON return may hold a lone surrogate, which nothing can write


def number_text(value: float) -> str:
    """A number that is not whole as the check page's script writes it too (JavaScript's ``String``): the fewest
    digits that read back as it, as Python's ``repr`` gives them, written out in full but below a millionth."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    sign, given, exponent = Decimal(repr(value)).as_tuple()
    digits, point = "".join(map(str, given)), len(given) + int(exponent)
    if point <= -6:
        text = digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + f"e-{1 - point}"
    else:
        text = "0." + "0" * -point + digits if point <= 0 else digits[:point] + "." + digits[point:]
    return "-" + text if sign else text


# --- CSV ---------------------------------------------------------------------------------------------------


def read_csv(text: str) -> ReadReturn:
    """Read a return CSV (already decoded)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        records = list(itertools.islice(reader, MAX_ROWS + 1))
    except csv.Error:  # a cell of more than 131,072 characters
        return ReadReturn("unknown", problems=[problem("csv_unreadable")])
    if len(records) > MAX_ROWS:
        return _too_many_rows()
    return read_table("csv", enumerate(records, start=1))


def _too_many_rows() -> ReadReturn:
    return ReadReturn("unknown", problems=[problem("too_many_rows", rows=f"{MAX_ROWS:,}")])


def read_table(format: str, records: Iterable[tuple[int, Sequence[str]]], sheet: str = "") -> ReadReturn:
    """Rows from a table whose first non-blank row names the columns (a CSV file, or a workbook's first sheet)."""

    def where(number: int) -> str:
        return place(format, number, sheet)

    numbered = iter(records)
    header: Sequence[str] | None = None
    for _, cells in numbered:
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        return ReadReturn("unknown", problems=[problem("not_a_return", what=FILE_KINDS["empty"])])

    names = [column_name(label) for label in header]
    found = ReadReturn(format)
    known = set(ALL_COLUMNS)
    if not known.intersection(names):
        found.format = "unknown"
        found.problems.append(problem("no_header", value=",".join(header), columns=",".join(ALL_COLUMNS)))
        return found

    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            found.problems.append(problem("duplicate_column", column=name))
        elif name in known:
            positions[name] = index
        else:
            found.problems.append(
                problem("unknown_column", "warning", column=header[index].strip(), columns=",".join(ALL_COLUMNS))
            )
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            found.problems.append(problem("missing_column", column=name, columns=",".join(ALL_COLUMNS)))
    found.present = frozenset(positions)
    ignored = [i for i, name in enumerate(names) if not name]

    width = len(names)
    absent = {name: "" for name in ALL_COLUMNS if name not in positions}
    at = list(positions.items())
    keys = [name for name, _ in at]
    in_order = [i for _, i in at] == list(range(len(at)))  # the usual case: the columns first, in order
    for number, cells in numbered:
        if not any(cells) or not any(c.strip() for c in cells):
            continue
        count = len(cells)
        if count > width or ignored:
            extra = [c.strip() for c in cells[width:]] + [cells[i].strip() for i in ignored if i < count]
            if any(extra):
                found.problems.append(
                    problem("extra_cells", row=number, place=where(number), value=",".join(e for e in extra if e))
                )
        if in_order and count >= len(keys):
            values = dict(zip(keys, map(str.strip, cells), strict=False))  # cells past the columns: checked above
        else:
            values = {name: cells[i].strip() if i < count else "" for name, i in at}
        values.update(absent)
        _normalise(values)
        found.rows.append(Row(number, values, sheet))
    if not found.rows:
        found.problems.append(problem("no_answers"))
    return found


# --- the online form's JSON export --------------------------------------------------------------------------


def read_json(text: str) -> ReadReturn:
    """Read the online form's export (see :data:`~generator.returnformat.JSON_FORMAT`)."""
    found = ReadReturn("json", declared_once=True)
    try:
        # a number is read as it is written, as the check page's script reads it (it never needs reckoning with)
        data = json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant)
        readable = _nesting(data) <= MAX_JSON_DEPTH
    except (ValueError, RecursionError):  # not JSON (NaN and Infinity are not), or nested thousands deep
        readable = False
    if not readable:
        found.format = "unknown"
        found.problems.append(problem("json_invalid"))
        return found
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        declared = _json_text(data.get("format")) if isinstance(data, dict) else ""
        found.format = "unknown"
        found.problems.append(problem("json_not_ours", value=declared or "(none)", format=JSON_FORMAT))
        return found
    answers = data.get("answers")
    if not isinstance(answers, list):
        found.problems.append(problem("json_damaged", reason="it has no list of 'answers'"))
        return found
    if len(answers) > MAX_ROWS:
        return _too_many_rows()
    found.extra = {
        valid_text(str(k)): valid_data(v)
        for k, v in data.items()
        if k not in ("format", "edition", "practice_code", "answers")
    }
    edition, practice_code = _json_text(data.get("edition")), _json_text(data.get("practice_code"))
    found.edition = edition.strip()
    found.practice_code = practice_code.strip().upper()
    for number, item in enumerate(answers, start=1):
        if not isinstance(item, dict) or any(isinstance(v, (dict, list)) for v in item.values()):
            found.problems.append(
                problem(
                    "json_damaged",
                    row=number,
                    place=place("json", number),
                    reason="this answer is not a set of names and values",
                )
            )
            continue
        values = {name: cell_text(item.get(name)) for name in ALL_COLUMNS}
        values["practice_code"] = cell_text(item["practice_code"]) if "practice_code" in item else practice_code
        values["edition"] = cell_text(item["edition"]) if "edition" in item else edition
        row = normal_row(values)
        if any(row[c] for c in ("question_id", "answer", "comment", "action", "action_owner", "action_due")):
            found.rows.append(Row(number, row))
    if not found.rows and not found.problems:
        found.problems.append(problem("no_answers"))
    return found


def _nesting(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (0 for a plain value), looked at no deeper than the limit."""
    most, stack = 0, [(value, 1)]
    while stack and most <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            most = max(most, depth)
            stack.extend((inner, depth + 1) for inner in (item.values() if isinstance(item, dict) else item))
    return most


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _json_text(value: Any) -> str:
    """A value the export gives once for the whole return, as text; a list or a set of names is no text."""
    return "" if isinstance(value, (dict, list)) else cell_text(value)


# --- the self-assessment workbook ---------------------------------------------------------------------------


def unpacked_problem(data: bytes) -> ReturnProblem | None:
    """A problem if the zip's own directory says it would unpack to more than a workbook can hold."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return problem("workbook_unreadable")
    total = sum(m.file_size for m in members)
    too_packed = any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if len(members) > MAX_MEMBERS or total > MAX_UNPACKED or too_packed:
        return problem("workbook_unsafe", size=size_text(total))
    return None


def size_text(size: int) -> str:
    """A size as people say it: '950 bytes', '12.3 KB', '4.0 MB', '3.2 GB', to the nearest tenth, a half up.

    A half up, as the check page's script rounds it (JavaScript's ``toFixed``), so that both say the same size.
    """
    if size < 1000:
        return f"{size} bytes"
    for unit, scale in (("KB", 10**3), ("MB", 10**6), ("GB", 10**9), ("TB", 10**12)):
        if size < scale * 1000 or unit == "TB":
            tenths = (size * 20 // scale + 1) // 2
            return f"{tenths // 10}.{tenths % 10} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


_COLUMN_INDEX = {name: ord(letter) - ord("A") for name, letter in WORKBOOK_COLUMNS.items()}
_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?([0-9]+)$")


def read_workbook(data: bytes) -> ReadReturn:
    """Read the self-assessment workbook by its ``_return`` sheet; any other workbook by its first sheet."""
    unsafe = unpacked_problem(data)
    if unsafe is not None:
        return ReadReturn("unknown", problems=[unsafe])
    import openpyxl  # imported here: it takes a third of a second

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return ReadReturn("unknown", problems=[problem("workbook_unreadable")])
    try:
        sheets = _SheetCache(book)
        if WORKBOOK_DATA_SHEET in book.sheetnames:
            return _read_our_workbook(sheets)
        first = book.sheetnames[0] if book.sheetnames else ""
        rows = sheets.rows(first)
        table = [(n, [cell_text(v) for v in cells]) for n, cells in enumerate(rows, start=1)]
        found = read_table("workbook", table, sheet=first)
        if found.format == "unknown":
            return ReadReturn("unknown", problems=[problem("workbook_not_ours", sheet=WORKBOOK_DATA_SHEET)])
        return found
    except TooManyRows:
        return _too_many_rows()
    except Exception:  # a damaged part of the zip shows only when read
        return ReadReturn("unknown", problems=[problem("workbook_unreadable")])
    finally:
        book.close()


class TooManyRows(Exception):
    """A file with more rows than a return can have (see :data:`MAX_ROWS`)."""


class _SheetCache:
    """Each sheet's rows read once (a read-only workbook reads a sheet from the start for every cell asked).

    A sheet's own claim of its size (its ``dimension``, such as ``A1:XFD1048576``) is not trusted: at
    most :data:`MAX_SHEET_COLUMNS` columns are read (rows are padded to the claimed width, or that,
    whichever is less), and a sheet of more than :data:`MAX_ROWS` rows is refused, so memory
    stays bounded whatever a small file says of itself.
    """

    def __init__(self, book: Any) -> None:
        self.book = book
        self.cache: dict[str, list[tuple[Any, ...]]] = {}

    def rows(self, name: str) -> list[tuple[Any, ...]]:
        if name not in self.cache:
            sheet = self.book[name]
            claimed = sheet.max_column if isinstance(sheet.max_column, int) else MAX_SHEET_COLUMNS
            rows: list[tuple[Any, ...]] = []
            for row in sheet.iter_rows(max_col=max(1, min(claimed, MAX_SHEET_COLUMNS)), values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise TooManyRows(name)
            self.cache[name] = rows
        return self.cache[name]

    def has(self, name: str) -> bool:
        return name in self.book.sheetnames

    def cell(self, name: str, row: int, column: int) -> Any:
        rows = self.rows(name)
        if row < 1 or row > len(rows) or column >= len(rows[row - 1]):
            return None
        return rows[row - 1][column]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _read_our_workbook(sheets: _SheetCache) -> ReadReturn:
    found = ReadReturn("workbook", declared_once=True)
    index = sheets.rows(WORKBOOK_DATA_SHEET)

    def meta(row: int) -> str:
        return cell_text(index[row - 1][1]).strip() if len(index) >= row and len(index[row - 1]) > 1 else ""

    found.edition = meta(2)
    where = _CELL.match(meta(3))
    if where:
        sheet = (where.group(1) or "").replace("''", "'") or (where.group(2) or "")
        if sheets.has(sheet):
            found.practice_code = cell_text(
                sheets.cell(sheet, int(where.group(4)), _column_number(where.group(3)))
            ).strip()
    for entry in index[4:]:
        question_id = cell_text(entry[0]).strip() if entry else ""
        if not question_id or len(entry) < 3:
            continue
        sheet, row = cell_text(entry[1]).strip(), entry[2]
        if not sheets.has(sheet):
            found.problems.append(problem("workbook_sheet_missing", question_id=question_id, sheet=sheet))
            continue
        if not isinstance(row, (int, float)) or int(row) < 1:
            continue
        number = int(row)
        cells = {name: cell_text(sheets.cell(sheet, number, i)) for name, i in _COLUMN_INDEX.items()}
        if cells["question_id"].strip().upper() != question_id.upper():
            found.problems.append(
                problem(
                    "workbook_moved",
                    row=number,
                    place=place("workbook", number, sheet),
                    question_id=question_id,
                    value=cells["question_id"],
                )
            )
            continue
        values = {name: cells[name] for name in ("answer", "comment", "action", "action_owner", "action_due")}
        values.update(practice_code=found.practice_code, edition=found.edition, question_id=question_id)
        found.rows.append(Row(number, normal_row(values), sheet))
    found.practice_code = found.practice_code.upper()
    if not found.rows and not found.problems:
        found.problems.append(problem("no_answers"))
    return found
