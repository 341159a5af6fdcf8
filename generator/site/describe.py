"""Plain-English descriptions for the pages: how a question is answered, what flags a risk, sizes and dates."""

from __future__ import annotations

import datetime as dt

from .. import answertypes
from ..answertypes import listed, with_unit
from ..model import Basis, BasisKind, Question, Severity

__all__ = ["answer", "basis", "basis_kind", "date", "listed", "risk", "severity", "size"]

BASIS_KINDS: dict[BasisKind, str] = {
    "law": "Law",
    "contract": "GP contract",
    "cqc-guidance": "CQC guidance",
    "national-guidance": "National guidance",
    "good-practice": "Good practice",
    "icb-choice": "The ICB's own choice",
}
"""How each kind of basis is named to a practice."""

SEVERITIES: dict[Severity, str] = {
    "high": "high (a risk to patients now)",
    "medium": "medium",
    "low": "low",
}
"""How each severity is described beside a question that can flag a risk."""


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
        parts.append(f"a date more than {months} month{'' if months == 1 else 's'} before your return, or never")
    return listed(parts)


def basis_kind(value: Basis | None) -> str:
    """The kind of a basis as a practice reads it, such as 'Law' or 'Good practice'; '' for none."""
    return "" if value is None else BASIS_KINDS[value.kind]


def basis(value: Basis | None) -> str:
    """A basis in one line, such as 'Law: Regulation 13 of the 2014 Regulations'; '' for none."""
    return "" if value is None else f"{BASIS_KINDS[value.kind]}: {value.source}"


def severity(question: Question) -> str:
    """How much a flag on the question weighs, such as 'medium'; '' where it has no severity."""
    return "" if question.severity is None else SEVERITIES[question.severity]


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
