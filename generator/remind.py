"""Who hears what from the ICB about an edition's returns: one message per practice for each reason to write.

Four reasons, each worked out from the store (the ledger, the support cases) and the register:

``reminder``
    the practice has sent nothing for the edition and the return deadline has not passed;
``correction``
    the practice's return needs correcting (it has no valid return, and its latest is invalid):
    its feedback page goes with the message;
``acknowledgement``
    the practice asked for support and the case is still new: who will be in touch (the domain's
    ICB contact) and by when (the ICB's first-contact target, in working days);
``thanks``
    the practice's valid return counts.

Each reason is keyed to what it is about (the deadline, the return's submission, the support
case), and what was sent for a key is recorded in the store (:mod:`generator.remind_record`), so
nothing is sent twice for the same reason and return. A practice with no email address in the
register is listed, never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .model import Contact, Edition
from .report.helpgiven import due_by
from .returns.outputs import feedback_file
from .support import Case

Kind = Literal["reminder", "correction", "acknowledgement", "thanks"]
KINDS: tuple[Kind, ...] = ("reminder", "correction", "acknowledgement", "thanks")
ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class RemindError(Exception):
    """What the messages need cannot be read; the message says why in words."""


@dataclass(frozen=True)
class Request:
    """A support request the ICB acknowledges: what was asked, who will be in touch and by when."""

    case_id: int
    domain_title: str
    asked: str
    contact: Contact | None
    due: dt.date


@dataclass(frozen=True)
class Planned:
    """One message to one practice, for one reason."""

    kind: Kind
    edition: str
    edition_title: str
    practice_code: str
    practice_name: str
    to: tuple[str, ...]
    keys: tuple[str, ...]
    """What the message is about, each recorded once sent: 'deadline 2031-09-30', 'return 12', 'case 3'."""
    deadline: dt.date | None = None
    received_at: str = ""
    feedback: Path | None = None
    """The feedback page to attach (a correction), inside the store."""
    requests: tuple[Request, ...] = ()


@dataclass(frozen=True)
class Unaddressed:
    """A practice the ICB has a reason to write to, with no usable address in the register."""

    practice_code: str
    practice_name: str
    kinds: tuple[Kind, ...]
    why: str

    def format(self) -> str:
        who = f"{self.practice_code} {self.practice_name}" if self.practice_name else self.practice_code
        return f"{who}: {self.why}; not written to ({', '.join(self.kinds)})"


@dataclass(frozen=True)
class Returned:
    """What the ledger holds of one practice's returns to the edition."""

    valid: tuple[int, str] | None
    """The valid return that counts: its submission and when it was received."""
    latest_invalid: tuple[int, str] | None


def returned(store: Path, edition: str) -> dict[str, Returned]:
    """Practice code → what it returned to ``edition``, from the ledger."""
    ledger = store / "ledger.sqlite"
    if not ledger.is_file():
        raise RemindError(f"{store}: no ledger here; run 'toolkit collect' first or give --store")
    try:
        with closing(sqlite3.connect(f"{ledger.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT practice_code, id, status, superseded_by, received_at FROM submissions"
                " WHERE edition = ? AND practice_code != '' ORDER BY received_at, id",
                (edition,),
            ).fetchall()
    except sqlite3.Error as error:
        raise RemindError(f"{ledger}: the ledger cannot be read ({error})") from None
    valid: dict[str, tuple[int, str]] = {}
    invalid: dict[str, tuple[int, str]] = {}
    for code, sub_id, status, superseded_by, received_at in rows:
        if status == "valid" and superseded_by is None:
            valid[str(code)] = (int(sub_id), str(received_at))
        elif status == "invalid":
            invalid[str(code)] = (int(sub_id), str(received_at))
    return {code: Returned(valid.get(code), invalid.get(code)) for code in {*valid, *invalid}}


@dataclass(frozen=True)
class Plan:
    messages: tuple[Planned, ...]
    unaddressed: tuple[Unaddressed, ...]


def plan(
    edition: Edition,
    store: Path,
    practices: Mapping[str, str],
    emails: Mapping[str, Sequence[str]],
    cases: Sequence[Case],
    *,
    today: dt.date,
    target_days: int,
    contacts: Sequence[Contact] = (),
    sent: frozenset[tuple[str, str, str, str]] = frozenset(),
) -> Plan:
    """Every message due for ``edition``, in register order then by kind, leaving out what ``sent`` holds
    (edition, practice, kind, key); ``contacts`` stand in for an edition whose references list none."""
    found = returned(store, edition.id)
    deadline = edition.info.return_deadline
    domains = {d.id: d for d in edition.domains}
    by_practice: dict[str, list[Case]] = {}
    for case in cases:
        if case.edition == edition.id and case.status == "new" and not case.withdrawn:
            by_practice.setdefault(case.practice_code, []).append(case)

    def contact(contact_id: str) -> Contact | None:
        return edition.contact(contact_id) or next((c for c in contacts if c.id == contact_id), None)

    about = (edition.id, edition.info.title)
    messages: list[Planned] = []
    unaddressed: list[Unaddressed] = []
    codes = list(practices) + sorted({*found, *by_practice} - set(practices))
    for code in codes:
        name = practices.get(code, "")
        due: list[Planned] = []
        got = found.get(code)
        if got is None and deadline is not None and today <= deadline and code in practices:
            due.append(Planned("reminder", *about, code, name, (), (f"deadline {deadline}",), deadline=deadline))
        if got is not None and got.valid is None and got.latest_invalid is not None:
            sub_id, received = got.latest_invalid
            page = store / feedback_file(edition.id, code, sub_id)
            feedback = page if page.is_file() else None
            keys: tuple[str, ...] = (f"return {sub_id}",)
            due.append(
                Planned("correction", *about, code, name, (), keys, deadline, received_at=received, feedback=feedback)
            )
        requests = tuple(
            Request(
                c.id,
                domains[c.domain_id].title if c.domain_id in domains else c.domain_id,
                c.request,
                contact(c.owner),
                due_by(dt.date.fromisoformat(c.opened_at[:10]), target_days),
            )
            for c in by_practice.get(code, [])
        )
        if requests:
            keys = tuple(f"case {r.case_id}" for r in requests)
            due.append(Planned("acknowledgement", *about, code, name, (), keys, requests=requests))
        if got is not None and got.valid is not None:
            sub_id, received = got.valid
            due.append(Planned("thanks", *about, code, name, (), (f"return {sub_id}",), received_at=received))
        due = [_unsent(p, sent) for p in due]
        due = [p for p in due if p.keys]
        if not due:
            continue
        addresses = tuple(emails.get(code, ()))
        bad = [a for a in addresses if not ADDRESS.match(a)]
        if not addresses or bad:
            why = (
                "not in the register"
                if code not in practices
                else f"'{bad[0]}' in the register is not an email address"
                if bad
                else "no email address in the register"
            )
            unaddressed.append(Unaddressed(code, name, tuple(p.kind for p in due), why))
            continue
        messages += [_to(p, addresses) for p in due]
    return Plan(tuple(messages), tuple(unaddressed))


def _unsent(planned: Planned, sent: frozenset[tuple[str, str, str, str]]) -> Planned:
    keys = tuple(k for k in planned.keys if (planned.edition, planned.practice_code, planned.kind, k) not in sent)
    return replace(planned, keys=keys, requests=tuple(r for r in planned.requests if f"case {r.case_id}" in keys))


def _to(planned: Planned, addresses: tuple[str, ...]) -> Planned:
    return replace(planned, to=addresses)
