"""The printable self-assessment forms: the HTML of the whole form or of a part of it, and what it says.

Each domain is a section on its own named page, opening with its own boxes for the
practice's details, so that it stands alone as the domain's own form. How the forms are
laid out part by part, and joined into the whole form, is in ``parts.py`` and ``printed.py``;
:func:`lay_out` lays the whole form out at once (for tests and benchmarks).

WeasyPrint takes over a second to import: it is imported only inside :func:`lay_out` and ``parts.write``.
"""

from __future__ import annotations

from typing import Any

from .. import answertypes
from ..answertypes import number_text
from ..model import Domain, Edition, Question
from ..paths import anchor
from ..settings import Settings
from ..site import describe
from . import fonts
from .templates import environment

PDF_VARIANT = "pdf/ua-1"
"""Tagged and accessible: the public-sector accessibility rules cover published PDFs."""

PRODUCT = "GP Quality and Safety Toolkit"
"""What the forms say they are from when no ICB's settings are given (a form built outside a project)."""


def owner(icb: Settings | None) -> str:
    """Who the form is from, as its cover and metadata say: the ICB and its team, from toolkit.yml."""
    return icb.icb.owner if icb is not None else PRODUCT


def howto(edition: Edition, icb: Settings | None) -> tuple[str, ...]:
    """The cover's instructions, ending with where and by when to send the return (from toolkit.yml)."""
    if icb is None:
        return HOWTO
    contact = f"Questions about the form: {icb.support.email}" + (f", {icb.support.phone}" if icb.support.phone else "")
    return (*HOWTO, icb.where_to_send(edition), contact + ".")


HOWTO = (
    "Work through the form at a practice meeting, or give each section to the lead for that area: "
    "each section opens with boxes for the practice's details and can be used on its own.",
    "Tick one box for each question, or write the number, date or answer in the box or on the lines. "
    "Questions marked optional may be left blank.",
    "Where an answer flags a risk, fill in the shaded action plan beside the question: what you will do, "
    "who will do it and by when. Each section ends by asking whether you would like the ICB's support.",
    "Send your return in the Excel workbook or the return template (CSV) from the downloads page.",
)


def whole_name(edition: Edition) -> str:
    return f"self-assessment-{edition.id}.pdf"


def domain_name(domain: Domain) -> str:
    return f"{domain.id}.pdf"


def _long_date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


def risk_text(question: Question) -> str:
    """When the action plan is needed, in words: 'If you answered no or partial'."""
    if question.risk_answers:
        return "If you answered " + " or ".join(answertypes.of(question).quoted(question.risk_answers))
    unit = "%" if question.unit == "%" else ""  # other units read badly after a bound ("below 1 events")
    parts = []
    if question.risk_below is not None:
        parts.append(f"below {number_text(question.risk_below)}{unit}")
    if question.risk_above is not None:
        parts.append(f"above {number_text(question.risk_above)}{unit}")
    if parts:
        return "If your answer is " + " or ".join(parts)
    if question.risk_older_than_months is not None:
        return f"If the date is more than {question.risk_older_than_months} months ago"
    return ""


def question_view(question: Question) -> dict[str, Any]:
    kind = answertypes.of(question)
    choices = [kind.label(a) for a in question.allowed_answers]
    box = kind.box(question)
    return {
        "id": question.id,
        "anchor": f"q-{anchor(question.id)}",
        "text": question.text,
        "help": question.help,
        "required": question.required,
        "choices": choices,
        "long_choices": len(choices) > 4 or any(len(c) > 28 for c in choices),
        "box": box,
        "unit": question.unit,
        "plan": risk_text(question) if question.can_flag_risk else "",
    }


def domain_view(edition: Edition, domain: Domain) -> dict[str, Any]:
    contact = edition.contact(domain.contact)
    return {
        "id": domain.id,
        "page": f"domain-{domain.id}",
        "start": f"domain-{domain.id}",
        "end": f"end-{domain.id}",
        "title": domain.title,
        "running_title": f"Self-assessment form · {domain.title}",
        "summary": domain.summary,
        "numbering": edition.numbering.get(domain.id, ""),
        "question_count": sum(1 for _ in domain.questions()),
        "risk_count": sum(1 for q in domain.questions() if q.can_flag_risk),
        "contact": contact.model_dump() if contact else None,
        "support": question_view(domain.support_question),
        "standards": [
            {
                "id": s.id,
                "title": s.title,
                "basis": describe.basis(s.basis),
                "numbering": edition.numbering.get(s.id, ""),
                "evidence": list(s.evidence),
                "questions": [question_view(q) for q in s.questions],
            }
            for s in domain.standards
        ],
    }


def publication(edition: Edition) -> str:
    """'published 1 April 2025'; for a draft, 'draft, to be published …' or 'draft, not yet published'."""
    day = edition.info.published
    if edition.info.status == "draft":
        return f"draft, to be published {_long_date(day)}" if day else "draft, not yet published"
    return f"published {_long_date(day)}" if day else "published"


def dates_line(edition: Edition) -> str:
    text = publication(edition)
    parts = [text[:1].upper() + text[1:]]
    if edition.info.return_deadline:
        parts.append(f"send your return by {_long_date(edition.info.return_deadline)}")
    return " · ".join(parts)


def form_html(edition: Edition, created: str | None, icb: Settings | None = None, **part: Any) -> str:
    """The HTML of the whole form: a cover, then every domain's section, numbered through.

    ``part`` replaces entries of the template's context to make a part of it instead (see
    ``parts.py`` and ``site_templates/forms/form.html.j2``): ``title``, ``cover``, ``sections``, ``domains``
    (views from :func:`domain_view`), ``first``, ``total`` and ``starts``.
    """
    env = environment()
    context: dict[str, Any] = {
        "title": f"Self-assessment form: {edition.info.title}",
        "description": f"The self-assessment form of {edition.info.title}, to print and fill in.",
        "author": owner(icb),
        "created": created,
        "css": env.loader.get_source(env, "print.css")[0] if env.loader else "",
        "owner": owner(icb),
        "edition_title": edition.info.title,
        "dates": dates_line(edition),
        "footer": f"{edition.info.title} · {publication(edition)}",
        "howto": howto(edition, icb),
        "send": icb.where_to_send(edition) if icb is not None else "",
        "brand": icb.icb.colour if icb is not None else "",
        "domains": part.pop("domains", None) or [domain_view(edition, d) for d in edition.domains],
        "cover": True,
        "sections": True,
        "first": 1,
        "total": None,
        "starts": None,
    }
    context.update(part)
    return env.get_template("form.html.j2").render(context)


def lay_out(edition: Edition, created: str | None, icb: Settings | None = None) -> Any:
    """The whole form of ``edition`` laid out by WeasyPrint (a ``weasyprint.Document``), in the shipped fonts."""
    import weasyprint

    html = form_html(edition, created, icb)
    document = weasyprint.HTML(string=html, url_fetcher=fonts.fetcher()).render(pdf_variant=PDF_VARIANT)
    document.metadata.lang = "en-GB"
    return document
