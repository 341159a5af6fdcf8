"""A worked example of a return: a fictional practice that answers every question, some with action plans.

The answers are chosen from each question's own rules, so the example stays valid as the
standards change: an allowed answer for the yes/no kinds and choices, a number within
bounds, an ISO date, and now and then an answer that flags a risk, with its action plan.
"""

from __future__ import annotations

import datetime as dt

from ..model import Edition, Question
from ..returnformat import ALL_COLUMNS, number_text

PRACTICE_CODE = "Z99999"
"""The example practice's ODS code: fictional, in the shape of a real one."""
PRACTICE_NAME = "Riverside Medical Practice (example)"

RISK_EVERY = 5
"""One in this many questions that can flag a risk is answered with a risk and an action plan."""


def return_date(edition: Edition) -> dt.date:
    """The day the example practice notionally sends its return: a month before the deadline."""
    deadline = edition.info.return_deadline or edition.info.published or dt.date(int(edition.id[:4]) + 1, 3, 31)
    return deadline - dt.timedelta(days=30)


def _safe_number(question: Question) -> float:
    low = question.minimum if question.minimum is not None else 0.0
    high = question.maximum if question.maximum is not None else max(low, 100.0)
    if question.risk_below is not None:
        low = max(low, question.risk_below)
    if question.risk_above is not None:
        high = min(high, question.risk_above)
    value = low + (high - low) * 0.6
    rounded = float(round(value))
    return rounded if low <= rounded <= high else value


def _risky_number(question: Question) -> float | None:
    if question.risk_below is not None:
        low = question.minimum if question.minimum is not None else question.risk_below - 1
        value = float(round((low + question.risk_below) / 2 - 0.5))
        return value if low <= value < question.risk_below else None
    if question.risk_above is not None:
        high = question.maximum if question.maximum is not None else question.risk_above + 1
        value = float(round((high + question.risk_above) / 2 + 0.5))
        return value if question.risk_above < value <= high else None
    return None


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


def answer(question: Question, day: dt.date, risky: bool) -> tuple[str, bool]:
    """An answer to ``question`` on ``day``; a risky one if asked and the question allows it. Returns (answer, flags a risk)."""
    if question.type in ("yes_no", "yes_no_partial_na", "choice"):
        allowed = question.allowed_answers
        if risky:
            risk = [a for a in allowed if a in question.risk_answers]
            if risk:
                return risk[0], True
        safe = [a for a in allowed if a not in question.risk_answers]
        return (safe or list(allowed))[0], False
    if question.type == "number":
        if risky:
            value = _risky_number(question)
            if value is not None:
                return number_text(value), True
        return number_text(_safe_number(question)), False
    if question.type == "date":
        if risky and question.risk_older_than_months is not None:
            return _add_months(day, -(question.risk_older_than_months + 3)).isoformat(), True
        return (day - dt.timedelta(days=47)).isoformat(), False
    return "Discussed at the practice meeting; notes kept with the minutes.", False


def example_rows(edition: Edition) -> list[dict[str, str]]:
    """The rows of the example return, in the order of the edition's questions, with every column."""
    day = return_date(edition)
    rows: list[dict[str, str]] = []
    risk_capable = 0
    for index, (domain, standard, question) in enumerate(edition.questions()):
        row = dict.fromkeys(ALL_COLUMNS, "")
        row.update(practice_code=PRACTICE_CODE, edition=edition.id, question_id=question.id)
        if standard is None:
            wants = edition.domains.index(domain) % 4 == 1
            row["answer"] = "yes" if wants else "no"
            if wants:
                row["comment"] = "A visit from the ICB lead to go through our action plan would help most."
        else:
            risky = question.can_flag_risk and risk_capable % RISK_EVERY == 1
            risk_capable += question.can_flag_risk
            row["answer"], flagged = answer(question, day, risky)
            if flagged:
                row["comment"] = "Found while preparing this return."
                row["action"] = f"Put right by the next practice meeting and recheck ({question.id})."
                row["action_owner"] = "Practice manager"
                row["action_due"] = _add_months(day, 3).isoformat()
            elif index % 7 == 3:
                row["comment"] = "Evidence held in the shared drive, Quality folder."
        rows.append(row)
    return rows
