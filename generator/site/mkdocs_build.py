"""The one call into the site builder: mkdocs with Material for MkDocs, strict.

Everything else in the toolkit makes plain Markdown pages and a plain mkdocs.yml; this is
the only module that imports mkdocs. Moving to a successor that reads mkdocs.yml (such as
Zensical) means changing this module alone.

A build is not done until its pages have passed :mod:`.htmlguard`: a page with an event
handler, a script address or a script of no known origin fails the build like a warning does.

A process that builds the same configuration again (``toolkit serve``) reuses what the last
successful build of it worked out from inputs that have not changed: each page's Markdown made
into HTML (by its text, its place and every file of the site), each page's entries in the search
index (by everything of the page they are made from), and the theme's compiled templates (by
their source). Each is a pure function of what it is keyed by, so the site is the same, byte for
byte, as a build from nothing; only pages whose Markdown changed are converted again. Nothing is
reused from a build that failed, nor across a change of the configuration file.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .htmlguard import scan_site

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink, TableOfContents


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


PURE_EXTENSIONS = re.compile(r"(?:markdown\.extensions\.)?[a-z_]+|pymdownx\.(?!snippets\b)[a-z_]+")
"""Markdown extensions that make a page from its text alone (Python-Markdown's own and PyMdown's, but
``pymdownx.snippets``, which reads other files): with any other, no page's HTML is reused."""


@dataclass
class _Memory:
    """What the builds of one configuration worked out, for its next build: each page's HTML and the rest of what
    mkdocs makes of its Markdown, each page's search entries, and the theme's compiled templates, each by a digest of
    everything it is made from."""

    config_text: str
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    templates: dict[str, bytes] = field(default_factory=dict)

    def dump(self) -> str:
        templates = {key: base64.b64encode(code).decode() for key, code in self.templates.items()}
        data = {"versions": _versions(), "config": self.config_text, "pages": self.pages, "search": self.search}
        return json.dumps({**data, "templates": templates}, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path, config_text: str) -> _Memory | None:
        """The memory kept in ``path`` if it is of this configuration and these versions; None otherwise."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["versions"] != _versions() or data["config"] != config_text:
                return None
            templates = {key: base64.b64decode(code) for key, code in data["templates"].items()}
            return cls(config_text, dict(data["pages"]), dict(data["search"]), templates)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # none kept, or not readable as one: this build starts from nothing


@functools.cache
def _versions() -> str:
    import sys
    from importlib.metadata import PackageNotFoundError, version

    found = [sys.version]
    for name in ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} -")
    return "; ".join(found)


_MEMORY: dict[str, _Memory] = {}
_MEMORY_LOCK = threading.Lock()


def forget_builds() -> None:
    """Forget the earlier builds this process made: the next build of each configuration starts from nothing
    (unless it is given a file kept by an earlier one)."""
    with _MEMORY_LOCK:
        _MEMORY.clear()


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, separators=(",", ":"), default=str).encode()).hexdigest()


class _Reuse:
    """A plugin of this module's own, given to one build: it reuses the last successful build's work from unchanged
    inputs, and gathers this build's for the next (kept only if this build succeeds)."""

    def __init__(self, last: _Memory | None, config_text: str) -> None:
        self.last = last or _Memory(config_text)
        self.now = _Memory(config_text, templates=dict(self.last.templates))
        self._files: tuple[int, str] | None = None
        self._pure = True

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._pure = all(
            isinstance(name, str) and PURE_EXTENSIONS.fullmatch(name) for name in config.markdown_extensions
        )
        for plugin in config.plugins.values():
            index = getattr(plugin, "search_index", None)
            if index is not None and callable(getattr(index, "add_entry_from_context", None)):
                index.add_entry_from_context = functools.partial(
                    self._index, index.add_entry_from_context, index.entries
                )
        return config

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if self._pure:
            page.render = functools.partial(self._render, page)  # type: ignore[method-assign]
        return page

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        import jinja2

        templates = self.now.templates

        class Compiled(jinja2.BytecodeCache):
            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                if bucket.key in templates:
                    bucket.bytecode_from_string(templates[bucket.key])  # checks the source's checksum

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                templates[bucket.key] = bucket.bytecode_to_string()

        env.bytecode_cache = Compiled()
        return env

    def _files_digest(self, files: Files) -> str:
        if self._files is None or self._files[0] != id(files):
            listed = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
            self._files = (id(files), _digest(listed))
        return self._files[1]

    def _render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """``page.render``: mkdocs' own, or what it made last of the same Markdown at the same place among the same
        files (its links are resolved against the files, and checked against their anchors after every page)."""
        from mkdocs.structure.pages import Page

        gathered = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG
        file = page.file
        key = _digest(self._files_digest(files), file.src_uri, file.dest_uri, file.url, page.markdown, gathered)
        found = self.last.pages.get(key)
        if found is None:
            Page.render(page, config, files)
            links = page.links_to_anchors if gathered else None
            found = {
                "content": page.content,
                "toc": _toc_data(page.toc),
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": None if links is None else {f.src_uri: dict(anchors) for f, anchors in links.items()},
            }
        else:
            page.content = found["content"]
            page.toc = _toc_of(found["toc"])
            page._title_from_render = found["title"]
            page.present_anchor_ids = set(found["anchors"])
            if found["links"] is not None:
                page.links_to_anchors = {
                    target: dict(anchors)
                    for path, anchors in found["links"].items()
                    if (target := files.get_file_from_path(path)) is not None
                }
        self.now.pages[key] = found

    def _index(self, add: Callable[[Page], None], entries: list[Any], page: Page) -> None:
        """The search index's entries of ``page``: reused when every part of the page they are made from is the same."""
        meta = json.dumps(page.meta, sort_keys=True, default=str)
        key = _digest(page.url, str(page.title), page.content, meta, _toc_data(page.toc))
        found = self.last.search.get(key)
        if found is None:
            before = len(entries)
            add(page)
            found = json.dumps(entries[before:], default=str)
        else:
            entries.extend(json.loads(found))
        self.now.search[key] = found


