"""The public status page in headless Chromium: nothing loaded from elsewhere, no serious accessibility violation."""

from __future__ import annotations

from pathlib import Path

import pytest
import reportdata as data
from playwright.sync_api import Browser

from generator.site.statuspage import PracticeStatus, render, statuses

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    practices = dict(data.register_rows()[:6])
    chosen = {data.code(0): (True, "2031-06-15T09:00:00Z"), data.code(1): (False, "2031-06-16T10:00:00Z")}
    rows: list[PracticeStatus] = statuses(practices, {data.code(0): "04C"}, chosen)
    path = tmp_path_factory.mktemp("statuspage") / "index.html"
    path.write_text(render(rows, edition_title="Test standards", icb_name="NHS Test ICB", newest="2031-06-16"))
    return path


def test_asks_for_nothing_outside_and_passes_axe(page_file: Path, browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(bypass_csp=True)  # the page's policy forbids every script, axe's included
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(page_file.as_uri())
    assert requested == [page_file.as_uri()]
    assert page.get_by_role("table", name="Return status by practice").count() == 1
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
