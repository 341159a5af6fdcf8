"""The report's tables as CSV files and one Excel workbook, safe to open in a spreadsheet.

Spreadsheet safety (OWASP, "CSV injection"): a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return could be run as a formula. Every such cell is
neutralised, whatever its source:

* in CSV, it is written with a single quote in front (``'=HYPERLINK(…)``), which a
  spreadsheet takes as "this is text";
* in Excel, it is written as a text cell with Excel's quote prefix (the same single
  quote, kept in the cell's format and not shown), so the sheet shows exactly what the
  practice wrote and a cell edited later stays text.

Numbers computed by the report are written as numbers and need no neutralising.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .tables import Cell, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 32767
"""The most characters an Excel cell holds."""
WORKBOOK = "report.xlsx"


def dangerous(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """``text`` as it is written to CSV: with a single quote in front when it could be taken for a formula."""
    return "'" + text if dangerous(text) else text


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    return value


def write_csv(table: Table, folder: Path) -> Path:
    """``<folder>/<table.name>.csv``: UTF-8 with a byte-order mark, so that Excel reads its accents right."""
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in table.columns])
        writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return path


def write_workbook(tables: Iterable[Table], path: Path) -> Path:
    """One sheet per table: a bold frozen header, a filter on every column, ratings as text and colour."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": "#EEF1F4", "border": 1, "text_wrap": True})
    quoted = workbook.add_format({"quote_prefix": True})
    percent = workbook.add_format({"num_format": "0.0"})
    ratings: dict[str, Any] = {
        "red": workbook.add_format({"bg_color": "#B3261E", "font_color": "#FFFFFF", "bold": True, "align": "center"}),
        "amber": workbook.add_format({"bg_color": "#F4C542", "font_color": "#000000", "bold": True, "align": "center"}),
        "green": workbook.add_format({"bg_color": "#1D6B40", "font_color": "#FFFFFF", "bold": True, "align": "center"}),
    }
    for table in tables:
        sheet = workbook.add_worksheet(table.name[:31])
        for col, column in enumerate(table.columns):
            sheet.set_column(col, col, column.width)
            sheet.write_string(0, col, column.name, header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.columns) - 1)
        kinds = [c.kind for c in table.columns]
        write_string, write_number = sheet.write_string, sheet.write_number
        for r, row in enumerate(table.rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    if kinds[col] == "rating":
                        write_string(r, col, value, ratings.get(value))
                    elif value.startswith(FORMULA_STARTS):
                        write_string(r, col, value[:EXCEL_TEXT_LIMIT], quoted)
                    else:
                        write_string(r, col, value[:EXCEL_TEXT_LIMIT])
                elif kinds[col] == "percent":
                    write_number(r, col, value, percent)
                else:
                    write_number(r, col, value)
    workbook.close()
    return path


def write_all(tables: list[Table], folder: Path) -> list[Path]:
    """Every table as CSV in ``folder``, and the workbook of them all."""
    paths = [write_csv(t, folder) for t in tables]
    paths.append(write_workbook(tables, folder / WORKBOOK))
    return paths
