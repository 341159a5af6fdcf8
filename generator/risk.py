"""Which answers flag a risk: the standards' own rules, compiled once per question.

A question's rules are written in the standards (``risk_answers``, ``risk_below``,
``risk_above``, ``risk_older_than_months``). An answer flags a risk when:

* it is one of ``risk_answers`` (case and surrounding spaces ignored);
* it is a number below ``risk_below`` or above ``risk_above``;
* it is a date more than ``risk_older_than_months`` months before the day the return was received, or
  ``never`` (the thing has never been done).

An answer that cannot be read as its type (which a valid return does not hold) flags nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from .answertypes import NEVER_WORDS
from .model import Question

RiskTest = Callable[[str, dt.date], bool]
"""(answer, day the return was received) → whether the answer flags a risk."""


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def normal(answer: str) -> str:
    """An answer as compared with the rules: without surrounding spaces, lower case."""
    return answer.strip().casefold()


def risk_test(question: Question) -> RiskTest | None:
    """The test of ``question``'s risk rules, or None when no answer to it can flag a risk."""
    if not question.can_flag_risk:
        return None
    risky = frozenset(normal(a) for a in question.risk_answers)
    below, above, months = question.risk_below, question.risk_above, question.risk_older_than_months

    cutoffs: dict[dt.date, dt.date] = {}
    """The day before which a date flags a risk, for each day a return was received."""

    def flags(answer: str, received: dt.date) -> bool:
        value = normal(answer)
        if not value:
            return False
        if value in risky:
            return True
        if below is not None or above is not None:
            try:
                number = float(value)
            except ValueError:
                return False
            return (below is not None and number < below) or (above is not None and number > above)
        if months is not None:
            if value in NEVER_WORDS:
                return True
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return False
            cutoff = cutoffs.get(received)
            if cutoff is None:
                cutoff = cutoffs[received] = months_before(received, months)
            return day < cutoff
        return False

    return flags
