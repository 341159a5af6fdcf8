"""The one call into the site builder: mkdocs with Material for MkDocs, strict.

Everything else in the toolkit makes plain Markdown pages and a plain mkdocs.yml; this is
the only module that imports mkdocs. Moving to a successor that reads mkdocs.yml (such as
Zensical) means changing this module alone.

A build is not done until its pages have passed :mod:`.htmlguard`: a page with an event
handler, a script address or a script of no known origin fails the build like a warning does.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from .htmlguard import scan_site


class SiteBuilderFailed(Exception):
    """The site builder refused the pages: every warning and error it gave."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(_ANSI.sub("", record.getMessage()).split()))


def build_site(config_file: Path) -> None:
    """Build the site that ``config_file`` describes; any warning, or any page the HTML guard refuses, fails the build."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers = [collect]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(config_file), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise SiteBuilderFailed(collect.messages or [str(error)]) from None
    except (OSError, ValueError) as error:
        raise SiteBuilderFailed([*collect.messages, str(error)]) from None
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])
    if collect.messages:
        raise SiteBuilderFailed(collect.messages)
    template_dirs = [Path(folder) for folder in config.theme.dirs]
    root_path = urlsplit(str(config.get("site_url") or "")).path or "/"
    try:
        violations = scan_site(Path(config["site_dir"]), template_dirs, root_path)
    except OSError as error:
        raise SiteBuilderFailed([f"could not read the built pages to check them: {error}"]) from None
    if violations:
        raise SiteBuilderFailed([violation.message for violation in violations])


def site_builder_messages(config_file: Path) -> list[str]:
    """:func:`build_site` for another process: every warning and error it gave, or [] when the site was built."""
    try:
        build_site(config_file)
    except SiteBuilderFailed as failed:
        return failed.messages
    return []
