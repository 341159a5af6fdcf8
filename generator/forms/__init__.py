"""Forms to download: every file a practice downloads for an edition, built from the standards.

``build_downloads`` writes them into one folder (the site's ``downloads/<edition>/``) and
says what it wrote, for the pages that link them:

- ``self-assessment-<edition>.pdf`` and ``<domain-id>.pdf``: the printable forms (``pdf.py``);
- ``self-assessment-<edition>.xlsx``: the fillable workbook (``workbook.py``);
- ``return-template.csv``, ``example-return.csv``, ``return.schema.json``,
  ``datapackage.json``, ``questions.csv``: the return format (``returnfiles.py``).

The PDFs and the workbook are kept in ``cache_dir`` under a hash of what they are made
from (``cache.py``): a build with nothing changed renders nothing again. Every file is the
same, byte for byte, for the same content; the one date inside the PDFs and the workbook
is ``SOURCE_DATE_EPOCH`` when it is set, else the edition's publication date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..model import Edition
from ..settings import Settings
from . import returnfiles
from .cache import Cache, code_digest, edition_digest, key


@dataclass(frozen=True)
class Download:
    """One file to download, as a page links it."""

    path: Path
    """Where it is, relative to the downloads folder it was built into."""
    title: str
    """What a link to it says, such as 'Self-assessment form: Safeguarding children and adults'."""
    format: str
    """'PDF', 'Excel', 'CSV' or 'JSON'."""
    size_bytes: int
    """Its size, for the link's '(PDF, 412 KB)'."""
    domain_id: str | None
    """The domain it is for, or None for a whole-edition file."""


RETURN_FILES: tuple[tuple[str, str, str], ...] = (
    (returnfiles.TEMPLATE, "Return template: every question, answers empty", "CSV"),
    (returnfiles.EXAMPLE, "Example return: a fictional practice, every question answered", "CSV"),
    (returnfiles.QUESTIONS, "Questions of this edition, as open data", "CSV"),
    (returnfiles.SCHEMA, "Return schema (Frictionless Table Schema), to check a return before sending it", "JSON"),
    (returnfiles.DATAPACKAGE, "Data package (Frictionless): the example return and the questions", "JSON"),
)


def stamp(edition: Edition) -> dt.datetime:
    """The one date written inside the PDFs and the workbook: ``SOURCE_DATE_EPOCH`` if set, else publication."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            pass
    day = edition.info.published or dt.date(int(edition.id[:4]), 4, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` unless the file already holds exactly it (so an unchanged file is not touched)."""
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _pdfs(edition: Edition, cache: Cache, base: str, created: dt.datetime, icb: Settings | None) -> dict[str, bytes]:
    from . import pdf  # WeasyPrint itself is imported only if a PDF must be rendered

    names = [pdf.whole_name(edition)] + [pdf.domain_name(d) for d in edition.domains]
    entry = key(base, "pdf")
    files = cache.get(f"{edition.id}/pdf", entry, names)
    if files is None:
        files = pdf.render_pdfs(edition, created.strftime("%Y-%m-%dT%H:%M:%SZ"), icb=icb)
        cache.put(f"{edition.id}/pdf", entry, files)
    return files


def _workbook(
    edition: Edition, cache: Cache, base: str, created: dt.datetime, icb: Settings | None
) -> tuple[str, bytes]:
    from . import workbook

    name = workbook.workbook_name(edition)
    entry = key(base, "xlsx")
    files = cache.get(f"{edition.id}/xlsx", entry, [name])
    if files is None:
        files = {name: workbook.render_workbook(edition, created, icb)}
        cache.put(f"{edition.id}/xlsx", entry, files)
    return name, files[name]


def build_downloads(
    edition: Edition, out_dir: Path, cache_dir: Path, settings: Settings | None = None
) -> list[Download]:
    """Write every download of ``edition`` into ``out_dir``; return them in the order a page lists them.

    ``settings`` (toolkit.yml) name the ICB on the forms and say where to send the return; without them the
    forms name no ICB.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir)
    created = stamp(edition)
    icb = json.dumps(settings.as_data(), sort_keys=True) if settings is not None else ""
    base = key(code_digest(), edition_digest(edition), created.isoformat(), icb)

    pdfs = _pdfs(edition, cache, base, created, settings)
    workbook_name, workbook_bytes = _workbook(edition, cache, base, created, settings)
    whole_pdf = f"self-assessment-{edition.id}.pdf"

    written: list[tuple[str, bytes, str, str, str | None]] = [
        (
            whole_pdf,
            pdfs[whole_pdf],
            f"Self-assessment form, {edition.info.title}: every domain, to print",
            "PDF",
            None,
        ),
        (workbook_name, workbook_bytes, "Self-assessment workbook: fill in and send as your return", "Excel", None),
    ]
    for name, title, kind in RETURN_FILES:
        written.append((name, returnfiles.FILES[name](edition), title, kind, None))
    for domain in edition.domains:
        name = f"{domain.id}.pdf"
        written.append((name, pdfs[name], f"Self-assessment form: {domain.title}, to print", "PDF", domain.id))

    downloads = []
    for name, data, title, kind, domain_id in written:
        _write(out_dir / name, data)
        downloads.append(Download(Path(name), title, kind, len(data), domain_id))
    return downloads


__all__ = ["Download", "build_downloads"]
