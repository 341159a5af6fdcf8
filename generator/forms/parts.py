"""The printed forms as parts, each laid out by WeasyPrint on its own so that an edit lays out only what it touches.

- a **domain form** (``<domain-id>.pdf``): one domain's section, its pages numbered from 1;
- the **whole form** (``self-assessment-<edition>.pdf``) is joined (``join.py``) from a **cover**
  and each domain's **section**, numbered through: each is told the page it starts on and the
  whole form's page count, and the cover's contents give each section's start page.

A section in the whole form has the same pages as the domain's own form (same content, same
page size; only the footer's page numbers differ), so the domain form's page count places the
sections. Editing one domain's text lays out that domain's form and its section again, and
the cover and every later section only if the domain's page count changed.

:func:`write` runs in a worker process: it takes the HTML and gives the PDF's bytes and
page count, so nothing that cannot be pickled crosses between processes.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from ..model import Domain, Edition
from ..settings import Settings
from . import fonts
from .pdf import PDF_VARIANT, domain_view, form_html


@dataclass(frozen=True)
class Part:
    """One document to lay out: its HTML, and what it is for (as a cache group names it)."""

    group: str
    """'domain/<id>', 'section/<id>' or 'cover'."""
    html: str


@dataclass(frozen=True)
class Written:
    """A laid-out part: the PDF and how many pages it has."""

    data: bytes
    pages: int


def domain_part(edition: Edition, domain: Domain, created: str | None, icb: Settings | None) -> Part:
    """A domain's own form: its section alone, pages numbered from 1, titled for the domain."""
    html = form_html(
        edition,
        created,
        icb,
        title=f"Self-assessment form: {domain.title} ({edition.info.title})",
        cover=False,
        domains=[domain_view(edition, domain)],
    )
    return Part(f"domain/{domain.id}", html)


def section_part(
    edition: Edition, domain: Domain, created: str | None, icb: Settings | None, first: int, total: int
) -> Part:
    """A domain's section of the whole form, starting on page ``first`` of ``total``."""
    views = [domain_view(edition, domain)]
    html = form_html(edition, created, icb, cover=False, domains=views, first=first, total=total)
    return Part(f"section/{domain.id}", html)


def cover_part(edition: Edition, created: str | None, icb: Settings | None, starts: dict[str, int], total: int) -> Part:
    """The whole form's cover, with the whole form's title and each section's start page in its contents."""
    views = [domain_view(edition, d) for d in edition.domains]
    html = form_html(edition, created, icb, domains=views, sections=False, first=1, total=total, starts=starts)
    # The cover is the whole form's first part: it carries the whole form's title and metadata.
    return Part("cover", html)


def write(part: Part) -> Written:
    """Lay out ``part`` and write it as a tagged PDF (PDF/UA-1) in the shipped fonts."""
    import weasyprint

    # WeasyPrint makes a few hundred thousand objects and few reference cycles: the cyclic collector
    # would walk them again and again. Reference counting frees what is needed meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = weasyprint.HTML(string=part.html, url_fetcher=fonts.fetcher()).render(pdf_variant=PDF_VARIANT)
        document.metadata.lang = "en-GB"
        data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)
        return Written(data, len(document.pages))
    finally:
        if collecting:
            gc.enable()
