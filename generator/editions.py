"""Starting and publishing a yearly edition.

:func:`new_edition` copies an edition folder to the next year's as a draft, with its dates
moved on and ``follows`` set; :func:`publish_edition` marks a draft published once
``toolkit check`` finds no errors. Both edit ``edition.yml`` as text, changing only the
values they set, so that the editor's comments and layout stay as they were.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .load import EDITION_FILE, display
from .model import CORE_NAME, EDITION_ID
from .overlay import core_folder
from .problems import Problem, errors


class EditionRefused(Exception):
    """Why an edition cannot be started or published, in words for the editor."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


@dataclass(frozen=True)
class Started:
    """A new draft edition, and what was changed in its edition.yml."""

    edition_id: str
    folder: Path
    changes: tuple[tuple[str, str, str], ...]
    """(key, old value, new value) for each value set in edition.yml."""


@dataclass(frozen=True)
class Published:
    edition_id: str
    date: dt.date
    """Its publication date (given in edition.yml, or today's when there was none)."""
    already: bool
    """Whether it was published before this call (nothing was changed)."""
    current: str | None
    """The current edition (the newest published one) afterwards."""
    warnings: tuple[Problem, ...] = ()


# --- editing edition.yml as text ---------------------------------------------------------------------


def _top_level(text: str) -> dict[str, yaml.Node]:
    """The value nodes of the top-level mapping, by key (with their marks into ``text``)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        raise EditionRefused("edition.yml is not a mapping of keys to values")
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _value_text(text: str, node: yaml.Node) -> str:
    return text[node.start_mark.index : node.end_mark.index]


def set_value(text: str, key: str, value: str, after: tuple[str, ...] = ()) -> str:
    """``text`` with the top-level ``key`` set to the YAML scalar ``value``, all else untouched.

    A key that is missing is added on a line of its own after the first of ``after`` that is
    present (or at the end).
    """
    nodes = _top_level(text)
    node = nodes.get(key)
    if node is not None:
        start, end = node.start_mark.index, node.end_mark.index
        if not isinstance(node, yaml.ScalarNode):
            raise EditionRefused(f"'{key}' in edition.yml must be a single value")
        return text[:start] + (value if start != end else f" {value}") + text[end:]
    anchor = next((nodes[k] for k in after if k in nodes), None)
    if anchor is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + f"{key}: {value}\n"
    line_end = text.find("\n", anchor.end_mark.index)
    if line_end == -1:
        return f"{text}\n{key}: {value}\n"
    return text[: line_end + 1] + f"{key}: {value}\n" + text[line_end + 1 :]


def _scalar(text: str, key: str) -> str | None:
    node = _top_level(text).get(key)
    if isinstance(node, yaml.ScalarNode) and node.value not in ("", "~", "null", "Null", "NULL"):
        return str(node.value)
    return None


# --- new ----------------------------------------------------------------------------------------------


def _start_year(edition_id: str) -> int:
    return int(edition_id[:4])


def check_edition_id(edition_id: str) -> None:
    """Refuse an id that is not a financial year such as 2026-27."""
    if not re.fullmatch(EDITION_ID, edition_id):
        raise EditionRefused(f"'{edition_id}' is not an edition id: write the financial year, such as 2026-27")
    first = _start_year(edition_id)
    if int(edition_id[5:]) != (first + 1) % 100:
        raise EditionRefused(
            f"'{edition_id}' is not a financial year: after {first} comes {first + 1}, so write {first}-{(first + 1) % 100:02d}"
        )


def move_on(date: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def latest_edition(standards: Path) -> str | None:
    """The newest edition folder under ``standards``, by id."""
    ids = sorted(p.name for p in standards.iterdir() if p.is_dir() and re.fullmatch(EDITION_ID, p.name))
    return ids[-1] if ids else None


def new_edition(standards: Path, edition_id: str, from_id: str | None = None) -> Started:
    """Copy ``standards/<from_id>`` to ``standards/<edition_id>`` as a draft with its dates moved on.

    ``from_id`` defaults to the newest edition folder. The copy is written to a hidden folder
    first and renamed into place, so a failure never leaves half an edition.
    """
    check_edition_id(edition_id)
    if not standards.is_dir():
        raise EditionRefused(f"no standards folder at {display(standards)}")
    from_id = from_id or latest_edition(standards)
    if from_id is None:
        raise EditionRefused(f"no edition in {display(standards)} to start from; give one with --from")
    source, target = standards / from_id, standards / edition_id
    if not (source / EDITION_FILE).is_file():
        raise EditionRefused(f"no edition {from_id}: {display(source / EDITION_FILE)} does not exist")
    if target.exists():
        raise EditionRefused(f"{display(target)} already exists; edit it, or remove it to start again")
    if edition_id <= from_id:
        raise EditionRefused(f"a new edition must come after the one it follows: {edition_id} is not after {from_id}")

    text = (source / EDITION_FILE).read_text(encoding="utf-8")
    try:
        new_text, changes = _moved_on(text, from_id, edition_id)
        new_text = _next_core(new_text, edition_id, standards, changes)
    except yaml.YAMLError as error:
        raise EditionRefused(f"{display(source / EDITION_FILE)} cannot be read as YAML: {error}") from None

    staging = Path(tempfile.mkdtemp(prefix=f".{edition_id}-", dir=standards))
    try:
        copy = staging / edition_id
        shutil.copytree(source, copy)
        (copy / EDITION_FILE).write_text(new_text, encoding="utf-8")
        copy.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Started(edition_id, target, tuple(changes))


def _next_core(text: str, edition_id: str, standards: Path, changes: list[tuple[str, str, str]]) -> str:
    """An ICB's edition moves to its core's edition of the same year, where the core has one: moving to next
    year's core is changing ``builds_on``, never merging. Where the core has none yet, ``builds_on`` stays."""
    builds_on = _scalar(text, "builds_on")
    if builds_on is None or not re.match(CORE_NAME, builds_on):
        return text
    moved = f"{builds_on.split('/')[0]}/{edition_id}"
    if moved == builds_on or not (core_folder(moved, standards) / EDITION_FILE).is_file():
        return text
    changes.append(("builds_on", builds_on, moved))
    return set_value(text, "builds_on", moved)


