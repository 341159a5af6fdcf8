"""CQC's published ratings, read as the ICB downloads them: the monthly "Latest ratings" file.

The file is long-format: one row per location, service or population group, and domain
(``Overall``, ``Safe``, ``Effective``, ``Caring``, ``Responsive``, ``Well-led``; older files call
that column ``Key Question``). It comes as an OpenDocument spreadsheet (``.ods``, sheet
``Locations``), or that sheet saved as ``.xlsx`` or ``.csv``. The header row is found, not
assumed (a banner row may come first). Only GP practices are kept (``Location Primary Inspection
Category`` = ``GP Practices``), and only their ratings as a whole (``Service / Population Group``
= ``Overall``), so a file of every service in England costs little memory.

The real file is over 1 GB of XML unpacked: an ``.ods`` is read as a stream (the zip member's
XML parsed piece by piece and each row let go once read), never loaded whole. Rows a sheet marks
as repeated (its empty tail) are counted, not made.

Ratings are normalised: ``Requires Improvement`` → ``Requires improvement``; ``Inspected but not
rated``, ``Insufficient evidence to rate``, ``Not rated`` and blanks → no published rating.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

DOMAINS = {
    "overall": "overall",
    "safe": "safe",
    "effective": "effective",
    "caring": "caring",
    "responsive": "responsive",
    "well-led": "well_led",
    "well led": "well_led",
}
"""The domains a rating is given for, as files spell them → as the toolkit names them."""

RATINGS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
"""The four published ratings, in any spelling → as CQC writes them in prose. Anything else is no rating."""

GP_PRACTICES = "gp practices"
HEADER_SEARCH = 50
"""How many rows from the top are looked at for the header row."""

_COLUMNS = {
    "location id": "location_id",
    "location ods code": "ods_code",
    "location name": "name",
    "location primary inspection category": "category",
    "service / population group": "group",
    "domain": "domain",
    "key question": "domain",
    "latest rating": "rating",
    "publication date": "published",
    "report type": "report_type",
    "inherited rating (y/n)": "inherited",
    "url": "url",
}
_NEEDED = ("location_id", "ods_code", "category", "domain", "rating")


class RatingsFileError(Exception):
    """The file is not one this module can read as CQC's ratings, with the reason in words."""


@dataclass(frozen=True)
class Rating:
    """One GP practice location's rating in one domain, as a whole (not for a population group)."""

    location_id: str
    ods_code: str
    """The location's ODS code: the practice code the toolkit's returns carry, upper case."""
    name: str
    domain: str
    """'overall', 'safe', 'effective', 'caring', 'responsive' or 'well_led'."""
    rating: str | None
    """'Outstanding', 'Good', 'Requires improvement', 'Inadequate', or None for no published rating."""
    published: dt.date | None
    report_type: str = ""
    inherited: bool = False
    url: str = ""


@dataclass
class RatingsFile:
    """What a ratings file held for GP practices, and what was left aside."""

    ratings: list[Rating] = field(default_factory=list)
    other_rows: int = 0
    """Rows of other kinds of service, or of population groups: not kept."""
    unreadable_rows: list[str] = field(default_factory=list)
    """Rows of GP practices that could not be read (an unknown domain, a date that is no date), in words."""

    def by_practice(self) -> dict[str, list[str]]:
        """Each practice code with its CQC location ids, sorted (a practice may have none, one or more)."""
        found: dict[str, set[str]] = {}
        for rating in self.ratings:
            found.setdefault(rating.ods_code, set()).add(rating.location_id)
        return {code: sorted(ids) for code, ids in sorted(found.items())}


