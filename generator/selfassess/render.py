"""Render the self-assessment section of one edition's site: its pages and the files they load.

The section is a folder of Markdown pages whose content is generated, autoescaped HTML
(Jinja2, ``site_templates/selfassess/``), and the plain scripts and styles the pages
load: a start page, a page per domain, a check-your-answers page and a page that checks a
return file in the browser. :func:`section_files` gives them as text for the site builder
(``generator/selfassess/site.py`` hands them to it); :func:`write_section` writes them into
a docs folder.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import answertypes
from ..answertypes import Kind as AnswerKind
from ..model import Domain, Edition, Library, Question
from ..paths import question_page
from .data import GuidanceHref, domain_file, field_id, form_data, to_script
from .messages import answer_label

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "site_templates" / "selfassess"
SECTION = "self-assessment"
"""The section's folder, under the edition's root."""
ASSETS = "assets/"
"""The scripts and styles, under the section's folder."""
STATIC_ASSETS = (
    "selfassess.css",
    "selfassess-rules.js",
    "selfassess-core.js",
    "selfassess-form.js",
    "selfassess-read.js",
    "selfassess-workbook.js",
    "selfassess-check.js",
)
EDITION_SCRIPT = "edition.js"
RULES_SCRIPT = "selfassess-rules.js"
"""The rule every page applies alike (whether an answer flags a risk), loaded before the scripts that use it."""
FORM_SCRIPTS = (EDITION_SCRIPT, RULES_SCRIPT, "selfassess-core.js", "selfassess-form.js")
START_SCRIPTS = (
    EDITION_SCRIPT,
    RULES_SCRIPT,
    "selfassess-core.js",
    "selfassess-read.js",
    "selfassess-workbook.js",
    "selfassess-form.js",
)
"""The start page also reads a filled-in workbook to carry on from it."""
CHECK_SCRIPTS = (
    EDITION_SCRIPT,
    RULES_SCRIPT,
    "selfassess-core.js",
    "selfassess-read.js",
    "selfassess-workbook.js",
    "selfassess-check.js",
)
"""The check page shows its verdict with the helpers of selfassess-core.js."""

START, CHECK_ANSWERS, CHECK_RETURN = "index", "check-answers", "check-a-return"
RESERVED = frozenset({START, CHECK_ANSWERS, CHECK_RETURN, "assets"})

Kind = Literal["start", "domain", "check-answers", "check-a-return", "asset"]


class SectionRefused(Exception):
    """Why the section cannot be rendered, in words for the editor."""


@dataclass(frozen=True)
class SectionFile:
    """One file of the section."""

    path: str
    """Relative to the edition's docs folder, such as 'self-assessment/index.md'."""
    text: str
    kind: Kind
    title: str = ""
    """A page's label in the site's navigation; empty for a script or style."""


def default_guidance_href(page: str) -> str:
    """A guidance page of the edition ('domains/safeguarding/#sg1-2') as linked from the section's pages.

    The site is built without directory URLs (it must work opened from disk), so the
    domain page 'domains/safeguarding/' is the file 'domains/safeguarding/index.html'.
    """
    path, _, fragment = page.partition("#")
    if path.endswith("/"):
        path += "index.html"
    return f"../{path}" + (f"#{fragment}" if fragment else "")


def _hint(question: Question) -> str:
    parts = [question.help.strip()] if question.help.strip() else []
    typed = answertypes.of(question).hint(question)
    if typed:
        parts.append(typed)
    return " ".join(parts)


@dataclass(frozen=True)
class QuestionView:
    """A question as the form's templates show it."""

    id: str
    field: str
    """The HTML id of its answer field."""
    text: str
    hint: str
    kind: AnswerKind
    """How it is answered (:data:`generator.answertypes.Kind`): which input the form shows."""
    required: bool
    answers: tuple[tuple[str, str], ...]
    """Each allowed answer and its label."""
    unit: str
    can_flag_risk: bool
    guidance: str
    """A link to its guidance, from the section's pages."""


@dataclass(frozen=True)
class StandardView:
    id: str
    title: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class DomainView:
    """A domain as its page, the start page and the check-your-answers page show it."""

    id: str
    title: str
    page: str
    number: int
    count: int
    standards: tuple[StandardView, ...]
    support: QuestionView

    @property
    def questions(self) -> tuple[QuestionView, ...]:
        """Every question, the support request last."""
        return (*(q for s in self.standards for q in s.questions), self.support)


