"""The model → the Markdown pages of one edition's site, through the templates of ``site_templates/pages``.

Pages are few and rich: one per domain (its standards and questions on it), a handful of
lists, and the hand-written pages of ``content/``. Each kind of page has a renderer, a
function from a :class:`PageContext` to pages; :data:`RENDERERS` lists them in navigation
order, so another part of the toolkit adds a section by adding a renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markupsafe import Markup

from .. import paths
from ..forms import returnfiles
from ..model import Domain, Edition, Standard
from ..selfassess.site import self_assessment
from . import escape
from .context import BuiltEdition as BuiltEdition  # the types live in .context; named here for the build
from .context import Kind as Kind
from .context import Page as Page
from .context import PageContext as PageContext
from .context import PageRenderer as PageRenderer
from .describe import date
from .templates import Templates

HOME_CONTENT = "index.md"
"""The hand-written part of the home page, in ``content/``."""
LEADING_CONTENT = ("how-to-use.md",)
"""Hand-written pages listed just after the home page; the others come last."""


def _common(context: PageContext, page: str) -> dict[str, Any]:
    edition = context.edition
    refs = edition.references
    current = next((e for e in context.editions if e.kind == "current"), None)
    return {
        "edition": edition,
        "info": edition.info,
        "kind": context.target.kind,
        "current": current.edition if current else None,
        "root": context.site_root(page),
        "downloads_folder": paths.downloads(edition.id),
        "key_questions": {k.id: k for k in refs.key_questions},
        "statements": {s.id: s for s in refs.quality_statements},
        "regulations": {r.id: r for r in refs.regulations},
        "contacts": {c.id: c for c in refs.contacts},
        "extra": context.extra,
        "site_name": context.site_name,
        "domain_page": lambda domain: paths.domain_page(domain) + "index.md",
        "question_link": lambda domain, question: f"{paths.domain_page(domain)}index.md#{paths.anchor(question.id)}",
        "standard_link": lambda domain, standard: f"{paths.domain_page(domain)}index.md#{paths.anchor(standard.id)}",
    }


def _content_context(context: PageContext, page: str) -> dict[str, Any]:
    """What a hand-written page may use: the edition's title and dates, the ICB's details, all Markdown-escaped."""
    info = context.edition.info
    return {
        "kind": context.target.kind,
        "site_name": escape.text(context.site_name),
        "extra": {key: escape.text(value) if isinstance(value, str) else value for key, value in context.extra.items()},
        "edition_title": escape.text(info.title),
        "edition_id": escape.text(info.id),
        "deadline": escape.text(date(info.return_deadline)),
        "published": escape.text(date(info.published)),
        "action_plan_required": info.action_plan_required,
        "domain_count": len(context.edition.domains),
        "question_count": sum(1 for _ in context.edition.questions()),
        "has_basis": any(s.basis is not None for d in context.edition.domains for s in d.standards),
    }


def home(context: PageContext, templates: Templates) -> list[Page]:
    page = "index.md"
    intro = (
        templates.render_content(HOME_CONTENT, page, _content_context(context, page))
        if HOME_CONTENT in templates.content_pages()
        else Markup("")
    )
    values = {**_common(context, page), "intro": intro}
    return [Page(page, templates.render("home.md.j2", page, values), title="Home")]


def _content(names: Sequence[str]) -> PageRenderer:
    def render(context: PageContext, templates: Templates) -> list[Page]:
        return [
            Page(name, str(templates.render_content(name, name, _content_context(context, name)))) for name in names
        ]

    return render


def leading_content(context: PageContext, templates: Templates) -> list[Page]:
    available = templates.content_pages()
    return _content([n for n in LEADING_CONTENT if n in available])(context, templates)


def trailing_content(context: PageContext, templates: Templates) -> list[Page]:
    names = [n for n in templates.content_pages() if n != HOME_CONTENT and n not in LEADING_CONTENT]
    return _content(names)(context, templates)


def domains(context: PageContext, templates: Templates) -> list[Page]:
    pages = []
    notes = context.edition.numbering
    for domain in context.edition.domains:
        page = paths.domain_page(domain) + "index.md"
        values = {
            **_common(context, page),
            "domain": domain,
            "contact": context.edition.contact(domain.contact),
            "downloads": [d for d in context.downloads if d.domain_id == domain.id],
            "numbering": {k: v for k, v in notes.items() if k == domain.id or k in {s.id for s in domain.standards}},
        }
        pages.append(Page(page, templates.render("domain.md.j2", page, values), section="Domains"))
    return pages


def standards(context: PageContext, templates: Templates) -> list[Page]:
    page = "standards.md"
    return [Page(page, templates.render("standards.md.j2", page, _common(context, page)))]


def key_questions(context: PageContext, templates: Templates) -> list[Page]:
    page = "key-questions.md"
    edition = context.edition
    values = {
        **_common(context, page),
        "by_statement": _standards_by(edition, lambda standard: standard.quality_statements),
        "domains_by_key_question": {
            k.id: [d for d in edition.domains if k.id in d.key_questions] for k in edition.references.key_questions
        },
    }
    return [Page(page, templates.render("key-questions.md.j2", page, values))]


def regulations(context: PageContext, templates: Templates) -> list[Page]:
    page = "regulations.md"
    by_regulation = _standards_by(context.edition, lambda standard: standard.regulations)
    values = {**_common(context, page), "by_regulation": by_regulation}
    return [Page(page, templates.render("regulations.md.j2", page, values))]


def _standards_by(
    edition: Edition, keys: Callable[[Standard], Iterable[str]]
) -> dict[str, list[tuple[Domain, Standard]]]:
    """Each key (a quality statement, a regulation) with the standards that name it, in the edition's order."""
    found: dict[str, list[tuple[Domain, Standard]]] = {}
    for domain in edition.domains:
        for standard in domain.standards:
            for key in keys(standard):
                found.setdefault(key, []).append((domain, standard))
    return found


