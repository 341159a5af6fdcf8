"""Every printed form of an edition, laid out part by part, only where a part's HTML changed.

The parts (``parts.py``) are each domain's own form, and the whole form's cover and sections.
A part is kept in the cache under a hash of its HTML and the code that lays it out, so a part
whose HTML did not change is never laid out again. A section's HTML holds the page it starts
on and the whole form's page count, which come from the domains' own forms: so the domains'
forms are laid out first, and with them, as a guess, the sections placed by the page counts
of the last forms made; only a section whose guess proves wrong is laid out again.

Parts are laid out on the given :class:`~.workers.Workers`, in parallel when it has more
than one process. The whole form is joined from its parts (``join.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Edition
from ..settings import Settings
from . import parts
from .cache import Cache, edition_digest, key
from .parts import Part, Written, cover_part, domain_part, section_part
from .pdf import domain_name, whole_name
from .workers import Workers

PAGES = "pages"
"""The file of a cached part that holds its page count."""


@dataclass(frozen=True)
class Layout:
    """Where each part of the whole form lies: the cover's page count and each section's first page."""

    cover_pages: int
    starts: dict[str, int]
    total: int


def layout(edition: Edition, cover_pages: int, pages: dict[str, int]) -> Layout:
    """The whole form's page numbers, from the cover's and each domain's page count."""
    starts: dict[str, int] = {}
    page = cover_pages + 1
    for domain in edition.domains:
        starts[domain.id] = page
        page += pages[domain.id]
    return Layout(cover_pages, starts, page - 1)


class _Parts:
    """The parts of one edition's printed forms: those made in this build, else those in the cache."""

    def __init__(self, edition: Edition, cache: Cache, code: str) -> None:
        self.edition = edition
        self.cache = cache
        self.code = code
        self.made: dict[tuple[str, str], Written] = {}

    def _where(self, part: Part) -> tuple[str, str]:
        return f"{self.edition.id}/{part.group}", key(self.code, part.html)

    def get(self, part: Part) -> Written | None:
        """``part`` as laid out from this very HTML, or None if it never was."""
        where = self._where(part)
        if where not in self.made:
            files = self.cache.get(*where, ["part.pdf", PAGES])
            if files is None:
                return None
            self.made[where] = Written(files["part.pdf"], int(files[PAGES]))
        return self.made[where]

    def last_pages(self, group: str) -> int | None:
        """The page count of the part last made for ``group``, whatever it was made from."""
        files = self.cache.latest(f"{self.edition.id}/{group}", [PAGES])
        return int(files[PAGES]) if files else None

    def keep(self, part: Part, written: Written) -> None:
        where = self._where(part)
        self.cache.put(*where, {"part.pdf": written.data, PAGES: str(written.pages).encode()})
        self.made[where] = written

    def entry(self, part: Part) -> str:
        return self._where(part)[1]


def whole_parts(edition: Edition, created: str | None, icb: Settings | None, at: Layout) -> list[Part]:
    """The cover and every section of the whole form, placed by ``at``."""
    cover = cover_part(edition, created, icb, at.starts, at.total)
    sections = [section_part(edition, d, created, icb, at.starts[d.id], at.total) for d in edition.domains]
    return [cover, *sections]


def made_for(edition: Edition, cache: Cache, code: str, created: str | None) -> bool:
    """Whether the PDFs of ``edition`` as it is now were made as a set (the quick look: no part's HTML is made)."""
    every = key(code, edition_digest(edition), created or "")
    return cache.get(f"{edition.id}/pdf", every, [whole_name(edition)]) is not None


def is_current(edition: Edition, cache: Cache, code: str, created: str | None, icb: Settings | None) -> bool:
    """Whether every printed form of ``edition`` as it is now is in ``cache`` (nothing to lay out or join)."""
    if made_for(edition, cache, code, created):
        return True
    store = _Parts(edition, cache, code)
    domains = [store.get(domain_part(edition, d, created, icb)) for d in edition.domains]
    if any(d is None for d in domains):
        return False
    pages = {d.id: w.pages for d, w in zip(edition.domains, domains, strict=True) if w is not None}
    cover_pages = store.last_pages("cover") or 1
    whole = whole_parts(edition, created, icb, layout(edition, cover_pages, pages))
    if any(store.get(p) is None for p in whole):
        return False
    return (
        cache.get(f"{edition.id}/whole", key(code, *(store.entry(p) for p in whole)), [whole_name(edition)]) is not None
    )


