"""toolkit init: a new ICB's project that builds on the core shipped with the toolkit, and builds at once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.check import check
from generator.cli import main
from generator.overlay import TOOLKIT_CORE
from generator.problems import errors
from generator.settings import load_settings

MADE = (
    "toolkit.yml",
    "README.md",
    ".gitignore",
    "standards/2025-26/edition.yml",
    "standards/2025-26/overlay.yml",
    "standards/2025-26/domains/README.md",
    "registers/README.md",
    "branding/README.md",
)


def _init(dest: Path, code: str = "QZ1") -> int:
    return main(["init", str(dest), "--icb-name", "NHS Test Integrated Care Board", "--icb-code", code])


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def test_init_makes_a_project_that_checks_clean_on_the_newest_core(tmp_path: Path) -> None:
    dest = tmp_path / "icb"
    assert _init(dest) == 0
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == sorted(MADE)
    settings, problems = load_settings(dest)
    assert errors(problems) == [] and settings is not None
    assert (settings.icb.name, settings.icb.ods_code) == ("NHS Test Integrated Care Board", "QZ1")
    library, problems = check(dest / "standards")
    assert errors(problems) == []
    edition = library.editions["2025-26"]
    assert edition.local is not None and edition.local.builds_on == "core/2025-26" and edition.local.namespace == "QZ1"
    core = check(TOOLKIT_CORE)[0].editions["2025-26"]
    assert [q.id for _, _, q in edition.questions()] == [q.id for _, _, q in core.questions()]
    # Every contact the core's domains name is the new ICB's, to be replaced with the real one.
    assert {c.email.split("@")[1] for c in edition.references.contacts} == {"qz1.example.nhs.uk"}


def test_toolkit_build_works_at_once_in_the_new_project(inside: Path) -> None:
    assert _init(inside / "icb") == 0
    os.chdir(inside / "icb")
    assert main(["build", "--site", str(inside / "site")]) == 0
    home = (inside / "site" / "index.html").read_text(encoding="utf-8")
    assert "GP Quality and Safety" in home
    assert (inside / "site" / "downloads" / "2025-26" / "questions.csv").is_file()


def test_init_never_replaces_a_file_and_writes_nothing_then(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "icb"
    dest.mkdir()
    (dest / "README.md").write_text("our own notes\n")
    assert _init(dest) == 1
    assert "already holds README.md; nothing was written" in capsys.readouterr().err
    assert (dest / "README.md").read_text() == "our own notes\n"
    assert sorted(p.name for p in dest.iterdir()) == ["README.md"]


def test_init_into_an_existing_folder_without_its_files_keeps_what_is_there(tmp_path: Path) -> None:
    dest = tmp_path / "icb"
    dest.mkdir()
    (dest / "notes.txt").write_text("kept\n")
    assert _init(dest) == 0
    assert (dest / "notes.txt").read_text() == "kept\n"


@pytest.mark.parametrize("code", ["Q1", "QZ12", "1ZZ", "Q-1"])
def test_init_refuses_a_code_that_is_no_ods_code(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(tmp_path / "icb", code) == 1
    assert "--icb-code must be the ICB's ODS code" in capsys.readouterr().err
    assert not (tmp_path / "icb").exists()


def test_init_refuses_a_file_as_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "icb").write_text("a file\n")
    assert _init(tmp_path / "icb") == 1
    assert "is not a folder" in capsys.readouterr().err


def test_a_lower_case_code_is_the_same_code(tmp_path: Path) -> None:
    assert _init(tmp_path / "icb", "qz1") == 0
    assert "namespace: QZ1" in (tmp_path / "icb" / "standards" / "2025-26" / "overlay.yml").read_text()
