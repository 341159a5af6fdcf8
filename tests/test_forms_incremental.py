"""Forms made part by part: an edit lays out only what it touched, and the whole form is numbered through and tagged."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest

from generator.forms import Workers, build_downloads, parts, workbook
from generator.forms.join import join
from generator.load import load_edition
from generator.model import Edition

TWO_DOMAINS = Path(__file__).parent / "forms" / "standards" / "2031-32"
WHOLE = "self-assessment-2031-32.pdf"


def load() -> Edition:
    edition, _, problems = load_edition(TWO_DOMAINS)
    assert problems == [] and edition is not None
    return edition


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def reworded(edition: Edition, domain_index: int, words: str) -> Edition:
    """``edition`` with the first question of a domain's first standard given ``words`` more."""
    domain = edition.domains[domain_index]
    standard = domain.standards[0]
    question = standard.questions[0].model_copy(update={"text": standard.questions[0].text + words})
    standard = standard.model_copy(update={"questions": (question, *standard.questions[1:])})
    domain = domain.model_copy(update={"standards": (standard, *domain.standards[1:])})
    domains = list(edition.domains)
    domains[domain_index] = domain
    return dataclasses.replace(edition, domains=tuple(domains))


@pytest.fixture(autouse=True)
def no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("incremental")
    build_downloads(load(), folder / "out", folder / "cache")
    return folder / "out", folder / "cache"


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The groups of the parts laid out from now on ('domain/first-aid', 'section/first-aid', 'cover'), in order
    (by a build on this one process: the count is kept here)."""
    seen: list[str] = []
    real = parts.write

    def counting(part: parts.Part) -> parts.Written:
        seen.append(part.group)
        return real(part)

    monkeypatch.setattr(parts, "write", counting)
    return seen


def test_editing_one_domain_lays_out_its_form_and_its_section_only(
    tmp_path: Path, first_build: tuple[Path, Path], laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = first_build
    shutil.copytree(cache, tmp_path / "cache")
    edition = reworded(load(), 1, " (a few words more)")
    build_downloads(edition, tmp_path / "out", tmp_path / "cache", workers=Workers(1))
    second = edition.domains[1].id
    assert laid_out == [f"domain/{second}", f"section/{second}"]  # same page count: nothing else moves
    before, after = files(out), files(tmp_path / "out")
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {f"{second}.pdf", WHOLE, workbook.workbook_name(edition), "questions.csv"}
    assert "(a few words more)" in " ".join(page_texts(after[WHOLE]))


def test_a_domain_that_grows_moves_the_sections_after_it_and_no_other(
    tmp_path: Path, first_build: tuple[Path, Path], laid_out: list[str]
) -> None:
    _, cache = first_build
    shutil.copytree(cache, tmp_path / "cache")
    edition = reworded(load(), 0, " Explain." * 400)  # a page or more longer
    build_downloads(edition, tmp_path / "out", tmp_path / "cache", workers=Workers(1))
    first, second = (d.id for d in edition.domains)
    # Its own form, and its section placed by the page counts last made; then, its length known, the cover
    # (its contents) and the section after it, and its own section again if its last page count was wrong.
    assert set(laid_out) == {f"domain/{first}", f"section/{first}", "cover", f"section/{second}"}
    assert laid_out[:2] == [f"domain/{first}", f"section/{first}"]
    assert f"domain/{second}" not in laid_out
    check_numbered_through(files(tmp_path / "out")[WHOLE], edition)


def check_numbered_through(data: bytes, edition: Edition) -> None:
    """Every page says 'Page N of M' through the whole form, and the contents give each section's first page."""
    pages = page_texts(data)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
    for domain in edition.domains:
        listed = re.search(re.escape(domain.title) + r" (\d+) (\d+)", pages[0])
        assert listed is not None, domain.title
        start = int(listed.group(2))
        assert pages[start - 1].count(domain.title) >= 1 and "Practice name" in pages[start - 1], domain.title
        assert domain.title not in pages[start - 2] or start == 2


def test_the_whole_form_numbers_its_pages_through_with_start_pages_in_the_contents(
    first_build: tuple[Path, Path],
) -> None:
    out, _ = first_build
    check_numbered_through((out / WHOLE).read_bytes(), load())


def test_the_joined_form_keeps_every_parts_structure(first_build: tuple[Path, Path]) -> None:
    """One Document element holding every part's elements; each page's marked content found by its key."""
    out, _ = first_build
    edition = load()
    with pikepdf.open(out / WHOLE) as whole:
        root: Any = whole.Root
        assert root.MarkInfo.Marked and str(root.Lang) == "en-GB" and root.ViewerPreferences.DisplayDocTitle
        assert b'pdfuaid:part="1"' in root.Metadata.read_bytes()
        (document,) = list(root.StructTreeRoot.K)
        assert str(document.S) == "/Document"
        assert all(element.P.objgen == document.objgen for element in document.K)
        numbers = root.StructTreeRoot.ParentTree.Nums
        keys = [int(numbers[i]) for i in range(0, len(numbers), 2)]
        assert keys == sorted(set(keys)) and int(root.StructTreeRoot.ParentTreeNextKey) == keys[-1] + 1
        page_keys = [int(page.obj.StructParents) for page in whole.pages]
        assert page_keys == sorted(set(page_keys)) and set(page_keys) <= set(keys)
        # The marked content of each page names elements on that very page.
        for page, key in zip(whole.pages, page_keys, strict=True):
            marked = numbers[keys.index(key) * 2 + 1]
            assert all(element.Pg.objgen == page.obj.objgen for element in marked if "/Pg" in element)
        with whole.open_outline() as outline:
            titles = [item.title for item in outline.root]
        destinations = root.Names.Dests.Names
        names = [str(destinations[i]) for i in range(0, len(destinations), 2)]
    assert titles == ["Self-assessment form", *(d.title for d in edition.domains)]
    assert names == sorted(names) and {"cover", *(f"domain-{d.id}" for d in edition.domains)} <= set(names)
    reader = pypdf.PdfReader(out / WHOLE)
    assert reader.metadata is not None and reader.metadata.title == f"Self-assessment form: {edition.info.title}"


def test_joining_the_same_parts_gives_the_same_bytes(first_build: tuple[Path, Path]) -> None:
    out, _ = first_build
    edition = load()
    pieces = [(out / f"{d.id}.pdf").read_bytes() for d in edition.domains]
    assert join(pieces) == join(pieces)
    assert len(pypdf.PdfReader(io.BytesIO(join(pieces))).pages) == sum(
        len(pypdf.PdfReader(io.BytesIO(p)).pages) for p in pieces
    )
