"""The fillable workbook: its sheets, the contract the collector reads it by, its rules, and round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from workbooks import answer, example_answers, libreoffice, open_book, placed, saved

from generator.forms import returnfiles
from generator.forms.example import PRACTICE_CODE, return_date
from generator.forms.workbook import (
    HEADER_ROW,
    PRACTICE_CODE_CELL,
    START_SHEET,
    render_workbook,
    sheet_names,
    short_title,
)
from generator.load import load_edition
from generator.model import Edition, Library, Question
from generator.returnformat import JSON_FORMAT, WORKBOOK_COLUMNS, WORKBOOK_DATA_SHEET
from generator.returns.read import read_return
from generator.returns.validate import Verdict, rulebook, validate

ROOT = Path(__file__).parent.parent
EDITIONS = {
    "two-domains": ROOT / "tests" / "forms" / "standards" / "2031-32",
    "2025-26": ROOT / "standards" / "2025-26",
}
CREATED = dt.datetime(2031, 4, 1, tzinfo=dt.UTC)


def load(folder: Path) -> Edition:
    edition, _, problems = load_edition(folder)
    assert problems == [] and edition is not None
    return edition


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def edition(request: pytest.FixtureRequest) -> Edition:
    return load(EDITIONS[request.param])


@pytest.fixture(scope="module")
def book_bytes(edition: Edition) -> bytes:
    return render_workbook(edition, CREATED)


def test_sheets_start_domains_then_hidden_data(edition: Edition, book_bytes: bytes) -> None:
    book = open_book(book_bytes)
    names = sheet_names(edition)
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible == [START_SHEET, *(names[d.id] for d in edition.domains)]
    assert book[WORKBOOK_DATA_SHEET].sheet_state == "hidden"
    assert book.active.title == START_SHEET
    assert all(len(name) <= 31 for name in names.values())


def test_hidden_sheet_follows_the_contract(edition: Edition, book_bytes: bytes) -> None:
    book = open_book(book_bytes)
    data = book[WORKBOOK_DATA_SHEET]
    head = [[cell for cell in row[:3]] for row in data.iter_rows(max_row=4, values_only=True)]
    assert head == [
        ["format", JSON_FORMAT, None],
        ["edition", edition.id, None],
        ["practice_code", f"{START_SHEET}!{PRACTICE_CODE_CELL}", None],
        ["question_id", "sheet", "row"],
    ]
    rows = placed(book)
    assert [r[0] for r in rows] == [q.id for _, _, q in edition.questions()]
    for question_id, sheet, row in rows:
        question = edition.question(question_id)
        assert question is not None
        ws = book[sheet]
        assert ws[f"{WORKBOOK_COLUMNS['question_id']}{row}"].value == question_id
        assert str(ws[f"{WORKBOOK_COLUMNS['question']}{row}"].value).startswith(question.text)
    assert book[START_SHEET]["C5"].value == edition.id


def validation_of(ws: Any, cell: str) -> Any:
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    return found[0] if found else None


def list_answers(book: Any, formula: str) -> list[str]:
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.lstrip("=").split("!")
    first, last = cells.replace("$", "").split(":")
    return [str(c.value) for row in book[sheet][first:last] for c in row if c.value is not None]


def assert_answer_rule(book: Any, ws: Any, row: int, question: Question) -> None:
    rule = validation_of(ws, f"{WORKBOOK_COLUMNS['answer']}{row}")
    if question.allowed_answers:
        assert rule.type == "list" and list_answers(book, rule.formula1) == list(question.allowed_answers)
    elif question.type == "number":
        assert rule.type == "decimal" and rule.operator in (None, "between")  # "between" is the default
        assert (float(rule.formula1), float(rule.formula2)) == (question.minimum, question.maximum)
    elif question.type == "date":  # a date, or the word never
        cell = f"{WORKBOOK_COLUMNS['answer']}{row}"
        assert rule.type == "custom" and f'LOWER(TRIM({cell}))="never"' in rule.formula1 and f"ISNUMBER({cell})" in rule.formula1
    else:
        assert rule is None or rule.type in (None, "any")


def test_answer_cells_allow_only_what_each_question_allows(edition: Edition, book_bytes: bytes) -> None:
    book = open_book(book_bytes)
    for question_id, sheet, row in placed(book):
        question = edition.question(question_id)
        assert question is not None
        assert_answer_rule(book, book[sheet], row, question)
        assert validation_of(book[sheet], f"{WORKBOOK_COLUMNS['action_due']}{row}").type == "date"


def test_only_the_cells_a_practice_fills_in_can_change(edition: Edition, book_bytes: bytes) -> None:
    book = open_book(book_bytes)
    assert book[START_SHEET].protection.sheet
    assert not book[START_SHEET][PRACTICE_CODE_CELL].protection.locked
    assert book[START_SHEET]["C5"].protection.locked
    for question_id, sheet, row in placed(book):
        ws = book[sheet]
        assert ws.protection.sheet, sheet
        for field, column in WORKBOOK_COLUMNS.items():
            locked = field in ("question_id", "question")
            assert ws[f"{column}{row}"].protection.locked == locked, (question_id, field)


def test_workbook_is_the_same_bytes_for_the_same_content(edition: Edition, book_bytes: bytes) -> None:
    assert render_workbook(edition, CREATED) == book_bytes
    core = open_book(book_bytes).properties
    assert core.created == CREATED.replace(tzinfo=None)


# --- filled in, and read back by the collector -------------------------------------------------------------


def fill(data: bytes, edition: Edition) -> bytes:
    """The workbook filled in with openpyxl as the example practice answers."""
    book = open_book(data)
    book[START_SHEET][PRACTICE_CODE_CELL] = PRACTICE_CODE
    answer(book, example_answers(edition))
    return saved(book)


def collect(data: bytes, edition: Edition) -> Verdict:
    rules = rulebook(Library({edition.id: edition}), [edition.id])
    return validate(read_return(data), rules, edition.id, return_date(edition))


@pytest.fixture(scope="module")
def filled(edition: Edition, book_bytes: bytes) -> bytes:
    return fill(book_bytes, edition)


def test_filled_workbook_is_accepted_by_the_collector(edition: Edition, filled: bytes) -> None:
    verdict = collect(filled, edition)
    assert [p.code for p in verdict.problems if p.severity == "error"] == []
    assert (verdict.status, verdict.practice_code, verdict.edition) == ("valid", PRACTICE_CODE, edition.id)
    assert verdict.answers == collect(returnfiles.example_return(edition), edition).answers


def test_problems_in_a_workbook_are_listed_sheet_by_sheet(edition: Edition, filled: bytes) -> None:
    """A practice puts one domain's sheet right before the next: problems follow the sheets, then the rows."""
    book = open_book(filled)
    by_sheet: dict[str, list[int]] = {}
    for _, sheet, row in placed(book):
        by_sheet.setdefault(sheet, []).append(row)
    first, second = list(by_sheet)[:2]
    late_in_first, early_in_second = by_sheet[first][-1], by_sheet[second][0]
    assert late_in_first > early_in_second  # listed by row alone, the second sheet's problem would come first
    for sheet, row in ((second, early_in_second), (first, late_in_first)):
        book[sheet][f"{WORKBOOK_COLUMNS['answer']}{row}"] = "maybe"
    verdict = collect(saved(book), edition)
    assert [p.place for p in verdict.problems if p.column == "answer"] == [
        f"sheet '{first}' row {late_in_first}",
        f"sheet '{second}' row {early_in_second}",
    ]


