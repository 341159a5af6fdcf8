"""Which of a practice's returns counts: the one rule the store, status.csv and the report all use.

Of the returns a practice sent to one edition, the one that counts is its latest valid return,
else (when none is valid) its latest return. Latest means received last; two received in the
same second are ordered by the ledger's id, that is the order they were collected in. A valid
return supersedes every return of its practice and edition received before it.
"""

from __future__ import annotations


def rank(valid: bool, received_at: str, submission_id: int) -> tuple[bool, str, int]:
    """A return's rank among its practice's returns to one edition: the one that counts ranks highest."""
    return (valid, received_at, submission_id)


def received_before(received_at: str, submission_id: int, than: tuple[str, int]) -> bool:
    """Whether a return was received before another, given as ``(received_at, id)``: what a valid return supersedes."""
    return (received_at, submission_id) < than
