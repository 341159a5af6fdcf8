"""A practice manager's journeys through the default standards' site, in headless Chromium at the sizes a
practice uses (a 1366×768 desktop and a 390×844 phone): answering two sections, checking the answers and
finding how to save and send in the first screen, the problems left grouped by section and named by their
words, the deadline said by today's date, saves that confirm, the printed summary, the skip link, no unseen
Tab stop, and axe (WCAG 2.2 AA, target size included) on every kind of page.

The site is built once, as `toolkit build` builds it, into a temporary folder and opened from disk, as a
practice opens it from a file share; the axe scan serves it from this machine.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, ViewportSize, expect
from test_site_support import ROOT

from generator import numbering
from generator.check import check
from generator.model import Domain, Edition
from generator.selfassess.data import field_id

pytestmark = pytest.mark.browser

DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def edition() -> Edition:
    library, _ = check(ROOT / "standards")
    current = library.current()
    assert current is not None
    return current


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile at desktop size; no page may fail with a script error."""
    yield from _context(browser, DESKTOP)


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    yield from _context(browser, PHONE)


def _context(browser: Browser, viewport: ViewportSize) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport=viewport, timezone_id="Europe/London", accept_downloads=True)
    errors: list[str] = []
    made.on("weberror", lambda e: errors.append(str(e.error)))
    yield made
    made.close()
    assert errors == []


def section(site: Path, name: str = "index.html") -> str:
    return (site / "self-assessment" / name).as_uri()


def start(context: BrowserContext, site: Path) -> Page:
    page = context.new_page()
    page.goto(section(site))
    page.fill("#sa-practice-code", "C82001")
    page.fill("#sa-practice-name", "Riverside Surgery")
    page.fill("#sa-completed-by", "Sam Patel, practice manager")
    page.click("#sa-practice-save")
    expect(page.locator("#sa-overview")).to_be_visible()
    return page


def answer_question(page: Page, question_id: str) -> None:
    """Give a question of the open section page a valid answer, as a practice would, and an action plan where the
    answer flags a risk."""
    field = field_id(question_id)
    q: dict[str, Any] = page.evaluate("id => window.GPQS.question(id)", question_id)
    kind = q["answer_type"]["kind"]
    if kind == "fixed":
        answers = q["answers"]
        choice = answers.index("yes") if "yes" in answers else 0
        page.check(f"#{field}" if choice == 0 else f"#{field}-{choice + 1}")
    elif kind == "number":
        low, high = q["minimum"], q["maximum"]
        value = high if q.get("risk_below") is not None and high is not None else (low if low is not None else 1)
        page.fill(f"#{field}", str(value))
    elif kind == "date":
        today = dt.date.today()
        page.fill(f"#{field}", str(today.day))
        page.fill(f"#{field}-month", str(today.month))
        page.fill(f"#{field}-year", str(today.year))
    else:
        page.fill(f"#{field}", "Kept in the practice's policy folder, reviewed at the practice meeting")
    plan = page.locator(f"#{field}-plan")
    if plan.count() and plan.is_visible():
        due = dt.date.today() + dt.timedelta(days=90)
        page.fill(f"#{field}-action", "Put it right at the next practice meeting")
        page.fill(f"#{field}-owner", "Practice manager")
        page.fill(f"#{field}-due", str(due.day))
        page.fill(f"#{field}-due-month", str(due.month))
        page.fill(f"#{field}-due-year", str(due.year))


def question_ids(domain: Domain) -> list[str]:
    return [q.id for q in domain.questions()]


def complete_section(page: Page, site: Path, domain: Domain) -> None:
    page.goto(section(site, f"{domain.id}.html"))
    for question_id in question_ids(domain):
        answer_question(page, question_id)
    page.click("#sa-continue")
    expect(page.locator("#sa-error-summary")).to_be_hidden()
    page.wait_for_load_state()