def read_ratings(path: Path) -> RatingsFile:
    """Read CQC's "Latest ratings" file (``.ods``, ``.xlsx`` or ``.csv``); RatingsFileError when it is not one."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8)
    except OSError as error:
        raise RatingsFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if start.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "content.xml" in names:
                    return _from_rows(_ods_rows(archive), path)
                if "xl/workbook.xml" in names:
                    return _from_rows(_xlsx_rows(path), path)
        except (zipfile.BadZipFile, OSError, EOFError, ElementTree.ParseError) as error:
            raise RatingsFileError(f"{path}: this spreadsheet is damaged ({error}); download it again") from None
        raise RatingsFileError(f"{path}: this is a zip file but not a spreadsheet; give the .ods, .xlsx or .csv file")
    return _from_rows(_csv_rows(path), path)


# --- rows, whatever the format --------------------------------------------------------------------------


def _from_rows(rows: Iterable[Sequence[str]], path: Path) -> RatingsFile:
    iterator = iter(rows)
    columns: dict[str, int] | None = None
    for _ in range(HEADER_SEARCH):
        row = next(iterator, None)
        if row is None:
            break
        columns = _header(row)
        if columns is not None:
            break
    if columns is None:
        raise RatingsFileError(
            f"{path}: no row in the first {HEADER_SEARCH} names the columns Location ID, Location ODS Code, "
            "Location Primary Inspection Category, Domain (or Key Question) and Latest Rating: "
            "is this CQC's 'Latest ratings' file (sheet Locations)?"
        )
    found = RatingsFile()
    for row in iterator:
        _add(found, row, columns)
    return found


def _header(row: Sequence[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, label in enumerate(row):
        name = _COLUMNS.get(" ".join(str(label).split()).lower())
        if name is not None and name not in columns:
            columns[name] = index
    return columns if all(n in columns for n in _NEEDED) else None


def _add(found: RatingsFile, row: Sequence[str], columns: dict[str, int]) -> None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return str(row[index]).strip() if index is not None and index < len(row) else ""

    if cell("category").lower() != GP_PRACTICES or cell("group").lower() not in ("overall", ""):
        if any(str(c).strip() for c in row):
            found.other_rows += 1
        return
    where = f"location {cell('location_id') or '(no id)'}"
    domain = DOMAINS.get(cell("domain").lower())
    if domain is None:
        found.unreadable_rows.append(f"{where}: the domain '{cell('domain')}' is not one CQC rates")
        return
    published = _date(cell("published"))
    if cell("published") and published is None:
        found.unreadable_rows.append(f"{where}: the publication date '{cell('published')}' is not a date")
    found.ratings.append(
        Rating(
            location_id=cell("location_id"),
            ods_code=cell("ods_code").upper(),
            name=cell("name"),
            domain=domain,
            rating=RATINGS.get(" ".join(cell("rating").split()).lower()),
            published=published,
            report_type=cell("report_type"),
            inherited=cell("inherited").upper().startswith("Y"),
            url=cell("url"),
        )
    )


_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


def _date(text: str) -> dt.date | None:
    """A publication date: dd/mm/yyyy as the file writes it, or YYYY-MM-DD as a spreadsheet cell gives it."""
    try:
        match = _UK_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The rows of the sheet saved as CSV, read as a stream in UTF-8 (else Windows-1252, as Excel saves it)."""
    encoding = "utf-8-sig" if _is_utf8(path) else "cp1252"
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        yield from csv.reader(handle)


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8, looked at a piece at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while piece := handle.read(1 << 20):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book["Locations"] if "Locations" in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # the sheet's claimed size is not trusted: rows are as long as they are
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- OpenDocument, streamed -------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T_TABLE, _T_ROW, _T_CELL = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row", f"{{{_TABLE}}}table-cell"
_T_COVERED = f"{{{_TABLE}}}covered-table-cell"
_T_NAME = f"{{{_TABLE}}}name"
_COLS_REPEATED, _ROWS_REPEATED = f"{{{_TABLE}}}number-columns-repeated", f"{{{_TABLE}}}number-rows-repeated"
_DATE_VALUE = f"{{{_OFFICE}}}date-value"
MAX_COLUMNS = 64
"""Cells read from each row: the ratings sheet has about 20 columns; a sheet's repeated empty tail is not made."""


def _ods_rows(archive: zipfile.ZipFile) -> Iterator[list[str]]:
    """The rows of the sheet named Locations of an OpenDocument spreadsheet (else of its first sheet)."""
    found = [False]
    yield from _ods_sheet_rows(archive, "Locations", found)
    if not found[0]:
        yield from _ods_sheet_rows(archive, None, found)


def _ods_sheet_rows(archive: zipfile.ZipFile, wanted: str | None, found: list[bool]) -> Iterator[list[str]]:
    """The rows of the sheet named ``wanted`` (the first sheet for None), read as a stream: each row is let go
    from the tree as soon as it is read, so memory holds one row whatever the size of the sheet."""
    with archive.open("content.xml") as content:
        stack: list[ElementTree.Element] = []
        reading = False
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            if event == "start":
                if element.tag == _T_TABLE and not reading:
                    reading = wanted is None or element.get(_T_NAME, "") == wanted
                    found[0] = found[0] or reading
                stack.append(element)
                continue
            stack.pop()
            if element.tag == _T_ROW:
                if reading:
                    cells = _ods_cells(element)
                    if any(cells):
                        for _ in range(min(int(element.get(_ROWS_REPEATED, "1") or "1"), 1_000_000)):
                            yield cells
                if stack:
                    stack[-1].remove(element)
            elif element.tag == _T_TABLE:
                if reading:
                    return
                if stack:
                    stack[-1].remove(element)


def _ods_cells(row: ElementTree.Element) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in (_T_CELL, _T_COVERED):
            continue
        repeated = int(cell.get(_COLS_REPEATED, "1") or "1")
        value = cell.get(_DATE_VALUE) or "\n".join("".join(p.itertext()) for p in cell)
        cells.extend([value] * min(repeated, MAX_COLUMNS - len(cells)))
        if len(cells) >= MAX_COLUMNS:
            break
    while cells and not cells[-1]:
        cells.pop()
    return cells
