"""The HTML report in headless Chromium: its charts are drawn, it asks for nothing outside, it passes axe and prints on A4."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reportdata as data
from playwright.sync_api import Browser

from generator.report.build import make

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    made = make(data.library(), data.CURRENT, data.collected(), root / "out", register=dict(data.register_rows()))
    return next(p for p in made.files if p.name == "report.html")


def test_charts_are_drawn_and_named(report: Path, browser: Browser) -> None:
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(report.as_uri())
    assert requested == [report.as_uri()]
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    for i in range(4):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").first.text_content()
        assert chart.locator("desc").first.text_content()
        assert chart.locator("rect").count() > 3
    shares = page.locator("#chart-shares")
    assert (
        shares.locator("title").first.text_content()
        == "Share of answers yes, partial, no and not applicable, by domain"
    )
    # Values are written on the bars, not left to colour.
    assert "53%" in (shares.text_content() or "")
    assert page.get_by_role("img", name="Practices rated red, amber and green, by domain").count() == 1
    page.close()


def test_no_serious_accessibility_violations(report: Path, browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(bypass_csp=True)  # the report's policy forbids every script, axe's included
    page = context.new_page()
    page.goto(report.as_uri())
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()


def test_prints_on_a4_marked_for_the_icb_only(report: Path, browser: Browser) -> None:
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(report.as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    page.close()
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages}
    assert sizes <= {(595, 842), (842, 595)}  # A4 portrait, and landscape for the wide practice table
    assert (842, 595) in sizes
    for number, sheet in enumerate(pdf.pages, start=1):
        text = sheet.extract_text()
        assert "FOR THE ICB ONLY" in text, number
        assert f"Page {number} of {len(pdf.pages)}" in text, number


def test_an_icb_of_130_practices_prints_in_at_most_25_pages(
    tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> None:
    """Summaries first (risks by domain, the practices most at risk), the top of each long list, the rest in
    the CSVs and the workbook: the whole report for an ICB's 130 practices stays a readable handful of pages."""
    import importlib
    import random
    import sys
    from typing import Any

    from pypdf import PdfReader

    from generator.check import check

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    population: Any = importlib.import_module("bench_report")  # the benchmark's generator of returns, seeded

    root = tmp_path_factory.mktemp("icb130")
    library, _ = check(Path(__file__).parent.parent / "standards")
    rng = random.Random(2025)
    for edition in (population.PREVIOUS, population.CURRENT):
        population.write_returns(library.editions[edition], 130, root / f"returns-{edition}", rng)
    register = root / "practices.csv"
    population.write_register(130, register)
    for edition in (population.PREVIOUS, population.CURRENT):
        population.timed_collect(edition, root / f"returns-{edition}", root / "store", register)
    names = dict(line.split(",", 1) for line in register.read_text().splitlines()[1:])
    made = make(library, population.CURRENT, root / "store", root / "out", register=names)
    assert made.figures.count("valid") > 100
    report = next(p for p in made.files if p.name == "report.html")
    page = browser.new_page()
    page.goto(report.as_uri())
    pages = len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True))).pages)
    page.close()
    assert pages <= 25
