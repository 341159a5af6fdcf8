"""Shared fixtures: small, explicit editions built in a temporary folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from playwright.sync_api import Browser, sync_playwright

# No per-example deadline: the machine's two cores are shared with browsers and PDF layout, and a slow
# example is not a wrong one. Every run, CI's included, tries fresh examples (a fixed seed would only ever
# try the same ones); a failure prints the seed and the example's blob, and `pytest --hypothesis-seed=N`
# (or the "fixed" profile, HYPOTHESIS_PROFILE=fixed, whose examples come from each test's name) repeats it.
_QUIET = [HealthCheck.too_slow]
settings.register_profile("dev", deadline=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("ci", deadline=None, suppress_health_check=_QUIET, print_blob=True, database=None)
settings.register_profile(
    "fixed", deadline=None, suppress_health_check=_QUIET, print_blob=True, database=None, derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def standards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A standards folder holding the minimal edition 2030-31, with the test ICB's toolkit.yml beside it; the
    working folder is its parent."""
    folder = tmp_path / "standards"
    shutil.copytree(FIXTURES / "minimal", folder / "2030-31")
    shutil.copyfile(FIXTURES / "toolkit.yml", tmp_path / "toolkit.yml")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def replace_file(standards: Path) -> Callable[[str, Path], None]:
    """Replace one file of the minimal edition (such as 'domains/minimal.yml') with another."""

    def replace(relative: str, source: Path) -> None:
        shutil.copyfile(source, standards / "2030-31" / relative)

    return replace


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: Playwright cannot download browsers here, and the README's test command installs this one."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium tries to reach Google's services at start-up, which a locked-down network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for a test module, closed at its end.

    Module scope, not session: the sync API runs its own event loop, which must not stay open into
    tests that run asyncio themselves.
    """
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default standards' site, built once as `toolkit build` builds it, for the browser tests that only read it
    (a test module that needs a site of its own defines its own ``site``)."""
    from generator.site.build import BuildOptions, build

    root = tmp_path_factory.mktemp("default-site")
    result = build(
        BuildOptions(
            standards=ROOT / "standards",
            site=root / "site",
            config=ROOT / "mkdocs.yml",
            content=ROOT / "content",
            templates=ROOT / "site_templates",
            work=root / "build",
        )
    )
    assert result.ok, [p.format() for p in result.problems]
    return root / "site"
