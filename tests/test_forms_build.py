"""Building the downloads: stable names, the same bytes for the same content, no needless rendering."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest

from generator.forms import Workers, build_downloads, parts, pdf, stamp, workbook
from generator.load import load_edition
from generator.model import Edition

ROOT = Path(__file__).parent.parent
TWO_DOMAINS = ROOT / "tests" / "forms" / "standards" / "2031-32"


def load(folder: Path) -> Edition:
    edition, _, problems = load_edition(folder)
    assert problems == [] and edition is not None
    return edition


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(autouse=True)
def no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The two-domain edition built once: (downloads folder, cache folder)."""
    folder = tmp_path_factory.mktemp("first")
    edition = load(TWO_DOMAINS)
    build_downloads(edition, folder / "out", folder / "cache")
    return folder / "out", folder / "cache"


def test_every_file_under_its_stable_name(first_build: tuple[Path, Path]) -> None:
    out, _ = first_build
    assert sorted(files(out)) == [
        "datapackage.json",
        "example-return.csv",
        "first-aid.pdf",
        "questions.csv",
        "records-and-rooms.pdf",
        "return-template.csv",
        "return.schema.json",
        "self-assessment-2031-32.pdf",
        "self-assessment-2031-32.xlsx",
    ]


def test_downloads_say_what_and_where_each_file_is(tmp_path: Path, first_build: tuple[Path, Path]) -> None:
    out, cache = first_build
    downloads = build_downloads(load(TWO_DOMAINS), tmp_path, cache)
    assert [(str(d.path), d.format, d.domain_id) for d in downloads] == [
        ("self-assessment-2031-32.pdf", "PDF", None),
        ("self-assessment-2031-32.xlsx", "Excel", None),
        ("return-template.csv", "CSV", None),
        ("example-return.csv", "CSV", None),
        ("questions.csv", "CSV", None),
        ("return.schema.json", "JSON", None),
        ("datapackage.json", "JSON", None),
        ("first-aid.pdf", "PDF", "first-aid"),
        ("records-and-rooms.pdf", "PDF", "records-and-rooms"),
    ]
    for download in downloads:
        assert download.size_bytes == (out / download.path).stat().st_size
    assert downloads[7].title == 'Self-assessment form: First aid & "emergency" equipment / kit, to print'


def test_same_content_gives_the_same_bytes(tmp_path: Path, first_build: tuple[Path, Path]) -> None:
    """Rendered again from nothing (another cache), every file is byte for byte the same."""
    out, _ = first_build
    build_downloads(load(TWO_DOMAINS), tmp_path / "out", tmp_path / "cache")
    assert files(tmp_path / "out") == files(out)


def refuse_to_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(parts, "write", refuse)
    monkeypatch.setattr(workbook, "render_workbook", refuse)


def test_nothing_changed_renders_nothing(
    tmp_path: Path, first_build: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = first_build
    refuse_to_render(monkeypatch)
    build_downloads(load(TWO_DOMAINS), tmp_path / "fresh", cache, workers=Workers(1))
    assert files(tmp_path / "fresh") == files(out)


def test_changed_content_renders_again(
    tmp_path: Path, first_build: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = first_build
    shutil.copytree(cache, tmp_path / "cache")
    edition = load(TWO_DOMAINS)
    retitled = dataclasses.replace(edition, info=edition.info.model_copy(update={"title": "Retitled standards"}))
    rendered: list[str] = []
    real_pdfs, real_workbook = parts.write, workbook.render_workbook

    def count_pdfs(*args: Any, **kwargs: Any) -> Any:
        rendered.append("pdf")
        return real_pdfs(*args, **kwargs)

    def count_workbook(*args: Any, **kwargs: Any) -> Any:
        rendered.append("xlsx")
        return real_workbook(*args, **kwargs)

    monkeypatch.setattr(parts, "write", count_pdfs)
    monkeypatch.setattr(workbook, "render_workbook", count_workbook)
    build_downloads(retitled, tmp_path / "out", tmp_path / "cache", workers=Workers(1))
    # The title is on every page: each domain's form, the cover and each section again; then the workbook.
    assert sorted(rendered) == ["pdf"] * (2 * len(edition.domains) + 1) + ["xlsx"]
    text = pypdf.PdfReader(tmp_path / "out" / "first-aid.pdf").pages[0].extract_text()
    assert "Retitled standards" in text
    rendered.clear()
    build_downloads(retitled, tmp_path / "again", tmp_path / "cache", workers=Workers(1))
    assert rendered == []


def test_publication_date_is_the_date_inside_by_default(first_build: tuple[Path, Path]) -> None:
    out, _ = first_build
    info = pypdf.PdfReader(out / "records-and-rooms.pdf").metadata
    assert info is not None and str(info["/CreationDate"]) == "D:20310401000000Z"
    book = openpyxl.load_workbook(io.BytesIO((out / "self-assessment-2031-32.xlsx").read_bytes()))
    assert book.properties.created == dt.datetime(2031, 4, 1)


def test_source_date_epoch_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    edition = load(TWO_DOMAINS)
    assert stamp(edition) == dt.datetime(2030, 3, 17, 17, 46, 40, tzinfo=dt.UTC)
    build_downloads(edition, tmp_path / "out", tmp_path / "cache")
    info = pypdf.PdfReader(tmp_path / "out" / "self-assessment-2031-32.pdf").metadata
    assert info is not None and str(info["/CreationDate"]) == "D:20300317174640Z"
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "out" / "self-assessment-2031-32.xlsx").read_bytes()))
    assert book.properties.created == dt.datetime(2030, 3, 17, 17, 46, 40)


def test_a_malformed_source_date_epoch_falls_back_to_publication(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert stamp(load(TWO_DOMAINS)) == dt.datetime(2031, 4, 1, tzinfo=dt.UTC)


def test_check_and_forms_import_never_load_weasyprint(standards: Path) -> None:
    """toolkit check (and importing the forms package) must not pay WeasyPrint's second and a half."""
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "import generator.forms\n"
        "code = main(['check'])\n"
        "print(code, 'weasyprint' in sys.modules, 'xlsxwriter' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=standards.parent)
    assert done.stdout == "0 False False\n", done.stderr


def test_one_process_makes_the_same_files_as_every_core(tmp_path: Path, first_build: tuple[Path, Path]) -> None:
    """Laying out the parts on every core (the first build) is only a matter of speed: one process makes the
    same bytes."""
    out, _ = first_build
    with Workers(1) as workers:
        build_downloads(load(TWO_DOMAINS), tmp_path / "out", tmp_path / "cache", workers=workers)
    assert files(tmp_path / "out") == files(out)


@pytest.mark.parametrize(
    ("status", "published", "wording"),
    [
        ("published", dt.date(2031, 4, 1), "published 1 April 2031"),
        ("draft", dt.date(2031, 4, 1), "draft, to be published 1 April 2031"),
        ("draft", None, "draft, not yet published"),
    ],
)
def test_footer_says_when_the_edition_is_published(status: str, published: dt.date | None, wording: str) -> None:
    edition = load(TWO_DOMAINS)
    info = edition.info.model_copy(update={"status": status, "published": published})
    assert pdf.publication(dataclasses.replace(edition, info=info)) == wording
    assert f"Forms test standards 2031-32 · {wording}" in pdf.form_html(dataclasses.replace(edition, info=info), None)
