"""The report's figures: pure computation from an edition, its returns and the practice register.

Nothing here reads a file or the clock: :func:`compute` takes plain values
(:mod:`.inputs`) and gives typed figures that the HTML, CSV and Excel writers only lay out.

What is counted:

* **Returns**: per practice, ``valid`` (it has a valid return: the latest valid one is reported),
  ``invalid`` (returns received, none valid) or ``missing`` (in the register, no return).
  Without a register, only practices that sent something are known, so none is missing.
* **Answer shares**: per domain, the answers yes / partial / no / not applicable given to its
  yes-no questions by practices with a valid return, and each as a share of those answers.
  The support request is left out: it asks for help, it does not assess.
* **Questions answered no**: per question, how many practices answered no, most first.
* **Practices**: per practice and domain, the answers flagging a risk and the red / amber / green
  rating of :mod:`.rag`.
* **Risks**: every answer that flags a risk, with the practice's comment and action plan.
* **Support requests**: every domain where a practice answered yes to the support request, with the
  domain's ICB contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..model import ANSWERS, Contact, Domain, Edition, Question
from . import rag
from .inputs import Answer, Returns, Submission, unattributed
from .risk import Judge, normal, received_day

Status = Literal["valid", "invalid", "missing"]
STATUSES: tuple[Status, ...] = ("valid", "invalid", "missing")

SHARE_ANSWERS: tuple[str, ...] = ANSWERS["yes_no_partial_na"]
"""The answers whose shares are counted, in the order they are shown: yes, partial, no, not applicable."""


@dataclass(frozen=True)
class DomainInfo:
    id: str
    code: str
    title: str
    contact: Contact | None


@dataclass(frozen=True)
class ReturnRow:
    """Where one practice stands with its return."""

    practice_code: str
    practice_name: str
    status: Status
    received_at: str = ""
    file_name: str = ""
    problems: tuple[str, ...] = ()
    in_register: bool = True


@dataclass(frozen=True)
class Shares:
    """The yes / partial / no / not applicable answers of one domain's yes-no questions."""

    domain: DomainInfo
    counts: tuple[int, ...]
    """In the order of :data:`SHARE_ANSWERS`."""

    @property
    def total(self) -> int:
        return sum(self.counts)

    def share(self, index: int) -> float:
        """The share of answers (0 to 1) that were ``SHARE_ANSWERS[index]``."""
        return self.counts[index] / self.total if self.total else 0.0


@dataclass(frozen=True)
class QuestionCount:
    """How one question was answered across practices with a valid return."""

    domain: DomainInfo
    question_id: str
    text: str
    answered: int
    counts: tuple[int, ...]
    """yes / partial / no / not applicable, as :data:`SHARE_ANSWERS` (zeros for other answer types)."""
    risks: int

    @property
    def no(self) -> int:
        return self.counts[2]

    @property
    def no_share(self) -> float:
        return self.no / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class PracticeRow:
    """One practice: its return status and, with a valid return, its rating in each domain."""

    practice_code: str
    practice_name: str
    status: Status
    ratings: tuple[rag.Rating, ...]
    """One per domain, in the edition's order."""
    risks: tuple[int, ...]
    """Answers flagging a risk, one count per domain."""
    support: tuple[str, ...]
    """Codes of the domains where it asked for support."""

    @property
    def total_risks(self) -> int:
        return sum(self.risks)

    @property
    def reds(self) -> int:
        return self.ratings.count("red")


@dataclass(frozen=True)
class RiskRow:
    """One answer that flags a risk."""

    practice_code: str
    practice_name: str
    domain: DomainInfo
    question_id: str
    question: str
    answer: Answer


@dataclass(frozen=True)
class SupportRow:
    """One request for the ICB's support in a domain."""

    practice_code: str
    practice_name: str
    domain: DomainInfo
    comment: str


