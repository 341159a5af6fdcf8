"""A small, fast writer of .xlsx workbooks (Office Open XML SpreadsheetML), for the report's tables.

Why not XlsxWriter: the report of every practice in England has about 750,000 cells,
and XlsxWriter spends about 7.6 µs on each (5.7 s, measured in ``bench/bench_report.py``),
more than the whole report may take. Tables of text and numbers need little of
SpreadsheetML, so this module writes it directly, at well under a microsecond a cell.

What it writes, and no more: one sheet per table, text as inline strings, numbers, a
bold shaded header row frozen at the top, a filter on every column (so the table sorts
and filters), column widths, and per-cell styles from a fixed list (:data:`STYLES`):
quote-prefixed text, the three rating colours, one-decimal numbers.

Text is written as XML escapes it, with characters XML 1.0 cannot hold (and the
carriage return, which XML would turn into a line feed) written as SpreadsheetML's
``_xHHHH_`` escapes, which spreadsheets decode; a literal ``_xHHHH_`` is itself escaped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from ..cells import could_run

Style = Literal["", "header", "quoted", "red", "amber", "green", "decimal"]
STYLES: tuple[Style, ...] = ("", "header", "quoted", "red", "amber", "green", "decimal")
"""The cell styles, in the order of styles.xml's cellXfs: a cell's ``s`` attribute is its index."""
STYLE_INDEX: dict[Style, int] = {s: i for i, s in enumerate(STYLES)}

TEXT_LIMIT = 32767
"""The most characters a cell holds."""
SHEET_NAME_LIMIT = 31

Value = str | int | float | None
Kind = Literal["text", "number", "decimal", "rating"]
"""How a column's cells are written: text; numbers; numbers shown with one decimal; ratings
(red, amber, green) as text on their colour."""


@dataclass(frozen=True)
class Sheet:
    name: str
    header: Sequence[str]
    widths: Sequence[int]
    kinds: Sequence[Kind]
    rows: Sequence[Sequence[Value]]


_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def _escape_match(match: re.Match[str]) -> str:
    text = match.group(0)
    if len(text) == 1:
        return f"_x{ord(text):04X}_"
    return "_x005F" + text  # a literal _xHHHH_: escape its underscore


def cell_text(value: str) -> str:
    """``value`` as the content of an ``<t>`` element."""
    if len(value) > TEXT_LIMIT:
        value = value[:TEXT_LIMIT]
    if (not value.isprintable() or "_x" in value) and _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_match, value)
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _string_cell(ref: str, value: str, style: int) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{cell_text(value)}</t></is></c>'


def sheet_xml(sheet: Sheet) -> str:
    columns = len(sheet.header)
    letters = [column_letter(i) for i in range(columns)]
    last = f"{letters[-1]}{max(len(sheet.rows), 1) + 1}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/><cols>'
    ]
    parts.extend(
        f'<col min="{i + 1}" max="{i + 1}" width="{w + 0.7:.1f}" customWidth="1"/>' for i, w in enumerate(sheet.widths)
    )
    parts.append('</cols><sheetData><row r="1">')
    header_style = STYLE_INDEX["header"]
    parts.extend(_string_cell(f"{letters[i]}1", name, header_style) for i, name in enumerate(sheet.header))
    parts.append("</row>")
    quoted = f' s="{STYLE_INDEX["quoted"]}"'
    decimal = f' s="{STYLE_INDEX["decimal"]}"'
    ratings = {r: f' s="{STYLE_INDEX[r]}"' for r in ("red", "amber", "green")}
    rating_columns = {c for c, kind in enumerate(sheet.kinds) if kind == "rating"}
    decimal_columns = {c for c, kind in enumerate(sheet.kinds) if kind == "decimal"}
    for r, row in enumerate(sheet.rows, start=2):
        cells = [f'<row r="{r}">']
        append = cells.append
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if c in rating_columns:
                    style = ratings.get(value, "")
                elif could_run(value):
                    style = quoted
                else:
                    style = ""
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                append(f'<c r="{letters[c]}{r}"{style} t="inlineStr"><is><t{space}>{cell_text(value)}</t></is></c>')
            else:
                style = decimal if c in decimal_columns else ""
                append(f'<c r="{letters[c]}{r}"{style}><v>{value!r}</v></c>')
        append("</row>")
        parts.append("".join(cells))
    parts.append(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>')
    return "".join(parts)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}"
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>GP Quality and Safety Toolkit</Application></Properties>"
)

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    "</fonts>"
    '<fills count="6">'
    '<fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEF1F4"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFB3261E"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF4C542"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1D6B40"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2">'
    "<border><left/><right/><top/><bottom/><diagonal/></border>"
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="5" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _quoted_name(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _sheet_names(sheets: Sequence[Sheet]) -> list[str]:
    names: list[str] = []
    for sheet in sheets:
        name = re.sub(r"[\[\]:*?/\\]", "_", sheet.name)[:SHEET_NAME_LIMIT] or "Sheet"
        base, n = name, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
            n += 1
        names.append(name)
    return names


def write(path: Path, sheets: Sequence[Sheet], created: str = "2000-01-01T00:00:00Z") -> Path:
    """Write ``sheets`` as one workbook at ``path``."""
    names = _sheet_names(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    sheet_entries = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quoted_name(name))}!$A$1:${column_letter(len(sheet.header) - 1)}${max(len(sheet.rows), 1) + 1}"
        "</definedName>"
        for i, (name, sheet) in enumerate(zip(names, sheets, strict=True))
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheet_entries}</sheets><definedNames>{filters}</definedNames></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Self-assessment returns report: for the ICB only</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>'
        "</cp:coreProperties>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.replace("{sheets}", overrides))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("docProps/core.xml", core)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(sheet))
    return path
