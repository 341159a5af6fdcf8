"""Support requests as cases: every "yes" to a domain's support question is answered and tracked.

Each valid return that counts (see :mod:`generator.returns.counts`) and answers yes to a domain's
support question opens one case for its practice, domain and edition, owned by that domain's
ICB contact. A newer return does not open a second case; a newer return that no longer asks
marks the case withdrawn (shown, never deleted). The quality team moves a case from ``new``
through ``contacted`` and ``in progress`` to ``closed`` (with an outcome), with notes; every
change is kept as history.

The cases live in ``<store>/support.sqlite`` (the collector's ledger is not written here):

``cases``: ``id``, ``edition``, ``practice_code``, ``domain_id``, ``owner`` (the contact's id),
``status``, ``outcome``, ``request`` (what the practice wrote beside its yes), ``opened_at``
(when the return that asked was received), ``withdrawn`` (0 or 1), ``updated_at``; unique
(edition, practice_code, domain_id).
``history``: ``case_id``, ``at``, ``what`` (``opened``, ``status``, ``outcome``, ``owner``,
``note``, ``withdrawn``, ``asked again``), ``old``, ``new``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .model import Library

CASES_FILE = "support.sqlite"
STATUSES = ("new", "contacted", "in progress", "closed")
OUTCOMES = ("visit made", "training arranged", "resolved by phone", "resolved by email", "referred on", "declined")
"""Ways a case closes; an ICB may write its own words instead."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id            INTEGER PRIMARY KEY,
    edition       TEXT NOT NULL,
    practice_code TEXT NOT NULL,
    domain_id     TEXT NOT NULL,
    owner         TEXT NOT NULL,
    status        TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '',
    request       TEXT NOT NULL DEFAULT '',
    opened_at     TEXT NOT NULL,
    withdrawn     INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL,
    UNIQUE (edition, practice_code, domain_id)
);
CREATE TABLE IF NOT EXISTS history (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at      TEXT NOT NULL,
    what    TEXT NOT NULL,
    old     TEXT NOT NULL DEFAULT '',
    new     TEXT NOT NULL DEFAULT ''
);
"""


class SupportError(Exception):
    """The cases cannot be read or changed as asked, in words."""


@dataclass(frozen=True)
class Case:
    id: int
    edition: str
    practice_code: str
    domain_id: str
    owner: str
    status: str
    outcome: str
    request: str
    opened_at: str
    withdrawn: bool
    updated_at: str


@dataclass(frozen=True)
class Change:
    at: str
    what: str
    old: str
    new: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _cases_db(store: Path) -> Iterator[sqlite3.Connection]:
    try:
        with closing(sqlite3.connect(store / CASES_FILE)) as db:
            db.executescript(_SCHEMA)
            with db:
                yield db
    except sqlite3.Error as error:
        raise SupportError(f"{store / CASES_FILE}: the support cases cannot be used ({error})") from None


@dataclass(frozen=True)
class Asked:
    """A practice's answer to a domain's support question, in the return of its that counts."""

    edition: str
    practice_code: str
    domain_id: str
    yes: bool
    request: str
    received_at: str


def asked(ledger: Path, library: Library) -> list[Asked]:
    """Every support answer in the returns that count, one per practice, domain and edition, from the ledger.

    The return that counts is the valid one the store has not marked superseded (the store applies
    :mod:`generator.returns.counts` when it records): a practice with no valid return asks nothing yet.
    """
    domains = {
        (edition.id, d.support_question.id): d.id for edition in library.editions.values() for d in edition.domains
    }
    marks = ", ".join("?" for _ in {question for _, question in domains})
    try:
        with closing(sqlite3.connect(f"{ledger.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT s.edition, s.practice_code, s.received_at, a.question_id, a.answer, a.comment"
                " FROM submissions s JOIN answers a ON a.submission_id = s.id"
                " WHERE s.status = 'valid' AND s.superseded_by IS NULL AND s.practice_code != ''"
                f" AND a.question_id IN ({marks}) ORDER BY s.edition, s.practice_code, a.question_id",
                sorted({question for _, question in domains}),
            ).fetchall()
    except sqlite3.Error as error:
        raise SupportError(f"{ledger}: the ledger cannot be read for support requests ({error})") from None
    return [
        Asked(
            str(edition),
            str(code),
            domains[(str(edition), str(question))],
            str(answer).strip().lower() == "yes",
            str(comment),
            str(received_at),
        )
        for edition, code, received_at, question, answer, comment in rows
        if (str(edition), str(question)) in domains
    ]


def sync(store: Path, library: Library, ledger: Path | None = None) -> int:
    """Open a case for every new request in the returns that count, mark withdrawn ones; how many were opened."""
    owners = {
        (edition.id, d.id): d.contact for edition in library.editions.values() for d in edition.domains
    }  # fmt: skip
    requests = asked(ledger or store / "ledger.sqlite", library)
    opened = 0
    now = _now()
    with _cases_db(store) as db:
        held = {
            (str(e), str(p), str(d)): (int(i), bool(w))
            for i, e, p, d, w in db.execute("SELECT id, edition, practice_code, domain_id, withdrawn FROM cases")
        }
        for request in requests:
            key = (request.edition, request.practice_code, request.domain_id)
            if key not in held:
                if not request.yes:
                    continue
                cursor = db.execute(
                    "INSERT INTO cases (edition, practice_code, domain_id, owner, status, request, opened_at,"
                    " updated_at) VALUES (?, ?, ?, ?, 'new', ?, ?, ?)",
                    (*key, owners.get((request.edition, request.domain_id), ""), request.request, request.received_at, now),
                )  # fmt: skip
                _record(db, int(cursor.lastrowid or 0), now, "opened", "", request.received_at)
                opened += 1
                continue
            case_id, withdrawn = held[key]
            if withdrawn == request.yes:  # asked and marked withdrawn, or no longer asked and not marked
                db.execute(
                    "UPDATE cases SET withdrawn = ?, updated_at = ? WHERE id = ?", (int(not request.yes), now, case_id)
                )
                _record(db, case_id, now, "asked again" if request.yes else "withdrawn", "", request.received_at)
    return opened


def _record(db: sqlite3.Connection, case_id: int, at: str, what: str, old: str, new: str) -> None:
    db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?)", (case_id, at, what, old, new))


def cases(
    store: Path,
    *,
    edition: str | None = None,
    owner: str | None = None,
    domain: str | None = None,
    status: str | None = None,
) -> list[Case]:
    """The cases, filtered, by id."""
    where, values = [], []
    for column, value in (("edition", edition), ("owner", owner), ("domain_id", domain), ("status", status)):
        if value is not None:
            where.append(f"{column} = ?")
            values.append(value)
    query = "SELECT * FROM cases" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    with _cases_db(store) as db:
        return [_case(row) for row in db.execute(query, values)]


def _case(row: Sequence[object]) -> Case:
    return Case(
        int(str(row[0])), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]), str(row[6]),
        str(row[7]), str(row[8]), bool(row[9]), str(row[10]),
    )  # fmt: skip


def update(store: Path, case_id: int, changes: Mapping[str, str], note: str = "", *, at: str | None = None) -> Case:
    """Change a case's status, outcome or owner, and add a note; every change kept as history.

    A status is one of :data:`STATUSES`, and moves on (never back, unless a closed case is
    reopened as 'in progress'); a case closes only with an outcome.
    """
    moment = at or _now()
    with _cases_db(store) as db:
        row = db.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise SupportError(f"there is no support case {case_id}")
        case = _case(row)
        status = changes.get("status", case.status)
        outcome = changes.get("outcome", case.outcome)
        if status not in STATUSES:
            raise SupportError(f"'{status}' is not a status: give one of {', '.join(STATUSES)}")
        if STATUSES.index(status) < STATUSES.index(case.status) and not (
            case.status == "closed" and status == "in progress"
        ):
            raise SupportError(f"case {case_id} is {case.status}; it cannot go back to {status}")
        if status == "closed" and not outcome:
            raise SupportError(f"give an --outcome to close case {case_id} (such as: {', '.join(OUTCOMES[:3])})")
        for field in ("status", "outcome", "owner"):
            new = changes.get(field, getattr(case, field))
            if new != getattr(case, field):
                db.execute(f"UPDATE cases SET {field} = ?, updated_at = ? WHERE id = ?", (new, moment, case_id))
                _record(db, case_id, moment, field, getattr(case, field), new)
        if note:
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (moment, case_id))
            _record(db, case_id, moment, "note", "", note)
        return _case(db.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone())


def history(store: Path, case_id: int) -> list[Change]:
    with _cases_db(store) as db:
        return [
            Change(str(at), str(what), str(old), str(new))
            for at, what, old, new in db.execute(
                "SELECT at, what, old, new FROM history WHERE case_id = ? ORDER BY rowid", (case_id,)
            )
        ]
