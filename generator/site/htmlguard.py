"""The last line of defence: the built pages carry no script the toolkit and its theme did not put there.

``toolkit check`` refuses Markdown outside the allowed subset (``generator.markdown_safety``);
this module looks at what the site builder made of it all. After an edition is built, every
HTML page of it is read for:

* an event handler attribute (``onclick``, ``onmouseover``...) on any element;
* a ``javascript:``, ``data:`` or ``vbscript:`` address in an attribute a browser follows
  (``href``, ``src``, ``action``, ``formaction``, ``xlink:href``, ``srcset``...), or in a
  ``<meta http-equiv="refresh">``, and any ``srcdoc`` (a whole page in an attribute);
* a ``<script>`` that is not the theme's or the toolkit's own: a script file must be a ``.js``
  file of the built site in one of its asset folders (a folder named ``assets``); an inline
  script must be data (``type="application/json"``) or one the theme's own templates write.

The theme's script bundles are not read (only ``*.html`` pages are). The one address of the
theme's own kind, ``javascript:void(0)`` on the search's share button, does nothing and is let be.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..markdown_safety import SCRIPT_SCHEMES, URL_ATTRIBUTES, is_event_handler, scheme_of

INERT_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})
"""Script types a browser keeps as data and never runs."""

HARMLESS_ADDRESSES = frozenset({"javascript:void(0)"})
"""Script addresses that do nothing, as the theme writes them."""

SCRIPT_FOLDER = "assets"
"""A script file must be in a folder of this name: the theme's, the toolkit's and the self-assessment's."""

_SCRIPT_IN_TEMPLATE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?(.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Violation:
    """Something in a built page that could run script, and where."""

    page: str
    """The page's path in the built site, such as 'domains/safeguarding/index.html'."""
    line: int
    what: str

    @property
    def message(self) -> str:
        return (
            f"the built page {self.page} has {self.what} at line {self.line}; nothing was published: "
            "find the Markdown or template that made it and remove it"
        )


def scan_site(site: Path, template_dirs: Sequence[Path] = (), root_path: str = "/") -> list[Violation]:
    """Every violation in every HTML page under ``site``, by page and line.

    ``template_dirs`` are the theme's template folders: the inline scripts their templates write
    are the only inline scripts allowed. ``root_path`` is where the site is served (the path of its
    ``site_url``, such as '/2024-25/'), to find the files that addresses from '/' name."""
    known = known_inline_scripts(tuple(template_dirs))
    violations: list[Violation] = []
    for path in sorted(site.rglob("*.html")):
        if not path.is_file():
            continue
        page = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        violations += scan_page(text if needs_a_whole_look(text) else scripts_only(text), page, site, known, root_path)
    return violations


_HANDLER = re.compile(r"on[a-z]+\s*=")
_HANDLER_BEFORE = frozenset(" \t\n\r\f/\"'")
"""What may stand before an attribute's name: a space, a slash or the quote that closed the last value."""
_ENCODED = re.compile(r"&#(?!39;|34;|x27;|x22;)|&(?:colon|tab|newline);")
"""A character reference that could spell an address. (Pages escape quotes as &#39; and &#34;, which cannot.)"""
_SCHEME = re.compile(r"(?:s\s*c\s*r\s*i\s*p\s*t|d\s*a\s*t\s*a)\s*:")
"""The end of a script or data scheme, with the spaces, tabs and line ends browsers ignore inside one."""
_SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)
_SCRIPT_START = re.compile(r"<script\b", re.I)


def needs_a_whole_look(html: str) -> bool:
    """Whether a page holds anything but its scripts that could run script: a cheap look first, so that the
    page's every tag is read (by :func:`scan_page`) only when it could matter."""
    low = html.lower()
    if "srcdoc" in low or "http-equiv" in low or _ENCODED.search(low) or _SCHEME.search(low):
        return True
    if any(m.start() and low[m.start() - 1] in _HANDLER_BEFORE for m in _HANDLER.finditer(low)):
        return True
    return len(_SCRIPT_START.findall(html)) != len(_SCRIPT_ELEMENT.findall(html))  # a script left open


def scripts_only(html: str) -> str:
    """The page's script elements, each on its own lines as in the page (the rest kept as line ends only)."""
    parts = []
    last = 0
    for match in _SCRIPT_ELEMENT.finditer(html):
        parts.append("\n" * html.count("\n", last, match.start()))
        parts.append(match.group(0))
        last = match.end()
    return "".join(parts)


def scan_page(
    html: str, page: str, site: Path | None = None, known: Iterable[re.Pattern[str]] = (), root_path: str = "/"
) -> list[Violation]:
    """The violations in one page; ``page`` is its path in the site (to resolve script files against ``site``)."""
    guard = _Guard(page, site, tuple(known), root_path)
    guard.feed(html)
    guard.close()
    return guard.violations


