"""How questions carry across editions: which question of an older edition each new one continues.

A question keeps its id from year to year while its meaning holds. When its meaning
changes, it gets a new id and says which question it replaces (``replaces: OLD-ID``);
replacements may chain across the editions in between (2026-27's C replaces 2025-26's B,
which replaced 2024-25's A).

:func:`lineage` maps every question of a newer edition to its predecessor in an older
one, with a kind:

* ``unchanged`` — same id, same text, same answers or fewer of them (it may have moved to another place, or
  no longer offer "not applicable": an answer it still takes stands, one it no longer takes is checked again);
* ``reworded`` — same id, but its text or its allowed answers changed;
* ``replaced`` — a new id that replaces (directly or through a chain) a question of the older edition;
* ``new`` — no predecessor.

Questions of the older edition that nothing continues are listed as removed. The
difference between editions (``diff.py``), carrying a return forward (``carry.py``) and
the report across editions all read this one mapping.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .answertypes import narrows
from .model import Domain, Edition, Library, Question, Standard

Kind = Literal["unchanged", "reworded", "replaced", "new"]
KINDS: tuple[Kind, ...] = ("unchanged", "reworded", "replaced", "new")

Change = Literal["text", "type", "narrowed", "options", "bounds", "unit", "required", "moved"]
"""What changed between a question and its predecessor."""

ANSWER_CHANGES: frozenset[str] = frozenset({"text", "type", "options", "bounds", "unit"})
"""Changes after which last year's answer must be checked again (a move or a change to 'required' keeps it, and
after 'narrowed', fewer of the same answers, only an answer no longer taken is checked again)."""


@dataclass(frozen=True)
class Place:
    """Where a question sits in its edition."""

    domain_id: str
    domain_title: str
    standard_id: str | None
    """None for a domain's support question."""
    standard_title: str | None

    def label(self) -> str:
        if self.standard_id is None:
            return f"{self.domain_title} (support request)"
        return f"{self.domain_title} › {self.standard_id} {self.standard_title}"


def place_of(domain: Domain, standard: Standard | None) -> Place:
    return Place(domain.id, domain.title, standard.id if standard else None, standard.title if standard else None)


@dataclass(frozen=True)
class QuestionLineage:
    """One question of the newer edition and the question of the older edition it continues."""

    question: Question
    place: Place
    kind: Kind
    predecessor: Question | None = None
    """The question of the older edition it continues (None when ``kind`` is 'new')."""
    predecessor_place: Place | None = None
    changes: tuple[Change, ...] = ()
    """What changed since the predecessor, in a fixed order."""
    chain: tuple[str, ...] = ()
    """For a replacement, the ids followed from the predecessor to this question (both included)."""

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def predecessor_id(self) -> str | None:
        return self.predecessor.id if self.predecessor else None

    @property
    def check_again(self) -> bool:
        """Whether an answer to the predecessor must be checked again before it stands for this question."""
        return self.kind == "replaced" or bool(ANSWER_CHANGES.intersection(self.changes))

    @property
    def may_check_again(self) -> bool:
        """Whether some answer carried to it must be checked again: any, after :attr:`check_again`'s changes; after
        'narrowed' (fewer of the same answers), one it no longer takes."""
        return self.check_again or "narrowed" in self.changes

    def checks_again(self, fits: bool) -> bool:
        """Whether a carried answer must be checked again, given whether the collector still takes it for this
        question (``fits``)."""
        return self.check_again or (self.may_check_again and not fits)


@dataclass(frozen=True)
class Removed:
    """A question of the older edition that no question of the newer one continues."""

    question: Question
    place: Place

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True)
class Lineage:
    """Every question of ``new`` traced to ``old``."""

    old: str
    new: str
    questions: tuple[QuestionLineage, ...]
    """One per question of the newer edition, in the edition's order."""
    removed: tuple[Removed, ...]
    """Questions of the older edition that nothing continues, in that edition's order."""

    def of(self, question_id: str) -> QuestionLineage | None:
        """The lineage of a question of the newer edition."""
        return next((q for q in self.questions if q.id == question_id), None)

    def successors(self, old_id: str) -> list[QuestionLineage]:
        """The questions of the newer edition that continue ``old_id`` (more than one when a question was split)."""
        return [q for q in self.questions if q.predecessor_id == old_id]

    def by_kind(self, kind: Kind) -> list[QuestionLineage]:
        return [q for q in self.questions if q.kind == kind]


def normalised(text: str) -> str:
    """Text with its whitespace collapsed: a re-wrapped line is not a rewording."""
    return " ".join(text.split())


STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "that",
        "this",
        "its",
        "it",
        "their",
        "they",
        "them",
        "any",
        "all",
        "each",
        "every",
        "from",
        "as",
        "if",
        "not",
    ]
)
"""Words that carry little of a question's meaning; left out when texts are compared."""

REWORDING_THRESHOLD = 0.5
"""Below this share of content words in common, a kept id's text has likely changed its meaning.

Measured on the 2024-25 → 2025-26 editions (``bench/reword_similarity.py`` prints the figures):
of the 13 questions the editors gave new ids because their meaning changed, 9 score below 0.5
against the question they replace; of the 23 whose wording changed under a kept id, 4 do, and
those 4 each ask for more than before (a wider scope, or a record the practice did not need to keep).
"""