def changes(context: PageContext, templates: Templates) -> list[Page]:
    page = "changes.md"
    previous = context.previous()
    difference = ""
    if previous is not None:
        from ..diff import diff_editions, to_markdown

        difference = to_markdown(diff_editions(previous, context.edition))
    values = {**_common(context, page), "previous": previous, "difference": Markup(difference)}
    return [Page(page, templates.render("changes.md.j2", page, values))]


OPEN_DATA = frozenset({returnfiles.QUESTIONS, returnfiles.SCHEMA, returnfiles.DATAPACKAGE})
"""The whole-edition files that are for the ICB and software, not for a practice answering: listed apart."""


def downloads(context: PageContext, templates: Templates) -> list[Page]:
    page = "downloads.md"
    whole = [d for d in context.downloads if d.domain_id is None]
    values = {
        **_common(context, page),
        "whole": [d for d in whole if d.path.name not in OPEN_DATA],
        "open_data": [d for d in whole if d.path.name in OPEN_DATA],
        "by_domain": [
            (domain, [d for d in context.downloads if d.domain_id == domain.id]) for domain in context.edition.domains
        ],
    }
    return [Page(page, templates.render("downloads.md.j2", page, values))]


def editions(context: PageContext, templates: Templates) -> list[Page]:
    page = "editions.md"
    values = {**_common(context, page), "built": context.editions, "this": context.target}
    return [Page(page, templates.render("editions.md.j2", page, values))]


RENDERERS: list[PageRenderer] = [
    home,
    leading_content,
    domains,
    standards,
    key_questions,
    regulations,
    changes,
    downloads,
    self_assessment,
    editions,
    trailing_content,
]
"""Every kind of page, in the order the navigation lists them."""


def render_pages(
    context: PageContext, templates: Templates, renderers: Sequence[PageRenderer] = RENDERERS
) -> list[Page]:
    """Every page of one edition's site, in navigation order."""
    pages: list[Page] = []
    for renderer in renderers:
        pages += renderer(context, templates)
    return pages


def navigation(pages: Sequence[Page]) -> list[Any]:
    """The mkdocs ``nav`` for ``pages``: top-level pages, and sections where the first of theirs appears.

    Entries name only the file: mkdocs takes each page's title from its first heading, escaped.
    """
    nav: list[Any] = []
    sections: dict[str, list[str]] = {}
    for page in pages:
        if page.section is None:
            continue
        entry: Any = {page.title: page.path} if page.title else page.path
        if page.section == "":
            nav.append(entry)
        elif page.section in sections:
            sections[page.section].append(entry)
        else:
            sections[page.section] = [entry]
            nav.append({page.section: sections[page.section]})
    return nav
