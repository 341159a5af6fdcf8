"""The Markdown the standards and ``content/`` may use, and finding what falls outside it.

The site renders Markdown with Python-Markdown and the extensions of ``mkdocs.yml``
(:data:`EXTENSIONS`). Of what those accept, the toolkit allows a subset:

* paragraphs, emphasis, headings, lists, block quotes, code, tables, definition lists,
  admonitions and ``~~struck~~`` text;
* links, images and reference definitions whose address is ``http:``, ``https:``, ``mailto:``,
  a page of the site or an ``#anchor`` (:data:`ALLOWED_SCHEMES`); ``<https://…>`` and
  ``<name@example.org>`` autolinks;
* attribute lists that set only ``#id``, ``.class`` and :data:`ALLOWED_ATTRIBUTES`.

Everything else is refused wherever it appears (headings, tables, nested lists, block quotes):
raw HTML, event handlers (``on…=``) and other attributes in attribute lists, and addresses with
any other scheme, such as ``javascript:``, ``data:`` or ``vbscript:``, however they are spelled
(any case, with tabs, new lines, control characters, backslashes or character references inside).

:func:`findings` looks at the source, so that each problem has its place. It then renders the
text as the site would and looks at the HTML, so that anything the source rules missed is
still refused (at the start of the text) rather than published.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
"""The schemes a link or image address may have; an address without one is a page of the site."""

SCRIPT_SCHEMES = frozenset({"javascript", "data", "vbscript"})
"""Schemes whose addresses run script or carry a whole document in themselves."""

ALLOWED_ATTRIBUTES = ("title", "lang", "width", "height")
"""What an attribute list may set besides ``#id`` and ``.class``."""

