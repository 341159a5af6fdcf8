"""What the ICB has sent each practice, kept in the store so that nothing is sent twice for the same reason.

``<store>/reminders.sqlite``, table ``sent``: ``edition``, ``practice_code``, ``kind`` (reminder,
correction, acknowledgement, thanks), ``key`` (what it was about: 'deadline 2031-09-30',
'return 12', 'case 3'), ``at``, ``how`` ('smtp' or 'eml file'), ``recipients``; one row per
edition, practice, kind and key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from .remind import Planned

SENT_FILE = "reminders.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    edition       TEXT NOT NULL,
    practice_code TEXT NOT NULL,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL,
    at            TEXT NOT NULL,
    how           TEXT NOT NULL,
    recipients    TEXT NOT NULL,
    PRIMARY KEY (edition, practice_code, kind, key)
);
"""


@contextmanager
def _db(store: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(store / SENT_FILE)) as db:
        db.executescript(_SCHEMA)
        with db:
            yield db


def sent(store: Path, edition: str) -> frozenset[tuple[str, str, str, str]]:
    """(edition, practice, kind, key) of everything sent for ``edition``."""
    if not (store / SENT_FILE).is_file():
        return frozenset()
    with _db(store) as db:
        return frozenset(
            (str(e), str(p), str(k), str(key))
            for e, p, k, key in db.execute(
                "SELECT edition, practice_code, kind, key FROM sent WHERE edition = ?", (edition,)
            )
        )


def record(store: Path, messages: Sequence[Planned], *, at: str, how: str) -> None:
    """Record messages as sent, each for every one of its keys, in one transaction."""
    with _db(store) as db:
        db.executemany(
            "INSERT OR IGNORE INTO sent VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(m.edition, m.practice_code, m.kind, key, at, how, "; ".join(m.to)) for m in messages for key in m.keys],
        )