def _question_view(domain: Domain, question: Question, guidance_href: GuidanceHref) -> QuestionView:
    return QuestionView(
        id=question.id,
        field=field_id(question.id),
        text=question.text,
        hint=_hint(question),
        kind=answertypes.of(question).kind,
        required=question.required,
        answers=tuple((a, answer_label(a)) for a in question.allowed_answers),
        unit=question.unit,
        can_flag_risk=question.can_flag_risk,
        guidance=guidance_href(question_page(domain, question)),
    )


def _domain_view(domain: Domain, number: int, count: int, guidance_href: GuidanceHref) -> DomainView:
    def view(question: Question) -> QuestionView:
        return _question_view(domain, question, guidance_href)

    return DomainView(
        id=domain.id,
        title=domain.title,
        page=domain_file(domain),
        number=number,
        count=count,
        standards=tuple(StandardView(s.id, s.title, tuple(view(q) for q in s.questions)) for s in domain.standards),
        support=view(domain.support_question),
    )


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    """One environment for every edition and build in a process, so each template is compiled once.

    Jinja2 still notices a template changed on disk (``auto_reload``), as ``toolkit serve`` needs.
    """
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _date_text(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def section_files(
    edition: Edition,
    library: Library | None = None,
    *,
    guidance_href: GuidanceHref = default_guidance_href,
    submission_url: str | None = None,
    check_pages: Mapping[str, str] | None = None,
    form: bool = True,
    icb: Mapping[str, Any] | None = None,
) -> list[SectionFile]:
    """Every file of ``edition``'s self-assessment section, pages in navigation order, then the scripts and styles.

    ``library`` holds the editions a return may be carried forward from or may name
    (just ``edition`` when None). ``check_pages`` maps other editions to their own
    "check a return" pages, relative to this one. With no ``submission_url`` there is no
    "Send to the ICB" button. With ``form`` false (an archived edition) only the
    "check a return" page is made.
    """
    clashes = sorted(d.id for d in edition.domains if d.id in RESERVED)
    if clashes:
        named = ", ".join(repr(c) for c in clashes)
        raise SectionRefused(f"the domain id {named} is the name of a self-assessment page: rename the domain")
    if submission_url and not submission_url.startswith(("https://", "http://")):
        raise SectionRefused(f"extra: submission_url must start with https:// (or http://); it is {submission_url!r}")
    library = library or Library({edition.id: edition})
    env = _environment()
    data = form_data(edition, library, guidance_href, submission_url=submission_url, check_pages=check_pages, icb=icb)
    count = len(edition.domains)
    domains = [_domain_view(d, n, count, guidance_href) for n, d in enumerate(edition.domains, start=1)] if form else []
    common: dict[str, Any] = {
        "assets": ASSETS,
        "edition_id": edition.id,
        "edition_title": edition.info.title,
        "deadline": _date_text(edition.info.return_deadline),
        "action_plan_required": edition.info.action_plan_required,
        "domains": domains,
        "submission_url": submission_url or "",
        "form": form,
        "icb": icb or {},
        "check_pages": dict(check_pages or {}),
        "numbering": edition.numbering,
    }
    files: list[SectionFile] = []

    def page(name: str, template: str, title: str, kind: Kind, scripts: Sequence[str], **extra: Any) -> None:
        text = env.get_template(template).render(
            page_title=title,
            page_kind=kind,
            scripts=scripts,
            searchable=kind in ("start", "check-a-return"),
            **common,
            **extra,
        )
        files.append(SectionFile(f"{SECTION}/{name}.md", text, kind, title))

    if form:
        page(START, "start.md.j2", "Self-assessment", "start", START_SCRIPTS)
        for view in domains:
            page(view.id, "domain.md.j2", view.title, "domain", FORM_SCRIPTS, domain=view)
        page(CHECK_ANSWERS, "check-answers.md.j2", "Check your answers", "check-answers", FORM_SCRIPTS)
    page(CHECK_RETURN, "check-a-return.md.j2", "Check a return file", "check-a-return", CHECK_SCRIPTS)
    files.append(SectionFile(f"{SECTION}/{ASSETS}{EDITION_SCRIPT}", to_script(data), "asset"))
    for name in STATIC_ASSETS:
        files.append(SectionFile(f"{SECTION}/{ASSETS}{name}", (TEMPLATES / name).read_text(encoding="utf-8"), "asset"))
    return files


def write_section(files: Sequence[SectionFile], docs_dir: Path) -> None:
    """Write the section's files into a docs folder."""
    for file in files:
        path = docs_dir / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.text, encoding="utf-8")
