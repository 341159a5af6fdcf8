"""Hash-keyed reuse of built forms: a build with nothing changed renders nothing again.

Each output group (each part of the printed forms, the joined whole form, the workbook of an
edition) is keyed by a hash of what it is made from: for a part of the printed forms, its HTML
(which holds the content, the date stamped inside and the page numbers); for the workbook, the
edition's content and date; and for both the code and templates that make them (with the
versions of the libraries that write them). An entry is a folder of files named by its key;
storing a new entry for a group drops that group's older ones, so the one left is the latest
made, which a preview may show while the new one is made (:meth:`Cache.latest`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

from ..model import Edition
from .templates import TEMPLATES

PACKAGE = Path(__file__).resolve().parent
SOURCES = (
    *sorted(PACKAGE.glob("*.py")),
    PACKAGE.parent / "model.py",
    PACKAGE.parent / "answertypes.py",
    PACKAGE.parent / "returnformat.py",
    PACKAGE.parent / "paths.py",
)
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "XlsxWriter", "Jinja2")


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def code_digest() -> str:
    """A hash of the code, templates and library versions that make the forms."""
    digest = hashlib.sha256()
    for path in [*SOURCES, *sorted(p for p in TEMPLATES.rglob("*") if p.is_file())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        digest.update(f"{name}={_library_version(name)}\0".encode())
    return digest.hexdigest()


def edition_digest(edition: Edition) -> str:
    """A hash of an edition's content (not of where its files are)."""
    content = {
        "info": edition.info.model_dump(mode="json"),
        "references": edition.references.model_dump(mode="json"),
        "domains": [d.model_dump(mode="json") for d in edition.domains],
        "numbering": dict(edition.numbering),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


class Cache:
    """Built files by group and key, in a folder: ``<folder>/<group>/<key>/<file>``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, group: str, entry_key: str, names: list[str]) -> dict[str, bytes] | None:
        """The files of an entry, or None if it is missing or incomplete."""
        entry = self.folder / group / entry_key
        try:
            return {name: (entry / name).read_bytes() for name in names}
        except OSError:
            return None

    def latest(self, group: str, names: list[str]) -> dict[str, bytes] | None:
        """The files of the group's one complete entry, whatever its key (the last made), or None."""
        try:
            entries = sorted(p for p in (self.folder / group).iterdir() if not p.name.startswith("."))
        except OSError:
            return None
        for entry in entries:
            found = self.get(group, entry.name, names)
            if found is not None:
                return found
        return None

    def put(self, group: str, entry_key: str, files: dict[str, bytes]) -> None:
        """Store an entry whole (written aside, then moved in) and drop the group's other entries."""
        folder = self.folder / group
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{entry_key}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        for name, data in files.items():
            (partial / name).write_bytes(data)
        entry = folder / entry_key
        shutil.rmtree(entry, ignore_errors=True)
        partial.rename(entry)
        for other in folder.iterdir():
            if other.name != entry_key:
                shutil.rmtree(other, ignore_errors=True)
