"""The in-browser return checker reads and judges as the collector does: property tests against Python.

The page mirrors ``generator/returns/read.py`` and ``validate.py`` in JavaScript, down to how
Python's ``csv`` and ``json`` modules read text. Hypothesis writes awkward text and return-like
files; the page and the collector must agree on every one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from generator.load import load_library
from generator.model import Library
from generator.returnformat import ALL_COLUMNS
from generator.returns.messages import format_problem, grouped
from generator.returns.read import read_return
from generator.returns.validate import Rulebook, rulebook, validate
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
        f'<script src="{name}"></script>' for name in ("edition.js", "selfassess-read.js", "selfassess-check.js")
    )
    (assets / "test.html").write_text(f"<!doctype html><title>checker</title>{scripts}")
    opened = browser.new_page()
    opened.goto((assets / "test.html").as_uri())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def rules(library: Library) -> Rulebook:
    return rulebook(library, sorted(library.editions))


# --- Python's csv and json, mirrored -------------------------------------------------------------------------

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


@SETTINGS
@given(text=json_documents())
def test_json_is_read_as_pythons_json_module_reads_it(page: Page, text: str) -> None:
    try:
        expected = {"value": repr(json.loads(text))}
    except json.JSONDecodeError as error:
        expected = {"error": f"line {error.lineno}, column {error.colno}"}
    got = page.evaluate(
        """(t) => { try { return {value: GPQS_READ.repr(GPQS_READ.pyJsonLoads(t))}; }
                    catch (e) { return {error: GPQS_READ.jsonErrorPlace(t, e.pos)}; } }""",
        text,
    )
    assert got == expected


# --- whole returns, judged alike ---------------------------------------------------------------------------------

CODES = ["C82001", "c82001", "C82002", "C8200", "", " C82001 "]
EDITIONS = ["2031-32", "2031-32", "2031-32", "2030-31", "2032-33", "2019-20", ""]
IDS = ["MN1.1", "MN1.2", "MN1.6", "MN1.5", "MN1.7", "MN0.1", "PR1.1", "PR1.2", "PR1.3", "PR0.1", "mn1.1", "XX9.9", ""]
ANSWERS = ["yes", "Yes", "no", "partial", "maybe", "95", "40", "150", "-1", "1.5", "+5", "abc", "2031-05-01",
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
        """([bytes, day]) => {
            const v = GPQS_CHECK.checkBytes(new Uint8Array(bytes), day);
            const lines = GPQS_CHECK.grouped(v.problems).map(([p, at]) => GPQS_CHECK.formatProblem("return", p, at));
            return {status: v.status, edition: v.edition, lines: lines};
        }""",
        [list(data), {"year": RECEIVED.year, "month": RECEIVED.month, "day": RECEIVED.day}],
    )
    return found


@SETTINGS
@given(data=st.one_of(csv_returns(), json_returns()))
def test_the_page_finds_what_the_collector_finds(page: Page, rules: Rulebook, data: bytes) -> None:
    edition, expected = collector_lines(data, rules)
    got = page_lines(page, data)
    event(f"{got['status']}, {'some' if got['lines'] else 'no'} problems")
    if got["status"] == "other":  # a return to another published edition: that edition's own page checks it
        assert edition == got["edition"] == "2030-31"
        return
    assert got["lines"] == expected
