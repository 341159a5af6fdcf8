"""A practice's summary page in headless Chromium: it asks for nothing outside and passes axe."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import reportdata as data
from playwright.sync_api import Browser

from generator.cli import main
from generator.support import sync

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("summary-browser")
    shutil.copytree(data.collected(), root / "store")
    sync(root / "store", data.library())
    register = data.write_register(root / "practices.csv")
    args = ["summary", "--store", str(root / "store"), "--standards", str(data.FIXTURE), "--register", str(register)]
    assert main([*args, "--edition", data.CURRENT, "--out", str(root / "out"), "--no-pdf"]) == 0
    return [root / "out" / f"{data.code(i)}.html" for i in (0, 1, 2)]  # with support asked, contacted, and none


def test_no_outside_requests_and_no_serious_accessibility_violations(pages: list[Path], browser: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    requested: list[str] = []
    for path in pages:
        requested.clear()
        page = browser.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(path.as_uri())
        assert requested == [path.as_uri()]
        assert (
            page.get_by_role("heading", level=1).text_content()
            == f"Practice {path.stem[1:].lstrip('0') or '0'} ({path.stem})"
        )
        results = Axe().run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], path.name
        page.close()