def _toc_data(toc: Iterable[AnchorLink]) -> list[Any]:
    """A page's table of contents as data: each item's attributes, its children last."""
    return [[{k: v for k, v in vars(item).items() if k != "children"}, _toc_data(item.children)] for item in toc]


def _toc_of(data: list[Any]) -> TableOfContents:
    from mkdocs.structure.toc import TableOfContents

    return TableOfContents(_items(data))


def _items(data: list[Any]) -> list[AnchorLink]:
    from mkdocs.structure.toc import AnchorLink

    items = []
    for attributes, children in data:
        item = AnchorLink.__new__(AnchorLink)
        vars(item).update(attributes)
        item.children = _items(children)
        items.append(item)
    return items


def build_site(config_file: Path, memory: Path | None = None) -> None:
    """Build the site that ``config_file`` describes; any warning, or any page the HTML guard refuses, fails the build.

    The work of the last successful build of ``config_file`` in this process is reused where its inputs are the same;
    with ``memory``, a file, also that of the last one in any process, which is kept in that file."""
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
    place = str(config_file.resolve())
    try:
        config_text = config_file.read_text(encoding="utf-8", errors="replace")
        with _MEMORY_LOCK:
            last = _MEMORY.get(place)
        if (last is None or last.config_text != config_text) and memory is not None:
            last = _Memory.load(memory, config_text)
        reuse = _Reuse(last if last is not None and last.config_text == config_text else None, config_text)
        config = load_config(str(config_file), strict=True)
        config.plugins["toolkit-reuse"] = reuse  # type: ignore[assignment]  # a plugin by its events alone
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
    with _MEMORY_LOCK:
        _MEMORY[place] = reuse.now
    if memory is not None:
        _keep(memory, reuse.now)


def _keep(path: Path, memory: _Memory) -> None:
    """Write ``memory`` to ``path`` whole, or not at all: it only saves work, so a failure to write it is no error."""
    part = path.with_name(f".{path.name}.tmp")
    try:
        part.write_text(memory.dump(), encoding="utf-8")
        part.replace(path)
    except OSError:
        part.unlink(missing_ok=True)


def warm_up(config_file: Path) -> None:
    """Import the site builder, its theme and the plugins ``config_file`` names, building nothing: a process that
    will build it later (``toolkit serve``) pays for the imports before anyone waits on a build. Any problem with
    the configuration is left for the build to report."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import mkdocs.commands.build  # noqa: F401
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.propagate)
    logger.handlers, logger.propagate = [logging.NullHandler()], False
    try:
        with contextlib.suppress(Exception):  # the build that follows says what is wrong, and where
            load_config(str(config_file))
    finally:
        logger.handlers, logger.propagate = saved


def site_builder_messages(config_file: Path, memory: Path | None = None) -> list[str]:
    """:func:`build_site` for another process: every warning and error it gave, or [] when the site was built."""
    try:
        build_site(config_file, memory)
    except SiteBuilderFailed as failed:
        return failed.messages
    return []
