"""What an ICB's project takes from the toolkit itself: the site's settings, hand-written pages and templates.

An ICB's project made by ``toolkit init`` holds only what is the ICB's own: ``toolkit.yml``, its
editions (each an overlay on a core edition), its register and logo. The site's settings
(``mkdocs.yml``), the hand-written pages (``content/``) and the templates (``site_templates/``)
come with the toolkit, so an ICB gets their fixes by updating the toolkit; an ICB that wants its
own copy of one puts it in its project folder, where it is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TOOLKIT_HOME = Path(__file__).resolve().parent.parent
"""The folder the toolkit was installed from: it holds the core (``standards/``), ``content/`` and ``site_templates/``."""

SITE_SETTINGS = "mkdocs.yml"
CONTENT = "content"
TEMPLATES = "site_templates"


@dataclass(frozen=True)
class SiteSources:
    """Where a build reads the site's settings, hand-written pages and templates."""

    config: Path
    content: Path
    templates: Path


def _own_or_toolkits(root: Path, name: str) -> Path:
    own = root / name
    return own if own.exists() or root.resolve() == TOOLKIT_HOME else TOOLKIT_HOME / name


def site_sources(root: Path) -> SiteSources:
    """The project at ``root``'s own ``mkdocs.yml``, ``content/`` and ``site_templates/``, each where it has one,
    else the toolkit's. Paths stay as given (relative to the working folder) where the project has them."""
    return SiteSources(
        config=_own_or_toolkits(root, SITE_SETTINGS),
        content=_own_or_toolkits(root, CONTENT),
        templates=_own_or_toolkits(root, TEMPLATES),
    )
