"""The fonts of the printed forms: shipped with the project, never taken from the system.

WeasyPrint falls back silently to whatever fonts a machine has installed, and then the layout
(where a page breaks) and the bytes of the PDF change from one machine to the next. The print
CSS names one family, ``Form Sans``, whose faces are loaded with ``@font-face`` from
``site_templates/forms/fonts/`` (Liberation Sans, under the SIL Open Font License, its licence
beside it) through :class:`BundledFonts`, which serves those files and nothing else.
"""

from __future__ import annotations

from typing import Any

from .templates import TEMPLATES

FONTS = TEMPLATES / "fonts"
"""The font files the forms use, with their licence."""

SCHEME = "form-font:"
"""How the print CSS names a shipped font file: ``url("form-font:LiberationSans-Regular.ttf")``."""


def shipped() -> dict[str, bytes]:
    """Every font file the project ships for the forms, by file name."""
    return {path.name: path.read_bytes() for path in sorted(FONTS.glob("*.ttf"))}


def fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the shipped fonts and refuses every other address.

    Refusing is fatal, so a form is never laid out with a missing font (or anything fetched from
    elsewhere): the build stops with the address instead.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledFonts(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)
            self.files = shipped()

        def fetch(self, url: str, headers: Any = None) -> Any:
            name = url.removeprefix(SCHEME) if url.startswith(SCHEME) else None
            if name not in self.files:
                raise ValueError(f"the printed forms load only the fonts in {FONTS}: not {url!r}")
            return URLFetcherResponse(url, body=self.files[name], headers={"Content-Type": "font/ttf"})

    return BundledFonts()
