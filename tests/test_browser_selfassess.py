"""The self-assessment in headless Chromium, opened from disk: answering over several sittings, validation,
export to `toolkit collect`, import, carrying last year's return forward, sending to the ICB, checking a
return as the collector does, keyboard-only use and axe-core."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import workbooks
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generator.carry import carry_forward, read_return
from generator.cli import main
from generator.load import load_library
from generator.model import Library
from generator.selfassess.render import section_files, write_section
from generator.site.config import read_settings
from generator.site.mkdocs_build import build_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent
HERE = Path(__file__).parent / "selfassess"
STANDARDS = HERE / "standards"
RETURNS = HERE / "returns"
EDITION = "2031-32"
RECEIVED = dt.datetime(2031, 8, 15, 12, 0, tzinfo=dt.UTC)
"""The day returns are notionally sent and checked: the page's clock and the files' times are set to it."""
REFERENCE = "ICB-2031-0042"


# --- a real local server to send returns to ---------------------------------------------------------------


@dataclass
class Inbox:
    """What the test server answers, and what it was sent."""

    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    inbox: Inbox

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.inbox.received.append(json.loads(body))
        status = self.inbox.status
        answer = {"reference": REFERENCE} if status < 300 else {"message": "the server is unwell"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="session")
def inbox() -> Iterator[tuple[Inbox, str]]:
    state = Inbox()
    handler = type("Handler", (_Handler,), {"inbox": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/returns"
    server.shutdown()
    server.server_close()


# --- the section, built into a small site from disk ------------------------------------------------------


@pytest.fixture(scope="session")
def library() -> Library:
    loaded = load_library(STANDARDS)
    assert loaded.problems == []
    return loaded.library


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, library: Library, inbox: tuple[Inbox, str]) -> Path:
    """The edition's self-assessment section built as the guidance site builds it (mkdocs.yml's theme, styles and
    plugins, strict), beside stand-in guidance pages."""
    root = tmp_path_factory.mktemp("selfassess-site")
    docs = root / "docs"
    edition = library.editions[EDITION]
    files = section_files(edition, library, submission_url=inbox[1])
    write_section(files, docs)
    (docs / "index.md").write_text("# Home\n")
    shutil.copytree(ROOT / "site_templates" / "assets", docs / "assets" / "toolkit")
    guidance = []
    for domain in edition.domains:
        anchors = "\n\n".join(f"## {q.id} {{#{q.id.lower().replace('.', '-')}}}" for q in domain.questions())
        path = f"domains/{domain.id}/index.md"
        (docs / path).parent.mkdir(parents=True)
        (docs / path).write_text(f"# {domain.title}\n\n{anchors}\n")
        guidance.append({domain.title: path})
    config = read_settings(ROOT / "mkdocs.yml")
    theme = dict(config["theme"])
    theme["custom_dir"] = str(ROOT / theme["custom_dir"])
    config.update(
        docs_dir=str(docs),
        site_dir=str(root / "out"),
        theme=theme,
        nav=[
            {"Home": "index.md"},
            {"Domains": guidance},
            {"Self-assessment": [{f.title: f.path} for f in files if f.kind != "asset"]},
        ],
    )
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    build_site(root / "mkdocs.yml")
    return root / "out" / "self-assessment"


@pytest.fixture
def context(browser: Browser, inbox: tuple[Inbox, str]) -> Iterator[BrowserContext]:
    """A fresh browser profile (its own local storage); every request it makes must stay on this computer."""
    made = browser.new_context(timezone_id="UTC", accept_downloads=True, viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    made.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:", inbox[1])) else outside.append(r.url),
    )
    errors: list[str] = []
    made.on("weberror", lambda e: errors.append(str(e.error)))
    yield made
    made.close()
    assert outside == []
    assert errors == []


def open_page(context: BrowserContext, site: Path, name: str) -> Page:
    page = context.pages[0] if context.pages else context.new_page()
    page.goto((site / name).as_uri())
    return page


def start(context: BrowserContext, site: Path, code: str = "C82001") -> Page:
    page = open_page(context, site, "index.html")
    page.fill("#sa-practice-code", code)
    page.fill("#sa-practice-name", "Riverside Surgery")
    page.fill("#sa-completed-by", "Sam Patel, practice manager")
    page.click("#sa-practice-save")
    expect(page.locator("#sa-overview")).to_be_visible()
    return page


def answer_minimal(page: Page, site: Path) -> None:
    page.goto((site / "minimal.html").as_uri())
    page.check("#q-mn1-1")  # yes
    page.fill("#q-mn1-2", "95")
    page.check("#q-mn1-6")  # SNOMED codes
    page.fill("#q-mn1-7", "1")
    page.fill("#q-mn1-7-month", "5")
    page.fill("#q-mn1-7-year", "2031")
    page.fill("#q-mn1-7-comment", 'Course "Level 3", certificate filed')
    page.check("#q-mn0-1-2")  # no


def answer_premises(page: Page, site: Path) -> None:
    page.goto((site / "premises.html").as_uri())
    page.check("#q-pr1-1-2")  # no: flags a risk
    page.fill("#q-pr1-1-action", "Commission a fire risk assessment")
    page.fill("#q-pr1-1-owner", "Practice manager")
    page.fill("#q-pr1-1-due", "30")
    page.fill("#q-pr1-1-due-month", "9")
    page.fill("#q-pr1-1-due-year", "2031")
    page.fill("#q-pr1-2", "2")
    page.fill("#q-pr1-3", "Alex Smith, with Jo Brown as deputy")
    page.check("#q-pr0-1")  # yes
    page.fill("#q-pr0-1-comment", "A visit, please")


def summary_links(page: Page) -> list[tuple[str, str]]:
    links = page.locator("#sa-error-summary li a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "") for i in range(links.count())]


def local_storage(page: Page) -> dict[str, str]:
    stored: dict[str, str] = page.evaluate("() => Object.assign({}, window.localStorage)")
    return stored


# --- answering over several sittings -------------------------------------------------------------------------


def test_two_domains_answered_survive_a_reload_and_a_closed_tab(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    for domain, status in (("minimal", "Not started"), ("premises", "Not started")):
        expect(page.locator(f"#sa-task-{domain}-status")).to_have_text(status)
    answer_minimal(page, site)
    expect(page.locator("#sa-progress")).to_have_text("You have answered 5 of 5 required questions in this section.")
    answer_premises(page, site)
    expect(page.locator("#q-pr1-1-plan")).to_be_visible()

    page.reload()
    assert page.is_checked("#q-pr1-1-2")
    assert page.input_value("#q-pr1-1-action") == "Commission a fire risk assessment"
    assert page.input_value("#q-pr1-1-due-month") == "9"
    assert page.input_value("#q-pr1-3") == "Alex Smith, with Jo Brown as deputy"
    page.close()

    again = context.new_page()  # a closed tab: the answers are in the browser, not the page
    again.goto((site / "minimal.html").as_uri())
    assert again.is_checked("#q-mn1-1") and again.is_checked("#q-mn0-1-2")
    assert again.input_value("#q-mn1-2") == "95"
    assert [again.input_value(f"#q-mn1-7{p}") for p in ("", "-month", "-year")] == ["1", "5", "2031"]
    assert again.input_value("#q-mn1-7-comment") == 'Course "Level 3", certificate filed'
    expect(again.locator("#sa-practice-bar")).to_have_text("Answering for C82001 (Riverside Surgery). Change practice")

    again.goto((site / "index.html").as_uri())
    assert again.input_value("#sa-practice-code") == "C82001"
    expect(again.locator("#sa-task-minimal-status")).to_have_text("Complete")
    expect(again.locator("#sa-task-premises-status")).to_have_text("Complete")
    expect(again.locator("#sa-task-premises-count")).to_have_text("4 of 4 answered")
    expect(again.locator("#sa-overview-summary")).to_have_text(
        "Answering for C82001 (Riverside Surgery). You have completed 2 of 2 sections."
    )
    keys = sorted(local_storage(again))
    assert keys == ["gpqs-selfassess/1/2031-32/current", "gpqs-selfassess/1/2031-32/draft/C82001"]


def test_a_half_answered_domain_is_in_progress(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    page.goto((site / "premises.html").as_uri())
    page.check("#q-pr1-1")
    expect(page.locator("#sa-progress")).to_have_text("You have answered 1 of 4 required questions in this section.")
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#sa-task-premises-status")).to_have_text("In progress")
    expect(page.locator("#sa-task-minimal-status")).to_have_text("Not started")


# --- validation, the GOV.UK way ------------------------------------------------------------------------------


def test_the_start_page_says_what_is_missing_and_what_an_ods_code_looks_like(
    context: BrowserContext, site: Path
) -> None:
    page = open_page(context, site, "index.html")
    page.click("#sa-practice-save")
    expect(page.locator("#sa-error-summary")).to_be_focused()
    assert summary_links(page) == [
        ("Enter your practice's ODS code", "#sa-practice-code"),
        ("Enter your practice's name", "#sa-practice-name"),
        ("Enter the name of the person completing the self-assessment", "#sa-completed-by"),
    ]
    expect(page.locator("#sa-practice-code-error")).to_have_text("Error: Enter your practice's ODS code")
    assert page.get_attribute("#sa-practice-code", "aria-describedby") == (
        "sa-practice-code-hint sa-practice-code-error"
    )
    page.click("#sa-error-summary li a >> nth=1")
    expect(page.locator("#sa-practice-name")).to_be_focused()

    page.fill("#sa-practice-code", "C8200")
    page.fill("#sa-practice-name", "Riverside Surgery")
    page.fill("#sa-completed-by", "Sam")
    page.click("#sa-practice-save")
    assert summary_links(page) == [
        ("Enter your practice's ODS code as one letter and five digits, like C82001", "#sa-practice-code")
    ]
    expect(page.locator("#sa-practice-name-error")).to_be_hidden()
    page.fill("#sa-practice-code", " c82001 ")
    page.click("#sa-practice-save")
    expect(page.locator("#sa-error-summary")).to_be_hidden()
    assert page.input_value("#sa-practice-code") == "C82001"


def test_a_domain_page_lists_every_problem_and_puts_each_by_its_field(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    page.goto((site / "minimal.html").as_uri())
    page.check("#q-mn1-1-3")  # no: flags a risk, and this edition requires an action plan
    page.fill("#q-mn1-2", "150")
    page.fill("#q-mn1-7", "31")
    page.fill("#q-mn1-7-month", "2")
    page.fill("#q-mn1-7-year", "2031")
    page.fill("#q-mn1-1-due-month", "13")
    page.click("#sa-continue")
    expect(page.locator("#sa-error-summary")).to_be_focused()
    assert summary_links(page) == [
        ("Say what the practice will do about MN1.1 “Is there a policy?”", "#q-mn1-1-action"),
        ("Say who will make sure the action on MN1.1 “Is there a policy?” is done", "#q-mn1-1-owner"),
        ("The date the action on MN1.1 “Is there a policy?” is due must include a day and year", "#q-mn1-1-due"),
        ("The answer to MN1.2 “What share of clinical staff are trained?” must be between 0 and 100", "#q-mn1-2"),
        ("Select an answer to MN1.6 “How are safeguarding concerns recorded?”", "#q-mn1-6"),
        ("The date for MN1.7 “When did the lead last attend training?” must be a real date", "#q-mn1-7"),
        (
            "Select an answer to MN0.1 “Would your practice like support from the ICB with a minimal domain?”",
            "#q-mn0-1",
        ),
    ]
    assert page.url.endswith("minimal.html")
    expect(page.locator("#q-mn1-2-error")).to_have_text("Error: The answer to MN1.2 must be between 0 and 100")
    expect(page.locator("#q-mn1-6-error")).to_have_text("Error: Select an answer to MN1.6")
    assert page.get_attribute("#q-mn1-2", "aria-invalid") == "true"
    fieldset = page.locator("#q-mn1-6-question fieldset").first
    assert fieldset.get_attribute("aria-describedby") == "q-mn1-6-error"
    page.click("#sa-error-summary li a >> nth=3")
    expect(page.locator("#q-mn1-2")).to_be_focused()

    page.fill("#q-mn1-2", "ninety")
    page.fill("#q-mn1-7", "")
    page.click("#sa-continue")
    messages = [text for text, _ in summary_links(page)]
    assert (
        "The answer to MN1.2 “What share of clinical staff are trained?” must be a number, like 12 or 12.5" in messages
    )
    assert "The date for MN1.7 “When did the lead last attend training?” must include a day" in messages

    page.check("#q-mn1-1")  # yes: the action plan is no longer asked for, and hides
    expect(page.locator("#q-mn1-1-plan")).to_be_hidden()
    page.fill("#q-mn1-2", "95")
    page.check("#q-mn1-6")
    page.fill("#q-mn1-7", "28")
    page.check("#q-mn0-1")
    page.click("#sa-continue")
    page.wait_for_url("**/premises.html")


def test_check_your_answers_shows_each_answer_with_a_change_link(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    answer_minimal(page, site)
    page.goto((site / "check-answers.html").as_uri())
    row = page.locator('[data-question="MN1.7"]')
    expect(row.locator("dd").first).to_contain_text("1 May 2031")
    expect(row.locator("dd").first).to_contain_text('Comment: Course "Level 3", certificate filed')
    expect(page.locator('[data-value="MN1.2"]')).to_contain_text("95%")
    expect(page.locator('[data-value="PR1.1"]')).to_have_text("Not answered")
    assert summary_links(page)[0] == (
        "Not started: answer the 4 required questions in Premises and fire safety",
        "premises.html",
    )
    expect(page.locator("#sa-export-status")).to_contain_text("Your return is not finished")
    page.click('[data-question="MN1.2"] a')
    page.wait_for_url("**/minimal.html#q-mn1-2")
    expect(page.locator("#q-mn1-2")).to_be_focused()


# --- export, then the collector accepts it ---------------------------------------------------------------------


def collect(tmp_path: Path, files: list[Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    when = RECEIVED.timestamp()
    for path in files:
        shutil.copyfile(path, inbox / path.name)
        os.utime(inbox / path.name, (when, when))
    capsys.readouterr()
    store, standards = str(tmp_path / "store"), str(STANDARDS)
    arguments = ["--from", str(inbox), "--store", store, "--standards", standards, "--edition", EDITION, "--verbose"]
    code = main(["collect", *arguments])  # --verbose: every problem of every return, one line each
    out, err = capsys.readouterr()
    return code, out, err


def test_the_exported_csv_and_json_are_accepted_by_toolkit_collect(
    context: BrowserContext, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = context.new_page()
    page.clock.set_fixed_time(RECEIVED)
    start(context, site)
    answer_minimal(page, site)
    answer_premises(page, site)
    page.goto((site / "check-answers.html").as_uri())
    expect(page.locator("#sa-error-summary")).to_be_hidden()
    expect(page.locator("#sa-export-status")).to_have_text(
        "Your return is complete. Send it to the ICB, or download it to email it or keep a copy."
    )
    saved = []
    for button in ("#sa-download-csv", "#sa-download-json"):
        with page.expect_download() as download:
            page.click(button)
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        saved.append(path)
    assert [p.name for p in saved] == ["C82001-2031-32-return.csv", "C82001-2031-32-return.json"]
    csv_text = saved[0].read_text(encoding="utf-8")
    assert csv_text.splitlines()[:3] == [
        "practice_code,edition,question_id,answer,comment,action,action_owner,action_due",
        "C82001,2031-32,MN1.1,yes,,,,",
        "C82001,2031-32,MN1.2,95,,,,",
    ]
    assert 'C82001,2031-32,MN1.7,2031-05-01,"Course ""Level 3"", certificate filed",,,' in csv_text
    assert "C82001,2031-32,PR1.1,no,,Commission a fire risk assessment,Practice manager,2031-09-30" in csv_text
    exported = json.loads(saved[1].read_text(encoding="utf-8"))
    assert {k: exported[k] for k in ("format", "edition", "practice_code", "practice_name", "completed_by")} == {
        "format": "gp-quality-return/1",
        "edition": "2031-32",
        "practice_code": "C82001",
        "practice_name": "Riverside Surgery",
        "completed_by": "Sam Patel, practice manager",
    }
    assert exported["exported_at"] == "2031-08-15T12:00:00Z"

    code, out, err = collect(tmp_path, saved, capsys)
    assert code == 0
    assert out == ""  # no problem with either file
    assert "collected 2 files: 2 new (2 valid, 0 invalid)" in err


# --- import and carrying last year's return forward --------------------------------------------------------------


def test_importing_an_export_restores_the_answers(context: BrowserContext, site: Path, tmp_path: Path) -> None:
    page = start(context, site, "C82002")
    answer_premises(page, site)
    page.goto((site / "check-answers.html").as_uri())
    with page.expect_download() as download:
        page.click("#sa-download-json")
    exported = tmp_path / "export.json"
    download.value.save_as(exported)
    with page.expect_download() as download:
        page.click("#sa-download-csv")
    exported_csv = tmp_path / "export.csv"
    download.value.save_as(exported_csv)
    context.clear_cookies()
    page.evaluate("() => window.localStorage.clear()")

    for file in (exported, exported_csv):
        page.goto((site / "index.html").as_uri())
        page.set_input_files("#sa-import-file", str(file))
        expect(page.locator("#sa-import-confirm")).to_be_focused()
        expect(page.locator("#sa-import-confirm-title")).to_have_text("Load these answers?")
        expect(page.locator("#sa-import-confirm-body")).to_contain_text(f"holds 4 answers for C82002 to {EDITION}")
        page.click("#sa-import-yes")
        expect(page.locator("#sa-notification")).to_have_text("Loaded 4 answers for C82002.")
        assert page.input_value("#sa-practice-code") == "C82002"
        page.goto((site / "premises.html").as_uri())
        assert page.is_checked("#q-pr1-1-2")
        assert page.input_value("#q-pr1-1-owner") == "Practice manager"
        assert [page.input_value(f"#q-pr1-1-due{p}") for p in ("", "-month", "-year")] == ["30", "9", "2031"]
        assert page.input_value("#q-pr0-1-comment") == "A visit, please"
        page.evaluate("() => window.localStorage.clear()")


@pytest.mark.parametrize(
    "name", ["C82012-excel-headers.csv", "C82013-semicolons.csv", "C82020-windows-1252.csv", "C82021-utf16.csv"]
)
def test_a_return_as_a_spreadsheet_saves_it_is_loaded(context: BrowserContext, site: Path, name: str) -> None:
    """'Practice Code' headers, ';' between cells, Windows-1252 and UTF-16 text: read as `toolkit collect` reads them."""
    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(RETURNS / name))
    expect(page.locator("#sa-import-confirm-title")).to_have_text("Load these answers?")
    expect(page.locator("#sa-import-confirm-body")).to_contain_text(f"The file {name} holds ")
    expect(page.locator("#sa-import-file-error")).to_be_hidden()
    page.click("#sa-import-yes")
    expect(page.locator("#sa-notification")).to_contain_text("Loaded ")


def test_the_workbook_can_be_loaded_to_carry_on_online(
    context: BrowserContext, site: Path, library: Library, tmp_path: Path
) -> None:
    """A practice that began in Excel carries on in the browser: the workbook's answers, dates included, load."""
    book = workbooks.blank(library.editions[EDITION], "C82003")
    given: dict[str, dict[str, Any]] = {
        "PR1.1": {"answer": "No", "action": "Commission a fire risk assessment", "action_owner": "Practice manager",
                  "action_due": dt.date(2031, 9, 30)},
        "PR1.2": {"answer": 2},
        "PR0.1": {"answer": "yes", "comment": "A visit, please"},
        "MN1.1": {"answer": "maybe"},
    }  # fmt: skip
    workbooks.answer(book, given)
    path = tmp_path / "C82003 self-assessment.xlsx"
    book.save(path)

    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(path))
    expect(page.locator("#sa-import-confirm")).to_be_focused()
    body = page.locator("#sa-import-confirm-body")
    expect(body).to_contain_text(f"The workbook C82003 self-assessment.xlsx holds 3 answers for C82003 to {EDITION}.")
    expect(body).to_contain_text("'maybe' is not an answer to MN1.1, so it was left empty.")
    page.click("#sa-import-yes")
    expect(page.locator("#sa-notification")).to_have_text("Loaded 3 answers for C82003.")
    page.goto((site / "premises.html").as_uri())
    assert page.is_checked("#q-pr1-1-2")
    assert page.input_value("#q-pr1-1-owner") == "Practice manager"
    assert [page.input_value(f"#q-pr1-1-due{p}") for p in ("", "-month", "-year")] == ["30", "9", "2031"]
    assert page.input_value("#q-pr1-2") == "2"
    assert page.input_value("#q-pr0-1-comment") == "A visit, please"


