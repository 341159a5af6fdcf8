"""The in-browser return checker reads and judges as the collector does: property tests against Python.

The page mirrors ``generator/returns/read.py`` and ``validate.py`` in JavaScript: the same rows and the same
problems in the same words, for every file a practice can put right. A file that is damaged or no return is
refused by both in the same plain words (neither repeats the text of Python's or openpyxl's own errors).
Hypothesis writes awkward text and return-like files; the page and the collector must agree on every one.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import workbooks
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from generator.forms.workbook import PRACTICE_CODE_CELL, START_SHEET, render_workbook
from generator.load import load_library
from generator.model import Edition, Library, Question
from generator.returnformat import ALL_COLUMNS, WORKBOOK_COLUMNS, number_text
from generator.returns.messages import format_problem, grouped
from generator.returns.read import MAX_JSON_DEPTH, cell_text, iso_date, read_return
from generator.returns.validate import Rulebook, rulebook, validate
from generator.risk import months_before, risk_test
from generator.selfassess.render import section_files, write_section

pytestmark = pytest.mark.browser

STANDARDS = Path(__file__).parent / "selfassess" / "standards"
EDITION = "2031-32"
RECEIVED = dt.date(2031, 8, 15)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(STANDARDS).library


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, library: Library, browser: Browser) -> Iterator[Page]:
    """The checker's scripts on a bare page: what is compared is what they compute, not how a page shows it."""
    root = tmp_path_factory.mktemp("reader")
    files = section_files(library.editions[EDITION], library)
    write_section(files, root)
    assets = root / "self-assessment" / "assets"
    scripts = "".join(
        f'<script src="{name}"></script>'
        for name in (
            "edition.js",
            "selfassess-rules.js",
            "selfassess-core.js",
            "selfassess-read.js",
            "selfassess-workbook.js",
            "selfassess-check.js",
        )
    )
    (assets / "test.html").write_text(f"<!doctype html><title>checker</title>{scripts}")
    opened = browser.new_page()
    opened.goto((assets / "test.html").as_uri())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def rules(library: Library) -> Rulebook:
    return rulebook(library, sorted(library.editions))


# --- cells and values read as the collector reads them -------------------------------------------------------------------------

CSV_TEXT = st.text(alphabet=list('ab,;"\r\n \té\u2028'), max_size=60)


@SETTINGS
@given(text=CSV_TEXT, delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_records_are_read_as_pythons_csv_module_reads_them(page: Page, text: str, delimiter: str) -> None:
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    got = page.evaluate("([t, d]) => GPQS_READ.readCsvRecords(t, d)", [text, delimiter])
    assert got == {"records": expected}


JSON_BITS = ['{', '}', '[', ']', '"', ':', ',', '1', '0', '-', '.', 'e', '+', 'true', 'null', 'NaN', '-Infinity',
             '\\', '\\u00e9', '\\n', ' ', '\n', 'a', '"k"', '"v"', '\x01']  # fmt: skip


def json_documents() -> st.SearchStrategy[str]:
    # Characters that Python's and the browser's Unicode tables agree on: they differ on letters added in recent
    # versions of Unicode, which decides whether Python's repr() escapes one.
    text = st.text(st.characters(max_codepoint=0x2FF) | st.sampled_from(list("€–“”\u2028\ufeff")), max_size=5)
    values: st.SearchStrategy[Any] = st.recursive(
        st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=True) | text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=6,
    )
    whole = values.map(lambda v: json.dumps(v, indent=None if hash(str(v)) % 2 else 1))
    broken = st.tuples(whole, st.integers(0, 40), st.sampled_from(JSON_BITS)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    )
    bits = st.lists(st.sampled_from(JSON_BITS), max_size=12).map("".join)
    return whole | broken | bits


def as_read(value: Any) -> Any:
    """A JSON value as the collector takes it: each number as it is written (however long), and text as the
    collector keeps it (a lone surrogate or NUL written out)."""
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, dict):
        return {cell_text(k): as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_read(v) for v in value]
    return value


def _no_constant(name: str) -> None:
    raise ValueError(name)


