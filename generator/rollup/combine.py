"""Several ICBs' bundles → the regional figures.

* Returns received against active practices, per ICB and per sub-ICB location: the bundles' counts, summed.
* Domain ratings and risks on core questions only: each bundle counted them on its core questions;
  a local question never reaches the comparison (nor does a local domain).
* Questions are compared under the ids of the newest core edition among the bundles: a bundle on an
  older core edition has its questions matched through the same lineage that year on year uses
  (kept ids, ``replaces`` links); a question with no successor in the newest edition is left out.
* Support requests per core domain per ICB, and those made in an ICB's own domains in one row apart
  (so each ICB's column adds up to its own report's); CQC overall ratings where a bundle gives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..lineage import lineage
from ..model import Library
from .bundle import Bundle, PlaceCount

LOCAL_DOMAINS = "In each ICB's own domains (not compared)"
"""The support row that counts the requests made in domains an ICB added for itself."""


class RollupError(Exception):
    """The bundles cannot be combined; the message says why in words."""


@dataclass(frozen=True)
class IcbReturns:
    icb_code: str
    icb_name: str
    edition_id: str
    core_edition_id: str
    register_date: str
    counts_only: bool
    places: tuple[PlaceCount, ...]

    def total(self, field: str) -> int:
        return sum(int(getattr(p, field)) for p in self.places)

    @property
    def received(self) -> int:
        return self.total("valid") + self.total("invalid")


@dataclass(frozen=True)
class DomainRow:
    """One core domain in one ICB: its practices rated red, amber and green, and its answers flagging a risk."""

    domain_id: str
    title: str
    icb_code: str
    red: int
    amber: int
    green: int
    risks: int

    @property
    def rated(self) -> int:
        return self.red + self.amber + self.green

    def share(self, count: int) -> float | None:
        return count / self.rated if self.rated else None


@dataclass(frozen=True)
class QuestionRow:
    """One core question under the newest core edition's id, across ICBs."""

    question_id: str
    domain_id: str
    answered: tuple[int, ...]
    """By ICB, in the order of :attr:`Regional.icbs` (0 where that ICB's edition does not ask it)."""
    risks: tuple[int, ...]
    asked_as: tuple[str, ...]
    """By ICB: the id the question has in that ICB's edition ('' where it is not asked)."""


@dataclass(frozen=True)
class SupportRow:
    domain_id: str
    title: str
    requests: tuple[int, ...]
    """By ICB, in the order of :attr:`Regional.icbs`."""


@dataclass(frozen=True)
class CqcRow:
    icb_code: str
    overall: str
    returned: int
    not_returned: int


@dataclass(frozen=True)
class Regional:
    reference_edition: str
    """The newest core edition among the bundles: questions are compared under its ids."""
    icbs: tuple[IcbReturns, ...]
    domains: tuple[DomainRow, ...]
    questions: tuple[QuestionRow, ...]
    support: tuple[SupportRow, ...]
    cqc: tuple[CqcRow, ...]
    notes: tuple[str, ...]
    """How each bundle on an older core edition was matched, in words."""

    def total(self, field: str) -> int:
        return sum(icb.total(field) for icb in self.icbs)


def _matching(bundle: Bundle, reference: str, library: Library | None) -> tuple[dict[str, str], str]:
    """The bundle's core question ids → the reference edition's ids, and a note on how they were matched."""
    own = bundle.core_ids
    if bundle.core_edition_id == reference:
        return {q: q for q in own}, ""
    editions = library.editions if library is not None else {}
    missing = [e for e in (bundle.core_edition_id, reference) if e not in editions]
    if missing:
        raise RollupError(
            f"the bundle of {bundle.icb_code} is on core edition {bundle.core_edition_id} and another on {reference}: "
            f"to compare them the standards must hold both editions, and {', '.join(missing)} is not among them "
            "(give --standards with the core editions)"
        )
    old, new = editions[bundle.core_edition_id], editions[reference]
    between = [e for e in editions.values() if old.id < e.id < new.id]
    traced = lineage(old, new, between)
    forward = {q.predecessor_id: q.id for q in traced.questions if q.predecessor_id is not None}
    mapped = {q: forward[q] for q in own if q in forward}
    note = (
        f"{bundle.icb_code} answered core edition {bundle.core_edition_id}: {len(mapped)} of its {len(own)} core "
        f"questions are compared with {reference} through the lineage; {len(own) - len(mapped)} have no successor "
        "and are left out."
    )
    return mapped, note


def combine(bundles: Sequence[Bundle], library: Library | None = None) -> Regional:
    """The regional figures from ``bundles`` (one per ICB)."""
    if not bundles:
        raise RollupError("no bundles given")
    seen: dict[tuple[str, str], int] = {}
    for bundle in bundles:
        key = (bundle.icb_code, bundle.edition_id)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            raise RollupError(f"two bundles of {bundle.icb_code} for {bundle.edition_id}: give each ICB's once")
    reference = max(b.core_edition_id for b in bundles)
    matched = [_matching(b, reference, library) for b in bundles]
    icbs = tuple(
        IcbReturns(b.icb_code, b.icb_name, b.edition_id, b.core_edition_id, b.register_date, b.counts_only, b.places)
        for b in bundles
    )
    domains = tuple(
        DomainRow(d.domain_id, d.title, b.icb_code, d.red, d.amber, d.green, d.risks)
        for b in bundles
        for d in b.domains
        if d.core
    )
    questions = _questions(bundles, [m for m, _ in matched])
    support = _support(bundles)
    cqc = tuple(CqcRow(b.icb_code, c.overall, c.returned, c.not_returned) for b in bundles for c in b.cqc)
    return Regional(reference, icbs, domains, questions, support, cqc, tuple(n for _, n in matched if n))


def _questions(bundles: Sequence[Bundle], matched: Sequence[dict[str, str]]) -> tuple[QuestionRow, ...]:
    order: dict[str, str] = {}
    """Reference id → domain id, in the order first met."""
    per: list[dict[str, tuple[str, int, int]]] = []
    for bundle, mapping in zip(bundles, matched, strict=True):
        held: dict[str, tuple[str, int, int]] = {}
        for q in bundle.questions:
            target = mapping.get(q.question_id) if q.core else None
            if target is None:
                continue
            order.setdefault(target, q.domain_id)
            held[target] = (q.question_id, q.answered, q.risks)
        per.append(held)
    return tuple(
        QuestionRow(
            qid,
            domain_id,
            tuple(h.get(qid, ("", 0, 0))[1] for h in per),
            tuple(h.get(qid, ("", 0, 0))[2] for h in per),
            tuple(h.get(qid, ("", 0, 0))[0] for h in per),
        )
        for qid, domain_id in order.items()
    )


def _support(bundles: Sequence[Bundle]) -> tuple[SupportRow, ...]:
    titles: dict[str, str] = {}
    for bundle in bundles:
        for d in bundle.domains:
            if d.core:
                titles.setdefault(d.domain_id, d.title)
    rows = [
        SupportRow(
            domain_id,
            title,
            tuple(next((d.support for d in b.domains if d.domain_id == domain_id and d.core), 0) for b in bundles),
        )
        for domain_id, title in titles.items()
    ]
    if any(not d.core for b in bundles for d in b.domains):
        own = tuple(sum(d.support for d in b.domains if not d.core) for b in bundles)
        rows.append(SupportRow("", LOCAL_DOMAINS, own))
    return tuple(rows)
