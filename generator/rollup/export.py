"""An ICB's returns to one edition → a bundle (:mod:`.bundle`) for the region.

Counts are made the way the ICB's own report makes them (:func:`generator.report.figures.compute`),
so the bundle's totals are the report's: domain ratings and risks on the core questions only
(the edition cut down to its core, :func:`.core.core_only`), support requests in every domain.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from ..model import Edition
from ..report import figures
from ..report.inputs import Returns
from ..report.ratings import KEY_QUESTIONS, PracticeRatings
from ..returns.register import EPRACCUR_COLUMNS, Register
from .bundle import (
    CQC_OVERALL,
    AnswerEntry,
    Bundle,
    CqcCount,
    DomainCount,
    PlaceCount,
    QuestionCount,
    RegisterEntry,
    ReturnEntry,
)
from .core import core_domain, core_edition_id, core_only, question_is_core


def regions_of(path: Path) -> dict[str, str]:
    """Practice code → NHS England region code, from an epraccur file (column 3); {} for a simple register."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = [r for r in csv.reader(handle) if r]
    except (OSError, csv.Error):
        return {}
    if not rows or len(rows[0]) < EPRACCUR_COLUMNS - 2:
        return {}
    return {r[0].strip().upper(): r[2].strip().upper() for r in rows if len(r) > 2}


def _places(found: figures.Figures, register: Register | None) -> tuple[PlaceCount, ...]:
    counts: dict[str, dict[str, int]] = {}
    for row in found.returns:
        place = register.places.get(row.practice_code, "") if register is not None and row.in_register else ""
        held = counts.setdefault(place, {"active": 0, "valid": 0, "invalid": 0, "missing": 0})
        held["active"] += 1 if row.in_register and found.register_given else 0
        held[row.status] += 1
    return tuple(
        PlaceCount(place, c["active"], c["valid"], c["invalid"], c["missing"]) for place, c in sorted(counts.items())
    )


def _domains(edition: Edition, full: figures.Figures, core: figures.Figures) -> tuple[DomainCount, ...]:
    index = {d.id: i for i, d in enumerate(core.domains)}
    found = []
    for domain in edition.domains:
        support = sum(1 for s in full.support if s.domain.id == domain.id)
        ci = index.get(domain.id)
        if ci is None or not core_domain(edition, domain):
            found.append(DomainCount(domain.id, domain.title, False, 0, 0, 0, 0, support))
            continue
        rated = core.rating_counts(ci)
        risks = sum(1 for r in core.risks if r.domain.id == domain.id)
        found.append(
            DomainCount(domain.id, domain.title, True, rated["red"], rated["amber"], rated["green"], risks, support)
        )
    return tuple(found)


def _questions(edition: Edition, full: figures.Figures, returns: Returns) -> tuple[QuestionCount, ...]:
    counted = {q.question_id: q for q in full.questions}
    valid = [s.id for s in returns.chosen().values() if s.valid]
    found = []
    for domain, standard, question in edition.questions():
        core = question_is_core(edition, domain, standard, question)
        held = counted.get(question.id)
        if held is not None:
            found.append(QuestionCount(question.id, domain.id, core, held.answered, held.risks))
        else:  # a support request: answered by every valid return that gave an answer; flags no risk
            answered = sum(1 for sid in valid if returns.answers.get(sid, {}).get(question.id, "").strip())
            found.append(QuestionCount(question.id, domain.id, core, answered, 0))
    return tuple(found)


def _cqc(found: figures.Figures, ratings: Mapping[str, PracticeRatings]) -> tuple[CqcCount, ...]:
    counts = {rating: [0, 0] for rating in CQC_OVERALL}
    for practice in found.practices:
        held = ratings.get(practice.practice_code)
        overall = (held.ratings.get("overall") if held is not None else None) or ""
        counts[overall if overall in counts else ""][0 if practice.status == "valid" else 1] += 1
    return tuple(CqcCount(rating, *counts[rating]) for rating in CQC_OVERALL)


def _cqc_rows(found: figures.Figures, ratings: Mapping[str, PracticeRatings]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for practice in found.practices:
        held = ratings.get(practice.practice_code)
        if held is None:
            continue
        rows.append(
            (
                practice.practice_code,
                held.location_id,
                *(held.ratings.get(d) or "" for d in ("overall", *KEY_QUESTIONS)),
                held.published.isoformat() if held.published else "",
                "yes" if held.inherited else "no",
            )
        )
    return tuple(rows)


def bundle_of(
    edition: Edition,
    returns: Returns,
    *,
    icb_code: str,
    icb_name: str,
    register: Register | None,
    regions: Mapping[str, str] | None = None,
    register_date: str = "",
    ratings: Mapping[str, PracticeRatings] | None = None,
    counts_only: bool = False,
    exported_at: str = "",
) -> Bundle:
    """The bundle of ``returns`` to ``edition``: counts always, practice by practice unless ``counts_only``."""
    names = register.practices if register is not None else None
    full = figures.compute(edition, returns, names)
    core = figures.compute(core_only(edition), returns, names)
    chosen = returns.chosen()
    detail = not counts_only
    return Bundle(
        icb_code=icb_code,
        icb_name=icb_name,
        edition_id=edition.id,
        core_edition_id=core_edition_id(edition),
        register_date=register_date if register is not None else "",
        exported_at=exported_at,
        counts_only=counts_only,
        places=_places(full, register),
        domains=_domains(edition, full, core),
        questions=_questions(edition, full, returns),
        cqc=_cqc(full, ratings) if ratings is not None else (),
        register=tuple(
            RegisterEntry(code, name, register.places.get(code, ""), icb_code, (regions or {}).get(code, ""))
            for code, name in register.practices.items()
        )
        if detail and register is not None
        else (),
        returns=tuple(ReturnEntry(r.practice_code, r.status, r.received_at) for r in full.returns) if detail else (),
        answers=tuple(
            AnswerEntry(code, edition.id, qid, answer)
            for code, sub in chosen.items()
            if sub.valid
            for qid, answer in sorted(returns.answers.get(sub.id, {}).items())
        )
        if detail
        else (),
        cqc_ratings=_cqc_rows(full, ratings) if detail and ratings is not None else (),
    )