def _moved_on(text: str, from_id: str, edition_id: str) -> tuple[str, list[tuple[str, str, str]]]:
    years = _start_year(edition_id) - _start_year(from_id)
    changes: list[tuple[str, str, str]] = []

    def change(key: str, value: str, after: tuple[str, ...] = ()) -> None:
        nonlocal text
        before = _scalar(text, key) or ""
        if before != value:
            text = set_value(text, key, value, after)
            changes.append((key, before, value))

    change("id", edition_id)
    title = _scalar(text, "title")
    if title is not None:
        old_slash, new_slash = from_id.replace("-", "/"), edition_id.replace("-", "/")
        node = _top_level(text)["title"]
        shown = _value_text(text, node)
        moved = shown.replace(from_id, edition_id).replace(old_slash, new_slash)
        if moved != shown:
            start, end = node.start_mark.index, node.end_mark.index
            text = text[:start] + moved + text[end:]
            changes.append(("title", title, _scalar(text, "title") or ""))
    change("status", "draft")
    for key in ("published", "return_deadline"):
        value = _scalar(text, key)
        if value is None:
            continue
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            continue  # toolkit check reports it
        change(key, move_on(date, years).isoformat())
    change("follows", from_id, after=("return_deadline", "published", "status", "title"))
    return text, changes


# --- publish -----------------------------------------------------------------------------------------


def publish_edition(standards: Path, edition_id: str, today: dt.date | None = None) -> Published:
    """Mark ``edition_id`` published, if ``toolkit check`` finds no errors in any edition.

    Sets ``status: published`` and, when no publication date is given, today's date.
    """
    from .check import check

    path = standards / edition_id / EDITION_FILE
    if not path.is_file():
        raise EditionRefused(f"no edition {edition_id}: {display(path)} does not exist")
    library, problems = check(standards)
    found = errors(problems)
    if found:
        raise EditionRefused(
            f"{edition_id} is not published: toolkit check found {len(found)} error{'s' if len(found) != 1 else ''}; "
            "correct them and publish again",
            tuple(found),
        )
    edition = library.editions[edition_id]
    warnings = tuple(p for p in problems if p.path.startswith(display(standards / edition_id)))
    if edition.info.status == "published":
        date = edition.info.published or today or dt.date.today()
        current = library.current()
        return Published(edition_id, date, True, current.id if current else None, warnings)

    text = path.read_text(encoding="utf-8")
    text = set_value(text, "status", "published")
    date = edition.info.published or today or dt.date.today()
    if edition.info.published is None:
        text = set_value(text, "published", date.isoformat(), after=("status",))
    path.write_text(text, encoding="utf-8")
    newest = max([e.id for e in library.published()] + [edition_id])
    return Published(edition_id, date, False, newest, warnings)
