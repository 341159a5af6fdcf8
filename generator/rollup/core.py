"""Which questions of an edition are core: shared by every ICB, so the only ones compared across ICBs.

An ICB's edition that builds on a core carries, in the model, which of its parts are local
(``Edition.local``); local ids also carry the ICB's namespace (``QK1-LD1.2``), which core ids
never have. A plain edition is all core.
"""

from __future__ import annotations

import re
from typing import Protocol

from ..model import Domain, Edition, Question, Standard

_NAMESPACED = re.compile(r"^[A-Z][A-Z0-9]{2}-")
"""An id in an ICB's namespace (its ODS code and a hyphen): always local."""


class _Local(Protocol):
    def is_local(self, ident: str) -> bool: ...


def is_core(edition: Edition, ident: str, namespaced: bool = True) -> bool:
    """Whether the question, standard or domain ``ident`` of ``edition`` is core (``namespaced``: whether an id
    of its kind would carry the ICB's namespace when local, as question and standard ids and domain codes do)."""
    local: _Local | None = getattr(edition, "local", None)
    if local is not None and local.is_local(ident):
        return False
    return not (namespaced and _NAMESPACED.match(ident))


def core_edition_id(edition: Edition) -> str:
    """The id of the core edition ``edition`` builds on ('core/2025-26' → '2025-26'), or its own id."""
    builds_on: str | None = getattr(edition.info, "builds_on", None)
    return builds_on.rsplit("/", 1)[-1] if builds_on else edition.id


def core_domain(edition: Edition, domain: Domain) -> bool:
    return is_core(edition, domain.id, namespaced=False) and is_core(edition, domain.code)


def question_is_core(edition: Edition, domain: Domain, standard: Standard | None, question: Question) -> bool:
    """Whether ``question`` (of ``standard`` in ``domain``; a support request when ``standard`` is None) is core."""
    if not core_domain(edition, domain):
        return False
    return standard is None or (is_core(edition, standard.id) and is_core(edition, question.id))


def core_questions(edition: Edition) -> list[tuple[Domain, Question]]:
    """The core questions of ``edition`` with their domains, in order (support requests of core domains included)."""
    return [(d, q) for d, s, q in edition.questions() if question_is_core(edition, d, s, q)]


def core_only(edition: Edition) -> Edition:
    """``edition`` cut down to its core: its core domains, each with only its core standards and questions."""
    domains = []
    for domain in edition.domains:
        if not core_domain(edition, domain):
            continue
        standards = []
        for standard in domain.standards:
            questions = tuple(q for q in standard.questions if is_core(edition, q.id))
            if is_core(edition, standard.id) and questions:
                standards.append(standard.model_copy(update={"questions": questions}))
        domains.append(domain.model_copy(update={"standards": tuple(standards)}))
    return Edition(edition.info, edition.references, tuple(domains), edition.folder)
