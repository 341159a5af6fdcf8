"""Year on year: this edition's returns against the previous edition's, question by question.

Questions are matched by their stable ids through :func:`generator.lineage.lineage`: a
question kept from last year (unchanged or reworded) is compared with itself, a question
that ``replaces`` one is compared with the one it replaces, and a new question is marked
new and not compared. Support requests are not compared.

For each compared question an answer flags a risk under its own edition's rules (last
year's answer under last year's question). The figures:

* per domain of this edition: the share of answers to its compared questions that flag a
  risk, last year (every practice with a valid return then) and this year;
* per practice with a valid return in both years: its answers flagging a risk on the
  compared questions, last year and this year, and the domains where that rose or fell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..lineage import Kind, lineage
from ..model import Edition, Question
from .figures import Figures
from .inputs import Returns
from .risk import Judge, received_day


@dataclass(frozen=True)
class Comparison:
    """The comparison with last year that the report shows beside its figures, or why there is none.

    Worked out from the figures (this year's side) and last year's returns; the figures themselves
    know nothing of it, so they are computed once and never rebuilt.
    """

    result: YearOnYear | None = None
    note: str = ""
    """Why there is no comparison, when there is none."""


@dataclass(frozen=True)
class Match:
    """A question of this edition and the question of the previous one it is compared with."""

    question_id: str
    previous_id: str | None
    kind: Kind
    domain_index: int
    support: bool


def matches(previous: Edition, edition: Edition, between: Sequence[Edition] = ()) -> list[Match]:
    """Every question of ``edition`` matched to ``previous`` (the one place that decides how)."""
    domain_of = {d.id: i for i, d in enumerate(edition.domains)}
    return [
        Match(q.id, q.predecessor_id, q.kind, domain_of[q.place.domain_id], q.place.standard_id is None)
        for q in lineage(previous, edition, between).questions
    ]


@dataclass(frozen=True)
class DomainChange:
    """One domain of this edition: answers flagging a risk on its compared questions, then and now."""

    domain_id: str
    domain_title: str
    compared: int
    """Questions compared with last year's."""
    new: int
    """Questions new this year, not compared."""
    before_answers: int
    before_risks: int
    now_answers: int
    now_risks: int

    @property
    def before_share(self) -> float | None:
        return self.before_risks / self.before_answers if self.before_answers else None

    @property
    def now_share(self) -> float | None:
        return self.now_risks / self.now_answers if self.now_answers else None

    @property
    def change_points(self) -> float | None:
        """The change in the share flagging a risk, in percentage points (negative is better)."""
        if self.before_share is None or self.now_share is None:
            return None
        return (self.now_share - self.before_share) * 100


@dataclass(frozen=True)
class PracticeChange:
    """One practice with a valid return in both years."""

    practice_code: str
    practice_name: str
    before: int
    """Answers flagging a risk last year, on the compared questions."""
    now: int
    """And this year."""
    better: tuple[str, ...]
    """Codes of the domains with fewer answers flagging a risk than last year."""
    worse: tuple[str, ...]
    """Codes of the domains with more."""

    @property
    def change(self) -> int:
        return self.now - self.before


@dataclass(frozen=True)
class YearOnYear:
    previous_edition_id: str
    previous_title: str
    matches: tuple[Match, ...]
    domains: tuple[DomainChange, ...]
    practices: tuple[PracticeChange, ...]
    practices_before: int
    """Practices with a valid return last year."""
    practices_now: int

    def kind_count(self, kind: Kind) -> int:
        return sum(1 for m in self.matches if m.kind == kind and not m.support)

    @property
    def before_share(self) -> float | None:
        answers = sum(d.before_answers for d in self.domains)
        return sum(d.before_risks for d in self.domains) / answers if answers else None

    @property
    def now_share(self) -> float | None:
        answers = sum(d.now_answers for d in self.domains)
        return sum(d.now_risks for d in self.domains) / answers if answers else None

    def direction_counts(self) -> tuple[int, int, int]:
        """Practices with fewer, the same and more answers flagging a risk than last year."""
        fewer = sum(1 for p in self.practices if p.change < 0)
        more = sum(1 for p in self.practices if p.change > 0)
        return fewer, len(self.practices) - fewer - more, more


Asked = tuple[int, str, Judge]
"""A compared question as one year asked it: the domain (of this edition), its id that year, its judge."""


@dataclass(frozen=True)
class Plan:
    """What to compare: every question's match, and the compared questions as each year asked them."""

    matches: tuple[Match, ...]
    now: tuple[Asked, ...]
    before: tuple[Asked, ...]


def plan(previous: Edition, edition: Edition, between: Sequence[Edition] = ()) -> Plan:
    """The questions to compare: matched, not support requests, and able to flag a risk in either year."""
    found = matches(previous, edition, between)
    now_questions: dict[str, Question] = {q.id: q for _, _, q in edition.questions()}
    before_questions: dict[str, Question] = {q.id: q for _, _, q in previous.questions()}
    now: list[Asked] = []
    before: list[Asked] = []
    for m in found:
        if m.support or m.previous_id is None:
            continue
        now_q, before_q = now_questions[m.question_id], before_questions[m.previous_id]
        if not (now_q.can_flag_risk or before_q.can_flag_risk):
            continue
        now.append((m.domain_index, m.question_id, Judge(now_q)))
        before.append((m.domain_index, m.previous_id, Judge(before_q)))
    return Plan(tuple(found), tuple(now), tuple(before))


@dataclass(frozen=True)
class Side:
    """One year's answers to the compared questions, from every practice with a valid return that year."""

    answered: list[int]
    """Per domain of this edition: answers to its compared questions."""
    risky: list[int]
    """And of them, answers flagging a risk."""
    practices: dict[str, list[int]]
    """Practice code → answers flagging a risk, per domain."""


def side(returns: Returns, asked: Sequence[Asked], domains: int) -> Side:
    """Judge one year's returns on the compared questions, a question at a time."""
    subs = [s for s in returns.chosen().values() if s.valid]
    answered = [0] * domains
    risky = [0] * domains
    per_practice: list[list[int]] = []
    for sub in subs:
        answers = returns.answers.get(sub.id, {})
        day = received_day(sub.received_at)
        here = [0] * domains
        for domain_index, question_id, judge in asked:
            given = answers.get(question_id)
            if not given:
                continue
            answered[domain_index] += 1
            if (judge.known.get(given) or judge(given, day))[1]:
                risky[domain_index] += 1
                here[domain_index] += 1
        per_practice.append(here)
    return Side(answered, risky, {s.practice_code: per_practice[i] for i, s in enumerate(subs)})


def side_of(figures: Figures, planned: Plan) -> Side:
    """This year's side, from the figures already computed (every answer of this year is judged once)."""
    domains = len(figures.domains)
    compared = {question_id: domain_index for domain_index, question_id, _ in planned.now}
    answered = [0] * domains
    risky = [0] * domains
    for q in figures.questions:
        if q.question_id in compared:
            answered[compared[q.question_id]] += q.answered
    practices = {p.practice_code: [0] * domains for p in figures.practices if p.status == "valid"}
    for r in figures.risks:
        if r.question_id in compared:
            risky[compared[r.question_id]] += 1
            practices[r.practice_code][compared[r.question_id]] += 1
    return Side(answered, risky, practices)


def combine(
    previous: Edition, edition: Edition, planned: Plan, now: Side, before: Side, names: Mapping[str, str] | None = None
) -> YearOnYear:
    """The comparison from each year's side."""
    n = len(edition.domains)
    compared = [0] * n
    for domain_index, _, _ in planned.now:
        compared[domain_index] += 1
    new = [0] * n
    for m in planned.matches:
        if m.kind == "new" and not m.support:
            new[m.domain_index] += 1
    domains = tuple(
        DomainChange(
            d.id,
            d.title,
            compared[i],
            new[i],
            before.answered[i],
            before.risky[i],
            now.answered[i],
            now.risky[i],
        )
        for i, d in enumerate(edition.domains)
    )
    codes = [d.code for d in edition.domains]
    names = names or {}
    practices = tuple(
        PracticeChange(
            code,
            names.get(code, ""),
            sum(before.practices[code]),
            sum(now_risks),
            tuple(codes[i] for i in range(n) if now_risks[i] < before.practices[code][i]),
            tuple(codes[i] for i in range(n) if now_risks[i] > before.practices[code][i]),
        )
        for code, now_risks in sorted(now.practices.items())
        if code in before.practices
    )
    return YearOnYear(
        previous.id,
        previous.info.title,
        planned.matches,
        domains,
        practices,
        practices_before=len(before.practices),
        practices_now=len(now.practices),
    )


def compare(
    previous: Edition,
    previous_returns: Returns,
    edition: Edition,
    returns: Returns,
    names: Mapping[str, str] | None = None,
    between: Sequence[Edition] = (),
) -> YearOnYear:
    """This edition's returns against the previous edition's."""
    planned = plan(previous, edition, between)
    n = len(edition.domains)
    return combine(
        previous, edition, planned, side(returns, planned.now, n), side(previous_returns, planned.before, n), names
    )
