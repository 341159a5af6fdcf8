"""The report as one self-contained HTML file: figures laid out by ``site_templates/report/``.

No script, no outside request (a Content-Security-Policy says so to the browser), the
charts inline as SVG, styles inline, laid out to print on A4 with "For the ICB only"
on every page. Everything that came from a return is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import charts, rag
from .cqcview import CqcView
from .figures import SHARE_ANSWERS, STATUSES, Figures, PracticeRow, ReturnRow, RiskRow, percent
from .helpgiven import TARGET_WORKING_DAYS, HelpGiven
from .inputs import Answer
from .yearonyear import Comparison, YearOnYear

LOOK_AGAIN_LIMIT = 10
"""The most key questions the HTML lists to look at again (the page says when there are more; cqc_look_again.csv
holds them all)."""

NO_COMPARISON = Comparison()
"""A report shown without a comparison with last year (and no reason given)."""

TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates" / "report"

RISK_LIMIT = 30
"""At most this many answers flagging a risk are listed in the HTML; the exports hold them all."""
PRACTICE_LIMIT = 1500
"""At most this many practices are listed in the HTML's practice table (an ICB has far fewer); the exports hold them all."""
SUPPORT_LIMIT = 6
"""At most this many support requests are listed under each domain in the HTML; the exports hold them all."""
INVALID_LIMIT = 1000
"""At most this many invalid returns are listed in the HTML; returns.csv holds them all."""
CHANGE_LIMIT = 20
"""At most this many practices are listed in the year-on-year table of the HTML."""
TOP_NO = 15
"""How many questions most often answered no are listed."""

CONFIDENTIAL = (
    "For the ICB only: this report names practices and their answers. "
    "Do not publish it or send it outside the ICB's quality team."
)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def _points(value: float | None) -> str:
    if value is None:
        return "not compared"
    if abs(value) < 0.05:
        return "no change"
    return f"{'down' if value < 0 else 'up'} {abs(value):.1f} points"


def plan(answer: Answer) -> Markup:
    """The action plan of an answer flagging a risk, in one line, or 'none given'."""
    parts = [answer.action.strip()]
    if answer.action_owner.strip():
        parts.append(f"owner: {answer.action_owner.strip()}")
    if answer.action_due.strip():
        parts.append(f"due {answer.action_due.strip()}")
    text = "; ".join(p for p in parts if p)
    return Markup("<em>none given</em>") if not text else Markup.escape(text)


def _share_text(value: float | None) -> str:
    return "no answers" if value is None else percent(value)


def charts_for(figures: Figures, comparison: Comparison = NO_COMPARISON) -> dict[str, Markup]:
    """The report's charts as inline SVG."""
    out: dict[str, Markup] = {}
    counts = [figures.count(s) for s in STATUSES]
    total = sum(counts)
    out["returns"] = Markup(
        charts.stacked(
            "chart-returns",
            "Returns by status",
            f"Of {total:,} practices, {counts[0]:,} returned a valid return, {counts[1]:,} an invalid one "
            f"and {counts[2]:,} have not returned.",
            charts.STATUS_SERIES,
            [("Practices", counts)],
            percent=False,
        )
    )
    described = "; ".join(
        f"{s.domain.title}: "
        + ", ".join(f"{SHARE_ANSWERS[i]} {percent(s.share(i))}" for i in range(len(SHARE_ANSWERS)))
        for s in figures.shares
    )
    out["shares"] = Markup(
        charts.stacked(
            "chart-shares",
            "Share of answers yes, partial, no and not applicable, by domain",
            f"Answers to each domain's yes-no questions across practices with a valid return. {described}.",
            charts.ANSWER_SERIES,
            [(s.domain.title, s.counts) for s in figures.shares],
        )
    )
    ratings = [figures.rating_counts(i) for i in range(len(figures.domains))]
    out["ratings"] = Markup(
        charts.stacked(
            "chart-ratings",
            "Practices rated red, amber and green, by domain",
            "Practices with a valid return in each rating. "
            + "; ".join(
                f"{d.title}: {r['red']} red, {r['amber']} amber, {r['green']} green"
                for d, r in zip(figures.domains, ratings, strict=True)
            )
            + ".",
            charts.RATING_SERIES,
            [(d.title, [r["red"], r["amber"], r["green"]]) for d, r in zip(figures.domains, ratings, strict=True)],
            percent=False,
        )
    )
    yoy = comparison.result
    if yoy is not None:
        rows = [d for d in yoy.domains if d.compared]
        values = [(d.before_share, d.now_share) for d in rows]
        top = max([v for pair in values for v in pair if v is not None] + [0.01])
        out["year"] = Markup(
            charts.bars(
                "chart-year",
                "Share of answers flagging a risk, last year and this year, by domain",
                "Answers to the questions asked in both years that flag a risk. "
                + "; ".join(
                    f"{d.domain_title}: {_share_text(d.before_share)} last year, {_share_text(d.now_share)} this year"
                    for d in rows
                )
                + ".",
                charts.YEAR_SERIES,
                [(d.domain_title, pair) for d, pair in zip(rows, values, strict=True)],
                top,
                [(_share_text(a), _share_text(b)) for a, b in values],
            )
        )
    return out