def test_a_workbook_that_is_not_the_self_assessment_is_refused_plainly(
    context: BrowserContext, site: Path, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Rota for June"
    path = tmp_path / "rota.xlsx"
    book.save(path)
    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(path))
    expect(page.locator("#sa-import-file-error")).to_contain_text("This workbook is not the self-assessment workbook")


def test_a_file_with_nothing_to_load_says_so_and_offers_nothing(
    context: BrowserContext, site: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "C82004.csv"
    empty.write_text(f"practice_code,edition,question_id,answer\nC82004,{EDITION},MN1.1,maybe\n")
    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(empty))
    expect(page.locator("#sa-import-file-error")).to_contain_text(
        "The file C82004.csv holds no answers for C82004 that this form can load: Row 2: 'maybe' is not an answer "
        "to MN1.1, so it was left empty."
    )
    expect(page.locator("#sa-import-confirm")).to_be_hidden()


def test_a_return_of_an_unknown_edition_is_refused_plainly(context: BrowserContext, site: Path) -> None:
    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(RETURNS / "C82008-unknown-edition.csv"))
    message = (
        "The file is a return for the 2019-20 edition, not 2031-32. Load a return for 2031-32, or a return for "
        "2030-31 to carry it forward."
    )
    expect(page.locator("#sa-import-file-error")).to_have_text(f"Error: {message}")
    assert summary_links(page) == [(message, "#sa-import-file")]
    expect(page.locator("#sa-import-confirm")).to_be_hidden()
    assert local_storage(page) == {}


