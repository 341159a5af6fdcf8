"""The report's tables as CSV files and one Excel workbook, safe to open in a spreadsheet.

Spreadsheet safety (OWASP, "CSV injection"): a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, and is not a plain number, could be run as a formula
(:mod:`generator.cells`, the rule the collector's files follow too). Every such cell is
neutralised, whatever its source:

* in CSV, it is written with a single quote in front (``'=HYPERLINK(…)``), which a
  spreadsheet takes as "this is text";
* in Excel, it is written as a text cell (never a formula) with Excel's quote prefix
  (the same single quote, kept in the cell's format and not shown), so the sheet shows
  exactly what the practice wrote and a cell edited later stays text (see :mod:`.xlsx`).

Numbers computed by the report are written as numbers and need no neutralising.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..cells import neutralised
from . import xlsx
from .tables import Cell, ColumnKind, Table

WORKBOOK = "report.xlsx"


def _csv_row(row: tuple[Cell, ...]) -> list[Cell]:
    return [neutralised(v) if isinstance(v, str) else v for v in row]


def write_csv(table: Table, folder: Path) -> Path:
    """``<folder>/<table.name>.csv``: UTF-8 with a byte-order mark, so that Excel reads its accents right."""
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in table.columns])
        writer.writerows(map(_csv_row, table.rows))  # None is written as an empty cell
    return path


KINDS: dict[ColumnKind, xlsx.Kind] = {"text": "text", "number": "number", "percent": "decimal", "rating": "rating"}


def write_workbook(tables: Iterable[Table], path: Path, created: str = "2000-01-01T00:00:00Z") -> Path:
    """One sheet per table: a bold frozen header, a filter on every column, ratings as text and colour."""
    sheets = [
        xlsx.Sheet(
            table.name,
            [c.name for c in table.columns],
            [c.width for c in table.columns],
            [KINDS[c.kind] for c in table.columns],
            table.rows,
        )
        for table in tables
    ]
    return xlsx.write(path, sheets, created)


def write_all(tables: list[Table], folder: Path, created: str = "2000-01-01T00:00:00Z") -> list[Path]:
    """Every table as CSV in ``folder``, and the workbook of them all."""
    paths = [write_csv(t, folder) for t in tables]
    paths.append(write_workbook(tables, folder / WORKBOOK, created))
    return paths
