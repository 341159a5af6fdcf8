"""Output folders that toolkit remind and toolkit summary make, known by a marker file inside.

:mod:`generator.outputs` decides where any output may go; a folder of messages or of practice
summaries is checked there as a report folder would be (never inside the site, the sources or
another output except the store), and, beyond that, a folder that is not empty is taken only
when its marker says this toolkit command made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import outputs


def refused(folder: Path, around: Sequence[outputs.Place], marker: str, command: str) -> str | None:
    """Why ``folder`` may not be written by ``command``; None when it may (new, empty, or marked as its own)."""
    why = outputs.check_folder(folder, "report", around)
    if why is None:
        return None
    if (folder / marker).is_file() and why.reason == outputs.not_replaceable(folder, "report"):
        return None
    reason = why.reason.replace("was not made by toolkit report", f"was not made by {command}")
    return reason.replace("a report names practices", "its files name practices")


def mark(folder: Path, marker: str, text: str) -> None:
    """Make ``folder`` (and its parents) and write its marker."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / marker).write_text(text, encoding="utf-8")
