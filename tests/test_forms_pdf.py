"""The printable forms: text in order, no question split across pages, numbering, tagging, pages that render."""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest

from generator import answertypes
from generator.forms import build_downloads, fonts
from generator.forms.pdf import risk_text
from generator.forms.text import plain
from generator.load import load_edition
from generator.model import Domain, Edition, Question

ROOT = Path(__file__).parent.parent
EDITIONS = {
    "two-domains": ROOT / "tests" / "forms" / "standards" / "2031-32",
    "2025-26": ROOT / "standards" / "2025-26",
    "2024-25": ROOT / "standards" / "2024-25",
}


@dataclass(frozen=True)
class Built:
    edition: Edition
    folder: Path

    def whole(self) -> Path:
        return self.folder / f"self-assessment-{self.edition.id}.pdf"

    def domain(self, domain: Domain) -> Path:
        return self.folder / f"{domain.id}.pdf"


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every download of an edition, built once for this module."""
    edition, _, problems = load_edition(EDITIONS[request.param])
    assert problems == [] and edition is not None
    folder = tmp_path_factory.mktemp(f"downloads-{request.param}")
    build_downloads(edition, folder, folder.parent / f"cache-{request.param}")
    return Built(edition, folder)


def normal(text: str) -> str:
    """Text with its whitespace made single spaces, and no break after a hyphen ('follow- up' → 'follow-up')."""
    return " ".join(text.split()).replace("- ", "-")


@functools.cache
def page_texts(path: Path) -> list[str]:
    return [normal(page.extract_text()) for page in pypdf.PdfReader(path).pages]


def unnumbered(text: str) -> str:
    """A page's text without its 'Page N of M'."""
    return re.sub(r"Page \d+ of \d+", "Page", text)


def heading(question: Question) -> str:
    """How a question opens in the form: its id, then its text."""
    return normal(f"{question.id} {question.text}")


def assert_in_order(text: str, questions: list[Question]) -> None:
    position = 0
    for question in questions:
        found = text.find(heading(question), position)
        assert found >= 0, f"{question.id} missing or out of order"
        position = found + len(heading(question))


def test_whole_form_has_every_question_in_order(built: Built) -> None:
    assert_in_order(" ".join(page_texts(built.whole())), [q for _, _, q in built.edition.questions()])


def test_each_domain_form_has_its_questions_in_order_and_no_other(built: Built) -> None:
    all_ids = {q.id for _, _, q in built.edition.questions()}
    for domain in built.edition.domains:
        text = " ".join(page_texts(built.domain(domain)))
        own = list(domain.questions())
        assert_in_order(text, own)
        others = all_ids - {q.id for q in own}
        assert not [i for i in others if re.search(rf"\b{re.escape(i)}\b", text)], domain.id


def test_each_standard_lists_its_evidence_examples_as_text(built: Built) -> None:
    for domain in built.edition.domains:
        text = " ".join(page_texts(built.domain(domain)))
        for standard in domain.standards:
            for item in standard.evidence:
                assert normal(plain(item)) in text, (standard.id, item)
        assert "*" not in text, "Markdown emphasis is rendered, not shown"


def answer_marks(question: Question) -> list[str]:
    """What the form prints for a question's answer: its tick boxes' labels, or the label of its box."""
    if question.allowed_answers:
        return [normal(answertypes.of(question).label(answer)) for answer in question.allowed_answers]
    return {"number": ["Number"], "date": ["Date"]}.get(question.type, [])


def assert_whole_on_one_page(pages: list[str], questions: list[Question], where: str) -> None:
    """On the page where each question starts: its answer boxes, its comment line and any action plan."""
    for question in questions:
        starts = [i for i, text in enumerate(pages) if heading(question) in text]
        assert len(starts) == 1, (where, question.id)
        text = pages[starts[0]]
        after = text[text.index(heading(question)) + len(heading(question)) :]
        following = [q for q in questions if q is not question and heading(q) in after]
        block = after[: min(after.index(heading(q)) for q in following)] if following else after
        assert "Comment" in block, (where, question.id)
        for mark in answer_marks(question):
            assert mark in block, (where, question.id, mark)
        if question.can_flag_risk:
            assert f"Action plan {normal(risk_text(question))}" in block, (where, question.id)
            assert "By when (DD/MM/YYYY)" in block, (where, question.id)


