"""The Jinja2 environment of the print templates in ``site_templates/forms/``."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .text import inline_html

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "site_templates" / "forms"
"""The print templates and print CSS."""


def css_string(text: str) -> Markup:
    """``text`` as the inside of a double-quoted CSS string, safe inside a <style> element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>&' or ord(c) < 0x20 else c for c in str(text))
    return Markup(escaped)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@cache
def environment() -> jinja2.Environment:
    """The print templates' environment, made once: its compiled templates serve every part of every form."""
    import jinja2  # imported here: the cache key needs TEMPLATES, not Jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["lower_first"] = lower_first
    # A form is made of parts that repeat the same texts (a domain's own form and its section of the whole
    # form): each text is converted from Markdown once.
    env.filters["inline_markdown"] = lru_cache(maxsize=8192)(inline_html)
    return env
