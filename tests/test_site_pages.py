"""The site's pages from the model, without the site builder: escaping, descriptions, pages, navigation, plan."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown as python_markdown  # type: ignore[import-untyped]  # Python-Markdown ships no type hints
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_site_support import ROOT, add_edition

from generator.check import check
from generator.model import Library, Question
from generator.site import describe, escape
from generator.site.build import plan
from generator.site.pages import RENDERERS, Page, PageContext, navigation, render_pages
from generator.site.templates import TemplateProblem, Templates, relative

EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "def_list", "pymdownx.tilde"]
"""The Markdown extensions of mkdocs.yml."""


def _as_text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_plain_text_shows_exactly_as_written(value: str) -> None:
    rendered = python_markdown.markdown(f"Before {escape.text(value)} after", extensions=EXTENSIONS)
    assert _as_text(rendered) == f"Before {' '.join(value.split())} after".strip()
    assert "<script" not in rendered.lower()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("*not emphasis* and [not](a-link)", "\\*not emphasis\\* and \\[not\\]\\(a-link\\)"),
        ("Fish & chips\n  on two lines", "Fish &amp; chips on two lines"),
        ("{: .class } # | ~~", "\\{: .class \\} \\# \\| \\~\\~"),
    ],
)
def test_text_escapes_html_and_markdown(value: str, shown: str) -> None:
    assert escape.text(value) == shown


@pytest.mark.parametrize(
    ("value", "defused"),
    [
        ("Keep a **log**.", "Keep a **log**."),
        ("Use <b>bold</b> here", "Use &lt;b>bold&lt;/b> here"),
        ("<!-- hidden -->", "&lt;!-- hidden -->"),
        ("Fewer than < 5 a year", "Fewer than < 5 a year"),
        ("[x][1]\n\n[1]: javascript:alert(1)", "[x][1]\n\n[1]: javascript&#58;alert(1)"),
        ("[x](JavaScript :alert(1))", "[x](JavaScript &#58;alert(1))"),
        ("[x](https://www.gov.uk/)", "[x](https://www.gov.uk/)"),
    ],
)
def test_markdown_fields_lose_raw_html_and_script_links(value: str, defused: str) -> None:
    assert escape.markdown(value) == defused


def test_markdown_field_cannot_make_a_script_link() -> None:
    rendered = python_markdown.markdown(
        escape.markdown("[a](javascript:alert(1)) [b][r] <img src=x onerror=alert(1)>\n\n[r]: data:text/html,x"),
        extensions=EXTENSIONS,
    )
    assert not re.search(r"""href=["']?\s*(javascript|data):""", rendered, re.IGNORECASE)
    assert "<img" not in rendered


def test_url_keeps_a_markdown_link_whole() -> None:
    assert escape.url("https://example.org/a b(c)?x=1&y=2") == "https://example.org/a%20b%28c%29?x=1&y=2"


def _question(**fields: object) -> Question:
    return Question.model_validate({"id": "MN1.1", "text": "Q?", **fields})


@pytest.mark.parametrize(
    ("fields", "answer", "risk"),
    [
        (
            {"type": "yes_no_partial_na", "risk_answers": ["no", "partial"]},
            "Yes, partial, no or not applicable",
            "no or partial",
        ),
        ({"type": "yes_no"}, "Yes or no", ""),
        (
            {"type": "number", "minimum": 0, "maximum": 100, "unit": "%", "risk_below": 90},
            "A number from 0% to 100%",
            "less than 90%",
        ),
        (
            {"type": "number", "minimum": 1, "maximum": 30, "unit": "days", "risk_above": 14},
            "A number from 1 days to 30 days",
            "more than 14 days",
        ),
        ({"type": "date", "risk_older_than_months": 1}, "A date, or never", "a date more than 1 month before your return, or never"),
        (
            {"type": "choice", "options": ["Coded", "Free text", "None"], "risk_answers": ["None"]},
            "One of: Coded, Free text or None",
            "None",
        ),
        ({"type": "text"}, "In your own words", ""),
    ],
)
def test_how_a_question_is_answered(fields: dict[str, object], answer: str, risk: str) -> None:
    question = _question(**fields)
    assert describe.answer(question) == answer
    assert describe.risk(question) == risk


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1 KB"), (124_000, "121 KB"), (1_468_006, "1.4 MB")],
)
def test_sizes_as_gov_uk_gives_them(size: int, shown: str) -> None:
    assert describe.size(size) == shown


