"""The store: every file received, byte for byte, and the SQLite ledger of what each one was.

Layout of a store folder::

    <store>/raw/<sha256>       each file received, its bytes unchanged, named by their SHA-256
    <store>/ledger.sqlite      the ledger (below)
    <store>/status.csv         one row per practice (written by outputs.py)
    <store>/feedback/<edition>/<practice>-<id>.html and -problems.csv
    <store>/tmp/               files being written; emptied at the start of every run
    <store>/.lock              held while collect runs, so two runs never write at once

Nothing lost, whatever happens:

* A raw file is written to ``tmp/`` and renamed into ``raw/`` before anything reads it.
* A ledger row is written only after its raw file is flushed to disk (``fsync``, a batch
  of files at once, so that the file system commits them together) and so is the
  ``raw/`` folder, in one transaction with the row's answers and any supersession it
  causes: a killed run leaves rows that are whole or absent, never half, and every raw
  file the ledger names is whole on disk. A raw file the ledger does not name yet is
  checked against the bytes received before it is kept.
* Submissions are known by their SHA-256: running collect again over the same sources,
  or again after a crash, adds nothing twice and completes what was missing, in the
  same order and with the same ids as one clean run.

The ledger (``ledger.sqlite``, SQLite 3, ``PRAGMA user_version = 1``) has two tables.

``submissions``: one row per distinct file received.

=============== ==========================================================================
id              INTEGER PRIMARY KEY, in the order files were collected
source          where it came from: the file's path as found, or its URL (no credentials,
                no query string)
file_name       its file name, made safe (no folders, no control characters)
sha256          the SHA-256 of its bytes, hex; the name of its raw file; UNIQUE
size            its size in bytes
received_at     when it was received, ISO 8601 UTC (``2025-06-01T09:30:00Z``): a folder
                file's modification time (when it was saved to the folder), an HTTP
                index entry's ``received_at``, else the response's Last-Modified, else
                the time it was fetched
format          ``csv``, ``workbook``, ``json``, or ``unknown`` for a file that is no return
practice_code   the practice's ODS code as the return gives it; for a file that cannot be
                read, the ODS code in its file name if it has one; else ''
edition         the edition it was checked against: the one it names, or the one being
                collected when it names none, an unknown one or a draft
status          ``valid`` or ``invalid`` (invalid: at least one problem is an error)
superseded_by   the id of the newer valid return of the same practice and edition that
                replaces it, else NULL. The newest valid return (latest received_at, then
                highest id) supersedes every older submission of its practice and edition.
problems        JSON list, one object per problem: severity ("error" | "warning"), row
                (0 for the whole file), place ("row 14"), column, value, question_id,
                message (in words), guidance (a link), code and params (its template)
errors          the number of problems that are errors
warnings        the number of problems that are warnings
=============== ==========================================================================

``answers``: the answers of each valid return, one row per question answered, normalised
(fixed answers as the standards spell them, dates YYYY-MM-DD, spaces trimmed):
``submission_id`` (→ submissions.id), ``question_id``, ``answer``, ``comment``,
``action``, ``action_owner``, ``action_due``; primary key (submission_id, question_id).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .counts import rank, received_before
from .text import valid_data

LEDGER_FILE = "ledger.sqlite"
RAW_FOLDER = "raw"
TMP_FOLDER = "tmp"
LOCK_FILE = ".lock"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    size          INTEGER NOT NULL,
    received_at   TEXT NOT NULL,
    format        TEXT NOT NULL,
    practice_code TEXT NOT NULL DEFAULT '',
    edition       TEXT,
    status        TEXT NOT NULL CHECK (status IN ('valid', 'invalid')),
    superseded_by INTEGER REFERENCES submissions(id),
    problems      TEXT NOT NULL DEFAULT '[]',
    errors        INTEGER NOT NULL DEFAULT 0,
    warnings      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS submissions_by_practice ON submissions (edition, practice_code);
CREATE TABLE IF NOT EXISTS answers (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    question_id   TEXT NOT NULL,
    answer        TEXT NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL DEFAULT '',
    action_owner  TEXT NOT NULL DEFAULT '',
    action_due    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, question_id)
) WITHOUT ROWID;
"""


