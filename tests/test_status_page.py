"""The public status page: off by default; when on, each register practice's return status and date, no answers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import reportdata as data
from test_site_support import ROOT, options

from generator.cli import main
from generator.site.build import BuildResult, build
from generator.site.statuspage import PAGE, StatusSource


def built(result: BuildResult) -> BuildResult:
    assert result.problems == [], [p.format() for p in result.problems]
    return result


def rows(page: str) -> dict[str, tuple[str, str]]:
    """Practice code → (status, received) as the page's table shows them."""
    found = re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td><td class=\"\w+\">([^<]+)</td><td>([^<]*)</td></tr>", page)
    return {code: (status, day) for code, status, day in found}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("status")
    data.write_register(root / "practices.csv")
    return root


def test_each_practice_of_the_register_with_its_status_and_day_and_no_answer(project: Path) -> None:
    store = project / "store"
    source = StatusSource(store, project / "practices.csv")
    # No store yet: every practice is listed as not received.
    built(build(options(project, standards=data.FIXTURE, status_page=source, jobs=1)))
    page = (project / "site" / PAGE).read_text(encoding="utf-8")
    listed = rows(page)
    assert list(listed) == [code for code, _ in data.register_rows()]
    assert set(listed.values()) == {("Not received", "")}
    # Returns arrive: the next build sees them (the ledger is one of the build's inputs).
    shutil.copytree(data.collected(), store)
    built(build(options(project, standards=data.FIXTURE, status_page=source, jobs=1)))
    page = (project / "site" / PAGE).read_text(encoding="utf-8")
    listed = rows(page)
    statuses = [status for status, _ in listed.values()]
    counts = {s: statuses.count(s) for s in set(statuses)}
    assert counts == {"Received and valid": data.VALID_2031, "Received: needs correcting": data.INVALID_2031,
                      "Not received": data.MISSING_2031}  # fmt: skip
    assert listed[data.code(0)] == ("Received and valid", "2031-06-15")
    # Nothing of any answer or comment, nor what was wrong with a return.
    for text in ("Free text", "+44 notes", "HYPERLINK", "alert(1)", "Help with training", "fire doors"):
        assert text not in page
    assert "problem" not in page.lower()


def test_off_by_default(tmp_path: Path) -> None:
    built(build(options(tmp_path, standards=data.FIXTURE, jobs=1)))
    assert not (tmp_path / "site" / "status").exists()


def test_a_register_that_cannot_be_read_stops_the_build_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "practices.csv").write_text("nothing,useful\n1,2\n")
    source = StatusSource(data.collected(), tmp_path / "practices.csv")
    result = build(options(tmp_path, standards=data.FIXTURE, status_page=source, jobs=1))
    assert [p.message.split(":")[0] for p in result.problems] == ["the status page cannot read the register"]
    assert not (tmp_path / "site").exists()


def test_toolkit_build_status_page_option(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`toolkit build --status-page` in the conftest's minimal project: every practice listed, none received yet."""
    root = standards.parent
    for name in ("mkdocs.yml", "content", "site_templates"):
        (root / name).symlink_to(ROOT / name)
    (root / "practices.csv").write_text("practice_code,practice_name\nA12345,First Surgery\nB23456,Second & Co\n")
    assert main(["build", "--status-page", "--register", "practices.csv", "--store", "store"]) == 0
    capsys.readouterr()
    page = (root / "site" / PAGE).read_text(encoding="utf-8")
    assert rows(page) == {"A12345": ("Not received", ""), "B23456": ("Not received", "")}
    assert "Second &amp; Co" in page
    assert main(["build"]) == 0  # off again: the page goes with the next build
    capsys.readouterr()
    assert not (root / "site" / "status").exists()
