"""A practice's own one-page summary of its valid return, to send back: HTML, and PDF from the same page.

Written by ``toolkit summary`` into a folder of its own (``<store>/summaries/<edition>`` unless
told otherwise), one ``<code>.html`` and ``<code>.pdf`` per practice; ``toolkit remind --summaries``
attaches each practice's PDF to its thank-you.

For each practice with a valid return: its rating in each domain beside the spread of ratings
across the ICB's practices (counts only: no other practice is named), the answers that flag a
risk with its action plan, its support requests with who owns each and where it stands, and its
next steps. Everything comes from the report's figures (:mod:`generator.report.figures`) and the
support cases (:mod:`generator.support`); the page is laid out by one template,
``site_templates/summary/summary.html.j2``, printed to A4 by WeasyPrint in the project's shipped
fonts (:mod:`generator.forms.fonts`), never the machine's. A long list of risks is cut to its
first :data:`RISK_LIMIT`, so that a summary prints on two pages at most.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .model import Contact, Edition
from .report import rag
from .report.figures import Figures
from .report.helpgiven import due_by
from .support import Case

MARKER = ".toolkit-summaries"
MARKER_TEXT = "Made by toolkit summary (GP Quality and Safety Toolkit): each practice's own summary, HTML and PDF.\n"
TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates" / "summary"
RISK_LIMIT = 6
"""The most risks a summary lists; more are counted, and the practice's own return holds them all."""
TEXT_LIMIT = 160
"""The most characters of a question, answer, comment or action a summary shows."""
ASK_LIMIT = 100
"""The most characters of a support request a summary shows (the case keeps it whole)."""
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def summary_file(practice_code: str, suffix: str) -> str:
    """A practice's summary's file name in the summaries' folder: 'Y00003.pdf'. Only a plain code names a file."""
    code = practice_code if _CODE.fullmatch(practice_code) else "unknown"
    return f"{code}.{suffix}"


@dataclass(frozen=True)
class DomainLine:
    title: str
    rating: rag.Rating
    risks: int
    spread: tuple[tuple[rag.Rating, int], ...]
    """How many of the ICB's practices with a valid return are red, amber and green here."""


@dataclass(frozen=True)
class RiskLine:
    domain: str
    question_id: str
    question: str
    answer: str
    comment: str
    action: str
    owner: str
    due: str


@dataclass(frozen=True)
class HelpLine:
    domain: str
    asked: str
    owner: Contact | None
    status: str
    outcome: str
    due: dt.date | None
    """First contact is due by this day (while the case is new)."""


@dataclass(frozen=True)
class PracticeSummary:
    edition_id: str
    edition_title: str
    practice_code: str
    practice_name: str
    received_at: str
    practices_rated: int
    """How many practices have a valid return: the spread is of these."""
    domains: tuple[DomainLine, ...]
    risks: tuple[RiskLine, ...]
    risks_left_out: int
    help: tuple[HelpLine, ...]
    next_steps: tuple[str, ...]
    generated_at: str


