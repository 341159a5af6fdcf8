"""The help the ICB gave: its support cases (``toolkit support``) counted for the report, per domain.

For each domain of the edition: the requests made, how many the ICB contacted, how many within
its target (``TARGET_WORKING_DAYS`` working days from the day the return was received to the
first change of status), how many are closed and how, and the median working days to first
contact: the figures an ICB quotes to its board ("we responded to N requests this year").
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Edition
from ..support import CASES_FILE

TARGET_WORKING_DAYS = 10
"""The ICB's target for first contact, in working days (Monday to Friday)."""


@dataclass(frozen=True)
class HelpGiven:
    domain_id: str
    domain_title: str
    owner: str
    requests: int
    contacted: int
    within_target: int
    closed: int
    outcomes: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None
    """Median working days from the request to first contact, of the requests contacted."""


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days (Monday to Friday) after ``start`` up to and including ``end``; 0 when ``end`` is not later."""
    days = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        days += day.weekday() < 5
    return days


def target_working_days(project: Path, given: int | None = None) -> int:
    """The first-contact target: ``given`` (a command's --target-days), else the ICB's settings (toolkit.yml's
    ``support: target_working_days:`` in the ``project`` folder), else :data:`TARGET_WORKING_DAYS`."""
    if given is not None:
        return given
    from ..settings import load_settings

    settings, _ = load_settings(project)
    return settings.support.target_working_days if settings is not None else TARGET_WORKING_DAYS


def due_by(start: dt.date, target: int) -> dt.date:
    """The last day of first contact within ``target`` working days after ``start``."""
    day = start
    left = target
    while left > 0:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day


def help_given(store: Path, edition: Edition, target: int = TARGET_WORKING_DAYS) -> list[HelpGiven] | None:
    """The help given in each domain of ``edition``, or None when the store keeps no support cases."""
    path = store / CASES_FILE
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT id, domain_id, owner, status, outcome, opened_at, withdrawn FROM cases WHERE edition = ?",
                (edition.id,),
            ).fetchall()
            contact = {
                int(case_id): str(at)
                for case_id, at in db.execute(
                    "SELECT case_id, min(at) FROM history WHERE what = 'status' AND old = 'new' GROUP BY case_id"
                )
            }
    except sqlite3.Error:
        return None
    found = []
    for domain in edition.domains:
        mine = [r for r in rows if r[1] == domain.id and not r[6]]
        days = [
            working_days(dt.date.fromisoformat(str(r[5])[:10]), dt.date.fromisoformat(contact[int(r[0])][:10]))
            for r in mine
            if int(r[0]) in contact
        ]
        outcomes: dict[str, int] = {}
        for r in mine:
            if r[3] == "closed":
                outcomes[str(r[4])] = outcomes.get(str(r[4]), 0) + 1
        found.append(
            HelpGiven(
                domain.id,
                domain.title,
                domain.contact,
                requests=len(mine),
                contacted=len(days),
                within_target=sum(1 for d in days if d <= target),
                closed=sum(outcomes.values()),
                outcomes=dict(sorted(outcomes.items())),
                median_days=statistics.median(days) if days else None,
            )
        )
    return found
