"""A practice's own one-page summary of its valid return, to send back: HTML, and PDF from the same page."""

from __future__ import annotations

import re

SUMMARY_FOLDER = "summaries"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def summary_file(practice_code: str, suffix: str) -> str:
    """Where a practice's summary is in a report folder: 'summaries/Y00003.pdf'. Only a plain code names a file."""
    code = practice_code if _CODE.fullmatch(practice_code) else "unknown"
    return f"{SUMMARY_FOLDER}/{code}.{suffix}"