@pytest.mark.parametrize(
    ("start", "target", "link"),
    [
        ("index.md", "domains/x/index.md#a-1", "domains/x/index.md#a-1"),
        ("domains/x/index.md", "downloads.md", "../../downloads.md"),
        ("domains/x/index.md", "domains/y/index.md", "../y/index.md"),
        ("standards.md", "#top", "#top"),
    ],
)
def test_relative_links(start: str, target: str, link: str) -> None:
    assert relative(start, target) == link


@pytest.fixture
def library(tmp_path: Path) -> Library:
    add_edition(tmp_path / "standards", "2029-30")
    add_edition(tmp_path / "standards", "2030-31", follows="2029-30")
    add_edition(tmp_path / "standards", "2031-32", status="draft", follows="2030-31")
    library, problems = check(tmp_path / "standards")
    assert problems == []
    return library


def test_plan_puts_the_current_edition_at_the_root_and_drafts_only_when_asked(library: Library) -> None:
    assert [(b.edition.id, b.kind, b.prefix) for b in plan(library, include_drafts=False)] == [
        ("2030-31", "current", ""),
        ("2029-30", "archived", "2029-30/"),
    ]
    assert [(b.edition.id, b.kind, b.prefix) for b in plan(library, include_drafts=True)] == [
        ("2031-32", "draft", "2031-32/"),
        ("2030-31", "current", ""),
        ("2029-30", "archived", "2029-30/"),
    ]


def test_a_library_of_drafts_only_puts_the_newest_at_the_root(library: Library) -> None:
    drafts = Library({k: e for k, e in library.editions.items() if e.info.status == "draft"})
    assert plan(drafts, include_drafts=False) == []
    assert [(b.edition.id, b.kind, b.prefix) for b in plan(drafts, include_drafts=True)] == [("2031-32", "draft", "")]


def _context(library: Library, edition_id: str = "2030-31") -> PageContext:
    built = tuple(plan(library, include_drafts=False))
    target = next(b for b in built if b.edition.id == edition_id)
    return PageContext(
        library=library, target=target, editions=built, extra={"icb_name": "Test ICB", "icb_email": "q@example.org"}
    )


GUIDANCE = [r for r in RENDERERS if r.__module__ == "generator.site.pages"]
"""The guidance pages' renderers (other parts of the toolkit add their own sections)."""


def test_every_page_of_an_edition_in_navigation_order(library: Library) -> None:
    pages = render_pages(_context(library), Templates(ROOT / "site_templates", ROOT / "content"), GUIDANCE)
    assert [p.path for p in pages] == [
        "index.md",
        "how-to-use.md",
        "domains/minimal/index.md",
        "standards.md",
        "key-questions.md",
        "regulations.md",
        "changes.md",
        "downloads.md",
        "editions.md",
        "about-these-standards.md",
        "about.md",
        "accessibility.md",
    ]
    assert navigation(pages) == [
        {"Home": "index.md"},
        "how-to-use.md",
        {"Domains": ["domains/minimal/index.md"]},
        "standards.md",
        "key-questions.md",
        "regulations.md",
        "changes.md",
        "downloads.md",
        "editions.md",
        "about-these-standards.md",
        "about.md",
        "accessibility.md",
    ]


def test_another_section_is_one_more_renderer(library: Library) -> None:
    def section(context: PageContext, templates: Templates) -> list[Page]:
        return [Page("extra/index.md", "# Extra\n", section="Extra"), Page("extra/data.js", "var x = 1;", section=None)]

    pages = render_pages(
        _context(library), Templates(ROOT / "site_templates", ROOT / "content"), [*GUIDANCE[:2], section]
    )
    assert navigation(pages) == [{"Home": "index.md"}, "how-to-use.md", {"Extra": ["extra/index.md"]}]