def test_libreoffice_round_trip_keeps_the_answers(edition: Edition, filled: bytes, tmp_path: Path) -> None:
    saved = libreoffice(filled, tmp_path / "lo")
    verdict = collect(saved, edition)
    assert [p.code for p in verdict.problems if p.severity == "error"] == []
    assert verdict.status == "valid"
    assert verdict.answers == collect(filled, edition).answers


def test_libreoffice_keeps_the_rules_protection_and_hidden_sheet(
    edition: Edition, book_bytes: bytes, tmp_path: Path
) -> None:
    book = open_book(libreoffice(book_bytes, tmp_path / "lo"))
    assert book[WORKBOOK_DATA_SHEET].sheet_state == "hidden"
    rows = placed(book)
    assert [r[0] for r in rows] == [q.id for _, _, q in edition.questions()]
    for question_id, sheet, row in rows:
        question = edition.question(question_id)
        assert question is not None
        assert book[sheet].protection.sheet
        assert book[sheet][f"{WORKBOOK_COLUMNS['question']}{row}"].protection.locked
        assert not book[sheet][f"{WORKBOOK_COLUMNS['answer']}{row}"].protection.locked
        assert_answer_rule(book, book[sheet], row, question)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Medicines management", "Medicines management"),
        ("Safeguarding children and adults", "Safeguarding children & adults"),
        ("Recruitment and employment checks", "Recruitment & employment checks"),
        ("Clinical audit and quality improvement", "Clinical audit"),
        ("Premises, equipment and health and safety", "Premises, equipment"),
        ("Significant events, incidents and safety alerts", "Significant events, incidents"),
        ("Consent, capacity, dignity and chaperoning", "Consent, capacity, dignity"),
        ("Supercalifragilisticexpialidocious and more", "Supercalifragilisticexpialidoci"),
    ],
)
def test_a_sheet_name_is_a_title_shortened_between_phrases(title: str, name: str) -> None:
    assert short_title(title) == name


def test_the_help_column_prints(edition: Edition, book_bytes: bytes) -> None:
    book = open_book(book_bytes)
    for domain in edition.domains:
        sheet = book[sheet_names(edition)[domain.id]]
        assert sheet.print_area is not None
        printed = sheet.print_area[0] if isinstance(sheet.print_area, list) else sheet.print_area
        assert printed.split(":")[-1].startswith("$J"), printed
        assert sheet[f"J{HEADER_ROW}"].value == "Help"