LAST_YEAR = """practice_code,edition,question_id,answer,comment,action,action_owner,action_due
C82030,2030-31,MN1.1,partial,Policy in draft,Finish the policy,Lead GP,2030-12-01
C82030,2030-31,MN1.2,95,,,,
C82030,2030-31,MN1.3,2030-01-10,Reviewed at the January meeting,,,
C82030,2030-31,MN1.4,Coded,,,,
C82030,2030-31,MN1.5,Nothing else,,,,
C82030,2030-31,MN0.1,yes,Training for new staff,,,
C82030,2030-31,ZZ1.1,yes,,,,
"""


def test_last_years_return_is_carried_forward_as_toolkit_carry_forward_does(
    context: BrowserContext, site: Path, library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "C82030-2030-31.csv"
    path.write_text(LAST_YEAR, encoding="utf-8")
    expected = carry_forward(read_return(path).rows, library.editions["2030-31"], library.editions[EDITION])
    assert {r.question_id: r.status for r in expected.rows} == {
        "MN1.1": "kept",
        "MN1.2": "check again",
        "MN1.6": "check again",
        "MN1.5": "kept",
        "MN1.7": "empty",
        "MN0.1": "kept",
        "PR1.1": "empty",
        "PR1.2": "empty",
        "PR1.3": "empty",
        "PR0.1": "empty",
    }

    page = open_page(context, site, "index.html")
    page.set_input_files("#sa-import-file", str(path))
    expect(page.locator("#sa-import-confirm-title")).to_have_text("Carry your 2030-31 answers forward?")
    body = page.locator("#sa-import-confirm-body")
    expect(body).to_contain_text("3 answers to unchanged questions kept")
    expect(body).to_contain_text("2 answers to changed questions kept but marked to check again")
    expect(body).to_contain_text("1 answer to questions no longer asked dropped")
    expect(body).to_contain_text("5 questions left empty for you to answer")
    expect(body).to_contain_text("MN1.3 When was the policy reviewed? (your answer: 2030-01-10)")
    assert expected.problems == ("'ZZ1.1' is no question of 2030-31; its answer is not carried",)
    expect(body.locator("li").last).to_have_text(expected.problems[0])
    page.click("#sa-import-yes")

    draft = json.loads(local_storage(page)["gpqs-selfassess/1/2031-32/draft/C82030"])
    assert draft["carried_from"] == "2030-31"
    assert [(d["question_id"], d["answer"], d["comment"]) for d in draft["dropped"]] == [
        (d.question_id, d.answer, d.comment) for d in expected.dropped
    ]
    for row in expected.rows:
        entry = draft["answers"].get(row.question_id)
        if row.status == "empty":
            assert entry is None, row.question_id
            continue
        assert entry["answer"] == row.answer, row.question_id
        assert (entry["action"], entry["action_owner"], entry["action_due"]) == (
            row.action,
            row.action_owner,
            row.action_due,
        )
        if row.status == "kept":
            assert "check_again" not in entry and entry["comment"] == row.comment
        else:
            assert entry["check_again"] == row.reason, row.question_id

    page.goto((site / "minimal.html").as_uri())
    expect(page.locator("#q-mn1-2-check-again")).to_have_text(
        "Carried forward from your last return. Check this answer again: this question was reworded since 2030-31."
        " Keep this answer to MN1.2"
    )
    expect(page.locator("#q-mn1-6-check-again")).to_contain_text(
        "this question replaces MN1.4 of 2030-31, which asked: How are concerns recorded?; last year's answer "
        "'Coded' is not an answer to it now."
    )
    assert page.input_value("#q-mn1-2") == "95"
    page.click("#sa-continue")
    assert (
        "Check the answer carried forward to MN1.2 “What share of clinical staff are trained?”, then keep it or change it",
        "#q-mn1-2",
    ) in summary_links(page)
    page.click('[data-keep="MN1.2"]')
    expect(page.locator("#q-mn1-2-check-again")).to_be_hidden()
    page.check("#q-mn1-6")  # answering clears the mark too
    expect(page.locator("#q-mn1-6-check-again")).to_be_hidden()


def test_answers_saved_for_another_edition_are_offered_never_applied(context: BrowserContext, site: Path) -> None:
    page = open_page(context, site, "index.html")
    old = {
        "format": "gp-quality-selfassess-draft/1",
        "edition": "2030-31",
        "practice_code": "C82001",
        "practice_name": "Riverside Surgery",
        "completed_by": "Sam",
        "answers": {"MN1.1": {"answer": "yes", "comment": "", "action": "", "action_owner": "", "action_due": ""}},
    }
    page.evaluate(
        "(d) => { localStorage.setItem('gpqs-selfassess/1/2030-31/draft/C82001', JSON.stringify(d));"
        " localStorage.setItem('gpqs-selfassess/1/2030-31/current', 'C82001'); }",
        old,
    )
    start(context, site)
    page.goto((site / "minimal.html").as_uri())
    assert not page.is_checked("#q-mn1-1")
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#sa-saved-list")).to_have_text(
        "C82001 (Riverside Surgery), 2030-31: 1 answer. Carry forward into 2031-32"
    )
    page.click("#sa-saved-list button")
    expect(page.locator("#sa-import-confirm-title")).to_have_text("Carry your 2030-31 answers forward?")
    page.click("#sa-import-no")
    page.goto((site / "minimal.html").as_uri())
    assert not page.is_checked("#q-mn1-1")