@dataclass(frozen=True)
class Figures:
    edition_id: str
    edition_title: str
    generated_at: str
    """When the report was made (given by the caller: figures never read the clock)."""
    register_given: bool
    domains: tuple[DomainInfo, ...]
    returns: tuple[ReturnRow, ...]
    unattributed: tuple[Submission, ...]
    """Files that could not be tied to a practice."""
    shares: tuple[Shares, ...]
    questions: tuple[QuestionCount, ...]
    practices: tuple[PracticeRow, ...]
    risks: tuple[RiskRow, ...]
    support: tuple[SupportRow, ...]
    status_counts: Mapping[Status, int] = field(default_factory=dict)

    def count(self, status: Status) -> int:
        return self.status_counts.get(status, 0)

    def most_answered_no(self, limit: int = 10, domain_id: str | None = None) -> list[QuestionCount]:
        """The questions most often answered no (at least once), most first, in edition order on ties."""
        chosen = [q for q in self.questions if q.no and (domain_id is None or q.domain.id == domain_id)]
        return sorted(chosen, key=lambda q: -q.no)[:limit]

    def rating_counts(self, index: int) -> dict[rag.Rating, int]:
        """How many practices with a valid return are red, amber and green in the domain at ``index``."""
        counts: dict[rag.Rating, int] = {r: 0 for r in rag.RATINGS}
        for row in self.practices:
            if row.status == "valid":
                counts[row.ratings[index]] += 1
        return counts


@dataclass(frozen=True)
class _Compiled:
    """A question prepared for counting."""

    id: str
    text: str
    required: bool
    judge: Judge
    high: bool = False
    """A flag of high severity: enough on its own to rate the domain red."""


def compile_question(question: Question) -> _Compiled:
    high = question.severity == "high"
    return _Compiled(question.id, question.text, question.required, Judge(question, SHARE_ANSWERS), high)


def domain_info(edition: Edition, domain: Domain) -> DomainInfo:
    return DomainInfo(domain.id, domain.code, domain.title, edition.contact(domain.contact))


def return_rows(chosen: Mapping[str, Submission], register: Mapping[str, str] | None) -> list[ReturnRow]:
    """One row per practice known from the register or from its returns, by practice code."""
    names = register or {}
    rows: list[ReturnRow] = []
    for code in sorted(set(names) | set(chosen)):
        sub = chosen.get(code)
        if sub is None:
            rows.append(ReturnRow(code, names.get(code, ""), "missing"))
            continue
        rows.append(
            ReturnRow(
                code,
                names.get(code, ""),
                "valid" if sub.valid else "invalid",
                sub.received_at,
                sub.file_name,
                () if sub.valid else sub.problems,
                in_register=register is None or code in names,
            )
        )
    return rows


@dataclass
class _Judged:
    """Every answer of the practices with a valid return, judged: per question, and per practice and domain."""

    counts: list[list[list[int]]]
    """Per domain, per question: how many answers were each of SHARE_ANSWERS."""
    answered: list[list[int]]
    flagged: list[list[int]]
    risks: list[list[int]] = field(default_factory=list)
    """Per practice, per domain: answers flagging a risk."""
    unanswered: list[list[int]] = field(default_factory=list)
    """Per practice, per domain: required questions unanswered."""
    high: list[list[int]] = field(default_factory=list)
    """Per practice, per domain: answers flagging a risk of high severity."""
    flagged_at: list[list[tuple[int, _Compiled]]] = field(default_factory=list)
    """Per practice: (domain, question) of each answer flagging a risk, in the edition's order."""
    asked_at: list[list[int]] = field(default_factory=list)
    """Per practice: the domains where it asked for support."""


def _judge(
    compiled: list[list[_Compiled]], support_ids: list[str], subs: list[Submission], returns: Returns
) -> _Judged:
    judged = _Judged(
        counts=[[[0] * len(SHARE_ANSWERS) for _ in qs] for qs in compiled],
        answered=[[0] * len(qs) for qs in compiled],
        flagged=[[0] * len(qs) for qs in compiled],
    )
    n_domains = len(compiled)
    for sub in subs:  # practice by practice: each return's answers are read while they are in the cache
        answers = returns.answers.get(sub.id, {})
        day = received_day(sub.received_at)
        risks = [0] * n_domains
        high = [0] * n_domains
        blank = [0] * n_domains
        flagged_at: list[tuple[int, _Compiled]] = []
        for di, domain_questions in enumerate(compiled):
            q_counts, q_answered, q_flagged = judged.counts[di], judged.answered[di], judged.flagged[di]
            for qi, q in enumerate(domain_questions):
                given = answers.get(q.id)
                if not given:
                    if q.required:
                        blank[di] += 1
                    continue
                index, risky = q.judge.known.get(given) or q.judge(given, day)
                q_answered[qi] += 1
                if index >= 0:
                    q_counts[qi][index] += 1
                if risky:
                    q_flagged[qi] += 1
                    risks[di] += 1
                    high[di] += q.high
                    flagged_at.append((di, q))
        judged.risks.append(risks)
        judged.unanswered.append(blank)
        judged.high.append(high)
        judged.flagged_at.append(flagged_at)
        judged.asked_at.append([di for di, qid in enumerate(support_ids) if normal(answers.get(qid) or "") == "yes"])
    return judged


