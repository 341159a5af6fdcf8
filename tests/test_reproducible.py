"""The same content gives the same site, byte for byte, wherever the project is and whichever machine builds it.

The project's files are copied to two folders of different names and depths, and each copy
builds its own site with its own code (``python -m generator`` runs the copy's package). Every
file under ``site/`` (the downloads included) must have the same SHA-256. The fonts of the forms
are the project's own (see ``test_forms_pdf.py``), so no other machine's fonts can change them.
Then one copy is moved: its next build finds nothing changed and runs no site builder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PROJECT = ("generator", "site_templates", "standards", "content", "mkdocs.yml", "toolkit.yml", "schema")


def copy_project(to: Path) -> Path:
    to.mkdir(parents=True)
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, to / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, to / name)
    return to


def toolkit(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=600
    )


def digests(site: Path) -> dict[str, str]:
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("reproducible")
    first = copy_project(base / "one")
    second = copy_project(base / "a much longer folder name" / "and deeper" / "two")
    for folder in (first, second):
        done = toolkit(folder, "build")
        assert done.returncode == 0, done.stdout + done.stderr
    return first, second


def test_two_folders_build_byte_identical_downloads(two_builds: tuple[Path, Path]) -> None:
    first, second = (digests(folder / "site" / "downloads") for folder in two_builds)
    assert any(name.endswith(".pdf") for name in first) and any(name.endswith(".xlsx") for name in first)
    assert first == second


def test_two_folders_build_byte_identical_sites(two_builds: tuple[Path, Path]) -> None:
    first, second = (digests(folder / "site") for folder in two_builds)
    assert len(first) > 100
    assert first == second


def test_a_moved_tree_finds_nothing_changed(two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    """With its site/ and build/ folders, a tree moved elsewhere is up to date: no page, form or site built again."""
    moved = tmp_path / "moved here"
    shutil.move(two_builds[0], moved)
    done = toolkit(moved, "build")
    assert done.returncode == 0, done.stderr
    assert "is up to date: nothing has changed" in done.stderr, done.stderr
    shutil.move(moved, two_builds[0])


def test_a_copied_tree_rebuilds_without_the_site_builder(two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    """Copied (so site/ is another folder), the build puts the site together again from what it kept."""
    copied = tmp_path / "copied"
    shutil.copytree(two_builds[1], copied, symlinks=True)
    done = toolkit(copied, "build")
    assert done.returncode == 0, done.stderr
    assert "site builder ran for 0 of 2" in done.stderr, done.stderr
    assert digests(copied / "site") == digests(two_builds[1] / "site")
