"""Text that can always be stored, written and shown: what a return or a file name holds, made valid Unicode.

A JSON return may hold a lone surrogate (``"\\ud800"``), and a file name from a Windows
share may hold bytes that are no UTF-8 (kept by Python as surrogates, ``\\udce9``). Neither
can be written to the ledger, a CSV or the terminal. :func:`valid_text` writes each one out
as its escape, readably and without losing what it was: a byte kept by Python as ``\\xe9``,
any other lone surrogate as ``\\ud800``, and a NUL as ``\\x00``.
"""

from __future__ import annotations

from typing import Any


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was no UTF-8, as os.fsdecode and 'surrogateescape' keep it
        return f"\\x{code - 0xDC00:02x}"
    if code == 0:
        return "\\x00"
    return f"\\u{code:04x}"


def valid_text(text: str) -> str:
    """``text`` with every lone surrogate and NUL written out as an escape; unchanged when it has none."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        if "\x00" not in text:
            return text
    return "".join(_escape(c) if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def valid_data(value: Any) -> Any:
    """``value`` (text, or lists, tuples and dicts of them, as JSON holds) with all its text made valid."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {valid_text(str(k)): valid_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(valid_data(v) for v in value)
    return value