class StoreError(Exception):
    """The store cannot be used; the message says why in words."""


@dataclass(frozen=True)
class Record:
    """A submission to write to the ledger, with the answers of a valid return."""

    source: str
    file_name: str
    sha256: str
    size: int
    received_at: str
    format: str
    practice_code: str
    edition: str
    status: str
    problems: list[dict[str, Any]]
    answers: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.get("severity") == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


@dataclass(frozen=True)
class Submission:
    """A submission as the ledger holds it."""

    id: int
    source: str
    file_name: str
    sha256: str
    size: int
    received_at: str
    format: str
    practice_code: str
    edition: str
    status: str
    superseded_by: int | None
    problems: list[dict[str, Any]]
    errors: int
    warnings: int


# --- raw files --------------------------------------------------------------------------------------------


def raw_path(root: Path, sha256: str) -> Path:
    return root / RAW_FOLDER / sha256


def put_raw(root: Path, data: bytes, sha256: str) -> Path:
    """Write ``data`` to ``raw/<sha256>``: to ``tmp/`` first, then renamed, so ``raw/`` only ever holds whole files.

    It is flushed to disk by :meth:`Store.record`, with the rest of its batch, before the
    ledger names it. A file already there that the ledger does not name yet (left by a
    run that was killed, or cut short by a power cut) is kept only if it holds these bytes.
    """
    final = raw_path(root, sha256)
    try:
        if final.stat().st_size == len(data) and final.read_bytes() == data:
            return final
    except FileNotFoundError:
        pass
    temporary = root / TMP_FOLDER / f"{sha256}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    os.replace(temporary, final)
    return final


