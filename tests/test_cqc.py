"""CQC's "Latest ratings" file read as the ICB downloads it: .ods (streamed), .xlsx or .csv, banner row and all.

One small file, written three ways, holds what the real one does: GP practices and other services,
population groups beside the practice as a whole, every rating spelling, an inherited rating, a
practice with two locations, blanks and "not rated" kinds, and (in the .ods) a cover sheet first
and the repeated empty tail a spreadsheet saves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from generator.cqc import Rating, RatingsFileError, read_ratings

HEADER = [
    "Location ID",
    "Location ODS Code",
    "Location Name",
    "Location Primary Inspection Category",
    "Service / Population Group",
    "Domain",
    "Latest Rating",
    "Publication Date",
    "Report Type",
    "Inherited Rating (Y/N)",
    "URL",
]
BANNER = ["Care Quality Commission: latest ratings, published 1 November 2030"]
ROWS = [
    ["1-101", "C82001", "Riverside Surgery", "GP Practices", "Overall", "Overall", "Good", "14/03/2029", "Location", "N", "https://www.cqc.org.uk/location/1-101"],
    ["1-101", "C82001", "Riverside Surgery", "GP Practices", "Overall", "Safe", "Requires Improvement", "14/03/2029", "Location", "N", ""],
    ["1-101", "C82001", "Riverside Surgery", "GP Practices", "People with long-term conditions", "Overall", "Good", "14/03/2029", "Location", "N", ""],
    ["1-102", "C82002", "Hillside Medical Centre", "GP Practices", "Overall", "Overall", "inadequate", "02/01/2030", "Location", "Y", ""],
    ["1-102", "C82002", "Hillside Medical Centre", "GP Practices", "Overall", "Well-led", "Inspected but not rated", "02/01/2030", "Location", "Y", ""],
    ["1-103", "C82003", "The Old Forge Practice", "GP Practices", "Overall", "Caring", "", "", "Location", "N", ""],
    ["1-104", "C82003", "The Old Forge Practice (branch)", "GP Practices", "Overall", "Overall", "Outstanding", "30/06/2028", "Location", "N", ""],
    ["1-105", "c82004", "Meadow Lane Surgery", "GP Practices", "Overall", "Effective", "Insufficient evidence to rate", "01/02/2030", "Location", "N", ""],
    ["1-900", "RXX01", "A care home", "Residential social care", "Overall", "Overall", "Good", "01/01/2030", "Location", "N", ""],
    ["1-901", "", "A dentist", "Dentists", "Overall", "Overall", "", "", "Location", "N", ""],
]  # fmt: skip

EXPECTED = [
    Rating("1-101", "C82001", "Riverside Surgery", "overall", "Good", dt.date(2029, 3, 14), "Location", False, "https://www.cqc.org.uk/location/1-101"),
    Rating("1-101", "C82001", "Riverside Surgery", "safe", "Requires improvement", dt.date(2029, 3, 14), "Location", False, ""),
    Rating("1-102", "C82002", "Hillside Medical Centre", "overall", "Inadequate", dt.date(2030, 1, 2), "Location", True, ""),
    Rating("1-102", "C82002", "Hillside Medical Centre", "well_led", None, dt.date(2030, 1, 2), "Location", True, ""),
    Rating("1-103", "C82003", "The Old Forge Practice", "caring", None, None, "Location", False, ""),
    Rating("1-104", "C82003", "The Old Forge Practice (branch)", "overall", "Outstanding", dt.date(2028, 6, 30), "Location", False, ""),
    Rating("1-105", "C82004", "Meadow Lane Surgery", "effective", None, dt.date(2030, 2, 1), "Location", False, ""),
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["About this file"])
    sheet = book.create_sheet("Locations")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def ods_cell(value: str) -> str:
    if len(value) == 10 and value[2] == "/" and value[5] == "/":  # a date cell, as a spreadsheet saves it
        iso = f"{value[6:]}-{value[3:5]}-{value[:2]}"
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{value}</text:p></table:table-cell>'
    if not value:
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    body = "".join(
        "<table:table-row>" + "".join(ods_cell(v) for v in row)
        + '<table:table-cell table:number-columns-repeated="16373"/></table:table-row>'
        for row in rows
    )  # fmt: skip
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Cover"><table:table-row>' + ods_cell("About this file") + "</table:table-row></table:table>"
        '<table:table table:name="Locations">' + body
        + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_each_format_gives_the_gp_practices_ratings(tmp_path: Path, kind: str) -> None:
    path = WRITERS[kind](tmp_path / f"ratings.{kind}", [BANNER, [], HEADER, *ROWS])
    found = read_ratings(path)
    assert found.ratings == EXPECTED
    assert found.other_rows == 3  # a population group's row, a care home, a dentist
    assert found.unreadable_rows == []
    assert found.by_practice() == {
        "C82001": ["1-101"],
        "C82002": ["1-102"],
        "C82003": ["1-103", "1-104"],
        "C82004": ["1-105"],
    }


def test_older_files_call_the_domain_key_question(tmp_path: Path) -> None:
    header = ["Key Question" if h == "Domain" else h for h in HEADER]
    assert read_ratings(write_csv(tmp_path / "old.csv", [header, *ROWS])).ratings == EXPECTED


def test_a_row_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    odd = [
        ["1-106", "C82005", "X", "GP Practices", "Overall", "Kindness", "Good", "01/01/2030", "", "N", ""],
        ["1-107", "C82006", "Y", "GP Practices", "Overall", "Safe", "Good", "31/02/2030", "", "N", ""],
    ]
    found = read_ratings(write_csv(tmp_path / "odd.csv", [HEADER, *odd]))
    assert found.unreadable_rows == [
        "location 1-106: the domain 'Kindness' is not one CQC rates",
        "location 1-107: the publication date '31/02/2030' is not a date",
    ]
    assert [(r.location_id, r.published) for r in found.ratings] == [("1-107", None)]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("foreign.csv", b"practice_code,answer\nC82001,yes\n", "no row in the first 50 names the columns"),
        ("empty.csv", b"", "no row in the first 50 names the columns"),
        ("damaged.ods", b"PK\x03\x04 not really a zip", "this spreadsheet is damaged"),
        ("other.zip", None, "this is a zip file but not a spreadsheet"),
    ],
)
def test_a_damaged_or_foreign_file_is_a_clear_message(
    tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        path.write_bytes(data)
    with pytest.raises(RatingsFileError, match=message) as refused:
        read_ratings(path)
    assert str(refused.value).startswith(str(path))


def test_a_missing_file_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(RatingsFileError, match="cannot be read"):
        read_ratings(tmp_path / "nowhere.ods")