def test_domain_page_gives_every_question_its_anchor(library: Library) -> None:
    pages = render_pages(_context(library), Templates(ROOT / "site_templates", ROOT / "content"))
    domain = next(p for p in pages if p.path == "domains/minimal/index.md").markdown
    headings = re.findall(r"^(#+) (.*) \{ #([a-z0-9-]+) \}$", domain, re.M)
    assert [(level, anchor) for level, _, anchor in headings] == [
        ("##", "why-it-matters"),
        ("##", "cqc-and-regulations"),
        ("##", "mn1"),
        ("###", "mn1-1"),
        ("###", "mn1-2"),
        ("###", "mn1-3"),
        ("###", "mn1-4"),
        ("###", "mn1-5"),
        ("##", "support"),
        ("###", "mn0-1"),
        ("##", "downloads"),
    ]
    assert "### MN1.2 What share of staff are trained? { #mn1-2 }" in domain
    assert "**How you answer:** A number from 0% to 100%. **Flags a risk:** less than 90%." in domain
    assert "*This question is optional.*" in domain.split("{ #mn1-5 }")[1]
    assert "contact **Quality Team**, Quality lead:" in domain


def test_standards_list_links_each_question_to_its_anchor(library: Library) -> None:
    pages = render_pages(_context(library), Templates(ROOT / "site_templates", ROOT / "content"))
    listing = next(p for p in pages if p.path == "standards.md").markdown
    assert (
        "| [MN1.1](domains/minimal/index.md#mn1-1) | Is there a policy? | Yes, partial, no or not applicable |"
        in listing
    )
    assert "| [MN0.1](domains/minimal/index.md#mn0-1) |" in listing


def test_changes_page_embeds_the_difference_from_the_edition_followed(library: Library) -> None:
    templates = Templates(ROOT / "site_templates", ROOT / "content")
    current = next(p for p in render_pages(_context(library), templates) if p.path == "changes.md").markdown
    first = next(p for p in render_pages(_context(library, "2029-30"), templates) if p.path == "changes.md").markdown
    assert "The differences between Test standards 2030-31 and the edition before it, Test standards 2029-30" in current
    assert "is the first edition of the standards in this toolkit" in first


def test_archived_pages_link_downloads_and_editions_from_the_site_root(library: Library) -> None:
    from generator.forms import Download

    built = tuple(plan(library, include_drafts=False))
    archived = next(b for b in built if b.kind == "archived")
    context = PageContext(
        library=library,
        target=archived,
        editions=built,
        downloads=(Download(Path("minimal.pdf"), "Form", "PDF", 2048, "minimal"),),
        extra={"icb_name": "Test ICB", "icb_email": "q@example.org"},
    )
    pages = {p.path: p.markdown for p in render_pages(context, Templates(ROOT / "site_templates", ROOT / "content"))}
    assert (
        '<a href="../../../downloads/2029-30/minimal.pdf">Form</a> <span class="toolkit-download-meta">(PDF, 2 KB)</span>'
        in pages["domains/minimal/index.md"]
    )
    assert '<a href="../index.html">Test standards 2030-31</a>' in pages["editions.md"]
    assert '<a href="../2029-30/index.html">Test standards 2029-30</a> (this one)' in pages["editions.md"]


def test_a_content_page_that_cannot_render_is_placed(tmp_path: Path, library: Library) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "index.md").write_text("Welcome.\n\nDue by {{ deadline }.\n")
    with pytest.raises(TemplateProblem) as raised:
        render_pages(_context(library), Templates(ROOT / "site_templates", content))
    assert (raised.value.path.endswith("content/index.md"), raised.value.line) == (True, 3)
    assert "unexpected '}'" in raised.value.message


def test_a_content_page_naming_an_unknown_value_is_placed(tmp_path: Path, library: Library) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text("# About\n\nRun by {{ extra.icb_nmae }}.\n")
    with pytest.raises(TemplateProblem) as raised:
        render_pages(_context(library), Templates(ROOT / "site_templates", content))
    assert (raised.value.path.endswith("content/about.md"), raised.value.line) == (True, 3)
    assert "icb_nmae" in raised.value.message
