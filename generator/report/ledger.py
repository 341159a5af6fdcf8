"""Read the returns to one edition from the collector's SQLite ledger: the report's one tie to storage.

The ledger (see :mod:`generator.returns.store`) holds a ``submissions`` table (one row per
file received: id, source, file_name, sha256, received_at, practice_code, edition, status,
superseded_by, problems as JSON) and an ``answers`` table (the answers of valid returns:
submission_id, question_id, answer, comment, action, action_owner, action_due).

It is opened read-only: making a report never changes the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .inputs import Notes, Returns, Submission, chosen

LEDGER_FILE = "ledger.sqlite"
"""The ledger's file name in the store folder."""


class LedgerError(Exception):
    """The store or its ledger cannot be read; the message says why in words."""


def ledger_path(store: Path) -> Path:
    return store / LEDGER_FILE


@contextmanager
def _connect(store: Path) -> Iterator[sqlite3.Connection]:
    path = ledger_path(store)
    if not store.is_dir():
        raise LedgerError(f"{store}: no store folder here; run 'toolkit collect' first or give --store")
    if not path.is_file():
        raise LedgerError(f"{path}: no ledger in the store; run 'toolkit collect' first")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise LedgerError(f"{path}: cannot open the ledger ({error})") from None
    try:
        yield connection
    except sqlite3.DatabaseError as error:
        raise LedgerError(
            f"{path}: the ledger cannot be read ({error}); is it a ledger written by 'toolkit collect'?"
        ) from None
    finally:
        connection.close()


def problem_text(problem: Any) -> str:
    """One problem as the ledger's JSON records it, in words: 'row 14, answer: …'."""
    if isinstance(problem, dict):
        message = str(problem.get("message", ""))
        place = problem.get("place") or (f"row {problem['row']}" if problem.get("row") else "")
        where = [str(w) for w in (place, problem.get("column")) if w]
        return f"{', '.join(where)}: {message}" if where else message
    return str(problem)


def _problems(raw: str | None) -> tuple[str, ...]:
    """The errors of a submission (its warnings left out: they do not make a return invalid)."""
    if not raw:
        return ()
    try:
        data = json.loads(raw)
    except ValueError:
        return (raw,)
    listed = data if isinstance(data, list) else [data]
    return tuple(problem_text(p) for p in listed if not (isinstance(p, dict) and p.get("severity") == "warning"))


def editions(store: Path) -> list[str]:
    """The editions that have at least one submission in the store."""
    with _connect(store) as db:
        return [
            row[0]
            for row in db.execute("SELECT DISTINCT edition FROM submissions WHERE edition IS NOT NULL ORDER BY 1")
        ]


def read_returns(store: Path, edition_id: str, notes: bool = True) -> Returns:
    """Every submission to ``edition_id`` and the answers of the latest valid return of each practice.

    ``notes``: whether to read the comments and action plans too (a comparison with last
    year needs only the answers).
    """
    with _connect(store) as db:
        submissions = tuple(
            Submission(
                id=row[0],
                practice_code=row[1] or "",
                received_at=row[2] or "",
                file_name=row[3] or "",
                source=row[4] or "",
                valid=row[5] == "valid",
                problems=() if row[5] == "valid" else _problems(row[6]),
                superseded=row[7] is not None,
            )
            for row in db.execute(
                "SELECT id, practice_code, received_at, file_name, source, status, problems, superseded_by "
                "FROM submissions WHERE edition = ? ORDER BY id",
                (edition_id,),
            )
        )
        wanted = json.dumps([s.id for s in chosen(submissions).values() if s.valid])
        # One row per return, its answers as one JSON object: parsed in C, many times faster than a row per answer.
        answers = {
            sid: json.loads(blob)
            for sid, blob in db.execute(
                "SELECT submission_id, json_group_object(question_id, answer) FROM answers "
                "WHERE submission_id IN (SELECT value FROM json_each(?)) GROUP BY submission_id",
                (wanted,),
            )
        }
        found: dict[int, dict[str, Notes]] = {}
        if notes:
            for sid, qid, comment, action, owner, due in db.execute(
                "SELECT submission_id, question_id, comment, action, action_owner, action_due FROM answers "
                "WHERE submission_id IN (SELECT value FROM json_each(?)) "
                "AND (comment != '' OR action != '' OR action_owner != '' OR action_due != '')",
                (wanted,),
            ):
                found.setdefault(sid, {})[qid] = Notes(comment or "", action or "", owner or "", due or "")
    return Returns(edition_id, submissions, answers, found)
