"""Judging answers for the report: the standards' risk rules (:mod:`generator.risk`), applied to many answers at once."""

from __future__ import annotations

import datetime as dt

from .. import answertypes
from ..model import Question
from ..risk import months_before, normal, risk_test

__all__ = ["Judge", "months_before", "normal", "received_day", "risk_test"]


def received_day(received_at: str) -> dt.date:
    """The day a return was received, from the ledger's ISO 8601 time (today when it cannot be read)."""
    try:
        return dt.date.fromisoformat(received_at[:10])
    except ValueError:
        return dt.date.today()


class Judge:
    """Judges the answers to one question: which of ``categories`` each is, and whether it flags a risk.

    A report judges a million answers, most of them the same few strings: each distinct
    answer is judged once and kept in :attr:`known`, which callers read first
    (``judge.known.get(answer) or judge(answer, day)``). Answers to a date question are
    not kept, as their risk depends on the day the return was received.
    """

    __slots__ = ("_categories", "_dated", "_test", "known")

    def __init__(self, question: Question, categories: tuple[str, ...] = ()) -> None:
        self._categories = {c: i for i, c in enumerate(categories)} if answertypes.of(question).answers else {}
        self._test = risk_test(question)
        self._dated = question.risk_older_than_months is not None
        self.known: dict[str, tuple[int, bool]] = {}
        """Answer → judgement, for the answers already judged."""

    def __call__(self, answer: str, received: dt.date) -> tuple[int, bool]:
        """One answer's category (its index, or -1 when it is none of them) and whether it flags a risk."""
        judged = (self._categories.get(normal(answer), -1), self._test is not None and self._test(answer, received))
        if not self._dated:
            self.known[answer] = judged
        return judged
