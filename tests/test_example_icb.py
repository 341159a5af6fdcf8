"""The example ICB (examples/riverside-icb, NHS Riverside, QR9): it builds on the core, holds only what is
local, and its returns are collected and reported on.

It leaves out the core questions AX1.6 and PH3.2, adds the local standard QR9-AX9 to the core's
access domain and the local domain qr9-health-inequalities, and has an epraccur register holding
its own active practices, a closed and a dormant one, an out-of-hours service and two practices of
another ICB.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.load import load_library

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "riverside-icb"
EDITION = "2025-26"
LEFT_OUT = ("AX1.6", "PH3.2")
LOCAL = ("QR9-AX9.1", "QR9-AX9.2", "QR9-HI1.1", "QR9-HI1.2", "QR9-HI1.3", "QR9-HI0.1")
OWN_PRACTICES = ("Y90001", "Y90002", "Y90003", "Y90004", "Y90005", "Y90006")
NOT_OURS = ("Y90007", "Y90008", "Y90009", "Y80001", "Y80002")  # closed, dormant, out of hours, another ICB's


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the example, built with toolkit build from its own folder; the working folder is the copy."""
    project = tmp_path_factory.mktemp("example") / "riverside-icb"
    shutil.copytree(EXAMPLE, project)
    cwd = Path.cwd()
    os.chdir(project)
    try:
        code = main(["build", "--site", str(project.parent / "site")])
        assert code == 0, "the example ICB must build"
        yield project
    finally:
        os.chdir(cwd)


def _downloads(project: Path) -> Path:
    return project.parent / "site" / "downloads" / EDITION


def _ids(text: str) -> set[str]:
    return set(re.findall(r"\b(?:QR9-)?[A-Z]{2,4}[0-9]{1,2}\.[0-9]{1,2}\b", text))


def test_the_site_holds_the_local_questions_and_not_the_left_out_ones(built: Path) -> None:
    domains = built.parent / "site" / "domains"
    access = (domains / "access" / "index.html").read_text(encoding="utf-8")
    premises = (domains / "premises" / "index.html").read_text(encoding="utf-8")
    local = (domains / "qr9-health-inequalities" / "index.html").read_text(encoding="utf-8")
    assert {"QR9-AX9.1", "QR9-AX9.2", "AX1.5"} <= _ids(access)
    assert "AX1.6" not in _ids(access) and "PH3.2" not in _ids(premises)
    assert {"QR9-HI1.1", "QR9-HI1.2", "QR9-HI1.3"} <= _ids(local)
    # The ICB's own additions are marked as its own.
    assert "Local to NHS Riverside Integrated Care Board" in local
    assert (
        access.count('class="md-tag toolkit-local"') == 1
    )  # the local standard; its questions need no badge of their own
    safeguarding = (domains / "safeguarding" / "index.html").read_text(encoding="utf-8")
    assert "Notes of the last quarterly Riverside safeguarding leads meeting" in safeguarding
    assert 'class="md-tag toolkit-local"' in safeguarding


def test_questions_csv_and_the_return_template_hold_the_combined_edition(built: Path) -> None:
    edition = load_library(built / "standards").library.editions[EDITION]
    expected = [q.id for _, _, q in edition.questions()]
    for name in ("questions.csv", "return-template.csv"):
        rows = list(csv.DictReader(io.StringIO((_downloads(built) / name).read_text(encoding="utf-8-sig"))))
        ids = [row["question_id"] for row in rows]
        assert ids == expected, name
        assert set(LOCAL) <= set(ids) and not set(LEFT_OUT) & set(ids), name


