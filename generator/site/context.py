"""What a page of the site is and what one edition's pages are made from: the types every page renderer shares.

Kept apart from :mod:`.pages` so that a renderer of its own (the self-assessment section,
:mod:`generator.selfassess.site`) depends on these types without depending on the pages module,
which lists it among its renderers: the imports go one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..model import Edition, Library
from .templates import Templates

if TYPE_CHECKING:
    from ..forms import Download

Kind = Literal["current", "archived", "draft"]


@dataclass(frozen=True)
class Page:
    """One Markdown page of the site."""

    path: str
    """Where it goes, relative to the docs folder, such as 'domains/safeguarding/index.md'."""
    markdown: str
    section: str | None = ""
    """The navigation section it is listed under: '' for the top level, None for none."""
    title: str | None = None
    """Its label in the navigation, when not its first heading (which mkdocs uses, escaped)."""


@dataclass(frozen=True)
class BuiltEdition:
    """An edition that the site holds, and where."""

    edition: Edition
    kind: Kind
    prefix: str
    """Its folder in the site: '' for the site's root, such as '2024-25/' otherwise."""


@dataclass(frozen=True)
class PageContext:
    """What the pages of one edition are made from."""

    library: Library
    target: BuiltEdition
    editions: tuple[BuiltEdition, ...]
    """Every edition the site holds, current first."""
    downloads: tuple[Download, ...] = ()
    site_name: str = "GP Quality and Safety Toolkit"
    extra: Mapping[str, Any] = field(default_factory=dict)
    """The ``extra`` settings of mkdocs.yml (such as the ICB's name), for the hand-written pages."""

    @property
    def edition(self) -> Edition:
        return self.target.edition

    def site_root(self, page: str) -> str:
        """The relative path from ``page`` to the root of the whole site (for downloads and other editions)."""
        depth = page.count("/") + self.target.prefix.count("/")
        return "../" * depth

    def previous(self) -> Edition | None:
        """The edition this one follows, if the library holds it."""
        follows = self.edition.info.follows
        return self.library.editions.get(follows) if follows else None


PageRenderer = Callable[[PageContext, Templates], list[Page]]
