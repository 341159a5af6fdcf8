"""Text from the standards, made safe to put into a Markdown page.

Two kinds of field reach a page. Plain text (titles, questions, help, evidence) must show
exactly as written: :func:`text` escapes both HTML and Markdown, so ``*``, ``[`` or ``<b>``
show as themselves. Markdown fields (guidance, why it matters) are rendered as Markdown:
``toolkit check`` already refuses raw HTML and script links in them, and :func:`markdown`
defuses anything of the kind that reaches it anyway, so that a page never carries markup
from the standards that the check did not see.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import quote

from markupsafe import Markup

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_SCRIPT_SCHEME = re.compile(r"(?i)(\]\(\s*<?\s*|^\s{0,3}\[[^\]]*\]:\s*<?\s*)(javascript|vbscript|data)(\s*):", re.M)


def text(value: object) -> Markup:
    """Plain text as inline Markdown that shows exactly ``value``, on one line."""
    return _text(str(value))


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> Markup:
    # The same titles and ids are written on many pages: each is escaped once.
    flat = " ".join(value.split())
    return Markup(html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", flat), quote=False))


def markdown(value: str) -> Markup:
    """A Markdown field of the standards, with raw HTML and script links defused."""
    safe = _TAG_START.sub("&lt;", value.strip())
    safe = _SCRIPT_SCHEME.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}&#58;", safe)
    return Markup(safe)


def url(value: str) -> Markup:
    """A link's address as a Markdown link destination: characters that would end it are percent-encoded."""
    return Markup(quote(value.strip(), safe="/:?#[]@!$&'*+,;=%~-._"))


def attribute(value: object) -> Markup:
    """A value for an HTML attribute written by a page template."""
    return Markup(html.escape(str(value), quote=True))