def flush_raw(root: Path, hashes: Sequence[str]) -> None:
    """Flush raw files and their folder to disk. Many at once: the file system commits them together."""

    def flush(sha256: str) -> None:
        fd = os.open(raw_path(root, sha256), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    if hashes:
        with ThreadPoolExecutor(max_workers=min(16, len(hashes))) as pool:
            list(pool.map(flush, hashes))
    sync_folder(root / RAW_FOLDER)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames into it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the store ----------------------------------------------------------------------------------------------


class Store:
    """An open store: locked for this run, its ledger open."""

    def __init__(self, root: Path, db: sqlite3.Connection, lock_fd: int) -> None:
        self.root = root
        self.db = db
        self._lock_fd = lock_fd

    @classmethod
    def open(cls, root: Path) -> Store:
        """Open (or create) the store at ``root``; StoreError when it is in use or cannot be written."""
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / RAW_FOLDER).mkdir(exist_ok=True)
            (root / TMP_FOLDER).mkdir(exist_ok=True)
            lock_fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"{root}: cannot use this folder as the store ({error.strerror or error})") from None
        try:
            # A POSIX record lock belongs to this process alone: worker processes do not inherit it.
            fcntl.lockf(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(lock_fd)
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise StoreError(
                    f"{root}: another 'toolkit collect' is using this store; wait for it to finish"
                ) from None
            raise StoreError(f"{root}: cannot lock the store ({error.strerror or error})") from None
        for leftover in (root / TMP_FOLDER).iterdir():
            leftover.unlink(missing_ok=True)  # a killed run's unfinished writes; their files are collected again
        try:
            db = connect(root)
        except (sqlite3.Error, StoreError) as error:
            os.close(lock_fd)
            raise StoreError(f"{root / LEDGER_FILE}: cannot open the ledger ({error})") from None
        return cls(root, db, lock_fd)

    def close(self) -> None:
        self.db.close()
        os.close(self._lock_fd)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known(self) -> set[str]:
        """The SHA-256 of every file already in the ledger."""
        return {row[0] for row in self.db.execute("SELECT sha256 FROM submissions")}

    def record(self, records: Sequence[Record]) -> list[int]:
        """Add ``records`` in one transaction (skipping any already there), after flushing their raw files to
        disk; their ids, in order."""
        flush_raw(self.root, [rec.sha256 for rec in records])
        records = [_valid(rec) for rec in records]
        ids: list[int] = []
        groups: set[tuple[str, str]] = set()
        with self.db:
            for rec in records:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO submissions (source, file_name, sha256, size, received_at, format,"
                    " practice_code, edition, status, problems, errors, warnings)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        rec.source,
                        rec.file_name,
                        rec.sha256,
                        rec.size,
                        rec.received_at,
                        rec.format,
                        rec.practice_code,
                        rec.edition,
                        rec.status,
                        json.dumps(rec.problems, ensure_ascii=False),
                        rec.errors,
                        rec.warnings,
                    ),
                )
                if cursor.rowcount == 0:
                    continue
                submission_id = int(cursor.lastrowid or 0)
                ids.append(submission_id)
                if rec.answers:
                    self.db.executemany(
                        "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(submission_id, *answer) for answer in rec.answers],
                    )
                if rec.practice_code:
                    groups.add((rec.edition, rec.practice_code))
            for edition, practice in sorted(groups):
                self._supersede(edition, practice)
        return ids

    def _supersede(self, edition: str, practice: str) -> None:
        rows = self.db.execute(
            "SELECT id, received_at, status, superseded_by FROM submissions"
            " WHERE edition = ? AND practice_code = ? ORDER BY received_at, id",
            (edition, practice),
        ).fetchall()
        newest = max(rows, key=lambda r: rank(r[2] == "valid", r[1], r[0]), default=None)
        if newest is not None and newest[2] != "valid":
            newest = None  # only a valid return supersedes
        for row_id, received_at, _, held in rows:
            superseded = newest is not None and received_before(received_at, row_id, (newest[1], newest[0]))
            by = newest[0] if superseded and newest is not None else None
            if by != held:
                self.db.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (by, row_id))

    def submissions(self, edition: str | None = None) -> list[Submission]:
        """Every submission (to ``edition``, when given), in id order."""
        query = "SELECT * FROM submissions" + (" WHERE edition = ?" if edition is not None else "") + " ORDER BY id"
        return [_submission(row) for row in self.db.execute(query, (edition,) if edition is not None else ())]

    def with_problems(self) -> Iterator[Submission]:
        for row in self.db.execute("SELECT * FROM submissions WHERE problems != '[]' ORDER BY id"):
            yield _submission(row)


def _valid(rec: Record) -> Record:
    """``rec`` with all its text valid Unicode (see :mod:`.text`): whatever a file held, its row can be written."""
    return Record(
        **{name: valid_data(getattr(rec, name)) for name in Record.__dataclass_fields__}
    )


def connect(root: Path) -> sqlite3.Connection:
    """Open the ledger, creating its tables if new; StoreError for a ledger of another version."""
    db = sqlite3.connect(root / LEDGER_FILE, isolation_level="DEFERRED")
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA synchronous = FULL")  # a committed transaction survives a power cut
    db.execute("PRAGMA cache_size = -65536")  # 64 MB: a batch's answers fit, so a transaction never spills
    # The REFERENCES in the schema say how tables relate; this module writes each submission and its answers in
    # one transaction, so the checks SQLite would make on every answer (a third of the time) are left off.
    db.execute("PRAGMA foreign_keys = OFF")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SCHEMA_VERSION):
        db.close()
        raise StoreError(f"the ledger is of version {version}; this toolkit reads version {SCHEMA_VERSION}")
    with db:
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        id=row["id"],
        source=row["source"],
        file_name=row["file_name"],
        sha256=row["sha256"],
        size=row["size"],
        received_at=row["received_at"],
        format=row["format"],
        practice_code=row["practice_code"],
        edition=row["edition"] or "",
        status=row["status"],
        superseded_by=row["superseded_by"],
        problems=json.loads(row["problems"]),
        errors=row["errors"],
        warnings=row["warnings"],
    )
