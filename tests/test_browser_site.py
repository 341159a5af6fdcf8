"""The guidance site of the default standards in headless Chromium (Debian's chromium, driven by Playwright).

The site is built once, as the README's main command builds it, into a temporary folder. Most
tests open it straight from disk (file://), as a practice would from a file share; the axe scan
also serves it from this machine, so that the 404 page is seen as a web server shows it.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from pypdf import PdfReader
from test_site_support import ROOT

from generator.check import check
from generator.model import Edition
from generator.paths import anchor

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def current() -> Edition:
    library, _ = check(ROOT / "standards")
    edition = library.current()
    assert edition is not None
    return edition


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records every request it makes."""
    context = browser.new_context()
    opened = context.new_page()
    requested: list[str] = []
    opened.on("request", lambda r: requested.append(r.url))
    opened.requested = requested  # type: ignore[attr-defined]
    yield opened
    context.close()


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served on this machine (a free port on 127.0.0.1)."""

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


def _search(page: Page, words: str) -> list[str]:
    """Type ``words`` into the search box; the links of the results, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(words, delay=15)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return [link.get_attribute("href") or "" for link in page.locator(".md-search-result__link").all()]


def test_home_to_domain_to_standard(site: Path, page: Page, current: Edition) -> None:
    domain = current.domains[0]
    standard = domain.standards[1]
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "GP Quality and Safety Toolkit"
    page.locator("article").get_by_role("link", name=domain.title, exact=True).click()
    assert page.url == (site / "domains" / domain.id / "index.html").as_uri()
    assert page.locator("h1").inner_text() == domain.title
    page.locator("nav.md-nav--secondary").get_by_role("link", name=f"{standard.id} {standard.title}").click()
    assert page.url.endswith(f"#{anchor(standard.id)}")
    heading = page.locator(f"#{anchor(standard.id)}")
    assert heading.is_visible() and heading.inner_text().startswith(f"{standard.id} {standard.title}")
    question = standard.questions[0]
    assert page.locator(f"h3#{anchor(question.id)}").inner_text().startswith(f"{question.id} {question.text}")
    assert all(url.startswith("file://") for url in page.requested)  # type: ignore[attr-defined]


def test_search_finds_a_question_by_its_id(site: Path, page: Page, current: Edition) -> None:
    domain = current.domains[0]
    question = domain.standards[0].questions[1]
    page.goto((site / "how-to-use.html").as_uri())
    links = _search(page, question.id)
    assert any(
        link.endswith(f"domains/{domain.id}/index.html?h={question.id.lower()}#{anchor(question.id)}")
        for link in links[:3]
    ), links


def test_search_finds_a_question_by_its_words(site: Path, page: Page, current: Edition) -> None:
    domain = current.domains[1]
    question = domain.standards[0].questions[0]
    words = question.text.rstrip("?")
    page.goto((site / "index.html").as_uri())
    links = _search(page, words)
    assert any(
        link.split("?")[0].endswith(f"domains/{domain.id}/index.html") and link.endswith(f"#{anchor(question.id)}")
        for link in links[:6]
    ), (words, links)
    assert all(url.startswith("file://") for url in page.requested)  # type: ignore[attr-defined]


def test_archived_edition_carries_its_banner(site: Path, page: Page, current: Edition) -> None:
    archived = next(folder for folder in sorted(site.iterdir()) if (folder / "search").is_dir())
    assert archived.name < current.id
    page.goto((archived / "domains" / "safeguarding" / "index.html").as_uri())
    banner = page.locator(".toolkit-banner--archived")
    assert banner.is_visible()
    assert banner.inner_text().startswith(f"Archived edition. This is GP Quality and Safety Standards {archived.name}")
    assert page.title().startswith("Archived: ")
    banner.get_by_role("link").click()
    assert page.url == (site / "index.html").as_uri()
    assert page.locator(".toolkit-banner").count() == 0


def test_current_edition_folder_leads_to_the_same_page_at_the_root(site: Path, page: Page, current: Edition) -> None:
    page.goto((site / current.id / "domains" / "safeguarding" / "index.html").as_uri() + "#sg1-2")
    page.wait_for_url("**/site/domains/safeguarding/index.html#sg1-2")
    assert page.locator("h3#sg1-2").is_visible()


def test_a_domain_page_prints_to_a_readable_pdf(site: Path, page: Page, current: Edition) -> None:
    domain = current.domains[0]
    page.goto((site / "domains" / domain.id / "index.html").as_uri())
    pdf = page.pdf(format="A4", print_background=True)
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 2
    assert domain.title in text
    for standard in domain.standards:
        assert f"{standard.id} {standard.title}" in text
        first = standard.questions[0]
        assert f"{first.id} {' '.join(first.text.split()[:6])}" in text
    assert "Search" not in text.split(domain.title)[0]  # the header and search box are not printed


PAGE_TYPES = [
    "index.html",
    "how-to-use.html",
    "domains/safeguarding/index.html",
    "standards.html",
    "key-questions.html",
    "regulations.html",
    "changes.html",
    "downloads.html",
    "editions.html",
    "accessibility.html",
    "about.html",
    "about-these-standards.html",
    "404.html",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_finds_no_serious_or_critical_violation(served: str, site: Path, browser: Browser, path: str) -> None:
    archived = next(folder.name for folder in sorted(site.iterdir()) if (folder / "search").is_dir())
    page = browser.new_page()
    axe = Axe()
    urls = [served + path]
    if path in ("index.html", "domains/safeguarding/index.html"):
        urls.append(f"{served}{archived}/{path}")
    for url in urls:
        page.goto(url)
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert violations == [], url
    page.close()


def test_axe_with_the_search_open(served: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(served + "domains/safeguarding/index.html")
    _search(page, "safeguarding lead")
    violations = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert violations == []
    page.close()


def test_phone_width_menu_reaches_a_domain(site: Path, browser: Browser, current: Edition) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((site / "index.html").as_uri())
    menu = page.locator("label.md-header__button[for='__drawer']")
    menu.click()
    page.locator("nav.md-nav--primary li.md-nav__item--pruned > a", has_text="Domains").click()
    assert page.locator("h1").inner_text() == current.domains[0].title
    menu.click()
    page.locator("nav.md-nav--primary").get_by_role("link", name=current.domains[2].title, exact=True).click()
    assert page.locator("h1").inner_text() == current.domains[2].title
    page.close()