@SETTINGS
@given(text=json_documents())
def test_json_is_read_as_the_collector_reads_it(page: Page, text: str) -> None:
    """Valid or not as the collector decides (NaN and Infinity are no JSON), and the same values, each number
    as it is written (1.50 stays 1.50, a whole number of any length exact)."""
    try:
        expected = {"value": as_read(json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant))}
    except ValueError:
        expected = {"value": None}
    got = page.evaluate(
        """(t) => {
            const R = GPQS_READ;
            const walk = (v) => Array.isArray(v) ? v.map(walk)
                : v !== null && typeof v === "object"
                    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [R.cellText(k), walk(x)]))
                : typeof v === "string" ? R.cellText(v) : v;
            const value = R.parseJson(t);
            return {value: value === null ? null : walk(value)};
        }""",
        text,
    )
    assert got == expected


@SETTINGS
@given(x=st.floats(allow_nan=True, allow_infinity=True) | st.floats(-1e-5, 1e-5))
def test_a_number_is_written_as_the_collector_writes_it(page: Page, x: float) -> None:
    """A number a workbook holds that is not whole: the page writes it as JavaScript does, the collector alike."""
    if x == x and x.is_integer():
        return
    assert page.evaluate("(x) => String(x)", x) == cell_text(x)


def test_odd_text_in_json_is_shown_as_the_collector_shows_it(page: Page) -> None:
    """A lone surrogate or a NUL (which JSON can hold and nothing can write) is written out as its escape."""
    text = json.dumps({"a": "\ud800", "b": "x\x00\udce9", "c": "\U0001f600"})
    got = page.evaluate("(t) => { const v = GPQS_READ.parseJson(t); return [v.a, v.b, v.c].map(GPQS_READ.cellText); }", text)
    assert got == ["\\ud800", "x\\x00\\xe9", "\U0001f600"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 5_000])
def test_json_nested_deeply_is_judged_as_the_collector_judges_it(page: Page, rules: Rulebook, depth: int) -> None:
    """Both refuse JSON nested beyond the same limit, rather than wherever their parsers give up."""
    nested = "[" * (depth - 1) + "]" * (depth - 1)
    data = ('{"format": "gp-quality-return/1", "answers": [], "x": ' + nested + "}").encode()
    assert_the_page_agrees(page, rules, data, generated=False)


@pytest.mark.parametrize("comment", ["", "We see no children."])
def test_not_applicable_needs_its_reason_where_the_question_says_when(page: Page, rules: Rulebook, comment: str) -> None:
    """MN1.1 says when it does not apply: answered not applicable, the comment must say why."""
    edition = rules.editions[EDITION].edition
    rows = [list(ALL_COLUMNS)]
    for _, _, question in edition.questions():
        answer = "not applicable" if question.id == "MN1.1" else ""
        rows.append(["C82001", EDITION, question.id, answer, comment if answer else "", "", "", ""])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    _, lines = collector_lines(data, rules)
    said = [line for line in lines if "is answered not applicable" in line]
    assert said == ([] if comment else [
        "return row 2, comment: MN1.1 is answered not applicable, but the comment does not say why: give the reason, "
        "such as 'the practice sees no patients under 18'."
    ])
    assert_the_page_agrees(page, rules, data, generated=False)


# --- whole returns, judged alike ---------------------------------------------------------------------------------

CODES = ["C82001", "c82001", "C82002", "C8200", "", " C82001 "]
EDITIONS = ["2031-32", "2031-32", "2031-32", "2030-31", "2032-33", "2019-20", ""]
IDS = ["MN1.1", "MN1.2", "MN1.6", "MN1.5", "MN1.7", "MN0.1", "PR1.1", "PR1.2", "PR1.3", "PR0.1", "mn1.1", "XX9.9", ""]
ANSWERS = ["yes", "Yes", "no", "partial", "maybe", "95", "40", "150", "-1", "1.5", "+5", "abc", "2031-05-01", "never", "not applicable",
           "2020-01-01", "31/02/2031", "1/5/2031", "SNOMED codes", "free text", "", " ", "=1+1", 'a, "b"']  # fmt: skip