def render_printed(
    edition: Edition, cache: Cache, code: str, created: str | None, workers: Workers, icb: Settings | None = None
) -> dict[str, bytes]:
    """Every PDF form of ``edition``, by file name, laying out only the parts not in ``cache``."""
    from .join import join

    # With nothing changed in the edition, the PDFs made last for it, without making any part's HTML again.
    names = [whole_name(edition), *(domain_name(d) for d in edition.domains)]
    every = (f"{edition.id}/pdf", key(code, edition_digest(edition), created or ""))
    found = cache.get(*every, names)
    if found is not None:
        return found

    store = _Parts(edition, cache, code)
    domains = [domain_part(edition, d, created, icb) for d in edition.domains]

    # A first guess at the whole form's page numbers: each domain's page count if its form is
    # already made, else that of its form made last; with the domains' forms, the sections are
    # laid out by that guess, and only those it placed wrongly are laid out again.
    guess: dict[str, int] = {}
    for domain, part in zip(edition.domains, domains, strict=True):
        known = store.get(part)
        count = known.pages if known else store.last_pages(part.group)
        if count is not None:
            guess[domain.id] = count
    counts = guess if len(guess) == len(domains) else None
    cover_pages = store.last_pages("cover") or 1

    for _ in range(3):  # a guess, then its correction
        at = _settle_cover(store, workers, edition, created, icb, cover_pages, counts) if counts else None
        whole = whole_parts(edition, created, icb, at) if at is not None else []
        wanted = [part for part in [*domains, *whole] if store.get(part) is None]
        futures = [(part, workers.submit((parts.write, (part,)))) for part in wanted]
        for part, future in futures:
            store.keep(part, future.result())
        real = {d.id: _got(store, p).pages for d, p in zip(edition.domains, domains, strict=True)}
        if at is not None and real == counts:
            break
        counts, cover_pages = real, at.cover_pages if at is not None else cover_pages
    else:  # pragma: no cover - the domains' forms are all made by the second round
        raise RuntimeError(f"the whole form of {edition.id} does not settle on its page numbers")

    group, entry = f"{edition.id}/whole", key(code, *(store.entry(p) for p in whole))
    joined = cache.get(group, entry, [whole_name(edition)])
    if joined is None:
        joined = {whole_name(edition): join([_got(store, p).data for p in whole])}
        cache.put(group, entry, joined)
    by_name = {whole_name(edition): joined[whole_name(edition)]}
    for domain, part in zip(edition.domains, domains, strict=True):
        by_name[domain_name(domain)] = _got(store, part).data
    cache.put(*every, by_name)
    return by_name


def _settle_cover(
    store: _Parts,
    workers: Workers,
    edition: Edition,
    created: str | None,
    icb: Settings | None,
    cover_pages: int,
    counts: dict[str, int],
) -> Layout:
    """The whole form's page numbers for the domains' page ``counts``, with the cover laid out first: its length
    (its contents may run onto a second page) moves every section, so it is known before any section is laid out."""
    for _ in range(3):
        at = layout(edition, cover_pages, counts)
        cover = cover_part(edition, created, icb, at.starts, at.total)
        made = store.get(cover)
        if made is None:
            made = workers.submit((parts.write, (cover,))).result()
            store.keep(cover, made)
        if made.pages == cover_pages:
            return at
        cover_pages = made.pages
    raise RuntimeError(f"the cover of {edition.id} does not settle on its length")  # pragma: no cover


def _got(store: _Parts, part: Part) -> Written:
    written = store.get(part)
    if written is None:  # pragma: no cover - every wanted part was laid out above
        raise RuntimeError(f"the part {part.group} was not laid out")
    return written
