"""Plain-English descriptions for the pages: how a question is answered, what flags a risk, sizes and dates."""

from __future__ import annotations

import datetime as dt

from .. import answertypes
from ..answertypes import listed, with_unit
from ..model import Question

__all__ = ["answer", "date", "listed", "risk", "size"]


def answer(question: Question) -> str:
    """How a practice answers, such as 'Yes, partial, no or not applicable'."""
    return answertypes.of(question).describe(question)


def risk(question: Question) -> str:
    """Which answers flag a risk, such as 'no or partial'; '' when none can."""
    parts: list[str] = []
    if question.risk_answers:
        parts.append(listed(question.risk_answers))
    if question.risk_below is not None:
        parts.append(f"less than {with_unit(question.risk_below, question.unit)}")
    if question.risk_above is not None:
        parts.append(f"more than {with_unit(question.risk_above, question.unit)}")
    if question.risk_older_than_months is not None:
        months = question.risk_older_than_months
        parts.append(f"a date more than {months} month{'' if months == 1 else 's'} before your return")
    return listed(parts)


def size(size_bytes: int) -> str:
    """A file size as GOV.UK gives it: '512 bytes', '12 KB', '1.4 MB'."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def date(value: dt.date | None) -> str:
    """'30 September 2025'; '' for no date."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
