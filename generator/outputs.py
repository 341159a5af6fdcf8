"""Where the toolkit may write: every output folder and file is checked here before anything is written.

Paths are compared after resolving every spelling of them (relative from anywhere, absolute,
symbolic links, '..'), so ``site``, ``./site``, ``/project/site`` and ``link/site/../site`` are
one folder.

An output folder (the site, the returns store, a report) is refused when it

- is, holds or is inside one of the project's sources or other outputs: the standards, content/,
  site_templates/, build/ (the build's own work), the published site/ and the returns store
  (a report may go inside the store, as its default ``<store>/report`` does, but not into its
  raw/ or feedback/ folders);
- is, or holds, the current folder or the project folder (the one holding the standards);
- is inside a folder the toolkit made as an output, wherever it is (by its marker, or by an earlier
  site's or store's signs below), except a report inside a store;
- is not a folder (a file, a device, a named pipe, a symbolic link loop); the site, which is
  replaced whole, may not be a symbolic link either;
- is not empty and was not made by the toolkit as that kind of output.

The site and the store carry a marker file saying what made them (``.toolkit-site``,
``.toolkit-store``); one made before markers existed is recognised by what it holds: a site by
``index.html`` beside ``assets/toolkit/``, a store by ``ledger.sqlite`` or a ``raw/`` folder, and
the marker is added the next time the toolkit writes there. A report folder is recognised by its
``report.html``, which every report writes.

An output file (``diff --out``, ``carry-forward --out``) is refused when its folder does not
exist, when it is a folder, a device or a pipe, when it is inside a site or build/ (both
replaced by the toolkit), and, unless ``force``, when anything is already there. It is written
beside its place and renamed into it, so a full disk never leaves half a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["site", "store", "report"]

MarkedKind = Literal["site", "store"]

MARKERS: dict[MarkedKind, str] = {"site": ".toolkit-site", "store": ".toolkit-store"}
"""The file in each folder the toolkit made, naming what made it. A report folder needs none: every
report writes its report.html, and the folder holds the report's files alone."""

_MARKER_TEXT: dict[MarkedKind, str] = {
    "site": "Made by toolkit build (GP Quality and Safety Toolkit): the next build replaces this whole folder.\n",
    "store": "Made by toolkit collect (GP Quality and Safety Toolkit): the returns store, every return received.\n",
}
_NOUN: dict[Kind, str] = {"site": "site", "store": "returns store", "report": "report folder"}
_MADE_BY: dict[Kind, str] = {"site": "toolkit build", "store": "toolkit collect", "report": "toolkit report"}
_WHY: dict[Kind, str] = {
    "site": "the site folder is replaced whole on every build",
    "store": "the store must stay apart from the project's sources and outputs",
    "report": "a report names practices and must stay apart from the project's sources and outputs",
}

Role = Literal["source", "work", "output", "root"]


@dataclass(frozen=True)
class Place:
    """A folder of the project that an output must keep clear of."""

    name: str
    """As messages show it, such as 'the hand-written pages (content/)'."""
    path: Path
    """Resolved."""
    role: Role
    kind: Kind | None = None
    """For an output, which kind it is."""


@dataclass(frozen=True)
class Refused:
    """Why an output path may not be written."""

    given: str
    reason: str
    exists: bool = False
    """Refused only because a file is already there (``--force`` would replace it)."""

    def format(self, command: str, option: str) -> str:
        return f"toolkit {command}: {option} {self.given}: {self.reason}"


def resolved(path: Path) -> Path | None:
    """``path`` with every link and '..' resolved (missing parts kept); None for a symbolic link loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def places(standards: Path, stores: Sequence[Path] = ()) -> list[Place]:
    """The project's sources and outputs, seen from the current folder and from the standards' folder."""
    found: dict[Path, Place] = {}

    def add(name: str, path: Path, role: Role, kind: Kind | None = None) -> None:
        where = resolved(path)
        if where is not None and where not in found:
            found[where] = Place(f"{name} ({_shown(where)}/)", where, role, kind)

    add("the standards", standards, "source")
    for store in stores:
        add("the returns store", store, "output", "store")
    roots = [Path.cwd(), standards.absolute().parent]
    for root in roots:
        add("the standards", root / "standards", "source")
        add("the hand-written pages", root / "content", "source")
        add("the site's templates", root / "site_templates", "source")
        add("the build's work folder", root / "build", "work")
        add("the published site", root / "site", "output", "site")
        add("the returns store", root / "store", "output", "store")
    add("the current folder", Path.cwd(), "root")
    add("the project folder", standards.absolute().parent, "root")
    return list(found.values())


def store_parts(store: Path) -> list[Place]:
    """The store's own folders, which a report must not go into."""
    found = []
    for name in ("raw", "feedback"):
        where = resolved(store / name)
        if where is not None:
            found.append(Place(f"the store's {name} folder ({_shown(where)}/)", where, "source"))
    return found


