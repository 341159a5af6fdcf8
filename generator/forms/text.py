"""Short Markdown (an evidence item, help text) as the forms show it: inline HTML for print, plain text for cells.

Editors may write *emphasis* or **strong** text in short fields. The text is escaped before
Markdown sees it, so anything that looks like HTML is shown as written, never taken as markup.
Links become their text: a printed form cannot follow them.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_LINK = re.compile(r"</?a\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def inline_html(text: str) -> Markup:
    """``text`` rendered as inline HTML: emphasis kept, paragraphs joined by line breaks, links as text."""
    import markdown  # type: ignore[import-untyped]  # no stubs; imported only when forms are made

    # Escaped first: whatever looks like HTML is shown as written, never taken as markup.
    rendered = markdown.markdown(html.escape(text, quote=False)).strip().replace("</p>\n<p>", "<br>")
    match = _PARAGRAPH.match(rendered)
    if match and "<p>" not in match.group(1):
        rendered = match.group(1)
    return Markup(_LINK.sub("", rendered))


def plain(text: str) -> str:
    """``text`` without its Markdown: what a spreadsheet cell shows."""
    return html.unescape(_TAG.sub("", str(inline_html(text)).replace("<br>", "\n")))
