"""CQC's ratings beside the self-assessment: the programme view for the board, and where to look again.

* **Programme view**: for each year of ratings the store keeps (its newest set in that year), the
  share of practices rated good or outstanding overall, and the share rated inadequate, for the
  practices that sent a valid return and for those that did not. This is association, not proof of
  cause: the report says so beside it.
* **Beside each practice**: its CQC overall and key-question ratings with the dates they were
  published, and beside each key question its own ratings on the domains that bear on it (counted
  red, amber and green), from the standards' mapping of domains to key questions.
* **Look again**: a practice with a valid return whose own ratings on the domains that bear on one
  of CQC's key questions are all green while CQC rated that key question requires improvement or
  inadequate, or whose ratings there include a red while CQC rated it good or outstanding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Edition
from .figures import Figures
from .ratings import KEY_QUESTIONS, PracticeRatings

GOOD = frozenset({"Good", "Outstanding"})
POOR = frozenset({"Requires improvement", "Inadequate"})
KEY_QUESTION_IDS = {"safe": "safe", "effective": "effective", "caring": "caring", "responsive": "responsive",
                    "well_led": "well-led"}  # fmt: skip
"""CQC's key questions as the ratings name them → as the standards do."""


@dataclass(frozen=True)
class Shares:
    """Practices with a published overall rating, and how many of them were rated good or outstanding, or inadequate."""

    rated: int
    good: int
    inadequate: int

    def share(self, count: int) -> float | None:
        return count / self.rated if self.rated else None


@dataclass(frozen=True)
class Year:
    as_of: str
    """The date of the newest set of ratings kept for that year."""
    returned: Shares
    not_returned: Shares


@dataclass(frozen=True)
class LookAgain:
    practice_code: str
    practice_name: str
    key_question: str
    own: str
    """The practice's own ratings on the domains bearing on the key question, in words."""
    cqc: str
    published: str
    codes: str = ""
    """The same ratings by the domains' codes, such as 'IPC red, SG green', for a compact table."""


@dataclass(frozen=True)
class Against:
    """One of CQC's ratings of a practice, and the practice's own ratings of the domains bearing on it."""

    key_question: str
    """'overall' or a key question as the ratings name it ('safe', …, 'well_led')."""
    cqc: str | None
    published: str
    """YYYY-MM-DD, or '' when CQC has published no rating of it."""
    red: int
    amber: int
    green: int
    domains: str
    """The bearing domains' codes with the practice's rating in each, such as 'SG red, IPC green'."""


@dataclass(frozen=True)
class PracticeBeside:
    practice_code: str
    practice_name: str
    status: str
    location_id: str
    against: tuple[Against, ...]
    """Overall first, then the five key questions in CQC's order."""

    @property
    def published(self) -> str:
        """When its ratings were published: the overall rating's date, or else the date most of them share."""
        dates = [a.published for a in self.against if a.published]
        if self.against and self.against[0].published:
            return self.against[0].published
        return max(sorted(set(dates)), key=dates.count) if dates else ""


@dataclass(frozen=True)
class CqcView:
    years: tuple[Year, ...]
    look_again: tuple[LookAgain, ...]
    beside: tuple[PracticeBeside, ...] = ()
    """Each practice that CQC rates, in the figures' order."""


def shares(codes: Sequence[str], ratings: Mapping[str, PracticeRatings]) -> Shares:
    overall = [ratings[c].ratings.get("overall") for c in codes if c in ratings]
    rated = [r for r in overall if r is not None]
    return Shares(len(rated), sum(1 for r in rated if r in GOOD), sum(1 for r in rated if r == "Inadequate"))


def view(figures: Figures, edition: Edition, history: Sequence[tuple[str, Mapping[str, PracticeRatings]]]) -> CqcView:
    """The view from the figures and each year's ratings (oldest first; the last is the newest set)."""
    returned = [p.practice_code for p in figures.practices if p.status == "valid"]
    others = [p.practice_code for p in figures.practices if p.status != "valid"]
    years = tuple(Year(as_of, shares(returned, held), shares(others, held)) for as_of, held in history)
    newest = history[-1][1] if history else {}
    return CqcView(years, tuple(look_again(figures, edition, newest)), tuple(beside(figures, edition, newest)))


def bearing_domains(edition: Edition) -> dict[str, list[int]]:
    """For 'overall' and each key question, the indexes of the domains that bear on it (every domain for overall)."""
    found = {"overall": list(range(len(edition.domains)))}
    for kq in KEY_QUESTIONS:
        found[kq] = [i for i, d in enumerate(edition.domains) if KEY_QUESTION_IDS[kq] in d.key_questions]
    return found


def beside(figures: Figures, edition: Edition, ratings: Mapping[str, PracticeRatings]) -> list[PracticeBeside]:
    """Each practice CQC rates: CQC's ratings with their dates beside its own ratings of the bearing domains."""
    bearing = bearing_domains(edition)
    rows = []
    for practice in figures.practices:
        held = ratings.get(practice.practice_code)
        if held is None:
            continue
        against = []
        for kq in ("overall", *KEY_QUESTIONS):
            own = [(figures.domains[i].code, practice.ratings[i]) for i in bearing[kq]]
            given = [r for _, r in own if r != "none"]
            day = held.dates.get(kq)
            against.append(
                Against(
                    kq,
                    held.ratings.get(kq),
                    day.isoformat() if day is not None and held.ratings.get(kq) is not None else "",
                    given.count("red"),
                    given.count("amber"),
                    given.count("green"),
                    ", ".join(f"{code} {r}" for code, r in own if r != "none"),
                )
            )
        rows.append(
            PracticeBeside(
                practice.practice_code, practice.practice_name, practice.status, held.location_id, tuple(against)
            )
        )
    return rows


def look_again(figures: Figures, edition: Edition, ratings: Mapping[str, PracticeRatings]) -> list[LookAgain]:
    titles: dict[str, str] = {str(k.id): k.title for k in edition.references.key_questions}
    bearing = {
        kq: [i for i, d in enumerate(edition.domains) if KEY_QUESTION_IDS[kq] in d.key_questions]
        for kq in KEY_QUESTIONS
    }
    found = []
    for practice in figures.practices:
        held = ratings.get(practice.practice_code)
        if practice.status != "valid" or held is None:
            continue
        for kq in KEY_QUESTIONS:
            cqc = held.ratings.get(kq)
            own = [practice.ratings[i] for i in bearing[kq] if practice.ratings[i] != "none"]
            if cqc is None or not own:
                continue
            if (cqc in POOR and all(r == "green" for r in own)) or (cqc in GOOD and "red" in own):
                words = ", ".join(f"{figures.domains[i].title}: {practice.ratings[i]}" for i in bearing[kq])
                codes = ", ".join(f"{figures.domains[i].code} {practice.ratings[i]}" for i in bearing[kq])
                published = held.published.isoformat() if held.published else ""
                found.append(
                    LookAgain(practice.practice_code, practice.practice_name, titles.get(KEY_QUESTION_IDS[kq], kq), words, cqc, published, codes)
                )  # fmt: skip
    return found