def _risks_shown(figures: Figures) -> list[RiskRow]:
    """The risks listed in the HTML: practices with the most first, at most :data:`RISK_LIMIT`."""
    per_practice: dict[str, int] = {}
    for r in figures.risks:
        per_practice[r.practice_code] = per_practice.get(r.practice_code, 0) + 1
    ordered = sorted(figures.risks, key=lambda r: (-per_practice[r.practice_code], r.practice_code))
    return ordered[:RISK_LIMIT]


TOP_PRACTICES = 20
"""Practices listed by their number of risks, most first, in the risks' summary."""


def _risks_by_domain(figures: Figures) -> list[dict[str, Any]]:
    """For each domain: answers flagging a risk, practices with one or more, and the question most often flagged."""
    rows = []
    for index, domain in enumerate(figures.domains):
        mine = [r for r in figures.risks if r.domain.id == domain.id]
        by_question: dict[str, int] = {}
        for r in mine:
            by_question[r.question_id] = by_question.get(r.question_id, 0) + 1
        top = max(by_question.items(), key=lambda item: (item[1], item[0])) if by_question else None
        rows.append(
            {
                "domain": domain,
                "risks": len(mine),
                "practices": len({r.practice_code for r in mine}),
                "red": figures.rating_counts(index)["red"],
                "top": top,
            }
        )
    return rows


def _practices_most_at_risk(figures: Figures) -> list[dict[str, Any]]:
    """The practices with the most answers flagging a risk, most first (then by code), at most :data:`TOP_PRACTICES`."""
    rated = [p for p in figures.practices if p.status == "valid" and p.total_risks]
    ordered = sorted(rated, key=lambda p: (-p.total_risks, -p.reds, p.practice_code))[:TOP_PRACTICES]
    return [
        {
            "practice": p,
            "red_domains": [d.title for d, r in zip(figures.domains, p.ratings, strict=True) if r == "red"],
        }
        for p in ordered
    ]


def _by_place(rows: Sequence[ReturnRow], places: Mapping[str, str]) -> list[tuple[str, list[ReturnRow]]]:
    """Practices grouped by their sub-ICB location (place), in code order; one group with no name without places."""
    if not places:
        return [("", list(rows))]
    groups: dict[str, list[ReturnRow]] = {}
    for row in rows:
        groups.setdefault(places.get(row.practice_code, ""), []).append(row)
    return sorted(groups.items())


def _support_by_domain(figures: Figures) -> list[dict[str, Any]]:
    groups = []
    for domain in figures.domains:
        rows = [s for s in figures.support if s.domain.id == domain.id]
        if rows:
            groups.append({"domain": domain, "rows": rows[:SUPPORT_LIMIT], "more": max(0, len(rows) - SUPPORT_LIMIT)})
    return groups


def _practices_shown(figures: Figures) -> list[PracticeRow]:
    """The practices listed in the HTML: all by code, or past :data:`PRACTICE_LIMIT` those most at risk first."""
    if len(figures.practices) <= PRACTICE_LIMIT:
        return list(figures.practices)
    ordered = sorted(figures.practices, key=lambda p: (-p.reds, -p.total_risks, p.practice_code))
    return ordered[:PRACTICE_LIMIT]


def _changes_shown(yoy: YearOnYear | None) -> list[Any]:
    if yoy is None:
        return []
    return sorted(yoy.practices, key=lambda p: (-p.change, p.practice_code))[:CHANGE_LIMIT]


def _who(figures: Figures) -> str:
    """Who has returned, out of the register's practices when there is a register: a return from a practice
    outside it is said apart, not counted in the register's total."""
    listed = [r for r in figures.returns if r.in_register]
    counts = {status: sum(1 for r in listed if r.status == status) for status in ("valid", "missing", "invalid")}
    whose = "practices in the register" if figures.register_given else "practices"
    who = (
        f"{counts['valid']:,} of {len(listed):,} {whose} have a valid return; {counts['missing']:,} have not returned "
        f"and {counts['invalid']:,} sent a return that needs correcting."
    )
    outside = len(figures.returns) - len(listed)
    if outside:
        who += f" {outside:,} more {'practice' if outside == 1 else 'practices'} not in the register sent a return."
    return who


