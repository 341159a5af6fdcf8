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
# What would start a block (a heading, quote, list, rule or code block) at the start of a line: a short
# field means it as text, so it is escaped for Markdown and shown as written.
_BLOCK_START = re.compile(r"^([#>]|[-*+_](?=\s|$|[-*+_]*$)|[0-9]+(?=[.)](?:\s|$))|=)", re.MULTILINE)
_ALLOWED = re.compile(r"</?(em|strong|code)>|<br>")
_LINK = re.compile(r"</?a\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def _escape_block_start(match: re.Match[str]) -> str:
    start = match.group(1)
    if start == "=":
        return "&#61;"  # '=' has no Markdown escape; as a character reference it cannot underline a heading
    if start[0].isdigit():
        return start + "\\"  # '1\.': the escape goes before the list's dot
    return "\\" + start


def inline_html(text: str) -> Markup:
    """``text`` rendered as inline HTML: emphasis kept, paragraphs joined by line breaks, links as text."""
    import markdown  # type: ignore[import-untyped]  # no stubs; imported only when forms are made

    # Escaped first: whatever looks like HTML is shown as written, never taken as markup.
    source = re.sub(r"^[ \t]+", "", html.escape(text, quote=False), flags=re.MULTILINE)  # no code blocks
    source = _BLOCK_START.sub(_escape_block_start, source)
    rendered = markdown.markdown(source).strip().replace("</p>\n<p>", "<br>")
    match = _PARAGRAPH.match(rendered)
    if match and "<p>" not in match.group(1):
        rendered = match.group(1)
    # Anything else Markdown made of it (a paragraph break, a stray block) becomes a line break or goes.
    rendered = re.sub(r"</?p>", "<br>", _LINK.sub("", rendered))
    rendered = _TAG.sub(lambda m: m.group(0) if _ALLOWED.fullmatch(m.group(0)) else "", rendered)
    return Markup(re.sub(r"(<br>\s*)+", "<br>", rendered).strip().removeprefix("<br>").removesuffix("<br>"))


def plain(text: str) -> str:
    """``text`` without its Markdown: what a spreadsheet cell shows."""
    return html.unescape(_TAG.sub("", str(inline_html(text)).replace("<br>", "\n")))
