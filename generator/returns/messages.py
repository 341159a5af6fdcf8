"""The words of every problem a return can have: templates with named placeholders, kept as data.

The collector fills them in here; the site's in-browser "check a return" page fills in the
same templates (published in ``rules.json`` under ``"messages"``, see
:func:`generator.returnformat.question_rules`), so a practice reads the same words
whichever checks its return. The templates use only ``{name}`` placeholders (no format
specifications), so JavaScript fills them with one ``replace``; lists of words are joined
by :func:`join_words` (", " between, " or " before the last), which is as easy to mirror.

A problem is a value (:class:`ReturnProblem`): its template's code, the values that fill
it, and where it is. It is put into words only at the edge: on the terminal, in a
feedback page, in a CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

SEND_INSTEAD = "Send your return as the CSV file, the self-assessment workbook (.xlsx) or the file the online form exports (.json)."

MESSAGES: dict[str, str] = {
    # --- the file as a whole ----------------------------------------------------------------------
    "not_a_return": "This is not a return we can read: {what}. " + SEND_INSTEAD,
    "too_large": (
        "This file is {size}, more than the {limit} a return can be, so it was not collected. " + SEND_INSTEAD
    ),
    "workbook_unsafe": (
        "This workbook would unpack to {size}, far more than a self-assessment workbook holds, so it was not opened. "
        "Send the workbook as you downloaded and filled it in, or the CSV file."
    ),
    "too_many_rows": (
        "This file has more than {rows} rows, far more than a return has (one row for each question), so it was "
        "not read. Send the return as you downloaded and filled it in: the workbook, the CSV file or the online "
        "form's file."
    ),
    "workbook_unreadable": (
        "This workbook could not be opened: it is damaged, or it is not an Excel workbook. Save it again in Excel "
        "as an Excel Workbook (.xlsx), or send the CSV file."
    ),
    "workbook_not_ours": (
        "This workbook is not the self-assessment workbook: it has no '{sheet}' sheet, and its first sheet does not "
        "have the return's columns in its first row. Answer in the workbook from the toolkit's downloads, or send the "
        "CSV file."
    ),
    "workbook_sheet_missing": (
        "The workbook has no sheet '{sheet}', where {question_id} is answered: a sheet was renamed or deleted. "
        "Answer in a fresh copy of the workbook from the toolkit's downloads."
    ),
    "workbook_moved": (
        "This row should hold {question_id} but holds '{value}': rows of the workbook were moved or deleted. "
        "Put them back, or answer in a fresh copy of the workbook."
    ),
    "json_invalid": (
        "This file could not be read: it is damaged, or it is not a file the online form exported. "
        "Export the return again from the online form, or send the CSV file."
    ),
    "json_not_ours": (
        "This JSON file is not a return exported by the online form: its 'format' is '{value}', not '{format}'. "
        "Export the return again from the online form."
    ),
    "json_damaged": "The online form's export is damaged: {reason}. Export the return again from the online form.",
    "text_unreadable": (
        "The characters in this file could not be read as UTF-8 or Windows-1252 text. In Excel, use Save As and "
        "choose 'CSV UTF-8 (Comma delimited)'."
    ),
    "csv_unreadable": (
        "This CSV file could not be read: it is damaged, or it is not a return (a cell holds far more text than a "
        "return has). Save it again from Excel as 'CSV UTF-8 (Comma delimited)'."
    ),
    "no_header": (
        "The first row must name the columns {columns}; it is '{value}'. Start from the return template, which has "
        "them."
    ),
    "missing_column": "The column '{column}' is missing: the first row must name the columns {columns}.",
    "unknown_column": "The column '{column}' is not one a return has, so it was not read. The columns are {columns}.",
    "duplicate_column": "The column '{column}' appears twice in the first row: keep one.",
    "extra_cells": (
        "This row has more cells than the first row has columns (the extra: '{value}'). A comment with a comma in it "
        "must be in double quotes, as Excel writes it when it saves a CSV file."
    ),
    "no_answers": "The return has no answers: below the first row, each row answers one question.",
    "unknown_edition": (
        "This return names the edition '{value}', which is not an edition of the standards. "
        "Answer the current edition, {current}."
    ),
    "draft_edition": (
        "This return names the edition '{value}', which is still a draft and not yet issued to practices. "
        "Answer the current edition, {current}."
    ),
    # --- the Table Schema's constraints, by column (code: <constraint>.<column>) ----------------------------
    "required.practice_code": (
        "The practice code is empty: give your practice's ODS code, one capital letter and five digits, such as C82001."
    ),
    "pattern.practice_code": (
        "'{value}' is not an ODS practice code: give one capital letter and five digits, such as C82001."
    ),
    "required.edition": "The edition is empty: give {edition}, the edition this return answers.",
    "enum.edition": "This row names the edition '{value}', but the return answers {edition}: every row must give {edition}.",
    "required.question_id": "The question id is empty: give the id of the question answered, as questions.csv lists it.",
    "enum.question_id": "'{value}' is not a question of the {edition} standards: use the ids that questions.csv lists.",
    "type.action_due": "'{value}' is not a date: write the date the action is due as YYYY-MM-DD, such as {example}.",
    "primaryKey.question_id": (
        "{value} is answered more than once (first at {first}): give one answer to each question."
    ),
    # --- the same constraints on any other column (a Table Schema may grow) ----------------------------------
    "required": "The {column} is empty: it must be given.",
    "pattern": "'{value}' is not allowed in {column}: it must match {pattern}.",
    "enum": "'{value}' is not allowed in {column}: give {allowed}.",
    "minLength": "The {column} is too short: give at least {limit} characters.",
    "maxLength": "The {column} is too long: give at most {limit} characters.",
    "type": "'{value}' in {column} is not a {type}.",
    "primaryKey": "This row repeats the {column} of an earlier row ({first}): each must be different.",
    # --- the question's own rules ---------------------------------------------------------------------------
    "answer_not_allowed": "'{value}' is not an answer to {question_id}: give {allowed}.",
    "answer_not_number": "'{value}' is not a number: {question_id} asks for a number {range}.",
    "answer_out_of_range": "{value} is outside the answers {question_id} allows: give a number {range}.",
    "answer_not_date": (
        "'{value}' is not a date: {question_id} asks for a date written YYYY-MM-DD, such as {example}, or never if it "
        "has never been done."
    ),
    "answer_missing": "{question_id} is not answered: {text}",
    "na_without_reason": (
        "{question_id} is answered not applicable, but the comment does not say why: give the reason, such as "
        "'{when}'."
    ),
    "nothing_answered": (
        "None of the questions is answered: this looks like a blank form. Fill in your answers and send the return "
        "again."
    ),
    "question_missing": "{question_id} is not answered (the return has no row for it): {text}",
    "practice_mixed": (
        "This row is for the practice {value}, but the return is for {practice}: send one return for each practice."
    ),
    "practice_unknown": (
        "{value} is not a practice of this ICB (it is not in the practice register): check the practice code."
    ),
    "action_missing": (
        "The answer '{answer}' to {question_id} flags a risk, so an action plan is asked for: give {missing}."
    ),
    "formula_text": (
        "The {column} starts with '{first}', so a spreadsheet could take it for a formula; it is kept as plain text."
    ),
}
"""Every problem's template, by code. Placeholders: ``value``, ``column``, ``question_id`` and those each names."""