def _headline(figures: Figures, comparison: Comparison) -> dict[str, str]:
    """One sentence for each question a reader comes with."""
    rated = [p for p in figures.practices if p.status == "valid"]
    with_red = sum(1 for p in rated if p.reds)
    reds = [figures.rating_counts(i)["red"] for i in range(len(figures.domains))]
    worst: int | None = None
    for i, count in enumerate(reds):
        if count and (worst is None or count > reds[worst]):
            worst = i
    asking = len({s.practice_code for s in figures.support})
    by_domain = sorted(
        ((sum(1 for s in figures.support if s.domain.id == d.id), d.title) for d in figures.domains), reverse=True
    )
    who = _who(figures)
    if not figures.register_given:
        who += " Without a practice register, practices that sent nothing are not known to the report."
    where = f"{len(figures.risks):,} answers flag a risk; {with_red:,} practices are red in at least one domain"
    where += (
        f", most often in {figures.domains[worst].title} ({reds[worst]:,} practices)." if worst is not None else "."
    )
    support = f"{len(figures.support):,} requests for support from {asking:,} practices"
    support += f", most in {by_domain[0][1]} ({by_domain[0][0]:,})." if by_domain and by_domain[0][0] else "."
    yoy = comparison.result
    if yoy is None:
        better = comparison.note or "No comparison with last year."
    else:
        fewer, same, more = yoy.direction_counts()
        before, now = yoy.before_share, yoy.now_share
        if before is None or now is None:
            better = f"No answers to compare with {yoy.previous_edition_id}."
        else:
            change = (now - before) * 100
            verdict = "better" if change < -0.05 else "worse" if change > 0.05 else "about the same"
            better = (
                f"{verdict.capitalize()} than {yoy.previous_edition_id}: on the questions asked in both years, "
                f"{percent(now)} of answers flag a risk, against {percent(before)} last year ({_points(change)}). "
                f"Of {len(yoy.practices):,} practices that returned both years, {fewer:,} have fewer risks, "
                f"{same:,} the same and {more:,} more."
            )
    return {"who": who, "where": where, "support": support, "better": better}


CQC_SHORT = {"Outstanding": "O", "Good": "G", "Requires improvement": "RI", "Inadequate": "I"}
CQC_TITLES = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")


def cqc_short(rating: str | None) -> Markup:
    """A CQC rating in a table cell: its initials, its name on hover and for screen readers; a dash for none."""
    if rating is None:
        return Markup('<span aria-hidden="true">–</span><span class="sr">none published</span>')
    return Markup('<abbr title="{0}">{1}</abbr>').format(rating, CQC_SHORT.get(rating, rating))


RATING_CELLS: dict[str, str] = {
    r: f'<td class="rag {r}"><span aria-hidden="true">{"–" if r == "none" else r[0].upper()}</span>'
    f'<span class="sr">{rag.LABELS[r]}</span></td>'
    for r in rag.RATINGS
}
"""A practice's rating in a domain as a table cell: its letter on its colour, its name for screen readers."""


def render(
    figures: Figures,
    comparison: Comparison = NO_COMPARISON,
    *,
    store: str = "",
    cqc: CqcView | None = None,
    helped: Sequence[HelpGiven] | None = None,
    places: Mapping[str, str] | None = None,
    help_target: int = TARGET_WORKING_DAYS,
    icb_name: str = "",
) -> str:
    """The report as one HTML document: the figures, and beside them the comparison with last year; ``icb_name``
    (toolkit.yml's) says whose report it is."""
    template = _environment().get_template("report.html.j2")
    missing = [r for r in figures.returns if r.status == "missing"]
    invalid = [r for r in figures.returns if r.status == "invalid"]
    outside = [r for r in figures.returns if not r.in_register]
    return template.render(
        f=figures,
        comparison=comparison,
        cqc=cqc,
        cqc_short=cqc_short,
        cqc_titles=CQC_TITLES,
        helped=helped,
        missing_by_place=_by_place(missing, places or {}),
        help_target=help_target,
        icb_name=icb_name,
        look_again_limit=LOOK_AGAIN_LIMIT,
        store=store,
        confidential=CONFIDENTIAL,
        charts=charts_for(figures, comparison),
        headline=_headline(figures, comparison),
        missing=missing,
        invalid=invalid[:INVALID_LIMIT],
        invalid_count=len(invalid),
        outside=outside,
        share_answers=SHARE_ANSWERS,
        top_no=figures.most_answered_no(TOP_NO),
        risks_shown=_risks_shown(figures),
        risk_limit=RISK_LIMIT,
        risks_by_domain=_risks_by_domain(figures),
        most_at_risk=_practices_most_at_risk(figures),
        support_groups=_support_by_domain(figures),
        changes=_changes_shown(comparison.result),
        change_limit=CHANGE_LIMIT,
        rating_labels=rag.LABELS,
        rag_rule=rag.RULE,
        points=_points,
        plan=plan,
        share_text=_share_text,
        rating_counts=[figures.rating_counts(i) for i in range(len(figures.domains))],
        practice_rows=[(p, Markup("".join(RATING_CELLS[r] for r in p.ratings))) for p in _practices_shown(figures)],
        practice_limit=PRACTICE_LIMIT,
    )