def test_the_forms_hold_the_local_questions_and_not_the_left_out_ones(built: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    workbook = load_workbook(_downloads(built) / f"self-assessment-{EDITION}.xlsx", read_only=True)
    cells = {str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row}
    workbook.close()
    assert set(LOCAL) <= cells and not set(LEFT_OUT) & cells
    text = "\n".join(
        page.extract_text() for page in PdfReader(_downloads(built) / f"self-assessment-{EDITION}.pdf").pages
    )
    assert set(LOCAL) <= _ids(text) and not set(LEFT_OUT) & _ids(text)
    online = (built.parent / "site" / "self-assessment" / "qr9-health-inequalities.html").read_text(encoding="utf-8")
    assert {"QR9-HI1.1", "QR9-HI1.2", "QR9-HI1.3"} <= _ids(online)


def test_a_valid_return_is_collected_as_valid_and_reported(built: Path) -> None:
    example = (_downloads(built) / "example-return.csv").read_text(encoding="utf-8")
    inbox = built / "inbox"
    inbox.mkdir()
    (inbox / "Y90001.csv").write_text(example.replace("Z99999,", "Y90001,"), encoding="utf-8")
    store = built / "store"
    register = ["--register", "registers/epraccur.csv", "--icb", "QR9"]
    assert main(["collect", "--from", str(inbox), "--store", str(store), *register, "--quiet"]) == 0
    with (store / f"status-{EDITION}.csv").open(encoding="utf-8-sig") as handle:
        status = {row["practice_code"]: row["status"] for row in csv.DictReader(handle)}
    assert status == {"Y90001": "valid", **{code: "missing" for code in OWN_PRACTICES[1:]}}
    assert not set(NOT_OURS) & set(status)

    report = built / "report"
    assert main(["report", "--store", str(store), "--out", str(report), *register]) == 0
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "WEIR HOUSE SURGERY" in html.upper()
    assert "NHS Riverside Integrated Care Board" in html


def test_no_core_question_text_is_copied_into_the_example() -> None:
    core = load_library(ROOT / "standards").library.editions[EDITION]
    texts = [q.text for _, _, q in core.questions()]
    for path in sorted(p for p in EXAMPLE.rglob("*") if p.is_file() and p.suffix in (".yml", ".md", ".csv")):
        content = " ".join(path.read_text(encoding="utf-8").split())
        copied = [t for t in texts if " ".join(t.split()) in content]
        assert copied == [], f"{path.relative_to(ROOT)} copies core question text"


def test_the_example_is_what_toolkit_init_makes_plus_what_is_local(tmp_path: Path) -> None:
    assert (
        main(
            ["init", str(tmp_path / "fresh"), "--icb-name", "NHS Riverside Integrated Care Board", "--icb-code", "QR9"]
        )
        == 0
    )
    fresh = tmp_path / "fresh"
    for name in ("README.md", f"standards/{EDITION}/domains/README.md"):
        assert (fresh / name).read_text(encoding="utf-8") == (EXAMPLE / name).read_text(encoding="utf-8"), name


@pytest.mark.browser
def test_the_pages_with_local_additions_meet_wcag_2_2_aa(built: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    site = built.parent / "site"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page()
            for domain in ("access", "qr9-health-inequalities", "safeguarding"):
                page.goto((site / "domains" / domain / "index.html").as_uri())
                assert page.locator(".toolkit-local").first.is_visible()
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
                assert [v["id"] for v in results.response["violations"]] == [], domain
        finally:
            browser.close()


@pytest.mark.browser
def test_a_practice_answers_the_local_section_online(built: Path) -> None:
    """The online self-assessment asks the local domain's questions and accepts valid answers to them."""
    from playwright.sync_api import expect, sync_playwright

    from generator.selfassess.data import field_id

    pages = built.parent / "site" / "self-assessment"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_context().new_page()
            page.goto((pages / "index.html").as_uri())
            page.fill("#sa-practice-code", "Y90001")
            page.fill("#sa-practice-name", "Weir House Surgery")
            page.fill("#sa-completed-by", "Sam Patel, practice manager")
            page.click("#sa-practice-save")
            expect(page.locator("#sa-overview")).to_be_visible()
            page.goto((pages / "qr9-health-inequalities.html").as_uri())
            page.check(f"#{field_id('QR9-HI1.1')}")  # yes
            today = dt.date.today()
            for suffix, value in (("", today.day), ("-month", today.month), ("-year", today.year)):
                page.fill(f"#{field_id('QR9-HI1.2')}{suffix}", str(value))
            page.check(f"#{field_id('QR9-HI1.3')}")  # the first group
            page.check(f"#{field_id('QR9-HI0.1')}-2")  # no support wanted
            answers = page.evaluate("() => JSON.stringify(window.localStorage)")
            assert "QR9-HI1.1" in answers and "QR9-HI1.3" in answers  # kept in the browser as they are given
            page.click("#sa-continue")  # the last section: on to checking every answer
            expect(page.locator("#sa-error-summary")).to_be_visible()  # the core's sections are not answered yet
            problems = page.locator("#sa-error-summary").inner_text()
            assert "Access" in problems and "Health inequalities in Riverside" not in problems
        finally:
            browser.close()
