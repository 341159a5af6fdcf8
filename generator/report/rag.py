"""The red / amber / green rating of a practice in a domain, and its rule in words.

The rule, per practice and domain, counting the answers that flag a risk under the
standards' own rules (see :mod:`.risk`); the support request is not counted:

* **red**: ``RED_RISKS`` or more answers flag a risk, or one answer flags a risk of high severity (the
  question's ``severity``), or a required question of the domain is unanswered;
* **amber**: at least one answer flags a risk (fewer than ``RED_RISKS``, none of high severity);
* **green**: no answer flags a risk and every required question is answered.

A practice with no valid return has no rating ("none"). The HTML report's method note
quotes :data:`RULE` so the rule is written once.
"""

from __future__ import annotations

from typing import Literal

Rating = Literal["red", "amber", "green", "none"]
RATINGS: tuple[Rating, ...] = ("red", "amber", "green", "none")

RED_RISKS = 2
"""The number of answers flagging a risk in one domain that makes the domain red."""

LABELS: dict[Rating, str] = {"red": "Red", "amber": "Amber", "green": "Green", "none": "No return"}

RULE = (
    f"Red: {RED_RISKS} or more answers in the domain flag a risk, or 1 answer flags a risk the standards rate of high "
    "severity (a risk to patients now), or a required question is unanswered. "
    f"Amber: at least 1 answer flags a risk (fewer than {RED_RISKS}, none of high severity). "
    "Green: no answer flags a risk. "
    "An answer flags a risk when the standards say so for its question: one of its risk answers "
    "(such as no or partial), a number below or above its limit, or a date older than its limit "
    "on the day the return was received. The support request is not counted."
)
"""The rule in words, for the report's method note."""


def rating(risks: int, unanswered_required: int, high_risks: int = 0) -> Rating:
    """The rating of one practice in one domain: ``high_risks`` of its ``risks`` are of high severity."""
    if unanswered_required or risks >= RED_RISKS or high_risks:
        return "red"
    if risks:
        return "amber"
    return "green"
