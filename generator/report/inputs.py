"""What a report is computed from, as plain values: submissions, their answers, the practice register.

These types do not know where they came from: :mod:`.ledger` fills them from the
collector's SQLite ledger, tests build them by hand. A report reads, per practice,
the latest valid return (a newer valid return supersedes an older one); a practice
whose every return was invalid is reported with its latest invalid one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..returns.counts import rank

if TYPE_CHECKING:
    from ..returns.register import Register


class Notes(NamedTuple):
    """What a practice wrote beside an answer: its comment and action plan (most answers have none)."""

    comment: str = ""
    action: str = ""
    action_owner: str = ""
    action_due: str = ""


NO_NOTES = Notes()


class Answer(NamedTuple):
    """One answer of a valid return, with its notes."""

    answer: str
    comment: str = ""
    action: str = ""
    action_owner: str = ""
    action_due: str = ""


@dataclass(frozen=True)
class Submission:
    """One file received, as the collector recorded it."""

    id: int
    practice_code: str
    """Empty when the file could not be read far enough to tell."""
    received_at: str
    """When it was received, ISO 8601 (UTC)."""
    file_name: str
    source: str
    valid: bool
    problems: tuple[str, ...] = ()
    """For an invalid return, each problem in words."""
    superseded: bool = False


@dataclass(frozen=True)
class Returns:
    """The returns to one edition: every submission, and the answers of the chosen one per practice."""

    edition_id: str
    submissions: tuple[Submission, ...]
    answers: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    """Answers by submission id, then question id: at least those of the :func:`chosen` valid submissions.
    (Plain strings: the returns of every practice in England hold over a million answers.)"""
    notes: Mapping[int, Mapping[str, Notes]] = field(default_factory=dict)
    """The notes of the answers that have any, by submission id, then question id."""

    def chosen(self) -> dict[str, Submission]:
        return chosen(self.submissions)

    def answer(self, submission_id: int, question_id: str) -> Answer:
        """One answer with its notes."""
        given = self.answers.get(submission_id, {}).get(question_id, "")
        return Answer(given, *self.notes.get(submission_id, {}).get(question_id, NO_NOTES))


def chosen(submissions: Iterable[Submission]) -> dict[str, Submission]:
    """The submission to report for each practice: its latest valid one, else its latest one.

    Latest means received last (ties broken by the ledger's id). Submissions with no
    practice code are left out; :func:`unattributed` lists them.
    """
    best: dict[str, Submission] = {}
    for sub in submissions:
        if not sub.practice_code:
            continue
        held = best.get(sub.practice_code)
        if held is None or rank(sub.valid, sub.received_at, sub.id) > rank(held.valid, held.received_at, held.id):
            best[sub.practice_code] = sub
    return dict(sorted(best.items()))


def unattributed(submissions: Iterable[Submission]) -> list[Submission]:
    """Files that could not be tied to a practice (not a return we can read, or no practice code)."""
    return sorted((s for s in submissions if not s.practice_code), key=lambda s: (s.received_at, s.id))


def read_register(path: Path, icb: str | None = None) -> Register:
    """The practice register, read as ``toolkit collect`` reads it: a simple CSV or NHS England's epraccur file."""
    from ..returns.register import read_register_file

    return read_register_file(path, icb)
