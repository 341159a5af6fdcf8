"""The report with CQC's ratings beside 130 practices, in headless Chromium: still at most 25 A4 pages, axe clean."""

from __future__ import annotations

import importlib
import io
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from test_browser_journeys import WCAG_22_AA
from test_report_cqc import write

from generator.report.build import make

pytestmark = pytest.mark.browser

KEY_QUESTIONS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")
RATINGS = ("Outstanding", "Good", "Good", "Requires Improvement", "Inadequate", "Inspected but not rated")


def published(practice: int, key_question: int) -> str:
    """Each practice's ratings published together, as one inspection's are; one practice in ten has a key question
    rated at another time (a later focused inspection)."""
    month = 2 if practice % 10 == 0 and key_question == 1 else 1
    return f"{1 + practice % 28:02d}/{month:02d}/2025"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ICB of 130 practices, every one rated by CQC overall and on each key question."""
    from generator.check import check

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    population: Any = importlib.import_module("bench_report")  # the benchmark's generator of returns, seeded
    root = tmp_path_factory.mktemp("cqc130")
    library, _ = check(Path(__file__).parent.parent / "standards")
    rng = random.Random(2025)
    population.write_returns(library.editions[population.CURRENT], 130, root / "returns", rng)
    register = root / "practices.csv"
    population.write_register(130, register)
    population.timed_collect(population.CURRENT, root / "returns", root / "store", register)
    names = dict(line.split(",", 1) for line in register.read_text().splitlines()[1:])
    rows = [
        [f"1-{i}", code, f"Practice {i}", "GP Practices", "Overall", kq, rng.choice(RATINGS), published(i, k),
         "Location", "N", ""]
        for i, code in enumerate(names)
        for k, kq in enumerate(KEY_QUESTIONS)
    ]  # fmt: skip
    ratings = write(root / "latest-ratings.csv", rows)
    made = make(library, population.CURRENT, root / "store", root / "out", register=names, cqc=[ratings])
    return next(p for p in made.files if p.name == "report.html")


def test_130_practices_with_cqc_ratings_print_in_at_most_25_pages(report: Path, browser: Browser) -> None:
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(report.as_uri())
    assert page.locator("table.beside tbody tr").count() >= 130  # every practice of the register is rated
    pages = len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True))).pages)
    page.close()
    print(f"{pages} pages")
    assert pages <= 25


def test_the_report_of_130_practices_passes_axe(report: Path, browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(bypass_csp=True)  # the report's policy forbids every script, axe's included
    page = context.new_page()
    page.goto(report.as_uri())
    # The screen style lays out only the sections in view (content-visibility), which leaves axe's contrast check
    # reading colours from the wrong boxes; every section is laid out for the check, as a reader scrolling sees it.
    page.add_style_tag(content="main > section { content-visibility: visible !important; }")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})  # the whole report
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
