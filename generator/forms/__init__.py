"""Forms to download: every file a practice downloads for an edition, built from the standards.

``build_downloads`` writes them into one folder (the site's ``downloads/<edition>/``) and
says what it wrote, for the pages that link them:

- ``return-template.csv``, ``example-return.csv``, ``return.schema.json``,
  ``datapackage.json``, ``questions.csv``: the return format (``returnfiles.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Edition
from . import returnfiles


@dataclass(frozen=True)
class Download:
    """One file to download, as a page links it."""

    path: Path
    """Where it is, relative to the downloads folder it was built into."""
    title: str
    """What a link to it says, such as 'Self-assessment form, whole edition'."""
    format: str
    """'PDF', 'Excel', 'CSV' or 'JSON'."""
    size_bytes: int
    """Its size, for the link's '(PDF, 412 KB)'."""
    domain_id: str | None
    """The domain it is for, or None for a whole-edition file."""


RETURN_FILES: tuple[tuple[str, str, str], ...] = (
    (returnfiles.TEMPLATE, "Return template (every question, answers empty)", "CSV"),
    (returnfiles.EXAMPLE, "Example return (a fictional practice, every question answered)", "CSV"),
    (returnfiles.QUESTIONS, "Questions of this edition as open data", "CSV"),
    (returnfiles.SCHEMA, "Return schema (Frictionless Table Schema)", "JSON"),
    (returnfiles.DATAPACKAGE, "Data package: example return and questions (Frictionless)", "JSON"),
)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` unless the file already holds exactly it (so an unchanged file keeps its time)."""
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def build_downloads(edition: Edition, out_dir: Path, cache_dir: Path) -> list[Download]:
    """Write every download of ``edition`` into ``out_dir``; return them in the order a page lists them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    downloads: list[Download] = []
    for name, title, kind in RETURN_FILES:
        data = returnfiles.FILES[name](edition)
        _write(out_dir / name, data)
        downloads.append(Download(Path(name), title, kind, len(data), None))
    return downloads


__all__ = ["Download", "build_downloads"]
