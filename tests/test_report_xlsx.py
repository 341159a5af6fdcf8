"""The report's SpreadsheetML writer: well-formed parts, text that survives, a workbook openpyxl reads."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from generator.report import xlsx


def test_column_letters() -> None:
    assert [xlsx.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_cell_text_escapes() -> None:
    assert xlsx.cell_text("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert xlsx.cell_text("line\r\nnext\ttab") == "line_x000D_\nnext\ttab"
    assert xlsx.cell_text("bell\x07") == "bell_x0007_"
    assert xlsx.cell_text("literal _x0041_ here") == "literal _x005F_x0041_ here"
    assert xlsx.cell_text("x" * 40000) == "x" * xlsx.TEXT_LIMIT


@given(st.text(max_size=60))
def test_any_text_comes_back(text: str) -> None:
    element = ElementTree.fromstring(f"<t>{xlsx.cell_text(text)}</t>")
    assert unescape(element.text or "") == text


def test_sheet_names_are_made_valid_and_unique() -> None:
    sheets = [xlsx.Sheet(n, ["a"], [5], ["text"], []) for n in ("a/b", "A/B", "x" * 40, "")]
    assert xlsx._sheet_names(sheets) == ["a_b", "A_B (2)", "x" * 31, "Sheet"]


def test_workbook_parts_are_well_formed_and_read_back(tmp_path: Path) -> None:
    sheet = xlsx.Sheet(
        "practices",
        ["code", "rating", "share", "count", "note"],
        [10, 8, 8, 8, 20],
        ["text", "rating", "decimal", "number", "text"],
        [
            ("C82001", "red", 12.5, 3, "=1+1"),
            ("C82002", "green", None, 0, "  spaced  "),
            ("C82003", "", 100.0, -2, ""),
        ],
    )
    path = xlsx.write(tmp_path / "t.xlsx", [sheet, xlsx.Sheet("empty", ["only"], [6], ["text"], [])])
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            ElementTree.fromstring(z.read(name))  # every part is well-formed XML
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["practices", "empty"]
    ws = workbook["practices"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["code", "rating", "share", "count", "note"],
        ["C82001", "red", 12.5, 3, "=1+1"],
        ["C82002", "green", None, 0, "  spaced  "],
        ["C82003", None, 100, -2, None],
    ]
    assert ws["E2"].data_type == "s" and ws["E2"].quotePrefix
    assert ws["B2"].fill.fgColor.rgb == "FFB3261E" and ws["B2"].font.color.rgb == "FFFFFFFF"
    assert ws["B3"].fill.fgColor.rgb == "FF1D6B40"
    assert ws["C2"].number_format == "0.0"
    assert ws["A1"].font.b
    assert ws.auto_filter.ref == "A1:E4"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width == 20.7
    assert workbook["empty"].auto_filter.ref == "A1:A2"