def test_clearing_answers_asks_first(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    answer_minimal(page, site)
    page.goto((site / "index.html").as_uri())
    page.click("#sa-clear")
    expect(page.locator("#sa-clear-confirm")).to_be_focused()
    expect(page.locator("#sa-clear-confirm-text")).to_have_text(
        "This deletes the 5 answers and the practice details kept in this browser for C82001 (Riverside Surgery) "
        "in 2031-32. It cannot be undone."
    )
    page.click("#sa-clear-no")
    expect(page.locator("#sa-clear")).to_be_focused()
    assert "gpqs-selfassess/1/2031-32/draft/C82001" in local_storage(page)
    page.click("#sa-clear")
    page.click("#sa-clear-yes")
    expect(page.locator("#sa-notification")).to_have_text(
        "Your answers for C82001 have been cleared from this browser."
    )
    assert local_storage(page) == {}
    assert page.input_value("#sa-practice-code") == ""
    expect(page.locator("#sa-overview")).to_be_hidden()


# --- sending to the ICB ----------------------------------------------------------------------------------------


def complete(context: BrowserContext, site: Path) -> Page:
    page = start(context, site)
    answer_minimal(page, site)
    answer_premises(page, site)
    page.goto((site / "check-answers.html").as_uri())
    return page


def test_sending_posts_the_json_return_and_shows_the_reference(
    context: BrowserContext, site: Path, inbox: tuple[Inbox, str]
) -> None:
    state, _ = inbox
    state.status, state.received = 200, []
    page = complete(context, site)
    page.click("#sa-send")
    expect(page.locator("#sa-send-result")).to_be_focused()
    expect(page.locator("#sa-send-result")).to_have_text(
        "Return sent"
        "The ICB has received your return. Your reference is ICB-2031-0042."
        "Keep the reference: quote it if you contact the ICB about this return."
    )
    assert len(state.received) == 1
    sent = state.received[0]
    assert (sent["format"], sent["edition"], sent["practice_code"]) == ("gp-quality-return/1", EDITION, "C82001")
    assert [a["question_id"] for a in sent["answers"]] == [
        "MN1.1", "MN1.2", "MN1.6", "MN1.5", "MN1.7", "MN0.1", "PR1.1", "PR1.2", "PR1.3", "PR0.1",
    ]  # fmt: skip
    draft = json.loads(local_storage(page)["gpqs-selfassess/1/2031-32/draft/C82001"])
    assert draft["submitted"]["reference"] == REFERENCE


def test_a_server_error_is_said_plainly_and_the_draft_is_untouched(
    context: BrowserContext, site: Path, inbox: tuple[Inbox, str]
) -> None:
    state, _ = inbox
    state.status, state.received = 500, []
    page = complete(context, site)
    before = local_storage(page)
    page.click("#sa-send")
    expect(page.locator("#sa-send-result")).to_have_text(
        "Your return has not been sent"
        "The ICB's server had a problem and could not take your return (error 500)."
        "Your answers are still saved in this browser. Try again later, or download the return and email it to the ICB."
    )
    assert len(state.received) == 1
    assert local_storage(page) == before
    expect(page.locator("#sa-send")).to_be_enabled()


def test_offline_is_said_plainly_and_the_draft_is_untouched(
    context: BrowserContext, site: Path, inbox: tuple[Inbox, str]
) -> None:
    state, _ = inbox
    state.status, state.received = 200, []
    page = complete(context, site)
    before = local_storage(page)
    context.set_offline(True)
    page.click("#sa-send")
    expect(page.locator("#sa-send-result")).to_contain_text(
        "The ICB's server could not be reached: this computer may be offline, or the server may be down."
    )
    context.set_offline(False)
    assert state.received == []
    assert local_storage(page) == before


def test_an_unfinished_return_is_not_sent(context: BrowserContext, site: Path, inbox: tuple[Inbox, str]) -> None:
    state, _ = inbox
    state.status, state.received = 200, []
    page = start(context, site)
    page.goto((site / "check-answers.html").as_uri())
    page.click("#sa-send")
    expect(page.locator("#sa-error-summary")).to_be_focused()
    assert state.received == []


# --- keyboard only -----------------------------------------------------------------------------------------------


def tab_to(page: Page, element_id: str, limit: int = 300) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_domain_can_be_completed_with_the_keyboard_alone(context: BrowserContext, site: Path) -> None:
    page = open_page(context, site, "index.html")
    tab_to(page, "sa-practice-code")
    page.keyboard.type("C82009")
    page.keyboard.press("Tab")
    page.keyboard.type("Hillside Practice")
    page.keyboard.press("Tab")
    page.keyboard.type("Jo Brown")
    page.keyboard.press("Enter")
    expect(page.locator("#sa-overview")).to_be_visible()
    tab_to(page, "")  # leaves the notification
    link = page.locator('#sa-overview a[href="premises.html"]')
    for _ in range(300):
        if link.evaluate("a => a === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/premises.html")

    tab_to(page, "q-pr1-1")
    page.keyboard.press("Space")  # yes
    tab_to(page, "q-pr1-2")
    page.keyboard.type("3")
    tab_to(page, "q-pr1-3")
    page.keyboard.type("Alex Smith")
    tab_to(page, "q-pr0-1")
    page.keyboard.press("ArrowDown")  # no
    tab_to(page, "sa-continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check-answers.html")
    draft = json.loads(local_storage(page)["gpqs-selfassess/1/2031-32/draft/C82009"])
    assert {k: v["answer"] for k, v in draft["answers"].items() if v["answer"]} == {
        "PR1.1": "yes",
        "PR1.2": "3",
        "PR1.3": "Alex Smith",
        "PR0.1": "no",
    }


def test_the_error_summary_is_reached_and_followed_by_keyboard(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    page.goto((site / "premises.html").as_uri())
    tab_to(page, "sa-continue")
    page.keyboard.press("Enter")
    expect(page.locator("#sa-error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#q-pr1-1")).to_be_focused()


# --- checking a return as the collector does -------------------------------------------------------------------------


def test_check_a_return_reports_what_toolkit_collect_reports(
    context: BrowserContext, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(RETURNS.iterdir())
    code, out, _ = collect(tmp_path, files, capsys)
    assert code == 0
    inbox = str(tmp_path / "inbox") + os.sep
    by_file: dict[str, list[str]] = collections.defaultdict(list)
    names = sorted((f.name for f in files), key=len, reverse=True)
    for line in out.splitlines():
        rest = line.removeprefix(inbox)
        by_file[next(n for n in names if rest.startswith(n))].append(rest)

    page = open_page(context, site, "check-a-return.html")
    day = {"year": RECEIVED.year, "month": RECEIVED.month, "day": RECEIVED.day}
    other = []
    for path in files:
        verdict = page.evaluate(
            """async ([name, bytes, day]) => {
                const v = await GPQS_CHECK.checkBytes(new Uint8Array(bytes), day);
                const lines = GPQS_CHECK.grouped(v.problems).map(([p, places]) => GPQS_CHECK.formatProblem(name, p, places));
                return {status: v.status, lines: lines};
            }""",
            [path.name, list(path.read_bytes()), day],
        )
        if verdict["status"] == "other":
            other.append(path.name)
            continue
        assert verdict["lines"] == by_file.get(path.name, []), path.name
    assert other == ["C82030-last-year.csv"]  # checked against its own edition's rules, on that edition's page
    assert len(by_file) > 25  # the corpus gives most kinds of problem


def test_check_a_return_shows_the_problems_with_links_to_guidance(context: BrowserContext, site: Path) -> None:
    page = open_page(context, site, "check-a-return.html")
    page.clock.set_fixed_time(RECEIVED)
    page.reload()
    page.set_input_files("#sa-check-file", str(RETURNS / "C82002-bad-answers.csv"))
    expect(page.locator("#sa-check-result")).to_be_focused()
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    expect(page.locator("#sa-check-summary")).to_have_text("C82002-bad-answers.csv: 4 problems to put right.")
    first = page.locator("#sa-check-problems li").first
    expect(first).to_have_text(
        "C82002-bad-answers.csv row 2, answer: 'maybe' is not an answer to MN1.1: give yes, partial, no or not "
        "applicable. Guidance for MN1.1"
    )
    first.locator("a").click()
    page.wait_for_url("**/domains/minimal/index.html#mn1-1")

    page.goto((site / "check-a-return.html").as_uri())
    page.set_input_files("#sa-check-file", str(RETURNS / "C82001-valid.csv"))
    expect(page.locator("#sa-check-title")).to_have_text("No problems found")

    page.set_input_files("#sa-check-file", str(RETURNS / "C82030-last-year.csv"))
    expect(page.locator("#sa-check-title")).to_have_text("This return is for another edition")


def test_check_a_return_reads_the_filled_in_workbook(
    context: BrowserContext, site: Path, library: Library, tmp_path: Path
) -> None:
    """A practice that answered in Excel checks the workbook itself before sending it."""
    book = workbooks.blank(library.editions[EDITION], "C82001")
    workbooks.answer(book, {"MN1.1": {"answer": "maybe"}})
    sheet, row = next((sheet, row) for question_id, sheet, row in workbooks.placed(book) if question_id == "MN1.1")
    path = tmp_path / "C82001 self-assessment.xlsx"
    book.save(path)

    page = open_page(context, site, "check-a-return.html")
    page.set_input_files("#sa-check-file", str(path))
    expect(page.locator("#sa-check-result")).to_be_focused()
    expect(page.locator("#sa-check-title")).to_have_text("The collector would not accept this return")
    expect(page.locator("#sa-check-problems li").first).to_contain_text(
        f"C82001 self-assessment.xlsx sheet '{sheet}' row {row}, answer: 'maybe' is not an answer to MN1.1"
    )


# --- accessibility -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["index.html", "minimal.html", "check-answers.html", "check-a-return.html"])
def test_no_serious_accessibility_violations(context: BrowserContext, site: Path, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = start(context, site)
    page.goto((site / name).as_uri())
    if name == "minimal.html":
        page.check("#q-mn1-1-3")  # the action plan shows
        page.click("#sa-continue")  # and every kind of error message
    if name == "check-a-return.html":
        page.set_input_files("#sa-check-file", str(RETURNS / "C82002-bad-answers.csv"))
        expect(page.locator("#sa-check-result")).to_be_visible()
    # Moving focus scrolls the page, and the theme's header fades its title in: check the page once it is still.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_nothing_is_fetched_so_the_site_works_from_disk(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix in (".js", ".html", ".css") and "assets" in path.parts:
            assert not re.search(r"\bfetch\(\s*['\"]", path.read_text(encoding="utf-8")), path
    form = (site / "assets" / "selfassess-form.js").read_text(encoding="utf-8")
    assert form.count("window.fetch(") == 1 and "window.fetch(D.submission_url" in form


def test_a_browser_that_keeps_nothing_says_so(browser: Browser, site: Path) -> None:
    context = browser.new_context()
    context.add_init_script(
        "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#sa-storage-warning")).to_be_visible()
    expect(page.locator("#sa-storage-warning")).to_contain_text("This browser is not keeping your answers")
    context.close()


def test_the_printed_summary_leaves_out_buttons_and_links_to_change(context: BrowserContext, site: Path) -> None:
    page = start(context, site)
    answer_minimal(page, site)
    page.goto((site / "check-answers.html").as_uri())
    page.emulate_media(media="print")
    expect(page.locator("#sa-download-csv")).to_be_hidden()
    expect(page.locator('[data-question="MN1.2"] .sa-summary-list__actions')).to_be_hidden()
    expect(page.locator('[data-value="MN1.2"]')).to_be_visible()
    assert page.pdf()[:4] == b"%PDF"
