"""Numbers a practice sees missing, and what became of each: where a standard's questions skip a number
(SE1.5, then SE1.7) or a domain's standards do (MED3, then MED5), a note says which number is not used
and why, worked out from the editions the library holds.

A number is never used again once its question is withdrawn or replaced, so that an answer in an old
return never lands on a different question. A practice reading SE1.5 then SE1.7 should not wonder what it
has missed: each note names the missing number and where it went ("SE1.6 is now asked as SE1.7"), or says
that it was withdrawn, or, for a standard, in which domain it now sits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answertypes import listed
from .model import Domain, Edition, Library

_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>[0-9]+)$")

NEVER_REUSED = "A number is never used again, so answers from earlier years keep their meaning."
"""Said after every note."""


@dataclass(frozen=True)
class Unused:
    """A number missing from a run of question or standard numbers, and what became of it."""

    id: str
    """The missing id: a question's (SE1.6) or a standard's (MED4)."""
    successors: tuple[str, ...] = ()
    """The ids of this edition that ask it now (through ``replaces``, across editions)."""
    elsewhere: str = ""
    """For a standard held by another domain of this edition: that domain's title."""
    last_edition: str = ""
    """The newest earlier edition that had it ('' when none the library holds did)."""
    others: tuple[str, ...] = ()
    """For a standard's number: the standards of its domain numbered under another code (WF1 in Recruitment)."""

    def sentence(self) -> str:
        """'SE1.6 is now asked as SE1.7.', 'IPC2.4 was withdrawn after 2024-25.', 'WF1 is in Recruitment.'"""
        if self.elsewhere:
            return f"{self.id} is in {self.elsewhere}."
        if self.successors:
            what = self.id if "." in self.id else f"What {self.id} asked"  # a question, or a standard's questions
            return f"{what} is now asked as {listed(self.successors, 'and')}."
        if self.last_edition:
            return f"{self.id} was withdrawn after {self.last_edition}."
        if self.others:
            return f"{self.id} is not used: this domain's standards also include {listed(self.others, 'and')}."
        return f"{self.id} is not used."


def note(unused: Iterable[Unused]) -> str:
    """The note a practice reads beside the numbers: each missing number's sentence, then why none is reused."""
    sentences = [u.sentence() for u in unused]
    return " ".join([*sentences, NEVER_REUSED]) if sentences else ""


def _gaps(ids: Iterable[str], stem: str) -> list[str]:
    """The ids missing from ``stem``1 up to the highest number of ``ids`` that start with ``stem``."""
    numbers = set()
    for ident in ids:
        found = _NUMBERED.match(ident)
        if found and found["stem"] == stem:
            numbers.add(int(found["number"]))
    return [f"{stem}{n}" for n in range(1, max(numbers, default=0) + 1) if n not in numbers]


@dataclass(frozen=True)
class _History:
    """What the library's earlier editions say of ids: where each was last seen, what replaces what."""

    last_seen: Mapping[str, str]
    successors: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, library: Library, edition: Edition) -> _History:
        earlier = sorted((e for e in library.editions.values() if e.id < edition.id), key=lambda e: e.id)
        last_seen: dict[str, str] = {}
        replaces: dict[str, str] = {}
        for older in earlier:
            for domain in older.domains:
                for standard in domain.standards:
                    last_seen[standard.id] = older.id
            for _, _, question in older.questions():
                last_seen[question.id] = older.id
                if question.replaces:
                    replaces[question.id] = question.replaces
        successors: dict[str, list[str]] = {}
        for _, _, question in edition.questions():
            seen = {question.id}
            target = question.replaces
            while target is not None and target not in seen:  # a chain through the editions between
                seen.add(target)
                successors.setdefault(target, []).append(question.id)
                target = replaces.get(target)
        return cls(last_seen, {k: tuple(v) for k, v in successors.items()})


def _standard_successors(history: _History, standard_id: str) -> tuple[str, ...]:
    """The questions of this edition that replace any question of a missing standard."""
    found: list[str] = []
    for old_id, new_ids in history.successors.items():
        if old_id.startswith(f"{standard_id}."):
            found += [i for i in new_ids if i not in found]
    return tuple(found)


def unused_numbers(library: Library, edition: Edition) -> dict[str, tuple[Unused, ...]]:
    """For each standard of ``edition`` whose question numbers skip, and each domain whose standard numbers
    skip, the missing numbers with what became of them: keyed by the standard's id or the domain's id."""
    history = _History.of(library, edition)
    standard_domains = {s.id: d for d in edition.domains for s in d.standards}
    found: dict[str, tuple[Unused, ...]] = {}
    for domain in edition.domains:
        missing = _missing_standards(domain, standard_domains, history)
        if missing:
            found[domain.id] = missing
        for standard in domain.standards:
            gaps = _gaps((q.id for q in standard.questions), f"{standard.id}.")
            if gaps:
                found[standard.id] = tuple(
                    Unused(i, history.successors.get(i, ()), last_edition=history.last_seen.get(i, "")) for i in gaps
                )
    return found


def _missing_standards(domain: Domain, standard_domains: Mapping[str, Domain], history: _History) -> tuple[Unused, ...]:
    others = tuple(s.id for s in domain.standards if (m := _NUMBERED.match(s.id)) and m["stem"] != domain.code)
    missing = []
    for ident in _gaps((s.id for s in domain.standards), domain.code):
        holder = standard_domains.get(ident)
        elsewhere = holder.title if holder is not None and holder.id != domain.id else ""
        missing.append(
            Unused(
                ident,
                () if elsewhere else _standard_successors(history, ident),
                elsewhere,
                history.last_seen.get(ident, ""),
                others,
            )
        )
    return tuple(missing)


def notes(library: Library, edition: Edition) -> dict[str, str]:
    """:func:`unused_numbers` as the note a practice reads, keyed by standard or domain id."""
    return {key: note(unused) for key, unused in unused_numbers(library, edition).items()}
