"""The return format: the one shape every way of answering comes back in, and its published rules.

A return is a table with one row per question:
``practice_code,edition,question_id,answer,comment`` then the optional action-plan
columns ``action,action_owner,action_due``.

The Frictionless Table Schema built here is published with each edition
(``return.schema.json``) and is the one source of the rules a Table Schema can
express; :func:`question_rules` exports, as plain data, the per-question rules it
cannot (allowed answers, bounds, what flags a risk), for the collector and the
site's in-browser checker alike.
"""

from __future__ import annotations

from typing import Any

from .answertypes import number_text as number_text
from .model import Domain, Edition, Question, Standard
from .paths import question_page
from .returns.messages import export as message_templates

COLUMNS = ("practice_code", "edition", "question_id", "answer", "comment")
ACTION_COLUMNS = ("action", "action_owner", "action_due")
ALL_COLUMNS = COLUMNS + ACTION_COLUMNS

ODS_PATTERN = "^[A-Z][0-9]{5}$"
"""A GP practice's ODS code: one capital letter and five digits, such as C82001."""

QUESTIONS_CSV_COLUMNS = (
    "domain_id",
    "standard_id",
    "question_id",
    "question",
    "answer_type",
    "options",
    "required",
    "minimum",
    "maximum",
    "severity",
    "basis",
    "basis_source",
)


def table_schema(edition: Edition) -> dict[str, Any]:
    """The Frictionless Table Schema of a return to ``edition``."""
    question_ids = [q.id for _, _, q in edition.questions()]
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "title": f"Self-assessment return, {edition.info.title}",
        "description": (
            "One row per question. Answers must be one the question allows (see questions.csv); "
            "an answer that flags a risk asks for an action plan in action, action_owner and action_due."
        ),
        "fields": [
            {
                "name": "practice_code",
                "title": "Practice ODS code",
                "description": "The practice's ODS code: one capital letter and five digits, such as C82001.",
                "type": "string",
                "constraints": {"required": True, "pattern": ODS_PATTERN},
            },
            {
                "name": "edition",
                "title": "Edition",
                "description": "The edition of the standards answered.",
                "type": "string",
                "constraints": {"required": True, "enum": [edition.id]},
            },
            {
                "name": "question_id",
                "title": "Question id",
                "description": "The id of the question answered, as in questions.csv.",
                "type": "string",
                "constraints": {"required": True, "enum": question_ids},
            },
            {
                "name": "answer",
                "title": "Answer",
                "description": "The answer, as questions.csv allows for the question.",
                "type": "string",
            },
            {
                "name": "comment",
                "title": "Comment",
                "description": "Anything the practice wants to add.",
                "type": "string",
            },
            {
                "name": "action",
                "title": "Action",
                "description": "What the practice will do about an answer that flags a risk.",
                "type": "string",
            },
            {"name": "action_owner", "title": "Action owner", "description": "Who will do it.", "type": "string"},
            {
                "name": "action_due",
                "title": "Action due",
                "description": "By when, YYYY-MM-DD.",
                "type": "date",
            },
        ],
        "primaryKey": ["question_id"],
        "missingValues": [""],
        # Fields are matched by name, as the collector reads columns: in any order, the action-plan columns
        # may be left out, and a column of the practice's own is let through (the collector warns of it).
        "fieldsMatch": "partial",
    }


def options_text(question: Question) -> str:
    """The allowed answers as questions.csv gives them: separated by '|', or empty where any value of the type will do."""
    return "|".join(question.allowed_answers)


def _number(value: float | None) -> str:
    return "" if value is None else number_text(value)


def questions_rows(edition: Edition) -> list[dict[str, str]]:
    """The rows of questions.csv: the edition's questions as open data."""
    rows = []
    for domain, standard, question in edition.questions():
        basis = standard.basis_of(question) if standard else None
        rows.append(
            {
                "domain_id": domain.id,
                "standard_id": standard.id if standard else "",
                "question_id": question.id,
                "question": question.text,
                "answer_type": question.type,
                "options": options_text(question),
                "required": "true" if question.required else "false",
                "minimum": _number(question.minimum),
                "maximum": _number(question.maximum),
                "severity": question.severity or "",
                "basis": basis.kind if basis else "",
                "basis_source": basis.source if basis else "",
            }
        )
    return rows


def question_rule(domain: Domain, standard: Standard | None, question: Question) -> dict[str, Any]:
    """Everything needed to check an answer to ``question``, as plain data."""
    return {
        "domain_id": domain.id,
        "domain_title": domain.title,
        "standard_id": standard.id if standard else None,
        "question_id": question.id,
        "text": question.text,
        "type": question.type,
        "required": question.required,
        "answers": list(question.allowed_answers),
        "minimum": question.minimum,
        "maximum": question.maximum,
        "unit": question.unit,
        "risk_answers": list(question.risk_answers),
        "risk_below": question.risk_below,
        "risk_above": question.risk_above,
        "risk_older_than_months": question.risk_older_than_months,
        "support": standard is None,
        "page": question_page(domain, question),
    }


def question_rules(edition: Edition) -> dict[str, Any]:
    """The edition's rules for returns, as JSON-ready data (published as rules.json).

    ``messages`` holds the words of every problem the collector reports, as templates
    (see :mod:`generator.returns.messages`), so the in-browser checker words them alike.
    """
    return {
        "edition": edition.id,
        "title": edition.info.title,
        "status": edition.info.status,
        "action_plan_required": edition.info.action_plan_required,
        "ods_pattern": ODS_PATTERN,
        "columns": list(COLUMNS),
        "action_columns": list(ACTION_COLUMNS),
        "questions": [question_rule(d, s, q) for d, s, q in edition.questions()],
        "messages": message_templates(),
    }


# --- how a return travels in each format --------------------------------------------------------------

JSON_FORMAT = "gp-quality-return/1"
"""The ``format`` value of a return exported as JSON by the online form. Its shape::

    {"format": "gp-quality-return/1", "edition": "2025-26", "practice_code": "C82001",
     "practice_name": "…", "completed_by": "…", "exported_at": "2025-06-01T10:00:00Z",
     "answers": [{"question_id": "SG1.1", "answer": "yes", "comment": "",
                  "action": "", "action_owner": "", "action_due": ""}, …]}
"""

WORKBOOK_DATA_SHEET = "_return"
"""The hidden sheet of the self-assessment workbook that tells a reader where everything is::

    A1 "format"        B1 JSON_FORMAT
    A2 "edition"       B2 the edition id
    A3 "practice_code" B3 the sheet and cell holding the practice code, such as "Start!C4"
    A4 "question_id"   B4 "sheet"   C4 "row"          (a header row)
    A5… one row per question: its id, the sheet it is on, and the row of its answer

On each domain sheet, a question's row holds its answer and the action plan in fixed columns:
"""

WORKBOOK_COLUMNS = {
    "question_id": "A",
    "question": "B",
    "answer": "C",
    "comment": "D",
    "action": "E",
    "action_owner": "F",
    "action_due": "G",
}
