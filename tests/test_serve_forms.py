"""toolkit serve with the real forms: the changed pages first, the forms after them, problems in the browser."""

from __future__ import annotations

import io
import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from test_site_support import MINIMAL, options

from generator.site.build import BuildResult
from generator.site.serve import Preview

FORMS = Path(__file__).parent / "forms" / "standards"
QUESTION = "Is the defibrillator checked every week?"
REWORDED = "Is the defibrillator and its pads checked every week?"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def _wait_for_forms(served: Preview, results: list[BuildResult]) -> BuildResult:
    """Poll until the forms made in the background are put in place (the preview's second build)."""
    before = len(results)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if served.poll() is not None and len(results) > before:
            return results[-1]
        time.sleep(0.1)
    raise AssertionError("the forms were not brought up to date")


def _settle(served: Preview) -> None:
    deadline = time.monotonic() + 60
    while served.status.forms_updating and time.monotonic() < deadline:
        served.poll()
        time.sleep(0.05)
    assert not served.status.forms_updating


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, list[BuildResult], Path]]:
    shutil.copytree(FORMS, tmp_path / "standards")
    shutil.copyfile(MINIMAL.parent / "toolkit.yml", tmp_path / "toolkit.yml")
    results: list[BuildResult] = []
    served = Preview(options(tmp_path, downloads=None), port=0, on_build=results.append, jobs=1)
    yield served, results, tmp_path
    served.close()


def test_an_edit_shows_in_its_page_first_and_in_its_forms_after(
    preview: tuple[Preview, list[BuildResult], Path],
) -> None:
    served, results, tmp = preview
    assert [r.ok for r in results] == [True]
    pdf_url = served.url + "downloads/2031-32/first-aid.pdf"
    assert QUESTION in _pdf_text(_get(pdf_url))
    _settle(served)  # the first build made every form: the check in the background finds nothing to make
    assert len(results) == 1

    domain = tmp / "standards/2031-32/domains/first-aid.yml"
    domain.write_text(domain.read_text().replace(QUESTION, REWORDED))
    result = served.poll()
    assert result is not None and result.ok
    # The page shows the edit at once; the forms are those made before it, and the downloads page says so.
    assert REWORDED in _get(served.url + "domains/first-aid/index.html").decode()
    status = json.loads(_get(served.url + ".toolkit-preview/status"))
    assert status["forms_updating"] is True and status["problems"] == []
    assert QUESTION in _pdf_text(_get(pdf_url))

    settled = _wait_for_forms(served, results)
    assert settled.ok
    assert not served.status.forms_updating
    assert REWORDED in _pdf_text(_get(pdf_url))
    assert REWORDED in _pdf_text(_get(served.url + "downloads/2031-32/self-assessment-2031-32.pdf"))


def test_forms_made_before_a_save_that_changed_nothing_they_hold_still_reach_the_site(
    preview: tuple[Preview, list[BuildResult], Path],
) -> None:
    """A save lands after the forms of an edit are made but before they are put in the site: the run after it
    finds nothing to make, and the forms made before must still replace those the site shows."""
    served, results, tmp = preview
    _settle(served)
    pdf_url = served.url + "downloads/2031-32/first-aid.pdf"
    domain = tmp / "standards/2031-32/domains/first-aid.yml"
    domain.write_text(domain.read_text().replace(QUESTION, REWORDED))
    assert served.poll() is not None  # the page first, with the forms made before the edit
    making = served._forms
    assert making is not None
    making.join()  # the edit's forms are made; no poll has put them in the site yet
    domain.write_text(domain.read_text())  # saved again, the same text: a new time, nothing else
    assert served.poll() is not None  # a look at the sources sees the save; its build has nothing to do
    settled = _wait_for_forms(served, results)
    assert settled.ok and not served.status.forms_updating
    assert REWORDED in _pdf_text(_get(pdf_url))


def test_a_problem_shows_in_the_browser_over_the_last_good_page(
    preview: tuple[Preview, list[BuildResult], Path],
) -> None:
    served, _, tmp = preview
    generation = served.status.generation
    domain = tmp / "standards/2031-32/domains/first-aid.yml"
    lines = domain.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if QUESTION in line)
    lines[number] = lines[number].replace("text:", "txet:")
    domain.write_text("\n".join(lines) + "\n")
    result = served.poll()
    assert result is not None and not result.ok
    status = json.loads(_get(served.url + ".toolkit-preview/status"))
    column = lines[number].index("txet") + 1
    where = f"first-aid.yml:{number + 1}:{column}: unknown key 'txet' (did you mean 'text'?)"
    assert any(line.endswith(where) for line in status["problems"]), status["problems"]
    assert status["generation"] == generation  # no reload: the last good page stays
    assert QUESTION in _get(served.url + "domains/first-aid/index.html").decode()


def test_every_page_carries_the_preview_script_and_the_built_site_does_not(
    preview: tuple[Preview, list[BuildResult], Path],
) -> None:
    served, _, tmp = preview
    page = _get(served.url + "index.html").decode()
    assert page.count('<script src="/.toolkit-preview/preview.js" defer></script></body>') == 1
    assert b"location.reload()" in _get(served.url + ".toolkit-preview/preview.js")
    assert b"toolkit-preview" not in (tmp / "site" / "index.html").read_bytes()