def compute(
    edition: Edition,
    returns: Returns,
    register: Mapping[str, str] | None = None,
    *,
    generated_at: str = "",
) -> Figures:
    """Every figure of the report on ``edition`` from ``returns``."""
    domains = tuple(domain_info(edition, d) for d in edition.domains)
    compiled = [[compile_question(q) for s in d.standards for q in s.questions] for d in edition.domains]
    support_ids = [d.support_question.id for d in edition.domains]
    chosen = returns.chosen()
    rows = return_rows(chosen, register)
    valid = [r for r in rows if r.status == "valid"]
    subs = [chosen[r.practice_code] for r in valid]
    judged = _judge(compiled, support_ids, subs, returns)

    practices: list[PracticeRow] = []
    risks: list[RiskRow] = []
    support: list[SupportRow] = []
    none: rag.Rating = "none"
    empty = (none,) * len(domains)
    zeros = (0,) * len(domains)
    position = {r.practice_code: i for i, r in enumerate(valid)}
    for row in rows:
        i = position.get(row.practice_code, -1)
        if i < 0:
            practices.append(PracticeRow(row.practice_code, row.practice_name, row.status, empty, zeros, ()))
            continue
        sid = subs[i].id
        ratings = tuple(
            rag.rating(r, u, h) for r, u, h in zip(judged.risks[i], judged.unanswered[i], judged.high[i], strict=True)
        )
        asked = judged.asked_at[i]
        code, name = row.practice_code, row.practice_name
        practices.append(
            PracticeRow(code, name, "valid", ratings, tuple(judged.risks[i]), tuple(domains[di].code for di in asked))
        )
        risks += [
            RiskRow(code, name, domains[di], q.id, q.text, returns.answer(sid, q.id)) for di, q in judged.flagged_at[i]
        ]
        support += [SupportRow(code, name, domains[di], returns.answer(sid, support_ids[di]).comment) for di in asked]

    shares = tuple(
        Shares(domains[di], tuple(sum(c[k] for c in judged.counts[di]) for k in range(len(SHARE_ANSWERS))))
        for di in range(len(domains))
    )
    questions = tuple(
        QuestionCount(
            domains[di], q.id, q.text, judged.answered[di][qi], tuple(judged.counts[di][qi]), judged.flagged[di][qi]
        )
        for di, qs in enumerate(compiled)
        for qi, q in enumerate(qs)
    )
    status_counts: dict[Status, int] = {s: 0 for s in STATUSES}
    for r in rows:
        status_counts[r.status] += 1
    return Figures(
        edition_id=edition.id,
        edition_title=edition.info.title,
        generated_at=generated_at,
        register_given=register is not None,
        domains=domains,
        returns=tuple(rows),
        unattributed=tuple(unattributed(returns.submissions)),
        shares=shares,
        questions=questions,
        practices=tuple(practices),
        risks=tuple(risks),
        support=tuple(support),
        status_counts=status_counts,
    )


def percent(share: float) -> str:
    """A share (0 to 1) as people read it: '42%', '0.4%' below one per cent, '<0.1%' for a trace."""
    value = share * 100
    if value == 0:
        return "0%"
    if value < 0.1:
        return "<0.1%"
    if 99.95 <= value < 100:
        return ">99.9%"
    if value < 1 or 99 < value < 100:
        return f"{value:.1f}%"
    return f"{value:.0f}%"
