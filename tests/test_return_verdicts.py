"""One reader of returns: `toolkit collect`, `toolkit carry-forward`, the online form's "load a file" and the
"check a return file" page give the same verdict on every file of both corpora of returns.

The corpora (``tests/returns/`` and ``tests/selfassess/returns/``) hold every encoding, separator, header
spelling, workbook and JSON shape the collector accepts, and broken files of every kind. For each file:

* the collector (``generator/returns/read.py``) reads rows, or finds it is no return;
* carry-forward (``generator/carry.read_return``) takes the same rows, or refuses the file in the words of the
  problem that leaves nothing to carry;
* the online form's load (``GPQS.loadFile``) takes the same rows, edition and practice code, or refuses the file
  in those same words;
* the check page (``GPQS_READ.readFile``, ``GPQS_CHECK.checkBytes``) reads the same rows with the same problems,
  and reports what the collector reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from generator.carry import ReturnUnreadable, nothing_to_carry
from generator.carry import read_return as carry_read
from generator.load import load_library
from generator.returnformat import ALL_COLUMNS, JSON_FORMAT
from generator.returns.messages import format_problem, grouped
from generator.returns.read import MAX_ROWS, read_return
from generator.returns.validate import Rulebook, rulebook, validate
from generator.selfassess.render import section_files, write_section

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
STANDARDS = HERE / "selfassess" / "standards"
EDITION = "2031-32"
RECEIVED = dt.date(2031, 8, 15)
CORPORA = (HERE / "returns", HERE / "selfassess" / "returns")
FILES = sorted(
    (
        p
        for corpus in CORPORA
        for p in corpus.iterdir()
        if p.suffix not in (".expected", ".py") and p.name != "register.csv"
    ),
    key=lambda p: (p.parent.name, p.name),
)
ACCEPTED_AS_SAVED = [  # returns the online form once refused, that the collector reads with no problem of reading
    "good_windows_1252.csv",
    "good_unicode_text.txt",
    "good_semicolons.csv",
    "good_excel_utf8.csv",
    "practice_codes.csv",
    "C82012-excel-headers.csv",
    "C82013-semicolons.csv",
    "C82020-windows-1252.csv",
    "C82021-utf16.csv",
    "good_workbook.xlsx",
    "good_own_workbook.xlsx",
    "good_export.json",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Page]:
    """The start page's and the check page's scripts on one bare page."""
    library = load_library(STANDARDS).library
    root = tmp_path_factory.mktemp("verdicts")
    write_section(section_files(library.editions[EDITION], library), root)
    assets = root / "self-assessment" / "assets"
    names = ("edition.js", "selfassess-rules.js", "selfassess-core.js", "selfassess-read.js", "selfassess-workbook.js")
    scripts = "".join(f'<script src="{name}"></script>' for name in (*names, "selfassess-check.js"))
    (assets / "test.html").write_text(f"<!doctype html><title>verdicts</title>{scripts}")
    opened = browser.new_page()
    opened.goto((assets / "test.html").as_uri())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def rules() -> Rulebook:
    library = load_library(STANDARDS).library
    return rulebook(library, sorted(library.editions))


def in_browser(page: Page, data: bytes) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        """async ([bytes, day]) => {
            const read = await GPQS_READ.readFile(new Uint8Array(bytes));
            const loaded = await GPQS.loadFile(new Uint8Array(bytes));
            const checked = await GPQS_CHECK.checkBytes(new Uint8Array(bytes), day);
            return {
                unknown: read.format === "unknown",
                rows: read.rows.map((r) => r.values),
                problems: read.problems.map((p) => [p.code, p.severity, p.place, p.column, p.message]),
                loaded: loaded.error !== undefined ? {error: loaded.error}
                    : {rows: loaded.rows, edition: loaded.edition, practice_code: loaded.practice_code},
                status: checked.status,
                lines: GPQS_CHECK.grouped(checked.problems).map(([p, at]) => GPQS_CHECK.formatProblem("return", p, at)),
            };
        }""",
        [list(data), {"year": RECEIVED.year, "month": RECEIVED.month, "day": RECEIVED.day}],
    )
    return found


def verdict(page: Page, rules: Rulebook, path: Path) -> str:
    """The file's verdict, after every reader has agreed on it: 'rows', 'nothing to load' or 'no return'."""
    data = path.read_bytes()
    collected = read_return(data)
    rows = [dict(row.values) for row in collected.rows]
    fatal = nothing_to_carry(collected)
    browser = in_browser(page, data)
    name = f"{path.parent.name}/{path.name}"

    # the check page reads the collector's rows with the collector's problems ...
    assert browser["unknown"] == (collected.format == "unknown"), name
    assert browser["rows"] == rows, name
    assert browser["problems"] == [[p.code, p.severity, p.place, p.column, p.message] for p in collected.problems], name
    # ... and reports what `toolkit collect` reports
    checked = validate(collected, rules, EDITION, RECEIVED)
    if browser["status"] == "other":  # a return to another published edition: that edition's own page checks it
        assert checked.edition == "2030-31", name
    else:
        assert browser["lines"] == [format_problem("return", p, at) for p, at in grouped(checked.problems)], name

    # carry-forward and the online form take the same rows, or refuse the file in the same words
    try:
        carried = carry_read(path)
    except ReturnUnreadable as unreadable:
        assert fatal is not None, name
        assert str(unreadable) == f"{path}: {fatal.message}", name
        assert browser["loaded"] == {"error": fatal.message}, name
    else:
        assert fatal is None, name
        assert list(carried.rows) == rows, name
        assert browser["loaded"] == {"rows": rows, "edition": carried.edition, "practice_code": carried.practice_code}
    return "rows" if fatal is None else "no return" if collected.format == "unknown" else "nothing to load"


