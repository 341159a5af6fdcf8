"""The "check a return file" page of the default standards' site in headless Chromium, opened from disk as a
practice opens it: a verdict panel that looks different when the collector would and would not accept the
file, the problems to put right apart from the warnings, each problem once with all its rows, and the results
still there after following a guidance link and pressing Back.

The files checked are the published example return of the current edition with one thing changed each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from test_site_support import ROOT

from generator.check import check

pytestmark = pytest.mark.browser

CHECKED_ON = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
"""Before the default edition's deadline: the example's dates are all in the past, its due dates to come."""


@pytest.fixture(scope="module")
def example(site: Path) -> list[dict[str, str]]:
    """The rows of the current edition's published example return (one practice, every question answered)."""
    library, _ = check(ROOT / "standards")
    current = library.current()
    assert current is not None
    with (site / "downloads" / current.id / "example-return.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def page(browser: Browser, site: Path) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.clock.set_fixed_time(CHECKED_ON)
    opened.goto((site / "self-assessment" / "check-a-return.html").as_uri())
    yield opened
    context.close()
    assert errors == []


def write(path: Path, rows: list[dict[str, str]], extra: dict[str, str] | None = None) -> Path:
    """``rows`` as a return CSV, with ``extra`` columns (name → value in every row) after the published ones."""
    columns = [*rows[0].keys(), *(extra or {}).keys()]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **(extra or {})})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def with_answer(rows: list[dict[str, str]], question_id: str, answer: str) -> list[dict[str, str]]:
    return [{**row, "answer": answer} if row["question_id"] == question_id else row for row in rows]


def first_yes(rows: list[dict[str, str]]) -> str:
    return next(row["question_id"] for row in rows if row["answer"] == "yes" and not row["action"])


def items(page: Page, list_id: str) -> list[str]:
    return page.locator(f"#{list_id} li").all_inner_texts()


def test_errors_and_warnings_are_listed_apart_under_a_verdict(
    page: Page, example: list[dict[str, str]], tmp_path: Path
) -> None:
    question_id = first_yes(example)
    path = write(tmp_path / "C82001.csv", with_answer(example, question_id, "maybe"), {"notes": "see file"})
    page.set_input_files("#sa-check-file", str(path))
    expect(page.locator("#sa-check-result")).to_be_focused()
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    expect(page.locator("#sa-check-summary")).to_have_text(
        "C82001.csv: 1 problem to put right and 1 warning to look at."
    )
    expect(page.locator("#sa-check-errors h3")).to_have_text("1 problem to put right before you send it")
    errors = items(page, "sa-check-problems")
    warnings = items(page, "sa-check-warnings")
    assert len(errors) == 1 and f"'maybe' is not an answer to {question_id}" in errors[0]
    assert len(warnings) == 1 and "warning:" in warnings[0] and "notes" in warnings[0]
    # errors first, then warnings
    first_error = page.locator("#sa-check-errors").bounding_box()
    first_warning = page.locator("#sa-check-warnings-section").bounding_box()
    assert first_error is not None and first_warning is not None and first_error["y"] < first_warning["y"]


def look(page: Page) -> tuple[str, str, str]:
    """How the verdict panel looks: its border and background colours and the mark before its title."""
    found: list[str] = page.evaluate(
        """() => {
            const panel = document.getElementById('sa-check-verdict');
            const style = getComputedStyle(panel);
            return [style.borderTopColor, style.backgroundColor, getComputedStyle(panel, '::before').content];
        }"""
    )
    return found[0], found[1], found[2]


def test_would_accept_and_would_not_accept_look_different_not_only_by_their_words(
    page: Page, example: list[dict[str, str]], tmp_path: Path
) -> None:
    page.set_input_files("#sa-check-file", str(write(tmp_path / "C82001.csv", example, {"notes": "see file"})))
    expect(page.locator("#sa-check-title")).to_have_text("The collector would accept this return")
    expect(page.locator("#sa-check-errors")).to_be_hidden()
    accepted = look(page)
    bad = write(tmp_path / "C82001 bad.csv", with_answer(example, first_yes(example), "maybe"))
    page.set_input_files("#sa-check-file", str(bad))
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    expect(page.locator("#sa-check-warnings-section")).to_be_hidden()
    refused = look(page)
    assert [a != r for a, r in zip(accepted, refused, strict=True)] == [True, True, True], (accepted, refused)
    page.set_input_files("#sa-check-file", str(write(tmp_path / "C82001 clean.csv", example)))
    expect(page.locator("#sa-check-title")).to_have_text("No problems found")
    assert look(page) == accepted


def test_the_results_are_still_there_after_following_guidance_and_going_back(
    page: Page, example: list[dict[str, str]], tmp_path: Path
) -> None:
    question_id = first_yes(example)
    path = write(tmp_path / "C82001.csv", with_answer(example, question_id, "maybe"))
    page.set_input_files("#sa-check-file", str(path))
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    before = items(page, "sa-check-problems")
    page.locator("#sa-check-problems a", has_text=f"Guidance for {question_id}").click()
    page.wait_for_url("**/domains/**")
    page.go_back()
    page.wait_for_url("**/check-a-return.html")
    expect(page.locator("#sa-check-result")).to_be_visible()
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    assert items(page, "sa-check-problems") == before


def test_an_empty_practice_code_column_is_one_problem_with_its_rows(
    page: Page, example: list[dict[str, str]], tmp_path: Path
) -> None:
    rows = [{**row, "practice_code": ""} for row in example]
    page.set_input_files("#sa-check-file", str(write(tmp_path / "C82001.csv", rows)))
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    errors = items(page, "sa-check-problems")
    about_the_code = [e for e in errors if "practice_code" in e]
    assert len(about_the_code) == 1, errors
    assert f"rows 2\u2013{len(rows) + 1}, practice_code:" in about_the_code[0]  # the collector's words
    summary = page.locator("#sa-check-summary").inner_text()
    assert f"{len(errors)} problem" in summary and str(len(rows)) not in summary
