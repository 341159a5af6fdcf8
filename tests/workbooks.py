"""The self-assessment workbook as tests fill it in: opened with openpyxl, answered where its hidden sheet
says each question is, saved, and saved again by LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl

from generator.forms import returnfiles
from generator.forms.workbook import PRACTICE_CODE_CELL, START_SHEET, render_workbook
from generator.model import Edition, Question
from generator.returnformat import WORKBOOK_COLUMNS, WORKBOOK_DATA_SHEET

CREATED = dt.datetime(2031, 4, 1, tzinfo=dt.UTC)


def open_book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def blank(edition: Edition, practice_code: object = None) -> Any:
    """The edition's workbook, opened, with the practice code on the Start sheet when one is given."""
    book = open_book(render_workbook(edition, CREATED))
    if practice_code is not None:
        book[START_SHEET][PRACTICE_CODE_CELL] = practice_code
    return book


def placed(book: Any) -> list[tuple[str, str, int]]:
    """The question rows the hidden sheet lists: (question id, sheet, row)."""
    return [(a, b, c) for a, b, c, *_ in book[WORKBOOK_DATA_SHEET].iter_rows(min_row=5, values_only=True) if a]


def answer(book: Any, answers: Mapping[str, Mapping[str, Any]]) -> None:
    """Type ``answers`` (question id → column → value) into the cells the hidden sheet names."""
    where = {question_id: (sheet, row) for question_id, sheet, row in placed(book)}
    for question_id, cells in answers.items():
        sheet, row = where[question_id]
        for column, value in cells.items():
            book[sheet][f"{WORKBOOK_COLUMNS[column]}{row}"] = value


def typed(question: Question, value: str) -> Any:
    """A value as a person types it into a cell: numbers and dates become numbers and dates."""
    if not value:
        return None
    if question.type == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if question.type == "date":
        return dt.date.fromisoformat(value)
    return value


def example_answers(edition: Edition) -> dict[str, dict[str, Any]]:
    """The example return's answers as a person types them into the workbook."""
    found: dict[str, dict[str, Any]] = {}
    for row in csv.DictReader(io.StringIO(returnfiles.example_return(edition).decode())):
        question = edition.question(row["question_id"])
        assert question is not None
        due = row["action_due"]
        found[row["question_id"]] = {
            "answer": typed(question, row["answer"]),
            "comment": row["comment"] or None,
            "action": row["action"] or None,
            "action_owner": row["action_owner"] or None,
            "action_due": dt.date.fromisoformat(due) if due else None,
        }
    return found


def saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def libreoffice(source: bytes, folder: Path) -> bytes:
    """``source`` opened and saved again as .xlsx by LibreOffice, headless, in a profile of its own."""
    folder.mkdir()
    (folder / "in").mkdir()
    (folder / "in" / "book.xlsx").write_bytes(source)
    done = subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            str(folder / "in" / "book.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = folder / "out" / "book.xlsx"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return result.read_bytes()
