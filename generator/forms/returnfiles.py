"""The return format's published files: the template, a worked example, the Table Schema, the data package, questions.csv.

Each function takes an edition and gives the file's bytes, the same bytes for the same
content on every build: no dates of the build, keys in a fixed order, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, get_args

from ..answertypes import TYPES
from ..model import BasisKind, Edition, Severity
from ..returnformat import ALL_COLUMNS, QUESTIONS_CSV_COLUMNS, questions_rows, table_schema
from .example import example_rows

TEMPLATE = "return-template.csv"
EXAMPLE = "example-return.csv"
SCHEMA = "return.schema.json"
DATAPACKAGE = "datapackage.json"
QUESTIONS = "questions.csv"


def _csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def return_template(edition: Edition) -> bytes:
    """return-template.csv: one row per question of the edition, the practice code and answers left empty."""
    rows = [
        {"practice_code": "", "edition": edition.id, "question_id": question.id}
        for _, _, question in edition.questions()
    ]
    return _csv(ALL_COLUMNS, [{c: row.get(c, "") for c in ALL_COLUMNS} for row in rows])


def example_return(edition: Edition) -> bytes:
    """example-return.csv: a fictional practice's complete return, some answers with action plans."""
    return _csv(ALL_COLUMNS, example_rows(edition))


def return_schema(edition: Edition) -> bytes:
    """return.schema.json: the Frictionless Table Schema of a return."""
    return _json(table_schema(edition))


def questions_csv(edition: Edition) -> bytes:
    """questions.csv: the edition's questions as open data."""
    return _csv(QUESTIONS_CSV_COLUMNS, questions_rows(edition))


QUESTIONS_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "domain_id", "title": "Domain id", "type": "string", "constraints": {"required": True}},
        {
            "name": "standard_id",
            "title": "Standard id",
            "description": "Empty for a domain's support-request question.",
            "type": "string",
        },
        {"name": "question_id", "title": "Question id", "type": "string", "constraints": {"required": True}},
        {"name": "question", "title": "Question", "type": "string", "constraints": {"required": True}},
        {
            "name": "answer_type",
            "title": "Answer type",
            "type": "string",
            "constraints": {
                "required": True,
                "enum": list(TYPES),
            },
        },
        {
            "name": "options",
            "title": "Allowed answers",
            "description": "The answers a return may give, separated by '|'; empty where any value of the type will do.",
            "type": "string",
        },
        {
            "name": "required",
            "title": "Required",
            "type": "boolean",
            "trueValues": ["true"],
            "falseValues": ["false"],
            "constraints": {"required": True},
        },
        {"name": "minimum", "title": "Minimum", "description": "Number questions only.", "type": "number"},
        {"name": "maximum", "title": "Maximum", "description": "Number questions only.", "type": "number"},
        {
            "name": "severity",
            "title": "Severity",
            "description": "How much an answer that flags a risk weighs; empty where none can, or the edition gives none.",
            "type": "string",
            "constraints": {"enum": list(get_args(Severity))},
        },
        {
            "name": "basis",
            "title": "Basis",
            "description": "What the expectation rests on; empty where the edition gives no basis.",
            "type": "string",
            "constraints": {"enum": list(get_args(BasisKind))},
        },
        {
            "name": "basis_source",
            "title": "Basis: source",
            "description": "Which law, contract clause or guidance the expectation rests on.",
            "type": "string",
        },
    ],
    "primaryKey": ["question_id"],
    "missingValues": [""],
}


def datapackage(edition: Edition) -> bytes:
    """datapackage.json: the worked example return (with the return schema) and questions.csv."""
    name = f"gp-quality-safety-{edition.id}"
    package = {
        "name": name,
        "title": f"{edition.info.title}: return format",
        "description": (
            "The return a GP practice sends for its self-assessment: a worked example of a fictional practice's "
            "return, checked against the published return schema, and the edition's questions."
        ),
        "version": edition.id,
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "title": "Open Government Licence v3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            }
        ],
        "resources": [
            {
                "name": "example-return",
                "title": "Example return (fictional practice)",
                "path": EXAMPLE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": SCHEMA,
            },
            {
                "name": "questions",
                "title": "Questions of the edition",
                "path": QUESTIONS,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": QUESTIONS_SCHEMA,
            },
        ],
    }
    return _json(package)


FILES = {
    QUESTIONS: questions_csv,
    TEMPLATE: return_template,
    EXAMPLE: example_return,
    SCHEMA: return_schema,
    DATAPACKAGE: datapackage,
}
"""Each file of the return format, by name, and the function that makes it."""
