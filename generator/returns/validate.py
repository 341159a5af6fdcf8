"""Rows → problems: the edition's published Table Schema, compiled once, and the checks it cannot express.

The Table Schema (:func:`generator.returnformat.table_schema`) is the one source of the
rules it can express: which columns are required, the practice code's pattern, the
edition and question ids a return may give, the due date's type, one answer per
question (its primary key). It is compiled once per edition (:mod:`.schema`) into
checks that give Frictionless's own verdicts at a fraction of its cost.

Beside it, the checks a Table Schema cannot express, from the edition's questions:
the edition named exists and is published; each answer is one its question allows
(case and surrounding spaces forgiven); every required question is answered; one
practice per return, with an ODS code in the practice register when one is given; an
answer that flags a risk asks for an action plan (a warning, or an error where the
edition requires one). Each check is simple enough for the site's in-browser checker
to mirror.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .. import answertypes
from ..answertypes import NOT_APPLICABLE, Reading
from ..model import Domain, Edition, Library, Question
from ..paths import edition_prefix, question_page
from ..returnformat import ALL_COLUMNS, table_schema
from ..risk import RiskTest, risk_test
from .messages import ACTION_WORDS, MESSAGES, ReturnProblem, Severity, join_words, place, problem
from .read import ReadReturn, Row, iso_date
from .schema import CompiledSchema, SchemaError

# --- an edition's rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRules:
    """What an answer to one question must be, and what flags a risk."""

    question: Question
    guidance: str
    answers: Mapping[str, str]
    """Allowed answers (lower case, as compared) → as the standards spell them; empty for number, date and text."""
    allowed: str
    """The allowed answers in words: 'yes, partial, no or not applicable'."""
    risk: RiskTest | None
    """The standards' risk rule for this question (:mod:`generator.risk`), or None when no answer flags a risk."""
    read: Callable[[str], Reading]
    """How a (stripped, non-empty) answer is read: its answer type's reader (:mod:`generator.answertypes`)."""

    @property
    def can_flag_risk(self) -> bool:
        return self.risk is not None

    def flags_risk(self, answer: str, received: dt.date) -> bool:
        """Whether an allowed (and normalised) answer flags a risk, for a return received on ``received``."""
        return self.risk is not None and self.risk(answer, received)


@dataclass(frozen=True)
class EditionRules:
    """Everything needed to check a return to one edition."""

    edition: Edition
    schema: CompiledSchema
    questions: Mapping[str, QuestionRules]
    required: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.edition.id


def guidance_link(site_url: str, domain: Domain, question: Question, current: bool, edition_id: str) -> str:
    """The question's guidance on the site: the current edition at the root, others under <edition>/."""
    path = question_page(domain, question, "" if current else edition_prefix(edition_id))
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def edition_rules(edition: Edition, site_url: str, current: bool) -> EditionRules:
    """Compile ``edition``'s Table Schema and question rules once."""
    questions: dict[str, QuestionRules] = {}
    for domain, _, question in edition.questions():
        answers = {a.casefold(): a for a in question.allowed_answers}
        questions[question.id] = QuestionRules(
            question=question,
            guidance=guidance_link(site_url, domain, question, current, edition.id),
            answers=answers,
            allowed=join_words(question.allowed_answers),
            risk=risk_test(question),
            read=answertypes.of(question).reader(question, iso_date),
        )
    required = tuple(q for q, rules in questions.items() if rules.question.required)
    return EditionRules(edition, CompiledSchema(table_schema(edition)), questions, required)


@dataclass(frozen=True)
class Rulebook:
    """The rules of every edition a return may name, and what else a check needs."""

    editions: Mapping[str, EditionRules]
    """Published editions, loaded and compiled."""
    drafts: frozenset[str]
    """Editions still in draft: a return naming one is told so."""
    unloadable: frozenset[str]
    """Edition folders that could not be loaded (run ``toolkit check``): a return naming one waits for a fix."""
    current: str
    """The edition practices answer now (returns naming an unknown edition are told to answer it)."""
    register: Mapping[str, str] | None = None
    """The practice register (ODS code → name), when one is given."""


def rulebook(
    library: Library,
    folders: Sequence[str],
    site_url: str = "",
    register: Mapping[str, str] | None = None,
) -> Rulebook:
    """The rules of every edition in ``library``; ``folders`` names every edition folder, loaded or not."""
    current = library.current()
    current_id = current.id if current else ""
    editions = {
        e.id: edition_rules(e, site_url, e.id == current_id)
        for e in library.editions.values()
        if e.info.status == "published"
    }
    drafts = frozenset(e.id for e in library.editions.values() if e.info.status == "draft")
    unloadable = frozenset(f for f in folders if f not in library.editions)
    return Rulebook(editions, drafts, unloadable, current_id, register)


# --- checking a return ----------------------------------------------------------------------------------

Answer = tuple[str, str, str, str, str, str]
"""question_id, answer, comment, action, action_owner, action_due: one normalised row of a valid return."""


