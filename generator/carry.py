"""Carry a practice's return forward to a later edition.

Last year's answers seed this year's return: answers to unchanged questions are kept;
answers to reworded or replaced questions are kept but marked to check again (and emptied
when last year's answer is not an answer to the new question); answers to removed
questions are dropped and listed; new questions are left empty.

:func:`carry_forward` works on plain rows (dicts in the return's columns), so that the
command-line tool and, later, the online form's JSON share it. :func:`read_return` reads a
return into those rows with the collector's reader, so that whatever ``toolkit collect``
accepts can be carried forward.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import answertypes
from .lineage import QuestionLineage, lineage
from .model import Edition, Question
from .returnformat import ACTION_COLUMNS, ALL_COLUMNS, JSON_FORMAT
from .returns.messages import ReturnProblem
from .returns.read import ReadReturn, iso_date

CHECK_AGAIN = "Check again:"
"""How a carried comment starts when the answer must be looked at again."""

Status = Literal["kept", "check again", "empty"]

MAX_BYTES = 20_000_000
"""As the collector's default size limit."""


class ReturnUnreadable(Exception):
    """A return file that cannot be read, with the reason in words."""


@dataclass(frozen=True)
class Carried:
    """One row of the carried-forward return: a question of the new edition and what it starts with."""

    question_id: str
    status: Status
    answer: str = ""
    comment: str = ""
    action: str = ""
    action_owner: str = ""
    action_due: str = ""
    from_id: str | None = None
    """The id of the question answered last year (None for a new question)."""
    reason: str = ""
    """Why it must be checked again, or why it is empty."""

    def row(self, practice_code: str, edition: str) -> dict[str, str]:
        """The row in the return's columns."""
        return {
            "practice_code": practice_code,
            "edition": edition,
            "question_id": self.question_id,
            "answer": self.answer,
            "comment": self.comment,
            "action": self.action,
            "action_owner": self.action_owner,
            "action_due": self.action_due,
        }


@dataclass(frozen=True)
class Dropped:
    """An answer to a question that the new edition no longer asks."""

    question_id: str
    text: str
    answer: str
    comment: str


@dataclass(frozen=True)
class CarryResult:
    practice_code: str
    from_edition: str
    to_edition: str
    rows: tuple[Carried, ...]
    """One per question of the new edition, in its order."""
    dropped: tuple[Dropped, ...]
    """Answers given last year to questions that are gone, in last year's order."""
    problems: tuple[str, ...] = ()
    """Rows that could not be carried (an unknown question id, a question answered twice), in words."""

    def with_status(self, status: Status) -> list[Carried]:
        return [r for r in self.rows if r.status == status]

    def return_rows(self) -> list[dict[str, str]]:
        return [r.row(self.practice_code, self.to_edition) for r in self.rows]


# --- carrying -----------------------------------------------------------------------------------------


def carried_answer(answer: str, question: Question) -> str | None:
    """Last year's answer as the collector would read it for ``question`` now ('yes' for 'Yes', 2025-12-31 for
    31/12/2025), or None when the collector would refuse it. An empty answer is carried as it is."""
    answer = answer.strip()
    if not answer:
        return answer
    reading = answertypes.of(question).reader(question, iso_date)(answer)
    return reading.value if reading.ok else None


def fits(answer: str, question: Question) -> bool:
    """Whether ``answer`` is one the collector accepts for ``question`` (an empty answer always fits)."""
    return carried_answer(answer, question) is not None


NOT_FITTING = "; last year's answer '{answer}' is not an answer to it now"
"""Added to the reason to check an answer again when last year's answer no longer fits (the online form's too)."""


def why_check_again(traced: QuestionLineage, old_edition: str) -> str:
    """Why an answer carried to ``traced``'s question must be checked again, in the words the practice sees."""
    assert traced.predecessor is not None
    if traced.kind == "replaced":
        return (
            f"this question replaces {traced.predecessor.id} of {old_edition}, which asked: {traced.predecessor.text}"
        )
    said = {
        "text": "reworded",
        "type": "given another answer type",
        "narrowed": "given fewer answers to choose from",
        "options": "given other options",
        "bounds": "given other limits",
        "unit": "given another unit",
    }
    what = [said[c] for c in traced.changes if c in said]
    return f"this question was {' and '.join(what) or 'changed'} since {old_edition}"