@pytest.fixture(scope="module")
def verdicts(page: Page, rules: Rulebook) -> dict[str, str]:
    return {path.name: verdict(page, rules, path) for path in FILES}


def test_every_reader_gives_the_same_verdict_on_every_return(verdicts: dict[str, str]) -> None:
    assert len(verdicts) == len(FILES) > 60
    counts = {kind: sum(1 for k in verdicts.values() if k == kind) for kind in ("rows", "nothing to load", "no return")}
    assert counts["rows"] >= 30 and counts["nothing to load"] >= 3 and counts["no return"] >= 15, counts


@pytest.mark.parametrize("name", ACCEPTED_AS_SAVED)
def test_returns_as_spreadsheets_save_them_are_loaded_by_the_online_form(verdicts: dict[str, str], name: str) -> None:
    """Windows-1252, UTF-16, ';' between cells, 'Practice Code' headers, workbooks, the JSON export: all load."""
    assert verdicts[name] == "rows"


def test_a_file_of_more_rows_than_a_return_has_is_refused_alike(page: Page, rules: Rulebook, tmp_path: Path) -> None:
    """More than 10,000 rows (a CSV's lines, the JSON's answers, a sheet's rows): refused unread by every reader."""
    import openpyxl

    row = ["C82001", EDITION, "MN1.1", "yes", "", "", "", ""]
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("\n".join([",".join(ALL_COLUMNS), *[",".join(row)] * (MAX_ROWS + 1)]) + "\n")
    json_path = tmp_path / "long.json"
    json_path.write_text(
        json.dumps({"format": JSON_FORMAT, "edition": EDITION, "answers": [{"question_id": "MN1.1"}] * (MAX_ROWS + 1)})
    )
    book = openpyxl.Workbook()
    book.active.append(list(ALL_COLUMNS))
    for _ in range(MAX_ROWS + 1):
        book.active.append(row)
    book_path = tmp_path / "long.xlsx"
    book.save(book_path)
    for path in (csv_path, json_path, book_path):
        assert verdict(page, rules, path) == "no return"
        assert [p.code for p in read_return(path.read_bytes()).problems] == ["too_many_rows"]
    at_the_limit = tmp_path / "limit.csv"
    at_the_limit.write_text("\n".join([",".join(ALL_COLUMNS), *[",".join(row)] * (MAX_ROWS - 1)]) + "\n")
    assert verdict(page, rules, at_the_limit) == "rows"
