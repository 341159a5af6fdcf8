"""mkdocs.yml → the full site configuration of one built edition.

mkdocs.yml holds what every edition shares (the theme, plugins, Markdown extensions, the
ICB's details). Each built edition gets its own copy with its pages folder, output folder,
navigation and banner, written as plain YAML beside its pages so that mkdocs (or a
successor that reads mkdocs.yml) can also be run on it by hand.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from ..load import display
from ..problems import Problem
from ..settings import Settings
from .pages import BuiltEdition

BRAND_CSS = "assets/toolkit/brand.css"
"""The stylesheet that sets the ICB's colour, written by the build from toolkit.yml."""
LOGO = "assets/toolkit/logo"
"""Where the ICB's logo goes in the site (its suffix added): a name the toolkit chooses, never the settings."""


class SettingsProblem(Exception):
    """mkdocs.yml could not be read."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_settings(config_file: Path) -> dict[str, Any]:
    """The settings of mkdocs.yml, read with a safe loader."""
    shown = display(config_file)
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsProblem(Problem(shown, 0, 0, f"cannot read the site settings: {error.strerror}")) from None
    try:
        settings = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise SettingsProblem(Problem(shown, line, column, f"{error.problem or error}")) from None
    except yaml.YAMLError as error:
        raise SettingsProblem(Problem(shown, 0, 0, str(error))) from None
    if not isinstance(settings, dict):
        raise SettingsProblem(Problem(shown, 1, 1, "the site settings must be a mapping of keys to values"))
    return settings


def with_icb(config: dict[str, Any], icb: Settings) -> dict[str, Any]:
    """mkdocs.yml's settings with the ICB's from toolkit.yml: its name, contacts and where returns go in ``extra``
    (for the pages and the theme's footer), its name in the copyright line, its logo and colour."""
    config = copy.deepcopy(config)
    extra = dict(config.get("extra") or {})
    extra.update(
        icb=icb.as_data(),
        icb_name=icb.icb.name,
        icb_email=icb.support.email,
        submission_url=icb.returns.submission_url,
    )
    config["extra"] = extra
    config["site_author"] = f"{icb.icb.team}, {icb.icb.name}"
    licence = str(config.get("copyright") or "").strip()
    config["copyright"] = f"\u00a9 {icb.icb.name}." + (f" {licence}" if licence else "")
    css = [str(c) for c in config.get("extra_css") or []]
    config["extra_css"] = [*css, BRAND_CSS] if BRAND_CSS not in css else css
    if icb.icb.logo is not None:
        theme = config.get("theme", "material")
        theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
        theme["logo"] = LOGO + icb.icb.logo.suffix.lower()
        config["theme"] = theme
    return config


def brand_assets(icb: Settings) -> dict[str, bytes]:
    """The docs files the ICB's branding adds: the colour as CSS custom properties, and the logo.

    The colour is the theme's primary colour (header, and links on white); toolkit.yml's check has already
    refused a colour on which white text falls short of WCAG AA's 4.5:1.
    """
    colour = icb.icb.colour
    css = (
        "/* The ICB's colour, from toolkit.yml: written by toolkit build. */\n"
        '[data-md-color-primary="custom"] {\n'
        f"  --toolkit-brand: {colour};\n"
        f"  --md-primary-fg-color: {colour};\n"
        f"  --md-typeset-a-color: {colour};\n"
        "}\n"
    )
    found = {BRAND_CSS: css.encode()}
    if icb.icb.logo is not None:
        found[LOGO + icb.icb.logo.suffix.lower()] = icb.icb.logo.read_bytes()
    return found


def banner(built: BuiltEdition, current: BuiltEdition | None) -> dict[str, str] | None:
    """The words of the banner every page of ``built`` carries: none for the current edition."""
    title = built.edition.info.title
    link = {}
    if current is not None and current is not built and built.prefix:
        link = {"link_text": f"Go to the current edition, {current.edition.info.title}", "link_path": "../index.html"}
    if built.kind == "archived":
        return {
            "kind": "archived",
            "label": "Archived edition",
            "text": f"This is {title}, kept for reference. Practices no longer answer it.",
            "title_prefix": "Archived: ",
            **link,
        }
    if built.kind == "draft":
        return {
            "kind": "draft",
            "label": "Draft edition",
            "text": f"This is a draft of {title}. It may change before it is published; practices do not answer it yet.",
            "title_prefix": "Draft: ",
            **link,
        }
    return None


def edition_config(
    settings: dict[str, Any],
    *,
    config_dir: Path,
    built: BuiltEdition,
    current: BuiltEdition | None,
    docs_dir: Path,
    site_dir: Path,
    written_to: Path,
    nav: list[Any],
) -> dict[str, Any]:
    """The configuration, written into the folder ``written_to``, that builds ``built``'s pages from ``docs_dir``.

    Its folders are given relative to ``written_to`` (mkdocs reads them so), so the configuration
    of a tree moved to another folder is the same text and its built pages are reused.
    """
    config = copy.deepcopy(settings)
    config["docs_dir"] = _relative(docs_dir, written_to)
    config["site_dir"] = _relative(site_dir, written_to)
    config["nav"] = nav
    config["strict"] = True
    config["use_directory_urls"] = False
    theme = config.get("theme", "material")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    if "custom_dir" in theme:
        theme["custom_dir"] = _relative(config_dir / str(theme["custom_dir"]), written_to)
    config["theme"] = theme
    site_url = config.get("site_url")
    if isinstance(site_url, str) and site_url and built.prefix:
        config["site_url"] = site_url.rstrip("/") + "/" + built.prefix
    extra = dict(config.get("extra") or {})
    extra.pop("toolkit_banner", None)
    words = banner(built, current)
    if words is not None:
        extra["toolkit_banner"] = words
    config["extra"] = extra
    return config


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start``, both resolved first (absolute where no relative path exists)."""
    try:
        return os.path.relpath(path.resolve(), start.resolve())
    except ValueError:  # on another drive
        return str(path.resolve())


def dump(config: dict[str, Any]) -> str:
    """The configuration as plain YAML."""
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120)