def test_no_question_is_split_across_pages(built: Built) -> None:
    """In the whole form and in each domain's form: no question's parts are on two pages."""
    assert_whole_on_one_page(page_texts(built.whole()), [q for _, _, q in built.edition.questions()], "whole")
    for domain in built.edition.domains:
        assert_whole_on_one_page(page_texts(built.domain(domain)), list(domain.questions()), domain.id)


SHIPPED_FACE = re.compile(r"/[A-Z]{6}\+Form-Sans(-Bold)?(-Italic)?")
"""How WeasyPrint names a subset of a shipped face in the PDF (the family is the print CSS's "Form Sans")."""


def embedded_fonts(path: Path) -> set[str]:
    """The name of every font a PDF's pages use, each checked to be embedded in the file."""
    names = set()
    for page in pypdf.PdfReader(path).pages:
        resources: Any = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for font in (fonts.get_object().values() if fonts else ()):
            font = font.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                names.add(str(part["/BaseFont"]))
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None:
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), part
    return names


def test_pdfs_embed_only_the_fonts_the_project_ships(built: Built) -> None:
    """No system font is ever used: every font in every form is a subset of a shipped face."""
    for path in [built.whole(), *(built.domain(d) for d in built.edition.domains)]:
        names = embedded_fonts(path)
        assert names and all(SHIPPED_FACE.fullmatch(name) for name in names), (path.name, names)


def test_the_shipped_fonts_carry_their_licence() -> None:
    assert sorted(fonts.shipped()) == [
        "LiberationSans-Bold.ttf",
        "LiberationSans-BoldItalic.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-Regular.ttf",
    ]
    licence = (fonts.FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name Liberation" in licence


def test_the_forms_fetch_nothing_but_the_shipped_fonts() -> None:
    fetch = fonts.fetcher()
    assert fetch("form-font:LiberationSans-Regular.ttf").read() == fonts.shipped()["LiberationSans-Regular.ttf"]
    for url in ("form-font:../../pyproject.toml", "form-font:OFL.txt", "https://example.org/x.ttf", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="load only the fonts"):
            fetch(url)


def test_domain_pages_are_numbered_from_one_with_edition_and_date(built: Built) -> None:
    info = built.edition.info
    published = f"published {info.published.day} {info.published:%B %Y}" if info.published else "draft"
    for domain in built.edition.domains:
        pages = page_texts(built.domain(domain))
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text, (domain.id, number)
            assert f"{info.title} · {published}" in text, (domain.id, number)


def test_each_domain_form_opens_with_boxes_and_ends_with_the_support_request(built: Built) -> None:
    for domain in built.edition.domains:
        pages = page_texts(built.domain(domain))
        for label in ("Practice name", "ODS code", "Completed by (name and role)", "Date (DD/MM/YYYY)"):
            assert label in pages[0], (domain.id, label)
        assert "Support from the ICB" in pages[-1]
        assert heading(domain.support_question) in pages[-1]
        assert "Yes No" in pages[-1]


def test_whole_form_is_the_cover_then_the_domain_forms_pages(built: Built) -> None:
    whole = page_texts(built.whole())
    cover = whole[0]
    assert "Self-assessment form" in cover and "Contents" in cover and "Practice name" in cover
    parts = [text for domain in built.edition.domains for text in page_texts(built.domain(domain))]
    # The same pages, but for their numbers: the whole form numbers its pages through (tests/test_forms_incremental.py).
    assert [unnumbered(t) for t in whole[len(whole) - len(parts) :]] == [unnumbered(t) for t in parts]


def test_pdfs_are_tagged_titled_and_in_british_english(built: Built) -> None:
    for path in [built.whole(), *(built.domain(d) for d in built.edition.domains)]:
        reader = pypdf.PdfReader(path)
        root: Any = reader.trailer["/Root"]
        assert root["/Lang"] == "en-GB"
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
        assert reader.metadata is not None and built.edition.info.title in str(reader.metadata.title)


def test_domain_pdf_titles_name_their_domain(built: Built) -> None:
    for domain in built.edition.domains:
        reader = pypdf.PdfReader(built.domain(domain))
        assert reader.metadata is not None
        assert reader.metadata.title == f"Self-assessment form: {domain.title} ({built.edition.info.title})"


def test_pages_render_to_png(built: Built, tmp_path: Path) -> None:
    for path in [built.whole(), *(built.domain(d) for d in built.edition.domains)]:
        done = subprocess.run(
            ["pdftoppm", "-r", "24", "-png", str(path), str(tmp_path / path.stem)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        pngs = sorted(tmp_path.glob(f"{path.stem}-*.png"))
        assert len(pngs) == len(pypdf.PdfReader(path).pages)
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