def content_words(text: str) -> Counter[str]:
    """The words of a text that carry its meaning, lower case, with their counts."""
    return Counter(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS)


def text_similarity(old: str, new: str) -> float:
    """The share of content words two texts have in common (Dice's coefficient): 1.0 same words, 0.0 none.

    Order does not count, so a question turned round ("Before each new member of staff starts,
    does the practice…") keeps its score; common words ('the', 'does') are left out.
    """
    a, b = content_words(old), content_words(new)
    total = sum(a.values()) + sum(b.values())
    if total == 0:
        return 1.0 if normalised(old).lower() == normalised(new).lower() else 0.0
    return 2 * sum((a & b).values()) / total


def question_changes(old: Question, new: Question, old_place: Place, new_place: Place) -> tuple[Change, ...]:
    """What changed between two versions of a question, in a fixed order."""
    changes: list[Change] = []
    if normalised(old.text) != normalised(new.text):
        changes.append("text")
    if old.type != new.type:
        changes.append("narrowed" if narrows(old.type, new.type) else "type")
    if old.type == new.type == "choice" and [o.strip() for o in old.options] != [o.strip() for o in new.options]:
        changes.append("options")
    if (old.minimum, old.maximum) != (new.minimum, new.maximum):
        changes.append("bounds")
    if old.unit.strip() != new.unit.strip():
        changes.append("unit")
    if old.required != new.required:
        changes.append("required")
    if (old_place.domain_id, old_place.standard_id) != (new_place.domain_id, new_place.standard_id):
        changes.append("moved")
    return tuple(changes)


def _index(edition: Edition) -> dict[str, tuple[Question, Place]]:
    return {q.id: (q, place_of(d, s)) for d, s, q in edition.questions()}


def lineage(old: Edition, new: Edition, between: Sequence[Edition] = ()) -> Lineage:
    """Trace every question of ``new`` back to ``old``.

    ``between`` are the editions published between the two (any order): a ``replaces``
    that names a question of one of them is followed on through that question's own
    ``replaces`` until it reaches ``old``.
    """
    old_questions = _index(old)
    # For following chains: the newest 'replaces' each id carried in the editions between.
    replaced_by_id: dict[str, str] = {}
    for edition in sorted(between, key=lambda e: e.id):
        if not old.id < edition.id < new.id:
            continue
        for _, _, q in edition.questions():
            if q.replaces is not None:
                replaced_by_id[q.id] = q.replaces

    traced: list[QuestionLineage] = []
    continued: set[str] = set()
    for domain, standard, question in new.questions():
        place = place_of(domain, standard)
        if question.id in old_questions:
            before, before_place = old_questions[question.id]
            changes = question_changes(before, question, before_place, place)
            kind: Kind = "reworded" if ANSWER_CHANGES.intersection(changes) else "unchanged"
            traced.append(QuestionLineage(question, place, kind, before, before_place, changes))
            continued.add(question.id)
            continue
        chain = [question.id]
        target = question.replaces
        while target is not None and target not in old_questions and target not in chain:
            chain.append(target)
            target = replaced_by_id.get(target)
        if target is not None and target in old_questions and target not in chain:
            chain.append(target)
            before, before_place = old_questions[target]
            changes = question_changes(before, question, before_place, place)
            traced.append(
                QuestionLineage(question, place, "replaced", before, before_place, changes, tuple(reversed(chain)))
            )
            continued.add(target)
        else:
            traced.append(QuestionLineage(question, place, "new"))

    removed = tuple(Removed(q, place_of(d, s)) for d, s, q in old.questions() if q.id not in continued)
    return Lineage(old.id, new.id, tuple(traced), removed)


def lineage_in(library: Library, old_id: str, new_id: str) -> Lineage:
    """The lineage between two editions of a library, following ``replaces`` through those in between."""
    old, new = library.editions[old_id], library.editions[new_id]
    between = [e for e in library.editions.values() if old_id < e.id < new_id]
    return lineage(old, new, between)


def lineage_json(old: Edition, new: Edition, between: Sequence[Edition] = ()) -> dict[str, Any]:
    """The lineage as JSON-ready data, for the online form to carry last year's answers forward.

    Shape::

        {"format": "gp-quality-lineage/1", "from": "2024-25", "to": "2025-26",
         "questions": {"SG1.1": {"kind": "unchanged", "from": "SG1.1", "check_again": false,
                                 "changes": []}, …},
         "removed": [{"question_id": "SG1.4", "text": "…"}, …]}
    """
    traced = lineage(old, new, between)
    return {
        "format": "gp-quality-lineage/1",
        "from": traced.old,
        "to": traced.new,
        "questions": {
            q.id: {
                "kind": q.kind,
                "from": q.predecessor_id,
                "check_again": q.check_again,
                "changes": list(q.changes),
            }
            for q in traced.questions
        },
        "removed": [{"question_id": r.id, "text": r.question.text} for r in traced.removed],
    }
