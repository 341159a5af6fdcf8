"""The report's figures as plain tables: the one shape the CSV and Excel exports both write.

Each table has named columns of a kind (text, number, percent, rating) and rows of
plain values. Percentages are numbers from 0 to 100 with one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .cqcview import Against, CqcView, PracticeBeside
from .figures import SHARE_ANSWERS, Figures
from .helpgiven import HelpGiven
from .ratings import KEY_QUESTIONS, PracticeRatings
from .yearonyear import YearOnYear

Cell = str | int | float | None
ColumnKind = Literal["text", "number", "percent", "rating"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    width: int = 14
    """Width in the spreadsheet, in characters."""


@dataclass(frozen=True)
class Table:
    name: str
    """File name (without .csv) and sheet name."""
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _slug(answer: str) -> str:
    return answer.replace(" ", "_")


def tables(
    figures: Figures,
    year_on_year: YearOnYear | None = None,
    ratings: Mapping[str, PracticeRatings] | None = None,
    helped: Sequence[HelpGiven] | None = None,
    cqc: CqcView | None = None,
) -> list[Table]:
    """Every table of the report, in the order of the HTML: the figures', the help given on support requests
    when the store keeps cases (``help.csv``), the comparison's with last year, then CQC's ratings beside each
    practice when the store keeps some (``cqc.csv``), each rating beside the practice's own ratings of the
    domains bearing on it (``cqc_beside.csv``) and the key questions to look again at (``cqc_look_again.csv``)."""
    own = [make(figures) for make in FIGURE_TABLES]
    own += [_help(helped)] if helped is not None else []
    own += [make(year_on_year) for make in YEAR_TABLES] if year_on_year is not None else []
    own += [_cqc(figures, ratings)] if ratings is not None else []
    return own + ([_cqc_beside(cqc.beside), _cqc_look_again(cqc)] if cqc is not None and ratings is not None else [])


def _against(a: Against) -> tuple[Cell, ...]:
    return (a.key_question, a.cqc or "", a.published, a.red, a.amber, a.green, a.domains)


def _cqc_look_again(cqc: CqcView) -> Table:
    return Table(
        "cqc_look_again",
        "Key questions where a practice's own ratings and CQC's disagree",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("key_question", width=14),
            Column("own_ratings", width=50),
            Column("cqc_rating", width=20),
            Column("published", width=12),
        ),
        [(a.practice_code, a.practice_name, a.key_question, a.own, a.cqc, a.published) for a in cqc.look_again],
    )


def _cqc_beside(beside: Sequence[PracticeBeside]) -> Table:
    """One row per practice CQC rates and rating (overall, then each key question): CQC's rating, when it was
    published, and how many of the domains bearing on it the practice rated itself red, amber and green."""
    return Table(
        "cqc_beside",
        "CQC ratings beside the practice's own",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("status", width=10),
            Column("cqc_location_id", width=14),
            Column("key_question", width=12),
            Column("cqc_rating", width=20),
            Column("published", width=12),
            Column("own_red", "number", 8),
            Column("own_amber", "number", 8),
            Column("own_green", "number", 8),
            Column("own_domains", width=50),
        ),
        [(b.practice_code, b.practice_name, b.status, b.location_id, *_against(a)) for b in beside for a in b.against],
    )


def _help(helped: Sequence[HelpGiven]) -> Table:
    return Table(
        "help",
        "Help given on support requests",
        (
            Column("domain_id", width=24),
            Column("domain", width=36),
            Column("owner", width=20),
            Column("requests", "number", 10),
            Column("contacted", "number", 10),
            Column("contacted_within_target", "number", 12),
            Column("closed", "number", 8),
            Column("outcomes", width=40),
            Column("median_working_days_to_contact", "number", 14),
        ),
        [
            (
                h.domain_id,
                h.domain_title,
                h.owner,
                h.requests,
                h.contacted,
                h.within_target,
                h.closed,
                "; ".join(f"{outcome} {count}" for outcome, count in h.outcomes.items()),
                h.median_days,
            )
            for h in helped
        ],
    )


def _cqc(f: Figures, ratings: Mapping[str, PracticeRatings]) -> Table:
    """One row per practice: its CQC location and ratings (empty where CQC has no location with its code)."""
    rows: list[tuple[Cell, ...]] = []
    for r in f.returns:
        held = ratings.get(r.practice_code)
        if held is None:
            rows.append((r.practice_code, r.practice_name, "", "", "", "", "", "", "", "", ""))
            continue
        rows.append(
            (
                r.practice_code,
                r.practice_name,
                held.location_id,
                *(held.ratings.get(d) or "" for d in ("overall", *KEY_QUESTIONS)),
                held.published.isoformat() if held.published else "",
                "yes" if held.inherited else "no",
            )
        )
    return Table(
        "cqc",
        "CQC ratings beside each practice",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("cqc_location_id", width=14),
            *(Column(d, width=20) for d in ("overall", *KEY_QUESTIONS)),
            Column("published", width=12),
            Column("inherited", width=10),
        ),
        rows,
    )


def _returns(f: Figures) -> Table:
    return Table(
        "returns",
        "Returns by practice",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("status", width=10),
            Column("received_at", width=20),
            Column("file_name", width=30),
            Column("problems", width=60),
            Column("in_register", width=11),
        ),
        [
            (
                r.practice_code,
                r.practice_name,
                r.status,
                r.received_at,
                r.file_name,
                "; ".join(r.problems),
                "yes" if r.in_register else "no",
            )
            for r in f.returns
        ],
    )


def _unattributed(f: Figures) -> Table:
    return Table(
        "unattributed",
        "Files not tied to a practice",
        (
            Column("received_at", width=20),
            Column("file_name", width=30),
            Column("source", width=40),
            Column("problems", width=60),
        ),
        [(s.received_at, s.file_name, s.source, "; ".join(s.problems)) for s in f.unattributed],
    )


def _domains(f: Figures) -> Table:
    return Table(
        "domains",
        "Answers and ratings by domain",
        (
            Column("domain_id", width=24),
            Column("domain", width=36),
            Column("answers", "number", 10),
            *(Column(_slug(a), "number", 9) for a in SHARE_ANSWERS),
            *(Column(f"{_slug(a)}_percent", "percent", 11) for a in SHARE_ANSWERS),
            Column("red", "number", 8),
            Column("amber", "number", 8),
            Column("green", "number", 8),
        ),
        [
            (
                s.domain.id,
                s.domain.title,
                s.total,
                *s.counts,
                *(_pct(s.share(i)) for i in range(len(SHARE_ANSWERS))),
                *(lambda r: (r["red"], r["amber"], r["green"]))(f.rating_counts(di)),
            )
            for di, s in enumerate(f.shares)
        ],
    )


def _questions(f: Figures) -> Table:
    return Table(
        "questions",
        "Answers by question",
        (
            Column("domain_id", width=24),
            Column("question_id", width=11),
            Column("question", width=60),
            Column("answered", "number", 10),
            *(Column(_slug(a), "number", 9) for a in SHARE_ANSWERS),
            Column("no_percent", "percent", 11),
            Column("risks", "number", 8),
        ),
        [(q.domain.id, q.question_id, q.text, q.answered, *q.counts, _pct(q.no_share), q.risks) for q in f.questions],
    )


def _practices(f: Figures) -> Table:
    return Table(
        "practices",
        "Practices: rating by domain",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("status", width=10),
            *(Column(d.code, "rating", 7) for d in f.domains),
            Column("risks", "number", 8),
            Column("red_domains", "number", 11),
            Column("support_asked", width=24),
        ),
        [
            (
                p.practice_code,
                p.practice_name,
                p.status,
                *("" if r == "none" else r for r in p.ratings),
                p.total_risks if p.status == "valid" else None,
                p.reds if p.status == "valid" else None,
                " ".join(p.support),
            )
            for p in f.practices
        ],
    )


def _risks(f: Figures) -> Table:
    return Table(
        "risks",
        "Answers flagging a risk",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("domain_id", width=24),
            Column("question_id", width=11),
            Column("question", width=50),
            Column("answer", width=14),
            Column("comment", width=40),
            Column("action", width=40),
            Column("action_owner", width=18),
            Column("action_due", width=12),
        ),
        [
            (
                r.practice_code,
                r.practice_name,
                r.domain.id,
                r.question_id,
                r.question,
                r.answer.answer,
                r.answer.comment,
                r.answer.action,
                r.answer.action_owner,
                r.answer.action_due,
            )
            for r in f.risks
        ],
    )


def _support(f: Figures) -> Table:
    return Table(
        "support",
        "Support requests",
        (
            Column("domain_id", width=24),
            Column("domain", width=36),
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("comment", width=50),
            Column("contact", width=24),
            Column("contact_role", width=30),
            Column("contact_email", width=30),
            Column("contact_phone", width=16),
        ),
        [
            (
                s.domain.id,
                s.domain.title,
                s.practice_code,
                s.practice_name,
                s.comment,
                s.domain.contact.name if s.domain.contact else "",
                s.domain.contact.role if s.domain.contact else "",
                s.domain.contact.email if s.domain.contact else "",
                s.domain.contact.phone if s.domain.contact else "",
            )
            for s in f.support
        ],
    )


def _year_domains(yoy: YearOnYear) -> Table:
    return Table(
        "year_domains",
        f"Year on year by domain (against {yoy.previous_edition_id})",
        (
            Column("domain_id", width=24),
            Column("domain", width=36),
            Column("questions_compared", "number", 10),
            Column("questions_new", "number", 10),
            Column("answers_before", "number", 10),
            Column("risks_before", "number", 10),
            Column("risk_percent_before", "percent", 11),
            Column("answers_now", "number", 10),
            Column("risks_now", "number", 10),
            Column("risk_percent_now", "percent", 11),
            Column("change_points", "percent", 11),
        ),
        [
            (
                d.domain_id,
                d.domain_title,
                d.compared,
                d.new,
                d.before_answers,
                d.before_risks,
                _pct(d.before_share),
                d.now_answers,
                d.now_risks,
                _pct(d.now_share),
                None if d.change_points is None else round(d.change_points, 1),
            )
            for d in yoy.domains
        ],
    )


def _year_practices(yoy: YearOnYear) -> Table:
    return Table(
        "year_practices",
        f"Year on year by practice (against {yoy.previous_edition_id})",
        (
            Column("practice_code", width=12),
            Column("practice_name", width=30),
            Column("risks_before", "number", 10),
            Column("risks_now", "number", 10),
            Column("change", "number", 8),
            Column("fewer_risks_in", width=24),
            Column("more_risks_in", width=24),
        ),
        [
            (p.practice_code, p.practice_name, p.before, p.now, p.change, " ".join(p.better), " ".join(p.worse))
            for p in yoy.practices
        ],
    )


def _year_questions(yoy: YearOnYear) -> Table:
    return Table(
        "year_questions",
        f"How each question was matched with {yoy.previous_edition_id}",
        (Column("question_id", width=11), Column("previous_id", width=11), Column("kind", width=11)),
        [(m.question_id, m.previous_id or "", m.kind) for m in yoy.matches],
    )


FIGURE_TABLES: tuple[Callable[[Figures], Table], ...] = (
    _returns,
    _unattributed,
    _domains,
    _questions,
    _practices,
    _risks,
    _support,
)
"""The tables of the figures, in the order of the HTML."""
YEAR_TABLES: tuple[Callable[[YearOnYear], Table], ...] = (_year_domains, _year_practices, _year_questions)
"""The tables of the comparison with last year, after those of the figures."""
