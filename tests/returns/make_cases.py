"""Write the corpus cases whose exact bytes matter: encodings, line ends, workbooks and files that are no return.

The text cases (``*.csv``, ``*.json`` written by hand) sit beside these in ``tests/returns/``;
each case has a ``.expected`` file with the verdict and the exact problems it must give.
Run from the project folder after changing this script:

    .venv/bin/python tests/returns/make_cases.py
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
HEADER = "practice_code,edition,question_id,answer,comment,action,action_owner,action_due"

GOOD_ROWS = [
    ("MN1.1", "yes", "Policy reviewed at the March meeting, minutes kept", "", "", ""),
    ("MN1.2", "95", "", "", "", ""),
    ("MN1.3", "2030-05-01", "", "", "", ""),
    ("MN1.4", "Coded", "", "", "", ""),
    ("MN1.5", "", "", "", "", ""),
    ("MN0.1", "no", "", "", "", ""),
]


def csv_text(rows: Sequence[tuple[str, ...]], practice: str = "C82001", newline: str = "\n") -> str:
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\r\n') else value

    lines = [HEADER] + [",".join(cell(v) for v in (practice, "2030-31", *row)) for row in rows]
    return newline.join(lines) + newline


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def text_cases() -> None:
    # Excel "CSV UTF-8": a byte order mark, CRLF, quotes around a comment with a comma and quotes, trailing blank rows.
    rows = list(GOOD_ROWS)
    rows[0] = (
        "MN1.1",
        "partial",
        'Lead named; "deputy" still to train, by June',
        "Train the deputy lead",
        "Dr Patel",
        "2030-06-30",
    )
    write(
        "good_excel_utf8.csv",
        b"\xef\xbb\xbf" + (csv_text(rows, newline="\r\n") + ",,,,,,,\r\n,,,,,,,\r\n").encode("utf-8"),
    )
    # Excel "CSV (Comma delimited)" on Windows: Windows-1252 (a pound sign and curly quotes), CRLF.
    rows = list(GOOD_ROWS)
    rows[0] = ("MN1.1", "yes", "Budget £250 agreed at the partners’ meeting", "", "", "")
    write("good_windows_1252.csv", csv_text(rows, newline="\r\n").encode("cp1252"))
    # Excel "Unicode Text": UTF-16 with its byte order mark, tabs between cells.
    lines = [HEADER.replace(",", "\t")] + ["\t".join(("C82001", "2030-31", *row)) for row in GOOD_ROWS]
    write("good_unicode_text.txt", ("\r\n".join(lines) + "\r\n").encode("utf-16"))
    # Bytes that are neither UTF-8 nor Windows-1252 (0x81 is undefined in it).
    write("text_unreadable.csv", csv_text(GOOD_ROWS).encode("utf-8").replace(b"minutes", b"min\x81utes"))


def not_returns() -> None:
    write("empty.csv", b"")
    write(
        "scan.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4,
    )
    write("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8)
    write("old_workbook.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + bytes(range(256)) * 4)
    junk = bytes((i * 7919 + 13) % 256 for i in range(3000))
    write("binary_junk.dat", junk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    write("letter.docx", buffer.getvalue())
    # A zip bomb named .xlsx: a workbook part that unpacks to 200 MB from about 200 KB.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(200):
                part.write(block)
    write("zip_bomb.xlsx", buffer.getvalue())
    write("damaged.xlsx", b"PK\x03\x04" + b"\x14\x00\x06\x00" + bytes(range(256)) * 2)


Cell = str | float | dt.datetime | None


def workbook(answers: dict[str, tuple[Cell, ...]], practice: str = "C82001", moved: bool = False) -> bytes:
    """A workbook in the layout of the self-assessment workbook (see generator.returnformat.WORKBOOK_DATA_SHEET)."""
    book = openpyxl.Workbook()
    start = book.active
    assert start is not None
    start.title = "Start"
    start["B4"] = "Practice ODS code"
    start["C4"] = practice
    sheet = book.create_sheet("Minimal domain")
    sheet.append(["Question id", "Question", "Answer", "Comment", "Action", "Owner", "Due"])
    index = book.create_sheet("_return")
    index.sheet_state = "hidden"
    for row in (("format", "gp-quality-return/1"), ("edition", "2030-31"), ("practice_code", "Start!C4")):
        index.append(list(row))
    index.append(["question_id", "sheet", "row"])
    for number, (question_id, values) in enumerate(answers.items(), start=2):
        sheet.append([question_id, f"Question {question_id}", *values])
        index.append([question_id, "Minimal domain", number + (1 if moved and question_id == "MN1.3" else 0)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbooks() -> None:
    good: dict[str, tuple[Cell, ...]] = {
        "MN1.1": ("Yes", "Policy on the shared drive"),
        "MN1.2": (88, "", "Book refresher training", "Practice manager", dt.datetime(2030, 9, 1)),
        "MN1.3": (dt.datetime(2030, 5, 1),),
        "MN1.4": ("Coded",),
        "MN1.5": (None,),
        "MN0.1": ("no",),
    }
    write("good_workbook.xlsx", workbook(good))
    bad = dict(good)
    bad["MN1.1"] = ("Perhaps",)
    bad["MN1.2"] = (150,)
    write("workbook_bad_answers.xlsx", workbook(bad, practice="C8201"))
    write("workbook_rows_moved.xlsx", workbook(good, moved=True))
    # A workbook of the practice's own, with the return's columns on its first sheet.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Our return"
    sheet.append(HEADER.split(","))
    for row in GOOD_ROWS:
        sheet.append(["C82001", "2030-31", *row])
    out = io.BytesIO()
    book.save(out)
    write("good_own_workbook.xlsx", out.getvalue())
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Staff rota", "Monday", "Tuesday"])
    sheet.append(["Dr Patel", "AM", "PM"])
    out = io.BytesIO()
    book.save(out)
    write("workbook_not_ours.xlsx", out.getvalue())


def exports() -> None:
    answers = [
        {"question_id": q, "answer": a, "comment": c, "action": act, "action_owner": o, "action_due": d}
        for q, a, c, act, o, d in GOOD_ROWS
    ]
    export = {
        "format": "gp-quality-return/1",
        "edition": "2030-31",
        "practice_code": "C82001",
        "practice_name": "Riverside Surgery",
        "completed_by": "Practice manager",
        "exported_at": "2030-06-01T10:00:00Z",
        "answers": answers,
    }
    write("good_export.json", (json.dumps(export, indent=2) + "\n").encode())
    damaged = dict(export, practice_code="", answers=[*answers[:2], ["MN1.3", "2030-05-01"], *answers[3:]])
    write("export_damaged.json", (json.dumps(damaged, indent=2) + "\n").encode())
    write("export_truncated.json", json.dumps(export, indent=2).encode()[:400])
    write("export_other_format.json", json.dumps({"format": "survey-tool/2", "responses": []}).encode())


if __name__ == "__main__":
    text_cases()
    not_returns()
    workbooks()
    exports()
    print(f"wrote the generated cases into {HERE}")