FILE_KINDS: dict[str, str] = {
    "empty": "the file is empty",
    "pdf": "it is a PDF document",
    "word": "it is a Word document",
    "rtf": "it is a Rich Text document",
    "old_office": "it is an Excel 97-2003 workbook or an old Word document; save a workbook as an Excel Workbook (.xlsx)",
    "presentation": "it is a PowerPoint presentation",
    "opendocument": "it is an OpenDocument file; save it as an Excel Workbook (.xlsx) or as CSV",
    "image": "it is an image",
    "zip": "it is a zip archive",
    "html": "it is a web page",
    "email": "it is a saved email; send the return attached to it instead",
    "binary": "it holds binary data, not text",
}
"""What a file that is not a return turned out to be: the ``what`` of ``not_a_return``."""

PLACES: dict[str, str] = {
    "csv": "row {row}",
    "json": "answer {row}",
    "workbook": "sheet '{sheet}' row {row}",
}
"""Where a problem is, by the return's format: a CSV row as a spreadsheet numbers it (the first row is 1)."""

ACTION_WORDS: dict[str, str] = {
    "action": "what you will do (action)",
    "action_owner": "who will do it (action_owner)",
    "action_due": "by when (action_due)",
}
"""The parts of an action plan, as ``action_missing`` names the ones not given."""

SHOWN_LENGTH = 60
"""A value longer than this is shown cut short, ending in '…'."""


