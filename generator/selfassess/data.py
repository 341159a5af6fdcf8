"""What the self-assessment pages' scripts know about an edition, as one JSON document.

The pages load it as a generated script (``assets/edition.js``) rather than fetching a
JSON file, which a browser refuses for a site opened from disk. Everything in it comes
from the model through the sources the collector reads too: the question rules and the
collector's message templates (:func:`generator.returnformat.question_rules`) and the
return's Table Schema (:func:`generator.returnformat.table_schema`); plus the form's own
words, what each question's answer type means for the form (``answer_type``:
:meth:`generator.answertypes.AnswerType.data`) and, for carrying a return forward, how earlier editions' questions lead to this one's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from .. import answertypes
from ..carry import NOT_FITTING, why_check_again
from ..lineage import lineage, lineage_json
from ..model import Domain, Edition, Library
from ..paths import anchor
from ..returnformat import (
    ACTION_COLUMNS,
    ALL_COLUMNS,
    COLUMNS,
    JSON_FORMAT,
    ODS_PATTERN,
    WORKBOOK_COLUMNS,
    WORKBOOK_DATA_SHEET,
    question_rules,
    table_schema,
)
from ..returns.read import MAX_MEMBERS, MAX_RATIO, MAX_UNPACKED, SIGNATURES
from .messages import FORM_MESSAGES, answer_label

STORAGE_PREFIX = "gpqs-selfassess/1"
"""Every key the form keeps in the browser's local storage starts with this."""

DRAFT_FORMAT = "gp-quality-selfassess-draft/1"
"""The ``format`` of a draft kept in local storage (an export uses ``JSON_FORMAT``)."""

GuidanceHref = Callable[[str], str]
"""Turns a question's guidance page (``question_rules``'s "page", relative to the edition's root) into a link
that works from the self-assessment pages."""


def field_id(question_id: str) -> str:
    """The HTML id of a question's answer field: 'SG1.2' → 'q-sg1-2'."""
    return f"q-{anchor(question_id)}"


def domain_file(domain: Domain) -> str:
    """The page of a domain in the self-assessment section, such as 'safeguarding.html'."""
    return f"{domain.id}.html"


def question_name(question_id: str, text: str) -> str:
    """A question by its id and its words, for a message read away from the question: 'SG1.2 “Does the practice…”'."""
    words = text.strip()
    if len(words) > 90:
        words = re.sub(r"\s+\S*$", "", words[:90]) + "…"
    return f"{question_id} “{words}”" if words else question_id


def carry_data(library: Library, edition: Edition) -> list[dict[str, Any]]:
    """How each earlier published edition's questions lead to ``edition``'s, newest first, for carrying returns forward.

    Each is :func:`generator.lineage.lineage_json` with, for every question whose carried answer
    must be checked again, the reason in ``toolkit carry-forward``'s own words (``reasons``, from
    :func:`generator.carry.why_check_again`), and what is added when last year's answer no longer
    fits (``not_fitting``): the form shows the same words, written once in Python.
    """
    found = []
    for old in library.published():
        if old.id >= edition.id:
            continue
        between = [e for e in library.editions.values() if old.id < e.id < edition.id]
        traced = lineage_json(old, edition, between)
        traced["reasons"] = {
            q.question.id: why_check_again(q, old.id)
            for q in lineage(old, edition, between).questions
            if q.may_check_again and q.predecessor is not None
        }
        traced["not_fitting"] = NOT_FITTING
        found.append(traced)
    return found


def editions_data(library: Library, check_pages: Mapping[str, str]) -> dict[str, Any]:
    """Which editions a return may name, as the collector tells them apart, and where each one's returns are checked."""
    current = library.current()
    return {
        "published": sorted(e.id for e in library.published()),
        "drafts": sorted(e.id for e in library.editions.values() if e.info.status == "draft"),
        "current": current.id if current else "",
        "check_pages": dict(check_pages),
    }


def form_data(
    edition: Edition,
    library: Library,
    guidance_href: GuidanceHref,
    *,
    submission_url: str | None = None,
    check_pages: Mapping[str, str] | None = None,
    icb: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The edition as the pages' scripts see it; ``icb`` is the ICB's settings from toolkit.yml (``Settings.as_data``),
    with ``where_to_send``, the sentence saying how and by when to send the return."""
    rules = question_rules(edition)
    questions = []
    for rule, (_, _, model) in zip(rules["questions"], edition.questions(), strict=True):
        question = dict(rule)
        question["field"] = field_id(rule["question_id"])
        question["guidance"] = guidance_href(rule["page"])
        question["labels"] = {answer: answer_label(answer) for answer in rule["answers"]}
        question["answer_type"] = answertypes.of(model).data(model)
        question["not_applicable_when"] = model.not_applicable_when
        question["name"] = question_name(rule["question_id"], rule["text"])
        questions.append(question)
    by_domain: dict[str, list[str]] = {}
    for rule in rules["questions"]:
        by_domain.setdefault(rule["domain_id"], []).append(rule["question_id"])
    return {
        "format": JSON_FORMAT,
        "draft_format": DRAFT_FORMAT,
        "storage_prefix": STORAGE_PREFIX,
        "not_applicable": answertypes.NOT_APPLICABLE,
        "edition": edition.id,
        "title": edition.info.title,
        "status": edition.info.status,
        "return_deadline": edition.info.return_deadline.isoformat() if edition.info.return_deadline else None,
        "action_plan_required": edition.info.action_plan_required,
        "ods_pattern": ODS_PATTERN,
        "columns": list(COLUMNS),
        "action_columns": list(ACTION_COLUMNS),
        "all_columns": list(ALL_COLUMNS),
        "submission_url": submission_url or None,
        "icb": dict(icb) if icb else None,
        "domains": [
            {"id": d.id, "title": d.title, "page": domain_file(d), "questions": by_domain.get(d.id, [])}
            for d in edition.domains
        ],
        "questions": questions,
        "schema": table_schema(edition),
        "form_messages": dict(FORM_MESSAGES),
        "collector_messages": rules["messages"],
        "signatures": [[[[at, list(magic)] for at, magic in parts], kind] for parts, kind in SIGNATURES],
        "workbook": {
            "data_sheet": WORKBOOK_DATA_SHEET,
            "columns": dict(WORKBOOK_COLUMNS),
            "max_unpacked": MAX_UNPACKED,
            "max_ratio": MAX_RATIO,
            "max_members": MAX_MEMBERS,
        },
        "editions": editions_data(library, check_pages or {}),
        "carry": carry_data(library, edition),
    }


def to_script(data: Mapping[str, Any], name: str = "GPQS_SELFASSESS") -> str:
    """``data`` as a classic script that sets ``window.<name>``, safe to load from any page.

    JSON is valid JavaScript; '<', '>' and '&' are escaped so that no text of the standards
    can close a script element, U+2028/U+2029 so that older engines parse it, and '/' so
    that an address in the data (the submission URL, a schema's ``$schema``) is not taken
    for a file the page loads from outside by tools that look for one.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("/", "\\/"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return f'"use strict";\nwindow.{name} = {text};\n'
