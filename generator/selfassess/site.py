"""The self-assessment section as pages of the guidance site: one renderer for ``generator.site.pages``.

The current edition (and a draft, when drafts are built) gets the whole section; an
archived edition, which practices no longer answer, gets only its "check a return" page,
so that a return naming it can still be checked against its own rules. ``extra:
submission_url`` (from toolkit.yml's ``returns``), when set, adds the "Send to the ICB" button.
"""

from __future__ import annotations

from ..settings import where_to_send
from ..site.context import Page, PageContext
from ..site.templates import TemplateProblem, Templates
from .render import CHECK_RETURN, SECTION, SectionRefused, section_files

NAV_SECTION = "Self-assessment"
CONFIG_FILE = "mkdocs.yml"


def self_assessment(context: PageContext, templates: Templates) -> list[Page]:
    """The section's pages, listed in the navigation under 'Self-assessment', and the scripts and styles they load."""
    check_page = f"{SECTION}/{CHECK_RETURN}.md"
    root = context.site_root(check_page)
    check_pages = {
        built.edition.id: f"{root}{built.prefix}{SECTION}/{CHECK_RETURN}.html"
        for built in context.editions
        if built is not context.target
    }
    url = context.extra.get("submission_url")
    icb = context.extra.get("icb")
    if isinstance(icb, dict):
        icb = {**icb, "where_to_send": where_to_send(icb, context.edition.info.return_deadline)}
    try:
        files = section_files(
            context.edition,
            context.library,
            submission_url=str(url) if url else None,
            check_pages=check_pages,
            form=context.target.kind != "archived",
            icb=icb if isinstance(icb, dict) else None,
        )
    except SectionRefused as refused:
        raise TemplateProblem(CONFIG_FILE, 0, str(refused)) from None
    pages = []
    for file in files:
        if file.kind == "asset":
            pages.append(Page(file.path, file.text, section=None))
        else:
            label = "Start" if file.kind == "start" else file.title
            pages.append(Page(file.path, file.text, section=NAV_SECTION, title=label))
    return pages
