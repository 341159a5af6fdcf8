"""Text that a spreadsheet could run as a formula, and how it is written so that none is run.

OWASP's "CSV injection": a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return may be taken for a formula when the file is opened. Every CSV the toolkit writes
(the collector's status and feedback, the report's tables) puts a single quote in front of such a
text, which spreadsheets read as "this is text"; the report's workbook marks the cell with Excel's
quote prefix instead. A plain number such as ``-1`` or ``+5`` runs nothing and is left as it is,
so that it does not show with a quote in front of it.

A CSV may also be opened with another list separator than the comma it was written with: ``;``
where the decimal mark is a comma (much of Europe, and some NHS machines), or tab. Then a
cell ``ok;=HYPERLINK(…)`` splits into two, and the second would run. So every part of a text
after a ``,``, ``;`` or tab is held to the same rule, and gets its quote in front when it could run.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def could_run(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS) and PLAIN_NUMBER.match(text) is None


SEPARATORS = (",", ";", "\t")
"""The list separators a spreadsheet may split a CSV line at."""


def neutralised(text: str) -> str:
    """``text`` as a CSV cell: with a single quote in front when a spreadsheet could take it for a formula, and
    in front of any part after a separator that could run, were the file opened with that separator.

    Each separator's pass only adds a quote right after that separator, so it never undoes another's.
    """
    if could_run(text):
        text = "'" + text
    for separator in SEPARATORS:
        if separator in text:
            first, *rest = text.split(separator)
            text = separator.join([first, *("'" + part if could_run(part.lstrip(" ")) else part for part in rest)])
    return text
