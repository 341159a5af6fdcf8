"""toolkit build --jobs: the forms and editions made on several processes give the very bytes one process makes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_support import MINIMAL, add_edition, options, tree

from generator.site.build import build

FORMS = Path(__file__).parent / "forms" / "standards"
ROOT = Path(__file__).parent.parent


def project(folder: Path) -> Path:
    """Two published editions with real forms: the two-domain forms edition and the minimal one."""
    shutil.copytree(FORMS, folder / "standards")
    shutil.copyfile(MINIMAL.parent / "toolkit.yml", folder / "toolkit.yml")
    add_edition(folder / "standards", "2030-31")
    return folder


def test_one_process_and_two_build_the_same_site(tmp_path: Path) -> None:
    sites = {}
    for jobs in (1, 2):
        folder = project(tmp_path / f"jobs-{jobs}")
        result = build(options(folder, downloads=None, jobs=jobs))
        assert result.ok, [p.format() for p in result.problems]
        assert sum(r.rebuilt for r in result.editions) == 2  # both editions built: the two at once with two jobs
        sites[jobs] = tree(folder / "site")
    assert sites[1] == sites[2]
    assert any(name.endswith("self-assessment-2031-32.pdf") for name in sites[1])


def test_jobs_must_be_a_whole_number_from_one() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--jobs", "0", "--site", "unused"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "argument --jobs: '0' is not a whole number from 1 to 256" in done.stderr


@pytest.mark.parametrize("words", [" (reworded)", " Explain the checks." * 150], ids=["same-sizes", "new-sizes"])
def test_a_build_after_an_edit_makes_the_site_a_fresh_build_makes(tmp_path: Path, words: str) -> None:
    """The pages are built by the forms made last while the new ones are made: where the new forms change what
    the pages list (a size in KB), the pages are built again, so the site is always that of the edited content."""
    question = "Is the defibrillator checked every week?"
    edited = project(tmp_path / "edited")
    assert build(options(edited, downloads=None, jobs=2)).ok
    domain = edited / "standards/2031-32/domains/first-aid.yml"
    domain.write_text(domain.read_text().replace(question, question + words))
    result = build(options(edited, downloads=None, jobs=2))
    assert result.ok, [p.format() for p in result.problems]
    assert {r.edition_id: r.rebuilt for r in result.editions} == {"2031-32": True, "2030-31": False}

    fresh = project(tmp_path / "fresh")
    shutil.copyfile(domain, fresh / "standards/2031-32/domains/first-aid.yml")
    assert build(options(fresh, downloads=None, jobs=2)).ok
    assert tree(edited / "site") == tree(fresh / "site")
