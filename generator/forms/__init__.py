"""Forms to download: every file a practice downloads for an edition, built from the standards.

``build_downloads`` writes them into one folder (the site's ``downloads/<edition>/``) and
says what it wrote, for the pages that link them:

- ``self-assessment-<edition>.pdf`` and ``<domain-id>.pdf``: the printable forms (``pdf.py``, ``parts.py``);
- ``self-assessment-<edition>.xlsx``: the fillable workbook (``workbook.py``);
- ``return-template.csv``, ``example-return.csv``, ``return.schema.json``,
  ``datapackage.json``, ``questions.csv``: the return format (``returnfiles.py``).

The PDFs (part by part, ``printed.py``) and the workbook are kept in ``cache_dir`` under a
hash of what they are made from (``cache.py``): a build with nothing changed renders nothing
again, and an edit lays out only the parts it touched. The parts and the workbook are made
on the given :class:`~.workers.Workers`, in parallel processes when it has more than one.
Every file is the same, byte for byte, for the same content however many processes made it;
the one date inside the PDFs and the workbook is ``SOURCE_DATE_EPOCH`` when it is set, else
the edition's publication date.
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
from .workers import Workers, available_cores


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
    stale: bool = False
    """True when it is the file made last, shown while the one for the current content is made."""


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


def _created(created: dt.datetime) -> str:
    return created.strftime("%Y-%m-%dT%H:%M:%SZ")


def _last_pdfs(edition: Edition, cache: Cache) -> dict[str, bytes] | None:
    """The PDFs made last for ``edition``, whatever they were made from; None if any was never made."""
    from .pdf import domain_name, whole_name

    found = cache.latest(f"{edition.id}/whole", [whole_name(edition)])
    if found is None:
        return None
    for domain in edition.domains:
        part = cache.latest(f"{edition.id}/domain/{domain.id}", ["part.pdf"])
        if part is None:
            return None
        found[domain_name(domain)] = part["part.pdf"]
    return found


def _code(icb: Settings | None) -> str:
    """What the forms are made by beyond the edition: the code, templates and libraries, and the ICB's settings."""
    return key(code_digest(), json.dumps(settings.as_data(), sort_keys=True) if (settings := icb) else "")


def build_downloads(
    edition: Edition,
    out_dir: Path,
    cache_dir: Path,
    settings: Settings | None = None,
    workers: Workers | None = None,
    reuse: bool = False,
) -> list[Download]:
    """Write every download of ``edition`` into ``out_dir``; return them in the order a page lists them.

    ``settings`` (toolkit.yml) name the ICB on the forms and say where to send the return; without them the
    forms name no ICB. ``workers`` lay out the forms' parts (default: one process per core). With ``reuse``,
    forms made before are not made again: those made last are written, marked ``stale`` when they were made
    from other content (a preview shows them while it brings them up to date).
    """
    from . import workbook
    from .printed import made_for, render_printed

    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir)
    created = stamp(edition)
    code = _code(settings)
    workbook_name = workbook.workbook_name(edition)
    workbook_key = key(code, edition_digest(edition), created.isoformat(), "xlsx")
    stale: set[str] = set()

    pdfs: dict[str, bytes] | None = None
    workbook_files = cache.get(f"{edition.id}/xlsx", workbook_key, [workbook_name])
    if reuse:
        if workbook_files is None:
            workbook_files = cache.latest(f"{edition.id}/xlsx", [workbook_name])
            stale.update(workbook_files or ())
        pdfs = _last_pdfs(edition, cache)
        if pdfs is not None and not made_for(edition, cache, code, _created(created)):
            stale.update(pdfs)
    own = workers is None
    workers = workers or Workers(available_cores())
    try:
        pending = None
        if workbook_files is None:
            pending = workers.submit((workbook.render_workbook, (edition, created, settings)))
        if pdfs is None:
            pdfs = render_printed(edition, cache, code, _created(created), workers, settings)
        if pending is not None:
            workbook_files = {workbook_name: pending.result()}
            cache.put(f"{edition.id}/xlsx", workbook_key, workbook_files)
    finally:
        if own:
            workers.close()
    if workbook_files is None:  # pragma: no cover - rendered above when not found
        raise RuntimeError(f"the workbook of {edition.id} was not made")
    downloads = []
    for name, data, title, kind, domain_id in _listing(edition, pdfs, workbook_name, workbook_files[workbook_name]):
        _write(out_dir / name, data)
        downloads.append(Download(Path(name), title, kind, len(data), domain_id, name in stale))
    return downloads


def _listing(
    edition: Edition, pdfs: dict[str, bytes], workbook_name: str, workbook_bytes: bytes
) -> list[tuple[str, bytes, str, str, str | None]]:
    """Every download's name, bytes, title, format and domain, in the order a page lists them."""
    whole_pdf = f"self-assessment-{edition.id}.pdf"
    listed: list[tuple[str, bytes, str, str, str | None]] = [
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
        listed.append((name, returnfiles.FILES[name](edition), title, kind, None))
    for domain in edition.domains:
        name = f"{domain.id}.pdf"
        listed.append((name, pdfs[name], f"Self-assessment form: {domain.title}, to print", "PDF", domain.id))
    return listed


def last_downloads(edition: Edition, cache_dir: Path) -> list[Download] | None:
    """The downloads of ``edition`` as the forms made last would give them, writing nothing; None if any of its
    forms was never made. A build lays out its pages by these while it makes the forms: where the files turn out
    to be listed alike (their sizes are given in whole KB), those pages need not be built again."""
    from . import workbook

    cache = Cache(cache_dir)
    pdfs = _last_pdfs(edition, cache)
    name = workbook.workbook_name(edition)
    made = cache.latest(f"{edition.id}/xlsx", [name])
    if pdfs is None or made is None:
        return None
    listed = _listing(edition, pdfs, name, made[name])
    return [Download(Path(n), title, kind, len(data), domain_id) for n, data, title, kind, domain_id in listed]


def forms_current(edition: Edition, cache_dir: Path, settings: Settings | None = None) -> bool:
    """Whether the PDFs and workbook of ``edition`` as it is now are all in the cache: nothing to make."""
    from . import workbook
    from .printed import is_current

    cache, created = Cache(cache_dir), stamp(edition)
    code = _code(settings)
    workbook_key = key(code, edition_digest(edition), created.isoformat(), "xlsx")
    if cache.get(f"{edition.id}/xlsx", workbook_key, [workbook.workbook_name(edition)]) is None:
        return False
    return is_current(edition, cache, code, _created(created), settings)


__all__ = ["Download", "Workers", "build_downloads", "forms_current", "last_downloads"]