def _carried(traced: QuestionLineage, given: Mapping[str, str] | None, old_edition: str) -> Carried:
    question = traced.question
    if traced.predecessor is None:
        return Carried(question.id, "empty", reason="a new question")
    if given is None or not any(given.get(c, "").strip() for c in ("answer", "comment", *ACTION_COLUMNS)):
        return Carried(question.id, "empty", from_id=traced.predecessor.id, reason=f"not answered in {old_edition}")
    answer = given.get("answer", "").strip()
    comment = given.get("comment", "").strip()
    actions = {c: given.get(c, "").strip() for c in ACTION_COLUMNS}
    read = carried_answer(answer, question)
    if not traced.checks_again(read is not None):
        return Carried(question.id, "kept", answer, comment, **actions, from_id=traced.predecessor.id)
    reason = why_check_again(traced, old_edition)
    if read is None:
        reason += NOT_FITTING.format(answer=answer)
    answer = read or ""
    note = f"{CHECK_AGAIN} {reason}" + ("" if reason.endswith((".", "?", "!")) else ".")
    return Carried(
        question.id,
        "check again",
        answer,
        f"{note} {comment}" if comment else note,
        **actions,
        from_id=traced.predecessor.id,
        reason=reason,
    )


def carry_forward(
    rows: Sequence[Mapping[str, str]], old: Edition, new: Edition, between: Sequence[Edition] = ()
) -> CarryResult:
    """Carry the rows of a return to ``old`` forward to ``new``.

    ``rows`` are dicts in the return's columns (practice_code, edition, question_id, answer,
    comment and the action columns; missing columns count as empty). ``between`` are
    editions between the two, for ``replaces`` chains.
    """
    problems: list[str] = []
    codes = sorted({r.get("practice_code", "").strip() for r in rows} - {""})
    if len(codes) > 1:
        problems.append(f"the return names more than one practice: {', '.join(codes)}; the first is used")
    editions = sorted({r.get("edition", "").strip() for r in rows} - {""})
    if editions and editions != [old.id]:
        problems.append(f"the return names the edition {', '.join(editions)}, not {old.id}")

    answers: dict[str, Mapping[str, str]] = {}
    old_ids = {q.id for _, _, q in old.questions()}
    for row in rows:
        question_id = row.get("question_id", "").strip()
        if question_id not in old_ids:
            problems.append(f"'{question_id}' is no question of {old.id}; its answer is not carried")
        elif question_id in answers:
            problems.append(f"{question_id} is answered more than once; the first answer is carried")
        else:
            answers[question_id] = row

    traced = lineage(old, new, between)
    carried = tuple(_carried(q, answers.get(q.predecessor_id or ""), old.id) for q in traced.questions)
    dropped = tuple(
        Dropped(
            r.id, r.question.text, answers[r.id].get("answer", "").strip(), answers[r.id].get("comment", "").strip()
        )
        for r in traced.removed
        if r.id in answers and (answers[r.id].get("answer", "").strip() or answers[r.id].get("comment", "").strip())
    )
    return CarryResult(codes[0] if codes else "", old.id, new.id, carried, dropped, tuple(problems))


# --- reading and writing returns ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnFile:
    """A return as read from a file: its rows, and what the online form's JSON adds."""

    rows: tuple[dict[str, str], ...]
    edition: str
    practice_code: str
    extra: Mapping[str, Any]
    """The JSON export's other top-level fields (practice_name, completed_by…); empty for a CSV."""


def read_return(path: Path) -> ReturnFile:
    """Read a return as the collector reads it (CSV in any encoding and separator it forgives, the workbook, the
    online form's JSON); raise :class:`ReturnUnreadable` with the collector's own words when it is no return."""
    from .returns import read as collector

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ReturnUnreadable(f"{path}: cannot read the file: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise ReturnUnreadable(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; a return is much smaller")
    found = collector.read_return(raw)
    fatal = nothing_to_carry(found)
    if fatal is not None:
        raise ReturnUnreadable(f"{path}: {fatal.message}")
    rows = tuple(dict(row.values) for row in found.rows)
    first = rows[0] if rows else {}
    edition = found.edition or first.get("edition", "")
    practice_code = found.practice_code or first.get("practice_code", "")
    return ReturnFile(rows, edition, practice_code, found.extra)


_FATAL = frozenset({"missing_column", "no_answers", "json_damaged"})
"""Problems of a whole file that leave nothing to carry: no question ids or answers, no rows, no list of answers."""


def nothing_to_carry(found: ReadReturn) -> ReturnProblem | None:
    """The problem that leaves a file nothing to carry forward (it is no return, or it has no answers), if any."""
    return next(
        (
            p
            for p in found.problems
            if p.severity == "error" and (found.format == "unknown" or (p.code in _FATAL and p.row == 0))
        ),
        None,
    )


def to_csv(result: CarryResult) -> str:
    """The carried-forward return as CSV, in the return's columns."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(ALL_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(result.return_rows())
    return out.getvalue()


def to_json(result: CarryResult, extra: Mapping[str, Any], now: dt.datetime | None = None) -> str:
    """The carried-forward return as the online form's JSON export."""
    moment = now or dt.datetime.now(dt.UTC)
    data: dict[str, Any] = {
        "format": JSON_FORMAT,
        "edition": result.to_edition,
        "practice_code": result.practice_code,
        **{k: v for k, v in extra.items() if k not in ("exported_at",)},
        "exported_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answers": [
            {k: v for k, v in row.items() if k not in ("practice_code", "edition")} for row in result.return_rows()
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