EXTENSIONS = ("toc", "attr_list", "admonition", "tables", "def_list", "pymdownx.tilde")
"""The Markdown extensions of ``mkdocs.yml``: the pipeline the site renders Markdown with."""

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "srcset",
        "poster",
        "background",
        "data",
        "codebase",
        "cite",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "ping",
        "manifest",
        "icon",
        "usemap",
        "archive",
        "classid",
        "profile",
    }
)
"""HTML attributes whose value a browser follows as an address."""

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_LINK_OPENER = re.compile(r"\]\(|\]:")
_LEADING = re.compile(r"[\s<>]*")
_ANGLE = re.compile(r"<([^<>\n]*)>?")
RAW_HTML = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*|!--|!\[CDATA|!|\?)")
"""Where raw HTML (a tag, comment, declaration or processing instruction) may start."""
_AUTOMAIL = re.compile(r"<[^<> !]+@[^@<> ]+>")
_AUTOLINK = re.compile(r"<((?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*)>")
"""Python-Markdown's autolinks: any other ``<...>`` is raw HTML to it, whatever it looks like."""
_BRACES = re.compile(r"\{:?[ ]*")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[{%#][^\n]*", re.DOTALL)
"""Jinja2 expressions, statements and comments; one left open runs to the end of its line (rendering reports it)."""
_WINDOW = 300
"""How much of the text after a link's opening bracket is read for its address's scheme."""


@dataclass(frozen=True)
class Finding:
    """Something outside the allowed Markdown, at ``offset`` characters into the text."""

    offset: int
    message: str


def scheme_of(address: str) -> str | None:
    """The scheme a browser would read at the start of ``address``, in lower case; None for a relative address.

    Character references are decoded (repeatedly, so that nothing decoded twice on its way to a
    browser is missed), then tabs, new lines, control and format characters and backslashes are
    dropped wherever they are, and leading spaces, ``<`` and ``>`` (of a block quote) are skipped: ``java&#x09;script:``,
    ``JaVa\\tScRiPt:`` and ``java\\script:`` all give ``javascript``.
    """
    text = _unescape(address[: _WINDOW * 2])
    text = "".join(c for c in text if not _invisible(c)).replace("\\", "")
    text = text[_LEADING.match(text).end() :]  # type: ignore[union-attr]
    match = _SCHEME.match(text.lower())
    return match.group(1) if match else None


def is_script_url(address: str) -> bool:
    """True for an address a browser would run or read as a whole document (javascript:, data:, vbscript:)."""
    return scheme_of(address) in SCRIPT_SCHEMES


def is_event_handler(name: str) -> bool:
    """True for an HTML attribute a browser runs as script (``onclick``, ``ONMouseOver``...)."""
    return name.strip().lower().startswith("on")


def findings(text: str) -> list[Finding]:
    """Everything in the Markdown ``text`` outside the allowed subset, in order of place.

    What the source rules find, each at its place; if they find nothing, whatever the rendered
    HTML still holds that is not allowed, at the start of the text."""
    return source_findings(text) or _rendered(text)


def source_findings(text: str) -> list[Finding]:
    """What the rules on the Markdown source find in ``text``, in order of place."""
    found = {*_raw_html(text), *_links(text), *_attribute_lists(text)}
    return sorted(found, key=lambda f: (f.offset, f.message))


def without_templates(text: str) -> str:
    """A hand-written page with its Jinja2 expressions and statements blanked out, keeping every line and column."""
    return _JINJA.sub(lambda m: re.sub(r"[^\n]", "x", m.group(0)), text)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The line and column (from 1) of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def link_message(scheme: str) -> str:
    if scheme in SCRIPT_SCHEMES:
        return "links must be http or https addresses, not scripts or data"
    return f"links must be http or https addresses (or mailto: for email); '{scheme}:' is not allowed"


# Source rules ----------------------------------------------------------------------------------


def _raw_html(text: str) -> list[Finding]:
    opening: list[Finding] = []
    closing: list[Finding] = []
    for match in RAW_HTML.finditer(text):
        start = match.start()
        angle = _ANGLE.match(text, start)
        inside = angle.group(1) if angle else ""
        if _AUTOMAIL.match(text, start):
            continue
        autolink = _AUTOLINK.match(text, start)
        scheme = scheme_of(autolink.group(1) if autolink else inside)
        if autolink or (scheme not in (None, *ALLOWED_SCHEMES) and angle is not None and angle.group(0).endswith(">")):
            if scheme not in ALLOWED_SCHEMES:
                opening.append(Finding(start + 1, link_message(str(scheme))))
            continue
        shown = match.group(0)
        found = Finding(start, f"raw HTML is not allowed ({shown!r}...): write plain Markdown instead")
        (closing if shown.startswith("</") else opening).append(found)
    return opening or closing


def _links(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in _LINK_OPENER.finditer(text):
        window = text[match.end() : match.end() + _WINDOW]
        scheme = scheme_of(window)
        if scheme is not None and scheme not in ALLOWED_SCHEMES:
            skipped = _LEADING.match(window)
            found.append(Finding(match.end() + (skipped.end() if skipped else 0), link_message(scheme)))
    return found


def _attribute_lists(text: str) -> list[Finding]:
    from markdown.extensions.attr_list import get_attrs_and_remainder, sanitize_name  # type: ignore[import-untyped]

    found: list[Finding] = []
    for match in _BRACES.finditer(text):
        line_end = text.find("\n", match.end())
        rest = text[match.end() : line_end if line_end >= 0 else len(text)]
        if "}" not in rest:
            continue
        attributes, _ = get_attrs_and_remainder(rest)
        for key, _value in attributes:
            name = sanitize_name(key).lower()
            if key in (".", "id") or name in ALLOWED_ATTRIBUTES:
                continue
            if is_event_handler(name):
                message = f"event handlers are not allowed in Markdown ({key!r} in an attribute list)"
            else:
                allowed = ", ".join(ALLOWED_ATTRIBUTES[:-1]) + " and " + ALLOWED_ATTRIBUTES[-1]
                message = f"attribute lists may set only #id, .class, {allowed}; {key!r} is not allowed"
            found.append(Finding(match.start(), message))
    return found


# The rendered HTML, for whatever the source rules missed -----------------------------------------

_TAGS = frozenset(
    {
        *("p", "pre", "blockquote", "hr", "br", "div", "ul", "ol", "li", "dl", "dt", "dd"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"),
        *("a", "img", "em", "strong", "code", "del", "sub"),
    }
)
"""The elements Python-Markdown and the site's extensions make from the allowed subset."""
_ATTRIBUTES = frozenset({"id", "class", "href", "src", "alt", "style", *ALLOWED_ATTRIBUTES})
_ALIGN = re.compile(r"text-align: (left|right|center);")


def unsafe_html(rendered: str) -> list[str]:
    """What in HTML made from Markdown falls outside the allowed subset, each as '<tag attribute>'."""
    parser = _Inspector()
    parser.feed(rendered)
    parser.close()
    return parser.refused


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.refused.append(f"<{tag}>")
        for name, value in attrs:
            if (
                name not in _ATTRIBUTES
                or is_event_handler(name)
                or (name in URL_ATTRIBUTES and (scheme_of(value or "") or "http") not in ALLOWED_SCHEMES)
                or (name == "style" and not _ALIGN.fullmatch(value or ""))
            ):
                self.refused.append(f"<{tag} {name}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _TAGS:
            self.refused.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.refused.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.refused.append("<!")

    def handle_pi(self, data: str) -> None:
        self.refused.append("<?")

    def unknown_decl(self, data: str) -> None:
        self.refused.append("<!")


def render(text: str) -> str:
    """``text`` as HTML, made by the Markdown pipeline the site uses."""
    md = _markdown()
    md.reset()
    return str(md.convert(text))


@cache
def _markdown() -> Any:
    import markdown  # type: ignore[import-untyped]

    return markdown.Markdown(extensions=list(EXTENSIONS))


_CAN_MAKE_MARKUP = re.compile(r"[<{&\\]|\]\s*[(:]")
"""What any markup, attribute or address in rendered Markdown needs in its source: a tag or autolink, an
attribute list, an entity, an escape, or a link (``](`` inline, ``]:`` a reference definition)."""


def _rendered(text: str) -> list[Finding]:
    if not _CAN_MAKE_MARKUP.search(text):
        return []  # nothing here can make markup, an attribute or an address with a scheme
    refused = unsafe_html(render(text))
    if not refused:
        return []
    return [Finding(0, f"this Markdown makes HTML that is not allowed ({refused[0]}): write plain Markdown instead")]


def _unescape(text: str) -> str:
    for _ in range(4):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _invisible(char: str) -> bool:
    return char in "\t\n\r" or unicodedata.category(char) in ("Cc", "Cf")