def _cut(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summaries(figures: Figures, edition: Edition, cases: Sequence[Case], *, target_days: int) -> list[PracticeSummary]:
    """One summary for each practice with a valid return, in the report's order."""
    valid = [p for p in figures.practices if p.status == "valid"]
    spreads = [figures.rating_counts(i) for i in range(len(figures.domains))]
    received = {r.practice_code: r.received_at for r in figures.returns}
    shown: tuple[rag.Rating, ...] = ("red", "amber", "green")
    titles = {d.id: d.title for d in figures.domains}
    found = []
    for practice in valid:
        code = practice.practice_code
        domains = tuple(
            DomainLine(
                info.title,
                practice.ratings[i],
                practice.risks[i],
                tuple((r, spreads[i][r]) for r in shown),
            )
            for i, info in enumerate(figures.domains)
        )
        mine = [r for r in figures.risks if r.practice_code == code]
        risks = tuple(
            RiskLine(
                r.domain.title, r.question_id, _cut(r.question), _cut(r.answer.answer), _cut(r.answer.comment),
                _cut(r.answer.action), r.answer.action_owner, r.answer.action_due,
            )
            for r in mine[:RISK_LIMIT]
        )  # fmt: skip
        helped = tuple(
            HelpLine(
                titles.get(c.domain_id, c.domain_id),
                _cut(c.request, ASK_LIMIT),
                edition.contact(c.owner),
                c.status,
                c.outcome,
                due_by(dt.date.fromisoformat(c.opened_at[:10]), target_days) if c.status == "new" else None,
            )
            for c in cases
            if c.practice_code == code and c.edition == edition.id and not c.withdrawn
        )
        found.append(
            PracticeSummary(
                edition.id,
                edition.info.title,
                code,
                practice.practice_name,
                received.get(code, ""),
                len(valid),
                domains,
                risks,
                max(0, len(mine) - RISK_LIMIT),
                helped,
                next_steps(domains, [*risks], len(mine), helped),
                figures.generated_at,
            )
        )
    return found


def next_steps(
    domains: Sequence[DomainLine], risks: Sequence[RiskLine], risk_count: int, helped: Sequence[HelpLine]
) -> tuple[str, ...]:
    """What the practice does next, and what the ICB does, in the order they matter."""
    steps: list[str] = []
    red = [d.title for d in domains if d.rating == "red"]
    if red:
        steps.append(f"Start with {_joined(red)}, rated red: put the actions for it in place first.")
    planned = [r for r in risks if r.action]
    unplanned = [r for r in risks if not r.action]
    if planned:
        dated = sorted(r.due for r in planned if r.due)
        when = f"; the first is due by {_day(dated[0])}" if dated else ""
        steps.append(f"Carry out the {_count(len(planned), 'action')} in your plan{when}.")
    if unplanned:
        ids = ", ".join(r.question_id for r in unplanned)
        steps.append(f"Agree an action, an owner and a date for {ids}, which flag a risk but have no action yet.")
    if risk_count > len(risks):
        steps.append(f"See your return for the other {_count(risk_count - len(risks), 'answer')} that flag a risk.")
    grouped: dict[tuple[str, str], list[str]] = {}
    for h in helped:
        who = f"{h.owner.name} ({h.owner.email})" if h.owner else "The ICB's quality team"
        if h.status == "new" and h.due:
            grouped.setdefault((who, f"will be in touch about {{}} by {_day(h.due)}."), []).append(h.domain)
        elif h.status in ("contacted", "in progress"):
            grouped.setdefault((who, "is working with you on {}."), []).append(h.domain)
    steps += [f"{who} {what.format(_joined(domains))}" for (who, what), domains in grouped.items()]
    if not steps:
        steps.append("Nothing flags a risk: keep your evidence current for next year's return and for the CQC.")
    return tuple(steps)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _day(value: dt.date | str) -> str:
    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{date.day} {date:%B %Y}"


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    return env


def render_html(summary: PracticeSummary, *, icb_name: str = "", print_fonts: bool = False) -> str:
    """The summary as one HTML page (its stylesheet inside); ``print_fonts`` names the shipped font files, which
    only WeasyPrint can load (see :func:`render_pdf`)."""
    return (
        _environment()
        .get_template("summary.html.j2")
        .render(
            s=summary,
            icb_name=icb_name,
            labels=rag.LABELS,
            css=(TEMPLATES / "summary.css").read_text(encoding="utf-8"),
            fonts=(TEMPLATES / "fonts.css").read_text(encoding="utf-8") if print_fonts else "",
            risk_limit=RISK_LIMIT,
        )
    )


def render_pdf(summary: PracticeSummary, *, icb_name: str = "") -> bytes:
    """The summary page printed to A4 by WeasyPrint, in the project's shipped fonts."""
    import weasyprint

    from .forms import fonts

    html = render_html(summary, icb_name=icb_name, print_fonts=True)
    document = weasyprint.HTML(string=html, url_fetcher=fonts.fetcher()).render()
    document.metadata.lang = "en-GB"
    data: bytes = document.write_pdf()
    return data


def write_all(
    folder: Path,
    figures: Figures,
    edition: Edition,
    store: Path,
    *,
    target_days: int,
    icb_name: str = "",
    pdf: bool = True,
    jobs: int | None = None,
) -> list[Path]:
    """Every practice's summary as HTML (and PDF) into ``folder`` (made and marked); the files written.

    The PDFs are printed by ``jobs`` processes (default: one per processor, at most 8): WeasyPrint
    takes a few tenths of a second a page, and an ICB has a hundred practices or more.
    """
    from . import marked_folders
    from .support import CASES_FILE, cases

    held = cases(store, edition=edition.id) if (store / CASES_FILE).is_file() else []
    found = summaries(figures, edition, held, target_days=target_days)
    written = []
    marked_folders.mark(folder, MARKER, MARKER_TEXT)
    for summary in found:
        page = folder / summary_file(summary.practice_code, "html")
        page.write_text(render_html(summary, icb_name=icb_name), encoding="utf-8")
        written.append(page)
    if pdf:
        for summary, data in zip(found, _printed(found, icb_name, jobs), strict=True):
            printed = folder / summary_file(summary.practice_code, "pdf")
            printed.write_bytes(data)
            written.append(printed)
    return written


def _printed(found: Sequence[PracticeSummary], icb_name: str, jobs: int | None) -> list[bytes]:
    """Each summary's PDF, in order, printed in parallel when there are enough to be worth it."""
    workers = min(jobs or os.cpu_count() or 1, 8, len(found))
    if workers <= 1:
        return [render_pdf(s, icb_name=icb_name) for s in found]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(partial(render_pdf, icb_name=icb_name), found, chunksize=4))