@dataclass
class Verdict:
    """What checking a return found."""

    status: Literal["valid", "invalid", "waiting"]
    """'waiting' when the edition it names cannot be loaded yet: it is kept and checked again next run."""
    practice_code: str
    edition: str
    problems: list[ReturnProblem] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    waiting_for: str = ""


def _most_common(values: Sequence[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def validate(read: ReadReturn, rules: Rulebook, collecting: str, received: dt.date) -> Verdict:
    """Check a return read from a file against the edition it names (``collecting`` if it names none)."""
    problems = list(read.problems)
    practice = read.practice_code or _most_common([r.values["practice_code"] for r in read.rows])
    named = read.edition or _most_common([r.values["edition"] for r in read.rows])
    if read.format == "unknown":
        return Verdict("invalid", practice, collecting, problems)
    edition_id = named or collecting
    if edition_id in rules.unloadable:
        return Verdict("waiting", practice, edition_id, problems, waiting_for=edition_id)
    if edition_id not in rules.editions:
        code = "draft_edition" if edition_id in rules.drafts else "unknown_edition"
        problems.append(problem(code, column="edition", value=edition_id, current=rules.current))
        return Verdict("invalid", practice, collecting, problems)
    edition = rules.editions[edition_id]
    checker = _Checker(read, edition, received, problems)
    if read.rows and "answer" in read.present and not any(r.values["answer"] for r in read.rows):
        problems.append(problem("nothing_answered", column="answer"))
        checker.blank = True
    checker.practice(practice, rules.register)
    checker.rows()
    checker.unanswered()
    ok = not any(p.severity == "error" for p in problems)
    return Verdict(
        "valid" if ok else "invalid", practice, edition_id, ordered(problems, read), checker.answers if ok else []
    )


_ANSWER_COLUMNS = frozenset({"answer", "comment", "action", "action_owner", "action_due"})
_COLUMN_ORDER = {name: index for index, name in enumerate(ALL_COLUMNS)}


def ordered(problems: list[ReturnProblem], read: ReadReturn | None = None) -> list[ReturnProblem]:
    """Problems of the whole return first, then row by row, column by column; unanswered questions last.

    In a workbook, rows are taken sheet by sheet in the order the workbook holds its answers, so
    that a practice puts one domain's sheet right before the next.
    """
    sheets: dict[str, int] = {}
    if read is not None and any(found.row for found in problems):
        for sheet in dict.fromkeys(row.sheet for row in read.rows):  # each sheet once, in the order it is read
            sheets.setdefault(_place_prefix(place(read.format, 1, sheet), 1), len(sheets))
    for found in problems:
        if found.row:
            sheets.setdefault(_place_prefix(found.place, found.row), len(sheets))

    def key(found: ReturnProblem) -> tuple[int, int, int, int]:
        group = 2 if found.code == "question_missing" else 1 if found.row else 0
        sheet = sheets[_place_prefix(found.place, found.row)] if found.row else 0
        return group, sheet, found.row, _COLUMN_ORDER.get(found.column, len(_COLUMN_ORDER))

    return sorted(problems, key=key)


def _place_prefix(where: str, row: int) -> str:
    """A place without its row number: "sheet 'Safeguarding' row ", 'row ' (as ``places_text`` groups them)."""
    return where[: len(where) - len(str(row))]


class _Checker:
    """The checks of one return against one edition; problems gathered, never stopping at the first."""

    def __init__(self, read: ReadReturn, rules: EditionRules, received: dt.date, problems: list[ReturnProblem]):
        self.read = read
        self.rules = rules
        self.received = received
        self.problems = problems
        self.answers: list[Answer] = []
        self.answered: set[str] = set()
        self.example = received.isoformat()
        self.severity: Severity = "error" if rules.edition.info.action_plan_required else "warning"
        self.declared_once = read.declared_once
        self.blank = False
        """Nothing answered at all: said once, not for every question."""

    def practice(self, practice: str, register: Mapping[str, str] | None) -> None:
        schema = self.rules.schema
        if self.declared_once:
            # Said once for the whole return: checked once, not on every row.
            for name, value in (("practice_code", self.read.practice_code), ("edition", self.read.edition)):
                for constraint in schema.cell_errors(name, value):
                    self.problems.append(self._schema_problem(SchemaError(0, name, constraint, value), None))
        if (
            register is not None
            and practice
            and practice not in register
            and "practice_code" in self.read.present
            and not schema.cell_errors("practice_code", practice)
        ):
            self.problems.append(problem("practice_unknown", column="practice_code", value=practice))
        self.practice_code = practice

    def rows(self) -> None:
        rows = self.read.rows
        skip = frozenset(f.name for f in self.rules.schema.fields if f.name not in self.read.present)
        if self.declared_once:
            skip |= {"practice_code", "edition"}
        for error in self.rules.schema.errors([r.values for r in rows], skip):
            if error.constraint == "primaryKey" and error.first < 0:
                continue  # an empty question id: its 'required' problem says so
            self.problems.append(self._schema_problem(error, rows))
        seen: set[str] = set()
        questions = self.rules.questions
        mixed_possible = bool(self.practice_code) and not self.declared_once
        answers_present = "answer" in self.read.present
        for row in rows:
            values = row.values
            if mixed_possible and values["practice_code"] not in ("", self.practice_code):
                self._mixed(row)
            answer = values["answer"]
            comment, action, owner = values["comment"], values["action"], values["action_owner"]
            if "=" in answer[:1] + comment[:1] + action[:1] + owner[:1]:
                self._formulas(row)
            rules = questions.get(values["question_id"])
            if rules is None:
                continue  # an unknown or empty id: its schema problem says so
            question_id = rules.question.id
            if question_id in seen:
                continue  # a repeat: its schema problem says so
            seen.add(question_id)
            if not answers_present:
                continue  # its missing_column problem says so
            normal = self._answer(row, rules, answer)
            if normal is not None:
                self.answers.append((question_id, normal, comment, action, owner, values["action_due"]))
        self.answered |= seen

    def _mixed(self, row: Row) -> None:
        code = row.values["practice_code"]
        if not self.rules.schema.cell_errors("practice_code", code):
            self.problems.append(
                problem(
                    "practice_mixed",
                    row=row.row,
                    place=self.read.place(row),
                    column="practice_code",
                    value=code,
                    practice=self.practice_code,
                )
            )

    def _formulas(self, row: Row) -> None:
        for column in ("answer", "comment", "action", "action_owner"):
            if row.values[column].startswith("="):
                self.problems.append(
                    problem(
                        "formula_text",
                        "warning",
                        row=row.row,
                        place=self.read.place(row),
                        column=column,
                        value=row.values[column],
                        first="=",
                    )
                )

    def _answer(self, row: Row, rules: QuestionRules, value: str) -> str | None:
        """Check the row's answer; its normalised form, or None when it is not one the question allows."""
        q = rules.question
        if not value:
            if q.required and not self.blank:
                self._bad(row, rules, "answer_missing", value, text=q.text)
                return None
            return ""
        reading = rules.read(value)
        if not reading.ok:
            params = (
                {**reading.params, "example": self.example} if reading.problem == "answer_not_date" else reading.params
            )
            self._bad(row, rules, reading.problem, reading.value, **params)
            return None
        value = reading.value
        if q.not_applicable_when and value == NOT_APPLICABLE and not row.values["comment"]:
            self.problems.append(
                problem(
                    "na_without_reason",
                    row=row.row,
                    place=self.read.place(row),
                    column="comment",
                    question_id=q.id,
                    guidance=rules.guidance,
                    when=q.not_applicable_when,
                )
            )
        if rules.can_flag_risk and rules.flags_risk(value, self.received):
            values = row.values
            missing = [c for c in ACTION_WORDS if not values[c]]
            if missing:
                self.problems.append(
                    problem(
                        "action_missing",
                        self.severity,
                        row=row.row,
                        place=self.read.place(row),
                        column=missing[0],
                        question_id=q.id,
                        guidance=rules.guidance,
                        answer=value,
                        missing=join_words((ACTION_WORDS[c] for c in missing), "and"),
                    )
                )
        return value

    def _bad(self, row: Row, rules: QuestionRules, code: str, value: str, **params: str) -> None:
        self.problems.append(
            problem(
                code,
                row=row.row,
                place=self.read.place(row),
                column="answer",
                value=value,
                question_id=rules.question.id,
                guidance=rules.guidance,
                params=params,
            )
        )

    def unanswered(self) -> None:
        if "question_id" not in self.read.present or not self.read.rows or self.blank:
            return  # a missing column, no rows or no answers at all: already said
        placed = {p.question_id for p in self.read.problems if p.code in ("workbook_moved", "workbook_sheet_missing")}
        self.answered |= placed
        for question_id in self.rules.required:
            if question_id not in self.answered:
                rules = self.rules.questions[question_id]
                self.problems.append(
                    problem(
                        "question_missing",
                        question_id=question_id,
                        guidance=rules.guidance,
                        text=rules.question.text,
                    )
                )

    def _schema_problem(self, error: SchemaError, rows: Sequence[Row] | None) -> ReturnProblem:
        specific = f"{error.constraint}.{error.field}"
        code = specific if specific in MESSAGES else error.constraint
        spec = self.rules.schema.by_name[error.field]
        params = {
            "edition": self.rules.id,
            "example": self.example,
            "pattern": str(spec.constraints.get("pattern", "")),
            "allowed": join_words(str(v) for v in spec.constraints.get("enum", [])),
            "limit": str(spec.constraints.get(error.constraint, "")),
            "type": spec.type,
            "first": "",
        }
        if rows is None:
            return problem(code, column=error.field, value=error.value, params=params)
        row = rows[error.index]
        if error.constraint == "primaryKey" and error.first >= 0:
            params["first"] = self.read.place(rows[error.first])
        question = self.rules.questions.get(row.values["question_id"])
        return problem(
            code,
            row=row.row,
            place=self.read.place(row),
            column=error.field,
            value=error.value,
            question_id=row.values["question_id"] if error.field == "question_id" else "",
            guidance=question.guidance if question is not None and error.field in _ANSWER_COLUMNS else "",
            params=params,
        )
