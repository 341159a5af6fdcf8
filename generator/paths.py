"""Where things live in the built site: one place, so links from forms, feedback and emails stay stable.

The current edition is at the site's root; every edition, current or archived,
is also at ``<edition>/``. Downloads are always at ``downloads/<edition>/``.
All paths here are relative to the site root, with no leading slash.
"""

from __future__ import annotations

from .model import Domain, Question


def anchor(question_id: str) -> str:
    """The HTML id of a question on its domain page: 'SG1.2' → 'sg1-2'."""
    return question_id.lower().replace(".", "-")


def domain_page(domain: Domain, edition_prefix: str = "") -> str:
    """The domain's guidance page, such as 'domains/safeguarding/'."""
    return f"{edition_prefix}domains/{domain.id}/"


def question_page(domain: Domain, question: Question, edition_prefix: str = "") -> str:
    """The guidance for one question: its domain page, at the question."""
    return f"{domain_page(domain, edition_prefix)}#{anchor(question.id)}"


def edition_prefix(edition_id: str) -> str:
    """The folder of an edition in the site, such as '2024-25/'."""
    return f"{edition_id}/"


def downloads(edition_id: str) -> str:
    """The folder of an edition's downloads, such as 'downloads/2025-26/'."""
    return f"downloads/{edition_id}/"
