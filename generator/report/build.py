"""Make a report: read the ledger, compute every figure, then write the HTML, CSV and Excel files.

Everything is computed before anything is written, and the files are written into a
temporary folder inside the output folder and moved into place one by one at the end,
so a failure never leaves a half-written report beside a good one.

The output folder must not be inside the published site: a report names practices.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..cqc import RatingsFileError, read_ratings
from ..model import Edition, Library
from . import cqcview, exports, figures, helpgiven, html, ledger, ratings, tables
from .beside import Beside
from .yearonyear import Comparison, Plan, Side, combine, plan, side, side_of

REPORT_HTML = "report.html"
SITE = Path("site")
"""The built site, which is published: no report may be written inside it."""
PUBLISHED_SOURCES = (Path("build"), Path("content"))
"""Folders whose files end up in the site (the site's staging, its hand-written pages): no report there either."""
OWN_FILES = ("year_domains.csv", "year_practices.csv", "year_questions.csv")
"""Files a previous report may have left that this one might not write (removed first)."""


class ReportError(Exception):
    """The report cannot be made; the message says why in words."""


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (after resolving links and '..')."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def check_out(out: Path, site: Path = SITE) -> None:
    """Refuse an output folder inside the published site, or inside a folder that is published with it."""
    if inside(out, site):
        raise ReportError(
            f"{out}: a report names practices and must not be written inside the published site ({site}/); "
            "give an --out folder outside it (the default is the store's report/ folder)"
        )
    for folder in PUBLISHED_SOURCES:
        if inside(out, folder):
            raise ReportError(
                f"{out}: a report names practices and must not be written inside {folder}/, whose files are "
                "published with the site; give an --out folder outside it (the default is the store's report/ folder)"
            )


@dataclass
class Timings:
    """Seconds spent in each step, for the benchmark."""

    read: float = 0.0
    compute: float = 0.0
    html: float = 0.0
    exports: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.compute + self.html + self.exports


@dataclass(frozen=True)
class Made:
    figures: figures.Figures
    comparison: Comparison
    """The comparison with last year shown beside the figures, or why there is none."""
    files: tuple[Path, ...]
    timings: Timings


def previous_of(library: Library, edition: Edition, previous_id: str | None) -> tuple[Edition | None, str]:
    """The edition to compare with (the one ``edition`` follows unless told), or why there is none."""
    wanted = previous_id or edition.info.follows
    if wanted is None:
        return None, f"{edition.id} follows no earlier edition, so there is no comparison with last year."
    found = library.editions.get(wanted)
    if found is None:
        return None, f"The edition {wanted} is not among the standards, so there is no comparison with last year."
    return found, ""


@dataclass(frozen=True)
class LastYear:
    """What the comparison with last year needs before this year's figures are known."""

    previous: Edition
    planned: Plan


def last_year(library: Library, edition: Edition, previous_id: str | None) -> tuple[LastYear | None, str]:
    """The edition to compare with and the questions to compare, or why there is no comparison."""
    previous, note = previous_of(library, edition, previous_id)
    if previous is None:
        return None, note
    between = [e for e in library.editions.values() if previous.id < e.id < edition.id]
    return LastYear(previous, plan(previous, edition, between)), ""


def before_side(store: Path, last: LastYear, domains: int) -> Side | None:
    """Last year's side of the comparison, read from the store (None when it holds no valid return)."""
    before = ledger.read_returns(store, last.previous.id, notes=False)
    if not any(s.valid for s in before.submissions):
        return None
    return side(before, last.planned.before, domains)


def no_returns_note(previous_id: str) -> str:
    return f"There are no valid returns to {previous_id} in the store, so there is no comparison with last year."


def compared(
    found: figures.Figures, edition: Edition, last: LastYear, before: Side | None, names: Mapping[str, str]
) -> Comparison:
    """The comparison of the figures with last year (or the reason there is none)."""
    if before is None:
        return Comparison(note=no_returns_note(last.previous.id))
    return Comparison(combine(last.previous, edition, last.planned, side_of(found, last.planned), before, names))


def year_on_year(
    library: Library,
    edition: Edition,
    found: figures.Figures,
    store: Path,
    previous_id: str | None,
    names: Mapping[str, str],
) -> Comparison:
    """The comparison of ``found`` with last year, worked out here (:func:`make` reads last year beside)."""
    last, note = last_year(library, edition, previous_id)
    if last is None:
        return Comparison(note=note)
    return compared(found, edition, last, before_side(store, last, len(edition.domains)), names)


def cqc_ratings(store: Path, files: Sequence[Path]) -> list[tuple[str, dict[str, ratings.PracticeRatings]]]:
    """Keep the ratings of each CQC file given in the store, then every year's set kept, oldest first."""
    try:
        for path in files:
            ratings.keep(store, read_ratings(path), path.name)
        return ratings.history(store)
    except (RatingsFileError, ratings.RatingsError) as error:
        raise ReportError(str(error)) from None


def make(
    library: Library,
    edition_id: str,
    store: Path,
    out: Path,
    *,
    register: Mapping[str, str] | None = None,
    previous_id: str | None = None,
    now: dt.datetime | None = None,
    site: Path = SITE,
    cqc: Sequence[Path] = (),
    places: Mapping[str, str] | None = None,
    target_days: int = helpgiven.TARGET_WORKING_DAYS,
    icb_name: str = "",
) -> Made:
    """Write the report on ``edition_id`` from the returns in ``store`` into ``out``.

    Last year's returns are read and judged in a child process while this year's are,
    and the workbook is written in one while the HTML and CSV files are (see :mod:`.beside`).
    """
    check_out(out, site)
    edition = library.editions.get(edition_id)
    if edition is None:
        known = ", ".join(sorted(library.editions)) or "none"
        raise ReportError(f"no edition '{edition_id}' among the standards (editions loaded: {known})")
    timings = Timings()
    stamp = now or dt.datetime.now(dt.UTC)
    names = register or {}

    started = time.perf_counter()
    last, note = last_year(library, edition, previous_id)
    before = Beside(partial(before_side, store, last, len(edition.domains))) if last is not None else None
    try:
        returns = ledger.read_returns(store, edition.id)
        timings.read = time.perf_counter() - started
        started = time.perf_counter()
        found = figures.compute(edition, returns, register, generated_at=stamp.strftime("%Y-%m-%d %H:%M UTC"))
        comparison = Comparison(note=note)
        if last is not None and before is not None:
            comparison = compared(found, edition, last, before.result(), names)
    except ledger.LedgerError as error:
        raise ReportError(str(error)) from None
    held = cqc_ratings(store, cqc)
    beside = cqcview.view(found, edition, held) if held else None
    helped = helpgiven.help_given(store, edition, target_days)
    laid_out = tables.tables(found, comparison.result, held[-1][1] if held else None, helped, beside)
    timings.compute = time.perf_counter() - started

    started = time.perf_counter()
    staging = out / f".report-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        workbook = Beside(
            partial(exports.write_workbook, laid_out, staging / exports.WORKBOOK, stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
        )
        (staging / REPORT_HTML).write_text(
            html.render(
                found,
                comparison,
                store=str(store),
                cqc=beside,
                helped=helped,
                places=places,
                help_target=target_days,
                icb_name=icb_name,
            ),
            encoding="utf-8",
        )
        timings.html = time.perf_counter() - started
        for table in laid_out:
            exports.write_csv(table, staging)
        workbook.result()
        for stale in OWN_FILES:
            (out / stale).unlink(missing_ok=True)
        files = []
        for written in sorted(staging.iterdir()):
            os.replace(written, out / written.name)
            files.append(out / written.name)
    except OSError as error:
        raise ReportError(f"{out}: cannot write the report ({error.strerror or error})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    timings.exports = time.perf_counter() - started - timings.html
    return Made(found, comparison, tuple(files), timings)
