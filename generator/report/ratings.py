"""CQC's ratings kept in the store, so that a later report needs the ratings file no more.

``toolkit report --cqc FILE`` reads CQC's "Latest ratings" file (:mod:`generator.cqc`) and keeps
its GP practices' ratings in ``<store>/cqc.sqlite``, one set per file, dated by the newest
publication date the file holds. Files of several months build up a history; the report uses
the newest set. The collector's ledger is never written here.

``ratings``: ``as_of`` (YYYY-MM-DD), ``source`` (the file's name), ``location_id``, ``ods_code``,
``name``, ``domain``, ``rating`` (NULL for no published rating), ``published``, ``report_type``,
``inherited`` (0 or 1), ``url``; primary key (as_of, location_id, domain).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..cqc import Rating, RatingsFile

RATINGS_FILE = "cqc.sqlite"
KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well_led")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    as_of       TEXT NOT NULL,
    source      TEXT NOT NULL,
    location_id TEXT NOT NULL,
    ods_code    TEXT NOT NULL,
    name        TEXT NOT NULL,
    domain      TEXT NOT NULL,
    rating      TEXT,
    published   TEXT,
    report_type TEXT NOT NULL,
    inherited   INTEGER NOT NULL,
    url         TEXT NOT NULL,
    PRIMARY KEY (as_of, location_id, domain)
);
"""


class RatingsError(Exception):
    """The kept ratings cannot be written or read, in words."""


@dataclass(frozen=True)
class PracticeRatings:
    """A practice's CQC ratings: those of its location rated most recently as a whole."""

    location_id: str
    ratings: Mapping[str, str | None]
    """By domain ('overall', 'safe', …): the rating, or None for none published."""
    published: dt.date | None
    """When the overall rating was published."""
    inherited: bool
    locations: int
    """How many CQC locations carry the practice's code."""
    dates: Mapping[str, dt.date | None] = field(default_factory=dict)
    """By domain: when that rating was published (key questions may be rated at other times than overall)."""


def keep(store: Path, found: RatingsFile, source: str) -> str:
    """Keep ``found`` in the store, replacing any set of the same date; the set's date (YYYY-MM-DD)."""
    dates = [r.published for r in found.ratings if r.published is not None]
    as_of = max(dates).isoformat() if dates else dt.date.today().isoformat()
    try:
        with closing(sqlite3.connect(store / RATINGS_FILE)) as db, db:
            db.executescript(_SCHEMA)
            db.execute("DELETE FROM ratings WHERE as_of = ?", (as_of,))
            db.executemany(
                "INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(as_of, source, r) for r in found.ratings],
            )
    except sqlite3.Error as error:
        raise RatingsError(f"{store / RATINGS_FILE}: the ratings could not be kept ({error})") from None
    return as_of


def _row(as_of: str, source: str, r: Rating) -> tuple[object, ...]:
    published = r.published.isoformat() if r.published else None
    return (as_of, source, r.location_id, r.ods_code, r.name, r.domain, r.rating, published, r.report_type,
            int(r.inherited), r.url)  # fmt: skip


def history(store: Path) -> list[tuple[str, dict[str, PracticeRatings]]]:
    """The ratings kept, one set a year (that year's newest), oldest first: each set's date and each practice's
    ratings. Empty when none is kept."""
    path = store / RATINGS_FILE
    if not path.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            dates = [str(row[0]) for row in db.execute("SELECT DISTINCT as_of FROM ratings ORDER BY as_of")]
            newest_each_year = {d[:4]: d for d in dates}
            found = []
            for as_of in sorted(newest_each_year.values()):
                rows = db.execute(
                    "SELECT location_id, ods_code, name, domain, rating, published, report_type, inherited, url"
                    " FROM ratings WHERE as_of = ? ORDER BY location_id, domain",
                    (as_of,),
                ).fetchall()
                found.append((as_of, by_practice([_rating(row) for row in rows])))
    except sqlite3.Error as error:
        raise RatingsError(f"{path}: the kept ratings cannot be read ({error})") from None
    return found


def _rating(row: Sequence[object]) -> Rating:
    published = dt.date.fromisoformat(str(row[5])) if row[5] else None
    return Rating(str(row[0]), str(row[1]), str(row[2]), str(row[3]), None if row[4] is None else str(row[4]),
                  published, str(row[6]), bool(row[7]), str(row[8]))  # fmt: skip


def by_practice(ratings: list[Rating]) -> dict[str, PracticeRatings]:
    """Each practice code's ratings, from the location whose overall rating was published last (then the
    lowest location id): a practice with two locations is shown by its latest-rated one, and says it has two."""
    locations: dict[str, dict[str, list[Rating]]] = {}
    for rating in ratings:
        locations.setdefault(rating.ods_code, {}).setdefault(rating.location_id, []).append(rating)
    found = {}
    for code, places in sorted(locations.items()):

        def overall(location_id: str, places: dict[str, list[Rating]] = places) -> Rating | None:
            return next((r for r in places[location_id] if r.domain == "overall"), None)

        def newest_first(location_id: str) -> tuple[int, str]:
            whole = overall(location_id)
            day = whole.published if whole is not None and whole.published is not None else dt.date.min
            return (-day.toordinal(), location_id)  # the latest date first, then the lowest id

        chosen = min(places, key=newest_first)
        whole = overall(chosen)
        found[code] = PracticeRatings(
            location_id=chosen,
            ratings={r.domain: r.rating for r in places[chosen]},
            published=whole.published if whole is not None else None,
            inherited=any(r.inherited for r in places[chosen]),
            locations=len(places),
            dates={r.domain: r.published for r in places[chosen]},
        )
    return found
