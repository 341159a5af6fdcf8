"""A worked example of a return: a fictional practice that answers every question, some with action plans.

The answers are chosen from each question's own rules, so the example stays valid as the
standards change: an allowed answer for the yes/no kinds and choices, a number within
bounds, an ISO date, and now and then an answer that flags a risk, with its action plan.
"""

from __future__ import annotations

import datetime as dt

from .. import answertypes
from ..answertypes import add_months as _add_months
from ..model import Edition, Question
from ..returnformat import ALL_COLUMNS

PRACTICE_CODE = "Z99999"
"""The example practice's ODS code: fictional, in the shape of a real one."""
PRACTICE_NAME = "Riverside Medical Practice (example)"

RISK_EVERY = 5
"""One in this many questions that can flag a risk is answered with a risk and an action plan."""


def return_date(edition: Edition) -> dt.date:
    """The day the example practice notionally sends its return: a month before the deadline."""
    deadline = edition.info.return_deadline or edition.info.published or dt.date(int(edition.id[:4]) + 1, 3, 31)
    return deadline - dt.timedelta(days=30)


def answer(question: Question, day: dt.date, risky: bool) -> tuple[str, bool]:
    """An answer to ``question`` on ``day``; a risky one if asked and the question allows it. Returns (answer, flags a risk)."""
    return answertypes.of(question).example(question, day, risky)


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
