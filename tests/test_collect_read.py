"""Reading returns: any CSV as Excel saves it reads back as its rows; any bytes read or give a reason, never raise."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.returnformat import ALL_COLUMNS
from generator.returns.read import normal_row, read_return, sniff

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(",\";\n\t'"), max_size=15)
row = st.lists(cell, min_size=len(ALL_COLUMNS), max_size=len(ALL_COLUMNS)).filter(lambda r: any(c.strip() for c in r))


def saved(rows: list[list[str]], encoding: str, newline: str, blank_rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(ALL_COLUMNS)
    writer.writerows(rows)
    for _ in range(blank_rows):
        writer.writerow([""] * len(ALL_COLUMNS))
    return out.getvalue().encode(encoding)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(row, min_size=1, max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(0, 3),
)
def test_a_csv_as_excel_saves_it_reads_back_as_its_rows(
    rows: list[list[str]], encoding: str, newline: str, blank_rows: int
) -> None:
    try:
        data = saved(rows, encoding, newline, blank_rows)
    except UnicodeEncodeError:
        return  # not every character is in Windows-1252
    if encoding == "cp1252" and not data.strip(b"\r\n"):
        return
    read = read_return(data)
    assert read.format == "csv"
    assert [p.code for p in read.problems] == []
    expected = [normal_row(dict(zip(ALL_COLUMNS, r, strict=True))) for r in rows]
    assert [r.values for r in read.rows] == expected
    numbers = [r.row for r in read.rows]
    assert numbers == list(range(2, 2 + len(rows)))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_read_as_rows_or_give_a_reason(data: bytes) -> None:
    read = read_return(data)
    assert read.rows or read.problems


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_reads_as_rows_or_gives_a_reason(text: str) -> None:
    read = read_return(text.encode("utf-8"))
    assert read.rows or read.problems


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b" \r\n\r\n", "empty"),
        (b"%PDF-1.4", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "image"),
        (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00", "image"),
        (b"BMA guidance,yes", "text"),
        (b"{\\rtf1\\ansi", "rtf"),
        (b"practice_code,edition\r\n", "text"),
        (b"\xff\xfep\x00r\x00", "text"),
        (b"abc\x00def", "binary"),
    ],
)
def test_what_a_file_is(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_a_workbook_of_too_many_parts_is_not_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(2001):
            z.writestr(f"xl/media/{number}.bin", b"")
    read = read_return(buffer.getvalue())
    assert [p.code for p in read.problems] == ["workbook_unsafe"]


def test_uk_dates_and_capitals_are_normalised() -> None:
    data = b"Practice Code,Edition,Question ID,Answer,Action Due\nc82001,2030-31,mn1.1,no,1/2/2031\n"
    [only] = read_return(data).rows
    assert only.values == {
        "practice_code": "C82001",
        "edition": "2030-31",
        "question_id": "MN1.1",
        "answer": "no",
        "comment": "",
        "action": "",
        "action_owner": "",
        "action_due": "2031-02-01",
    }