def what_is(path: Path) -> str | None:
    """'a folder', 'a file', 'a device', ... for what is at ``path`` (links followed); None if nothing is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop"
        if error.errno == errno.ENOTDIR:
            return "a path through a file"
        return f"a path that cannot be looked at ({error.strerror})"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a folder or a file"


def made_as(folder: Path, *, strict: bool = False) -> Kind | None:
    """Which kind of output the toolkit made ``folder`` as: by its marker, or by what an older version left.

    ``strict`` leaves out the signs that another program's folder may show too (a ``raw/`` folder,
    a ``report.html``): for the folders above an output, which are not being written.
    """
    for kind, marker in MARKERS.items():
        if (folder / marker).is_file():
            return kind
    if (folder / "index.html").is_file() and (folder / "assets" / "toolkit").is_dir():
        return "site"
    if (folder / "ledger.sqlite").is_file() or (not strict and (folder / "raw").is_dir()):
        return "store"
    if not strict and (folder / "report.html").is_file():
        return "report"
    return None


Relation = Literal["is", "is inside", "holds"]


def _clash(target: Path, kind: Kind, place: Place, relation: Relation) -> str | None:
    """Why ``target`` may not be an output of ``kind`` in ``relation`` to ``place``; None when it may."""
    why = _WHY[kind]
    if relation == "is" and target == place.path and place.kind != kind:
        return f"is {place.name}; {why}, so give a folder of its own"
    if relation == "is inside" and place.path in target.parents:
        if place.role == "root" or (kind == "report" and place.kind == "store"):
            return None
        return f"is inside {place.name}; {why}, so give a folder outside it"
    if relation == "holds" and target in place.path.parents:
        return f"holds {place.name}; {why}, so give a folder of its own"
    return None


def not_replaceable(path: Path, kind: Kind) -> str | None:
    """Why the folder at ``path`` may not be written (or, for the site, replaced) as ``kind``; None when it may."""
    if kind == "site" and os.path.islink(path):
        return f"is a symbolic link (to {os.readlink(path)}); {_WHY['site']}, so give the folder itself"
    what = what_is(path)
    if what is None:
        return None
    if what != "a folder":
        return f"is {what}, not a folder"
    try:
        with os.scandir(path) as entries:
            empty = next(entries, None) is None
    except OSError as error:
        return f"cannot be looked into ({error.strerror})"
    if empty:
        return None
    made = made_as(path)
    if made == kind:
        return None
    if made is not None:
        return f"is the toolkit's {_NOUN[made]}, made by {_MADE_BY[made]}; give a folder of its own"
    return f"is not empty and was not made by {_MADE_BY[kind]}; give a new or empty folder"


def check_folder(path: Path, kind: Kind, around: Sequence[Place]) -> Refused | None:
    """Whether ``path`` may be written as an output folder of ``kind``, among the project's ``around``."""
    given = str(path)
    target = resolved(path)
    if target is None:
        return Refused(given, "is a symbolic link loop, not a folder")
    relations: tuple[Relation, ...] = ("is", "is inside", "holds")
    for relation in relations:
        for place in around:
            clash = _clash(target, kind, place, relation)
            if clash:
                return Refused(given, clash)
    outer = enclosing_output(target)
    if outer is not None and not (kind == "report" and outer[0] == "store"):
        made, folder = outer
        return Refused(
            given, f"is inside the toolkit's {_NOUN[made]} {_shown(folder)}/; {_WHY[kind]}, so give a folder outside it"
        )
    reason = not_replaceable(path, kind)
    return Refused(given, reason) if reason else None


def enclosing_output(target: Path) -> tuple[Kind, Path] | None:
    """The nearest folder above ``target`` (resolved) that the toolkit made as an output, with its kind."""
    for folder in target.parents:
        try:
            made = made_as(folder, strict=True)
        except OSError:
            continue
        if made is not None:
            return made, folder
    return None


def mark(folder: Path, kind: MarkedKind) -> None:
    """Write the marker that says the toolkit made ``folder`` as ``kind`` (unless it is there already)."""
    marker = folder / MARKERS[kind]
    text = _MARKER_TEXT[kind]
    try:
        if marker.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    marker.write_text(text, encoding="utf-8")


def check_file(path: Path, around: Sequence[Place], *, force: bool) -> Refused | None:
    """Whether a file may be written at ``path``: its folder exists, it is not replaced by a build, nothing is there."""
    given = str(path)
    target = resolved(path)
    if target is None:
        return Refused(given, "is a symbolic link loop, not a file")
    what = what_is(path)
    if what not in (None, "a file", "a broken symbolic link", "a path through a file"):
        return Refused(given, f"is {what}; give the name of a file to write ('-' writes to the terminal)")
    folder = target.parent
    if what_is(folder) != "a folder":
        return Refused(given, f"the folder {_shown(folder)} does not exist; make it first or give another")
    for place in around:
        if place.path in target.parents and (place.role == "work" or place.kind == "site"):
            return Refused(given, f"is inside {place.name}, which toolkit build replaces; give a file outside it")
    outer = enclosing_output(target)
    if outer is not None and outer[0] == "site":
        return Refused(
            given,
            f"is inside the toolkit's site {_shown(outer[1])}/, which toolkit build replaces; give a file outside it",
        )
    if what is not None and not force:
        return Refused(given, f"already exists ({what}); give --force to replace it, or another name", exists=True)
    return None


def write_file(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` whole or not at all; replace what is there only when ``force``.

    Raises OSError (with ``path`` as its file name) when it cannot be written: a full disk, a
    file-size limit, no permission, or (without ``force``) a file that appeared meanwhile.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links here (some network shares): check, then rename
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
                os.replace(tmp, path)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def to_stdout(text: str) -> None:
    """Write ``text`` to standard output; a failure there (a full disk) is an OSError naming standard output."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OSError(error.errno, error.strerror, "standard output") from None


def reason(error: OSError) -> str:
    """An OSError in plain words, without Python's decoration."""
    return error.strerror or str(error) or type(error).__name__
