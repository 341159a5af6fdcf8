"""The regional report in headless Chromium: nothing loaded from elsewhere, no serious accessibility violation."""

from __future__ import annotations

from pathlib import Path

import pytest
import reportdata as data
from playwright.sync_api import Browser
from test_rollup import register_of, renamed

from generator.report.ledger import read_returns
from generator.rollup.combine import combine
from generator.rollup.export import bundle_of
from generator.rollup.write import write

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    edition = data.library().editions[data.CURRENT]
    returns = read_returns(data.collected(), data.CURRENT, notes=False)
    bundles = [
        bundle_of(edition, renamed(returns, code[1]), icb_code=code, icb_name=f"NHS {code} ICB <b>&</b>",
                  register=register_of(code[1]), register_date="2031-05-01")
        for code in ("QA1", "QK1")
    ]  # fmt: skip
    out = tmp_path_factory.mktemp("region")
    written = write(combine(bundles), out, "2031-07-01 09:00 UTC")
    return next(p for p in written if p.name == "report.html")


def test_asks_for_nothing_outside_escapes_names_and_passes_axe(report: Path, browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    assert "NHS QA1 ICB &lt;b&gt;&amp;&lt;/b&gt;" in report.read_text(encoding="utf-8")
    context = browser.new_context(bypass_csp=True)  # the page's policy forbids every script, axe's included
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(report.as_uri())
    assert requested == [report.as_uri()]
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
