"""Text that a spreadsheet could run as a formula, and how it is written so that none is run.

OWASP's "CSV injection": a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return may be taken for a formula when the file is opened. Every CSV the toolkit writes
(the collector's status and feedback, the report's tables) puts a single quote in front of such a
text, which spreadsheets read as "this is text"; the report's workbook marks the cell with Excel's
quote prefix instead. A plain number such as ``-1`` or ``+5`` runs nothing and is left as it is,
so that it does not show with a quote in front of it.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def could_run(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS) and PLAIN_NUMBER.match(text) is None


def neutralised(text: str) -> str:
    """``text`` as a CSV cell: with a single quote in front when a spreadsheet could take it for a formula."""
    return "'" + text if could_run(text) else text