TEXTS = ["", "", "Plan", "=SUM(A1)", "Practice manager", "2031-09-30", "30/9/2031", "2031-13-01", "x,y"]
HEADERS = [*ALL_COLUMNS, "Practice Code", "Question ID", "notes", "", "comment"]

rows_of = st.fixed_dictionaries(
    {
        "practice_code": st.sampled_from(CODES),
        "edition": st.sampled_from(EDITIONS),
        "question_id": st.sampled_from(IDS),
        "answer": st.sampled_from(ANSWERS),
        "comment": st.sampled_from(TEXTS),
        "action": st.sampled_from(TEXTS),
        "action_owner": st.sampled_from(TEXTS),
        "action_due": st.sampled_from(TEXTS),
    }
)


@st.composite
def csv_returns(draw: st.DrawFn) -> bytes:
    header = draw(st.one_of(st.just(list(ALL_COLUMNS)), st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9)))
    rows = draw(st.lists(rows_of, max_size=14))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(header)
    for row in rows:
        named = {"practice code": "practice_code", "question id": "question_id"}
        cells = [row.get(named.get(h.lower(), h), "") for h in header]
        writer.writerow(cells + draw(st.lists(st.sampled_from(["", "extra"]), max_size=2)))
    text = out.getvalue()
    return draw(st.sampled_from([text.encode("utf-8"), ("\ufeff" + text).encode("utf-8")]))


@st.composite
def json_returns(draw: st.DrawFn) -> bytes:
    answers = [
        {k: v for k, v in row.items() if k not in ("practice_code", "edition") or draw(st.booleans())}
        for row in draw(st.lists(rows_of, max_size=12))
    ]
    data = {
        "format": draw(st.sampled_from(["gp-quality-return/1", "gp-quality-return/1", "other"])),
        "edition": draw(st.sampled_from(EDITIONS)),
        "practice_code": draw(st.sampled_from(CODES)),
        "answers": answers,
    }
    return json.dumps(data).encode("utf-8")


def collector_lines(data: bytes, rules: Rulebook) -> tuple[str, list[str]]:
    verdict = validate(read_return(data), rules, EDITION, RECEIVED)
    return verdict.edition, [format_problem("return", p, places) for p, places in grouped(verdict.problems)]


def page_lines(page: Page, data: bytes) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        """async ([bytes, day]) => {
            const v = await GPQS_CHECK.checkBytes(new Uint8Array(bytes), day);
            const lines = GPQS_CHECK.grouped(v.problems).map(([p, at]) => GPQS_CHECK.formatProblem("return", p, at));
            return {status: v.status, edition: v.edition, lines: lines};
        }""",
        [list(data), {"year": RECEIVED.year, "month": RECEIVED.month, "day": RECEIVED.day}],
    )
    return found


def assert_the_page_agrees(page: Page, rules: Rulebook, data: bytes, generated: bool = True) -> None:
    """The page gives the collector's lines for ``data``, or sends a return of another edition to that edition's page."""
    edition, expected = collector_lines(data, rules)
    got = page_lines(page, data)
    if generated:  # hypothesis tells how often each kind of verdict was met
        event(f"{got['status']}, {'some' if got['lines'] else 'no'} problems")
    if got["status"] == "other":  # a return to another published edition: that edition's own page checks it
        assert edition == got["edition"] == "2030-31"
        return
    assert got["lines"] == expected


@SETTINGS
@given(data=st.one_of(csv_returns(), json_returns()))
def test_the_page_finds_what_the_collector_finds(page: Page, rules: Rulebook, data: bytes) -> None:
    assert_the_page_agrees(page, rules, data)


# --- workbooks, unzipped and read in the browser as openpyxl reads them ---------------------------------------