def known_inline_scripts(template_dirs: tuple[Path, ...]) -> tuple[re.Pattern[str], ...]:
    """The inline scripts the templates in ``template_dirs`` write, each as a pattern (each template value a group).

    Read again whenever a template changes (``toolkit serve`` builds many times in one process)."""
    templates = tuple(
        (template, template.stat().st_mtime_ns)
        for folder in template_dirs
        if folder.is_dir()
        for template in sorted(folder.rglob("*.html"))
    )
    return _patterns(templates)


@functools.lru_cache(maxsize=8)
def _patterns(templates: tuple[tuple[Path, int], ...]) -> tuple[re.Pattern[str], ...]:
    patterns: list[re.Pattern[str]] = []
    for template, _ in templates:
        text = template.read_text(encoding="utf-8", errors="replace")
        for body in _SCRIPT_IN_TEMPLATE.findall(text):
            parts = _JINJA.split(body.strip())
            patterns.append(re.compile(r'([^"<>]*)'.join(re.escape(p) for p in parts), re.DOTALL))
    return tuple(patterns)


def _known(body: str, known: tuple[re.Pattern[str], ...]) -> bool:
    """True when a theme template writes ``body``, with no script address among the values it put in."""
    for pattern in known:
        match = pattern.fullmatch(body)
        if match and not any(scheme_of(value) in SCRIPT_SCHEMES for value in match.groups()):
            return True
    return False


class _Guard(HTMLParser):
    def __init__(self, page: str, site: Path | None, known: tuple[re.Pattern[str], ...], root_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.root_path = "/" + root_path.strip("/") + "/" if root_path.strip("/") else "/"
        self.site = site
        self.known = known
        self.violations: list[Violation] = []
        self._inline: tuple[int, list[str]] | None = None

    def _refuse(self, what: str) -> None:
        self.violations.append(Violation(self.page, self.getpos()[0], what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self._attribute(tag, name, value or "", attrs)
        if tag == "script":
            self._script(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def _attribute(self, tag: str, name: str, value: str, attrs: list[tuple[str, str | None]]) -> None:
        if is_event_handler(name):
            self._refuse(f"an event handler ('{name}' on <{tag}>)")
        elif name == "srcdoc":
            self._refuse(f"a page inside an attribute ('srcdoc' on <{tag}>)")
        elif name in URL_ATTRIBUTES:
            candidates = [c.strip().split(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
            for candidate in candidates:
                if candidate.strip() not in HARMLESS_ADDRESSES and scheme_of(candidate) in SCRIPT_SCHEMES:
                    self._refuse(f"a {scheme_of(candidate)}: address ('{name}' on <{tag}>)")
        elif (
            tag == "meta"
            and name == "content"
            and ("http-equiv", "refresh") in {(k, (v or "").lower()) for k, v in attrs}
        ):
            target = _REFRESH_URL.search(value)
            if target and scheme_of(target.group(1)) in SCRIPT_SCHEMES:
                self._refuse(f"a {scheme_of(target.group(1))}: address (a <meta> refresh)")

    def _script(self, attrs: dict[str, str | None]) -> None:
        src = attrs.get("src")
        if src is not None:
            if not self._known_file(src):
                self._refuse(f"a script that is not one of the site's own ({src!r})")
            return
        kind = (attrs.get("type") or "").strip().lower()
        self._inline = None if kind in INERT_SCRIPT_TYPES else (self.getpos()[0], [])

    def handle_data(self, data: str) -> None:
        if self._inline is not None:
            self._inline[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._inline is None:
            return
        line, parts = self._inline
        self._inline = None
        body = "".join(parts).strip()
        if not _known(body, self.known):
            shown = " ".join(body.split())
            self.violations.append(
                Violation(self.page, line, f"an inline script the theme does not write ({shown[:60]!r})")
            )

    def close(self) -> None:
        pending = self.rawdata
        super().close()
        if self._inline is not None:  # a script left open at the end of the page: a browser runs it all the same
            if not self._inline[1]:
                self._inline[1].append(pending)
            self.handle_endtag("script")

    def _known_file(self, src: str) -> bool:
        """True for a script file of the built site, in one of its asset folders."""
        if self.site is None or scheme_of(src) is not None or src.startswith("//"):
            return False
        address = src.split("#")[0].split("?")[0]
        if address.startswith("/"):
            if not address.startswith(self.root_path):
                return False
            relative = posixpath.normpath(address.removeprefix(self.root_path))
        else:
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), address))
        parts = relative.split("/")
        if relative.startswith("../") or ".." in parts or not relative.endswith(".js") or SCRIPT_FOLDER not in parts:
            return False
        return (self.site / relative).is_file()