def in_first_screen(page: Page, selector: str) -> bool:
    """Whether the element is wholly in the first screen of the page, not scrolled to."""
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None, selector
    return (
        box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


# --- check your answers: save and send first, then the problems by section -----------------------------------


def test_two_sections_done_and_check_your_answers_leads_with_saving_and_sending(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    first, second = edition.domains[0], edition.domains[1]
    complete_section(page, site, first)
    complete_section(page, site, second)
    page.goto(section(site, "check-answers.html"))
    page.evaluate("() => window.scrollTo(0, 0)")

    for selector in ("#sa-export-heading", "#sa-download-csv", "#sa-download-json", "#sa-print", "#sa-how-to-send h3"):
        assert in_first_screen(page, selector), selector
    expect(page.locator("#sa-how-to-send")).to_contain_text("email it to")
    expect(page.locator("#sa-progress")).to_contain_text(f"You have completed 2 of {len(edition.domains)} sections")
    expect(page.locator(f"#sa-section-{first.id}-status")).to_have_text("Complete")
    expect(page.locator(f"#sa-section-{second.id}-status")).to_have_text("Complete")
    expect(page.locator(f"#sa-section-{edition.domains[2].id}-status")).to_have_text("Not started")
    # the problems come after the ways to save and send, never in front of them
    summary = page.locator("#sa-error-summary").bounding_box()
    buttons = page.locator("#sa-download-csv").bounding_box()
    assert summary is not None and buttons is not None and summary["y"] > buttons["y"]


def test_problems_are_grouped_by_section_and_name_each_question_by_its_words(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    first, partial = edition.domains[0], edition.domains[1]
    complete_section(page, site, first)
    page.goto(section(site, f"{partial.id}.html"))
    answered = question_ids(partial)[0]
    answer_question(page, answered)
    page.goto(section(site, "check-answers.html"))

    headings = page.locator("#sa-error-groups h3").all_inner_texts()
    assert headings == [d.title for d in edition.domains[1:]]  # every section with problems, in order; not the done one
    partial_links = page.locator("#sa-error-groups ul").first.locator("a")
    texts = partial_links.all_inner_texts()
    hrefs = [partial_links.nth(i).get_attribute("href") for i in range(partial_links.count())]
    missing = [q for q in partial.questions() if q.id != answered and q.required]
    assert len(texts) >= len(missing)
    for question in missing:
        named = [t for t in texts if f"{question.id} “" in t]
        assert named, question.id
        assert question.text[:40] in named[0]
        assert f"{partial.id}.html#{field_id(question.id)}" in hrefs
    # a section not started is one line that leads to it, not a line for each of its questions
    third = edition.domains[2]
    required = sum(1 for q in third.questions() if q.required)
    expect(page.locator("#sa-error-groups ul").nth(1).locator("a")).to_have_text(
        f"Not started: answer the {required} required questions in {third.title}"
    )
    # following a problem leads to its question
    partial_links.first.click()
    page.wait_for_url(f"**/{partial.id}.html#*")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused.startswith(field_id(missing[0].id))


def test_the_printed_summary_opens_with_who_and_when_and_ends_with_a_sign_off(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    complete_section(page, site, edition.domains[0])
    page.goto(section(site, "check-answers.html"))
    page.emulate_media(media="print")
    header = page.locator("#sa-print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("C82001 (Riverside Surgery)")
    expect(header).to_contain_text(edition.info.title)
    expect(header).to_contain_text("Sam Patel, practice manager")
    expect(header).to_contain_text("Answers last saved")
    expect(page.locator(".sa-sign-off")).to_be_visible()
    expect(page.locator("#sa-sign-off-by")).to_have_text("Sam Patel, practice manager")
    for hidden in ("h1", "#sa-error-summary", "#sa-download-csv", ".sa-finish"):
        expect(page.locator(hidden)).to_be_hidden()
    # the header comes before every answer, the sign-off after them
    top = page.locator("#sa-print-header").bounding_box()
    first_answer = page.locator(".sa-summary-list__row").first.bounding_box()
    sign_off = page.locator(".sa-sign-off").bounding_box()
    assert top is not None and first_answer is not None and sign_off is not None
    assert top["y"] < first_answer["y"] < sign_off["y"]
    assert page.pdf()[:4] == b"%PDF"


# --- how and where to send, by today's date ------------------------------------------------------------------------


def test_the_deadline_is_said_by_todays_date(browser: Browser, site: Path, edition: Edition) -> None:
    deadline = edition.info.return_deadline
    assert deadline is not None
    words = f"{deadline.day} {deadline:%B %Y}"
    before = dt.datetime.combine(deadline - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
    after = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    for when, expected in ((before, f"Send your return by {words}."), (after, "has passed")):
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.clock.set_fixed_time(when)
        page.goto(section(site))
        expect(page.locator("#sa-how-to-send")).to_contain_text(expected)
        if when == after:
            text = page.locator("#sa").inner_text()
            assert f"Send your return by {words}" not in text
            assert f"The deadline for returns, {words}, has passed. Send your return as soon as possible." in text
        context.close()


def test_after_a_download_the_page_says_it_is_saved_and_what_to_do_next(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    page.goto(section(site, "check-answers.html"))
    with page.expect_download() as download:
        page.click("#sa-download-csv")
    note = page.locator("#sa-notification")
    expect(note).to_be_focused()
    expect(note.locator("h2")).to_have_text("Your return has been downloaded")
    expect(note).to_contain_text(f"Saved as {download.value.suggested_filename}")
    expect(note).to_contain_text("The return is not finished")


# --- answering: words practices type, saves that confirm -----------------------------------------------------------


def test_a_percentage_typed_with_its_sign_is_taken(desktop: BrowserContext, site: Path, edition: Edition) -> None:
    domain, question = next(
        (d, q) for d in edition.domains for q in d.questions() if q.unit == "%" and (q.maximum or 100) >= 75
    )
    page = start(desktop, site)
    page.goto(section(site, f"{domain.id}.html"))
    page.fill(f"#{field_id(question.id)}", "75%")
    page.click("#sa-continue")
    expect(page.locator(f"#{field_id(question.id)}-error")).to_be_hidden()
    stored = page.evaluate(f"() => localStorage.getItem('gpqs-selfassess/1/{edition.id}/draft/C82001')")
    assert json.loads(stored)["answers"][question.id]["answer"] == "75"


def test_save_and_continue_confirms_and_names_the_next_section(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    first, second = edition.domains[0], edition.domains[1]
    complete_section(page, site, first)
    page.wait_for_url(f"**/{second.id}.html")
    note = page.locator("#sa-notification")
    expect(note).to_be_focused()
    expect(note.locator("h2")).to_have_text(f"Your answers to {first.title} are saved")
    expect(note).to_contain_text(f"You have completed 1 of {len(edition.domains)} sections.")
    expect(note).to_contain_text(f"This is the next section: {second.title}.")
    page.reload()
    expect(note).to_be_hidden()  # said once


def test_save_and_come_back_later_says_where_the_answers_are_and_how_to_carry_on(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = start(desktop, site)
    domain = edition.domains[0]
    page.goto(section(site, f"{domain.id}.html"))
    answer_question(page, question_ids(domain)[0])
    page.click("#sa-save-later")
    page.wait_for_url("**/self-assessment/index.html")
    note = page.locator("#sa-notification")
    expect(note).to_be_focused()
    expect(note.locator("h2")).to_have_text("Your answers have been saved")
    expect(note).to_contain_text(f"in {domain.title}. They are kept in this browser on this computer.")
    expect(note).to_contain_text("On a computer others use, download your answers")
    expect(page.locator("#sa-shared-computer")).to_contain_text("On a shared computer, such as at reception")


# --- getting about: the home page, a domain page, the skip link, Tab stops -------------------------------------------


def test_the_home_page_starts_the_self_assessment_and_a_domain_page_answers_it_online(
    desktop: BrowserContext, site: Path, edition: Edition
) -> None:
    page = desktop.new_page()
    page.goto((site / "index.html").as_uri())
    start_link = page.get_by_role("link", name="Start your self-assessment")
    assert in_first_screen(page, ".toolkit-start")
    start_link.click()
    page.wait_for_url("**/self-assessment/index.html")
    domain = edition.domains[0]
    # a standard whose numbers skip says what became of each missing number, where the numbers show: its
    # guidance and its page of the form
    library, _ = check(ROOT / "standards")
    notes = numbering.notes(library, edition)
    gaps = [s.id for s in domain.standards if s.id in notes]
    assert gaps, "the first domain has a standard whose numbers skip"
    page.goto((site / "domains" / domain.id / "index.html").as_uri())
    for standard_id in gaps:
        expect(page.get_by_text(notes[standard_id], exact=True)).to_have_count(1)
    page.get_by_role("link", name=f"Answer {domain.title} online").click()
    page.wait_for_url(f"**/self-assessment/{domain.id}.html")
    expect(page.locator(".sa-numbering-note")).to_have_text([notes[s] for s in gaps])


SELF_ASSESSMENT_PAGES = ["index.html", "safeguarding.html", "check-answers.html", "check-a-return.html"]


@pytest.mark.parametrize("name", SELF_ASSESSMENT_PAGES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_self_assessment_page_skips_to_its_content(browser: Browser, site: Path, name: str, size: str) -> None:
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE)
    page = context.new_page()
    page.goto(section(site, name))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page.locator("#toolkit-content")).to_be_focused()
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('.md-content')")
    assert inside
    context.close()


UNSEEN = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  return {
    what: e.tagName + '#' + e.id + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30),
    seen: r.width > 1 && r.height > 1 && e.checkVisibility({opacityProperty: true, visibilityProperty: true}),
    greyed: document.getElementById('__search').checked && !e.closest('.md-search'),
  };
}"""


@pytest.mark.parametrize("path", ["self-assessment/index.html", "domains/safeguarding/index.html"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_tab_stop_is_unseen(browser: Browser, site: Path, path: str, size: str) -> None:
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE)
    page = context.new_page()
    page.goto((site / path).as_uri())
    unseen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)  # the skip link fades in as it takes focus
        stop = page.evaluate(UNSEEN)
        if not stop["seen"] or stop["greyed"]:
            unseen.append(stop["what"])
    assert unseen == []
    context.close()


# --- axe, WCAG 2.2 AA with target size, on every kind of page ------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


SITE_PAGES = [
    "index.html",
    "how-to-use.html",
    "domains/safeguarding/index.html",
    "standards.html",
    "key-questions.html",
    "regulations.html",
    "changes.html",
    "downloads.html",
    "editions.html",
    "about.html",
    "accessibility.html",
    "404.html",
]


def serious(page: Page) -> list[tuple[str, str, list[Any]]]:
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", SITE_PAGES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_nothing_serious_on_the_guidance_site(browser: Browser, served: str, path: str, size: str) -> None:
    page = browser.new_page(viewport=DESKTOP if size == "desktop" else PHONE)
    page.goto(served + path)
    assert serious(page) == [], path
    page.close()


@pytest.mark.parametrize("name", SELF_ASSESSMENT_PAGES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_nothing_serious_on_the_self_assessment(
    browser: Browser, served: str, site: Path, edition: Edition, name: str, size: str
) -> None:
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE)
    page = context.new_page()
    page.goto(served + "self-assessment/index.html")
    page.fill("#sa-practice-code", "C82001")
    page.fill("#sa-practice-name", "Riverside Surgery")
    page.fill("#sa-completed-by", "Sam Patel, practice manager")
    page.click("#sa-practice-save")
    page.goto(served + "self-assessment/" + name)
    if name == "safeguarding.html":
        page.click("#sa-continue")  # every kind of error message
    if name == "check-a-return.html":
        empty: FilePayload = {
            "name": "C82001.csv",
            "mimeType": "text/csv",
            "buffer": b"practice_code,question_id,answer\n",
        }
        page.set_input_files("#sa-check-file", files=[empty])
        expect(page.locator("#sa-check-result")).to_be_visible()
    assert serious(page) == [], name
    context.close()