WORKBOOK_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CELLS = st.one_of(
    st.sampled_from(ANSWERS),
    st.integers(-5, 200),
    st.floats(-10, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
    st.booleans(),
    st.dates(dt.date(1899, 12, 1), dt.date(2040, 1, 1)),
    st.datetimes(dt.datetime(2030, 1, 1), dt.datetime(2033, 1, 1)),
    st.none(),
)


@functools.cache
def the_edition() -> Edition:
    return load_library(STANDARDS).library.editions[EDITION]


@functools.cache
def blank_workbook() -> bytes:
    return render_workbook(the_edition(), workbooks.CREATED)


@functools.cache
def example_answers() -> dict[str, dict[str, Any]]:
    return workbooks.example_answers(the_edition())


@st.composite
def our_workbooks(draw: st.DrawFn) -> bytes:
    """The self-assessment workbook filled in as a person might: any kind of value in any cell they can change,
    now and then a moved row, a renamed sheet or a practice code in the wrong place."""
    book = workbooks.open_book(blank_workbook())
    book[START_SHEET][PRACTICE_CODE_CELL] = draw(st.sampled_from(["C82001", "C82001", *CODES]) | st.integers(1, 99999))
    placed = workbooks.placed(book)
    if draw(st.booleans()):  # answered in full first, as the example return answers
        workbooks.answer(book, example_answers())
    changed = draw(st.lists(st.sampled_from(placed), max_size=8, unique=True)) if draw(st.integers(0, 2)) else []
    for _question_id, sheet, row in changed:
        ws = book[sheet]
        for field in ("answer", "comment", "action", "action_owner", "action_due"):
            if draw(st.booleans()):
                ws[f"{WORKBOOK_COLUMNS[field]}{row}"] = draw(CELLS)
        if draw(st.integers(0, 9)) == 0:
            ws[f"{WORKBOOK_COLUMNS['question_id']}{row}"] = draw(st.sampled_from(IDS))
    if draw(st.integers(0, 9)) == 0:
        book[placed[-1][1]].title = "Renamed"
    return workbooks.saved(book)


@st.composite
def other_workbooks(draw: st.DrawFn) -> bytes:
    """A workbook of someone's own making: the return's columns (or not) on its first sheet, typed values below."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = draw(st.sampled_from(["Sheet1", "Return", "Practice's return"]))
    header = draw(st.one_of(st.just(list(ALL_COLUMNS)), st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9)))
    first_row = draw(st.integers(1, 3))
    for column, name in enumerate(header, start=1):
        sheet.cell(first_row, column, name or None)
    for offset, row in enumerate(draw(st.lists(rows_of, max_size=8)), start=1):
        named = {"practice code": "practice_code", "question id": "question_id"}
        for column, name in enumerate(header, start=1):
            value: Any = row.get(named.get(name.lower(), name), "") or None
            if name in ("answer", "action_due") and draw(st.booleans()):
                value = draw(CELLS)
            sheet.cell(first_row + offset, column, value)
        if draw(st.integers(0, 4)) == 0:
            sheet.cell(first_row + offset, len(header) + 1, "extra")
    if draw(st.booleans()):
        book.create_sheet("Notes")["A1"] = "notes"
    return workbooks.saved(book)


@WORKBOOK_SETTINGS
@given(data=st.one_of(our_workbooks(), other_workbooks()))
def test_the_page_reads_a_workbook_as_the_collector_does(page: Page, rules: Rulebook, data: bytes) -> None:
    assert_the_page_agrees(page, rules, data)


def test_a_damaged_or_oversized_workbook_is_refused_as_the_collector_refuses_it(page: Page, rules: Rulebook) -> None:
    whole = blank_workbook()
    cut = whole[: len(whole) // 2]
    middle = whole.index(b"xl/worksheets/sheet2.xml") + 200  # inside that sheet's compressed data
    garbled = whole[:middle] + bytes(b ^ 0x5A for b in whole[middle : middle + 64]) + whole[middle + 64 :]
    for data in (cut, garbled):
        verdict = validate(read_return(data), rules, EDITION, RECEIVED)
        assert [p.code for p in verdict.problems] == ["workbook_unreadable"]
        got = page_lines(page, data)
        assert got["lines"] == [format_problem("return", verdict.problems[0], "")], got

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    _, expected = collector_lines(bomb.getvalue(), rules)
    assert expected == [
        "return: This workbook would unpack to 3.0 MB, far more than a self-assessment workbook holds, so it was not "
        "opened. Send the workbook as you downloaded and filled it in, or the CSV file."
    ]
    assert page_lines(page, bomb.getvalue())["lines"] == expected


def test_a_sheet_that_claims_more_rows_than_it_has_is_read_as_the_collector_reads_it(page: Page, rules: Rulebook) -> None:
    """openpyxl pads a sheet's rows to what its dimension claims only within the rows it has, never past its last."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(list(ALL_COLUMNS))
    book.active.append(["C82001", EDITION, "MN1.1", "maybe", "", "", "", ""])
    whole = io.BytesIO(workbooks.saved(book))
    claimed = io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(claimed, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:H20000"', data)
            target.writestr(name, data)
    _, expected = collector_lines(claimed.getvalue(), rules)
    assert any("'maybe' is not an answer" in line for line in expected)
    assert_the_page_agrees(page, rules, claimed.getvalue(), generated=False)


def test_a_workbook_saved_again_by_a_spreadsheet_is_read_as_the_collector_reads_it(
    page: Page, rules: Rulebook, tmp_path: Path
) -> None:
    """LibreOffice writes its own shared strings, styles and date formats: the page must read those too."""
    book = workbooks.open_book(blank_workbook())
    book[START_SHEET][PRACTICE_CODE_CELL] = "C82001"
    workbooks.answer(book, example_answers())
    first = workbooks.placed(book)[0][0]
    workbooks.answer(book, {first: {"answer": "maybe", "action_due": dt.datetime(2031, 9, 30, 14, 30)}})
    data = workbooks.libreoffice(workbooks.saved(book), tmp_path / "lo")
    _, expected = collector_lines(data, rules)
    assert any("'maybe' is not an answer" in line for line in expected)
    assert page_lines(page, data)["lines"] == expected


# --- the risk rule at its edges: the collector, the check page and the online form agree ------------------


def boundary_answers(question: Question) -> list[str]:
    """Answers at and beside each edge of a question's rules: its bounds, its risk thresholds, its date cut-off."""
    if question.type == "date" and question.risk_older_than_months is not None:
        cutoff = months_before(RECEIVED, question.risk_older_than_months)
        days = [cutoff + dt.timedelta(days=d) for d in (-1, 0, 1)]
        return [d.isoformat() for d in days] + [f"{d.day}/{d.month}/{d.year}" for d in days] + ["never", "Never done"]
    if question.type == "number":
        edges = [e for e in (question.minimum, question.maximum, question.risk_below, question.risk_above) if e is not None]
        values = sorted({v for e in edges for v in (e - 1, e - 0.01, e, e + 0.01, e + 1)})
        return [number_text(v) for v in values]
    return []


EDGES = [
    (question.id, value)
    for _, _, question in load_library(STANDARDS).library.editions[EDITION].questions()
    for value in boundary_answers(question)
]


def test_there_are_edges_to_test() -> None:
    ids = {question_id for question_id, _ in EDGES}
    assert {"MN1.2", "MN1.7", "PR1.2"} <= ids and len(EDGES) > 30


@pytest.mark.parametrize(("question_id", "value"), EDGES)
def test_the_risk_rule_agrees_at_its_edges(
    page: Page, rules: Rulebook, library: Library, question_id: str, value: str
) -> None:
    """A return answering one question at an edge of its rules, with no action plan: the check page gives the
    collector's lines (a risk asks for a plan, so a risk shows), and the online form flags the risk alike."""
    edition = library.editions[EDITION]
    rows = [list(ALL_COLUMNS)]
    for _, _, question in edition.questions():
        answer = value if question.id == question_id else ""
        rows.append(["C82001", EDITION, question.id, answer, "", "", "", ""])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    assert_the_page_agrees(page, rules, out.getvalue().encode("utf-8"), generated=False)
    asked = edition.question(question_id)
    assert asked is not None
    test = risk_test(asked)
    python = test is not None and test(iso_date(value), RECEIVED)
    day = {"year": RECEIVED.year, "month": RECEIVED.month, "day": RECEIVED.day}
    browser = page.evaluate(
        "([id, value, day]) => GPQS.flagsRisk(GPQS.question(id), value, day)", [question_id, iso_date(value), day]
    )
    assert browser is python