def join_words(words: Iterable[str], last: str = "or") -> str:
    """'yes', 'no', 'partial' → 'yes, no or partial'."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def shown(value: str) -> str:
    """A value as a message quotes it: on one line, cut short when long."""
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= SHOWN_LENGTH else one_line[: SHOWN_LENGTH - 1] + "…"


def place(format: str, row: int, sheet: str = "") -> str:
    """Where a row is, in words: 'row 14', 'answer 3', "sheet 'Safeguarding' row 12"; '' for the whole return."""
    if row <= 0:
        return ""
    return PLACES.get(format, PLACES["csv"]).format(row=row, sheet=sheet)


@dataclass(frozen=True)
class ReturnProblem:
    """One thing wrong with a return (an error: the return is invalid) or worth a look (a warning)."""

    code: str
    """The key of its template in :data:`MESSAGES`."""
    params: tuple[tuple[str, str], ...] = ()
    """The values that fill the template, besides ``value``, ``column`` and ``question_id``."""
    severity: Severity = "error"
    row: int = 0
    """The row (CSV), answer (JSON) or sheet row (workbook); 0 for the return as a whole."""
    place: str = ""
    """The row in words, such as 'row 14'; empty for the return as a whole."""
    column: str = ""
    """The column the problem is in, such as 'answer'; empty for a whole row or the whole return."""
    value: str = ""
    """The value found, as shown (see :func:`shown`)."""
    question_id: str = ""
    guidance: str = ""
    """A link to the question's guidance on the site, where there is one."""

    @property
    def message(self) -> str:
        return render(
            self.code,
            {**dict(self.params), "value": self.value, "column": self.column, "question_id": self.question_id},
        )

    def to_json(self) -> dict[str, Any]:
        """The problem as the ledger keeps it: its place and words, and what it was made from."""
        return {
            "severity": self.severity,
            "row": self.row,
            "place": self.place,
            "column": self.column,
            "value": self.value,
            "question_id": self.question_id,
            "message": self.message,
            "guidance": self.guidance,
            "code": self.code,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReturnProblem:
        return cls(
            code=str(data["code"]),
            params=tuple(sorted((str(k), str(v)) for k, v in dict(data.get("params", {})).items())),
            severity="warning" if data.get("severity") == "warning" else "error",
            row=int(data.get("row", 0)),
            place=str(data.get("place", "")),
            column=str(data.get("column", "")),
            value=str(data.get("value", "")),
            question_id=str(data.get("question_id", "")),
            guidance=str(data.get("guidance", "")),
        )


def problem(
    code: str,
    severity: Severity = "error",
    *,
    row: int = 0,
    place: str = "",
    column: str = "",
    value: str = "",
    question_id: str = "",
    guidance: str = "",
    params: Mapping[str, str] | None = None,
    **more: str,
) -> ReturnProblem:
    """A problem, its value shown as messages show values (see :func:`shown`); its template filled by
    ``params`` and ``more``."""
    if code not in MESSAGES:
        raise KeyError(f"no message template {code!r}")
    return ReturnProblem(
        code=code,
        params=tuple(sorted({**(params or {}), **more}.items())),
        severity=severity,
        row=row,
        place=place,
        column=column,
        value=shown(value),
        question_id=question_id,
        guidance=guidance,
    )


def render(code: str, params: Mapping[str, str]) -> str:
    """The template ``code`` filled with ``params``."""
    return MESSAGES[code].format_map(params)


def format_problem(file_name: str, found: ReturnProblem, places: str | None = None) -> str:
    """One line for the terminal: ``C82001.csv row 14, answer: 'maybe' is not an answer to IPC2.3: give …``.

    ``places`` replaces the problem's own place, for a problem found in many places (see :func:`grouped`).
    """
    where = " ".join(part for part in (file_name, found.place if places is None else places) if part)
    if found.column:
        where += f", {found.column}"
    prefix = "warning: " if found.severity == "warning" else ""
    return f"{where}: {prefix}{found.message}"


def grouped(problems: Iterable[ReturnProblem]) -> list[tuple[ReturnProblem, str]]:
    """Problems with the same words in the same column, once each with every place it is at, in runs.

    ``row 2–10, 14`` for a problem found in rows 2 to 10 and 14: every place is still named.
    """
    groups: dict[tuple[str, str, str], list[ReturnProblem]] = {}
    for found in problems:
        groups.setdefault((found.severity, found.column, found.message), []).append(found)
    return [(members[0], places_text(members)) for members in groups.values()]


def places_text(problems: Sequence[ReturnProblem]) -> str:
    """'rows 2–10, 14', "sheet 'Safeguarding' row 5", '' for the whole return."""
    runs: dict[str, list[list[int]]] = {}
    for found in problems:
        if not found.place or not found.row:
            continue
        prefix = found.place[: len(found.place) - len(str(found.row))]
        spans = runs.setdefault(prefix, [])
        if spans and spans[-1][1] == found.row - 1:
            spans[-1][1] = found.row
        else:
            spans.append([found.row, found.row])
    parts = []
    for prefix, spans in runs.items():
        shown_spans = [str(a) if a == b else f"{a}–{b}" for a, b in spans]
        many = len(spans) > 1 or spans[0][0] != spans[0][1]
        parts.append((prefix[:-1] + "s " if many else prefix) + ", ".join(shown_spans))  # 'row ' → 'rows '
    return "; ".join(parts)


def export() -> dict[str, Any]:
    """Everything the in-browser checker needs to word problems as the collector does."""
    return {
        "templates": dict(MESSAGES),
        "file_kinds": dict(FILE_KINDS),
        "places": dict(PLACES),
        "action_words": dict(ACTION_WORDS),
        "shown_length": SHOWN_LENGTH,
        "join": {"between": ", ", "last": " or "},
    }
