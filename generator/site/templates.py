"""The Jinja2 environment pages are rendered with: page templates, hand-written content, and their filters.

Autoescaping is on for everything, so a value from the standards that reaches a page without
a filter is at least HTML-escaped; the filters of :mod:`.escape` escape Markdown as well.
A template or content page that cannot be rendered becomes a :class:`TemplateProblem`, placed
at its file and line.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import paths
from . import describe, escape

PAGE_TEMPLATES = "pages"
"""The folder of ``site_templates/`` holding the page templates."""


class TemplateProblem(Exception):
    """A page template or content page that could not be rendered, and where."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@functools.lru_cache(maxsize=65536)
def relative(from_page: str, to_path: str) -> str:
    """A relative link from the page ``from_page`` to ``to_path`` (both relative to the same root)."""
    target, _, fragment = to_path.partition("#")
    link = _relpath(target, posixpath.dirname(from_page)) if target else ""
    return f"{link}#{fragment}" if fragment else link


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for two paths under one root, without asking the system for the working folder."""
    target_parts = [p for p in posixpath.normpath(target).split("/") if p not in ("", ".")]
    start_parts = [p for p in posixpath.normpath(start).split("/") if p not in ("", ".")] if start else []
    common = 0
    for mine, theirs in zip(start_parts, target_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:]) or "."


class Templates:
    """Page templates from ``site_templates/pages`` and the hand-written pages of ``content/``.

    With ``compiled``, a folder (the build's cache), each template compiled is kept there, and a later process
    loads it instead of compiling it again, as long as its source is the same (Jinja2's bytecode cache: each file
    holds a checksum of its template's source, and the versions of Python and Jinja2 that compiled it)."""

    def __init__(self, templates_dir: Path, content_dir: Path, compiled: Path | None = None) -> None:
        self.templates_dir = templates_dir / PAGE_TEMPLATES
        self.content_dir = content_dir
        self._env = _environment(self.templates_dir.resolve(), compiled and compiled.resolve())
        self._content_env = _environment(content_dir.resolve(), compiled and compiled.resolve())

    def content_pages(self) -> list[str]:
        """The hand-written pages, as paths relative to ``content/``, sorted."""
        if not self.content_dir.is_dir():
            return []
        return sorted(p.relative_to(self.content_dir).as_posix() for p in self.content_dir.rglob("*.md"))

    def content_assets(self) -> list[str]:
        """Other files of ``content/`` (images), copied into the site as they are."""
        if not self.content_dir.is_dir():
            return []
        return sorted(
            p.relative_to(self.content_dir).as_posix()
            for p in self.content_dir.rglob("*")
            if p.is_file() and p.suffix != ".md" and not p.name.startswith(".")
        )

    def render(self, template: str, page: str, context: Mapping[str, Any]) -> str:
        """Render the page template ``template`` as the page at ``page`` (relative to the docs folder)."""
        return self._render(self._env, self.templates_dir, template, page, context)

    def render_content(self, name: str, page: str, context: Mapping[str, Any]) -> Markup:
        """Render the hand-written page ``content/<name>`` as the page at ``page``."""
        return Markup(self._render(self._content_env, self.content_dir, name, page, context))

    def _render(self, env: jinja2.Environment, folder: Path, name: str, page: str, context: Mapping[str, Any]) -> str:
        link: Callable[[str], str] = lambda target: relative(page, target)  # noqa: E731
        try:
            return env.get_template(name).render(dict(context), page=page, link=link)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateProblem(_shown(folder / name), error.lineno, error.message or "syntax error") from None
        except jinja2.TemplateNotFound as error:
            raise TemplateProblem(_shown(folder / str(error.name)), 0, "template not found") from None
        except jinja2.TemplateError as error:
            raise TemplateProblem(_shown(folder / name), _line(error, name), error.message or "cannot render") from None


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder; a file that cannot be read or written there is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # keeping it only saves time
            super().dump_bytecode(bucket)


def _compiled(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept in ``folder``: a folder of its own for this module's environment (how a
    template is compiled depends on it as well as on the template's source)."""
    if folder is None:
        return None
    made_by = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    place = folder / f"templates-{made_by}"
    try:
        place.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _Compiled(str(place))


@functools.lru_cache(maxsize=8)
def _environment(folder: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The environment for the templates in ``folder``, one per process: each template is compiled once
    however many builds ``toolkit serve`` makes (Jinja2 still notices a template changed on disk), and with
    ``compiled``, once however many processes build."""
    env = jinja2.Environment(
        bytecode_cache=_compiled(compiled),
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        text=escape.text,
        markdown=escape.markdown,
        url=escape.url,
        attr=escape.attribute,
        answer=describe.answer,
        risk=describe.risk,
        basis=describe.basis,
        basis_kind=describe.basis_kind,
        severity=describe.severity,
        size=describe.size,
        date=describe.date,
        anchor=paths.anchor,
        listed=_listed,
        lookup=lambda key, mapping: mapping[key],
    )
    return env


def _listed(values: Any, last: str = "or") -> Markup:
    """Items as 'a, b or c', each escaped as plain text unless it is markup already."""
    return Markup(describe.listed([v if isinstance(v, Markup) else escape.text(v) for v in values], last))


def _line(error: BaseException, name: str) -> int:
    """The line of the template ``name`` a rendering error came from, or 0."""
    tb = error.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _shown(path: Path) -> str:
    from ..load import display

    return display(path)
