"""The words of the online form: what a field's error message says, and how answers are shown.

Kept as data so the page shows exactly these (the form's script fills in ``{id}``,
``{minimum}`` and the like) and a test can hold the page to them. A file checked on
the "check a return" page is described in the collector's own words instead
(``question_rules(edition)["messages"]``), so that the page and ``toolkit collect``
never disagree.
"""

from __future__ import annotations

from typing import Final

FORM_MESSAGES: Final[dict[str, str]] = {
    # the practice's details (start page)
    "practice_code_missing": "Enter your practice's ODS code",
    "practice_code_pattern": "Enter your practice's ODS code as one letter and five digits, like C82001",
    "practice_name_missing": "Enter your practice's name",
    "completed_by_missing": "Enter the name of the person completing the self-assessment",
    # answers
    "select_missing": "Select an answer to {id}",
    "number_missing": "Enter a number for {id}",
    "number_not_number": "The answer to {id} must be a number, like 12 or 12.5",
    "number_between": "The answer to {id} must be between {minimum} and {maximum}",
    "number_at_least": "The answer to {id} must be {minimum} or more",
    "number_at_most": "The answer to {id} must be {maximum} or less",
    "date_missing": "Enter a date for {id}, or tick Never done",
    "date_incomplete": "The date for {id} must include a {parts}",
    "date_not_real": "The date for {id} must be a real date",
    "text_missing": "Enter an answer to {id}",
    "comment_na_missing": "Say in the comment why {id} does not apply, such as '{when}'",
    "check_again": "Check the answer carried forward to {id}, then keep it or change it",
    # the action plan asked for when an answer flags a risk
    "action_missing": "Say what the practice will do about {id}",
    "action_owner_missing": "Say who will make sure the action on {id} is done",
    "action_due_missing": "Enter the date the action on {id} is due",
    "action_due_incomplete": "The date the action on {id} is due must include a {parts}",
    "action_due_not_real": "The date the action on {id} is due must be a real date",
}
"""Error messages by the fields they belong to, GOV.UK style: what is wrong and how to put it right."""

ANSWER_LABELS: Final[dict[str, str]] = {
    "yes": "Yes",
    "partial": "Partial",
    "no": "No",
    "not applicable": "Not applicable",
}
"""How the fixed answers of the yes/no kinds read on screen; choice options are shown as the editor wrote them."""


def answer_label(answer: str) -> str:
    """The on-screen label of an answer: 'not applicable' → 'Not applicable'; a choice option as it is."""
    return ANSWER_LABELS.get(answer, answer)
