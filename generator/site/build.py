"""Build the guidance site: check, gather, render, build each edition, then swap the new site in.

The steps, in order:

1. check the standards; refuse to build on any error (the problems are those of ``toolkit check``);
2. choose the editions: the current one (newest published) at the site's root, every other
   published edition at ``<edition>/`` with an archived banner, drafts only when asked;
3. build each edition's downloads into a fresh staging folder (``downloads/<edition>/``), the
   editions side by side and the forms' parts on ``jobs`` processes;
4. render each edition's pages into its own folder under ``build/site/`` (unchanged pages are
   not rewritten) and write its mkdocs configuration beside them;
5. run the site builder for each edition whose inputs changed since its last build (on the
   same processes, side by side, when more than one must be built), reusing what its last build
   made of the pages that did not change (``out.memory.json``; see ``mkdocs_build.py``);
6. put the built editions together in the staging folder and swap it into place as ``site/``.

A build that fails at any step leaves ``site/`` exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import heap
from ..check import check
from ..forms.workers import Workers, available_cores
from ..load import display
from ..model import Edition, Library
from ..outputs import mark, not_replaceable, reason
from ..overlay import core_folders
from ..problems import Problem, errors
from ..settings import Settings, load_settings, settings_path
from . import files, htmlguard, statuspage, uptodate
from .config import SettingsProblem, brand_assets, dump, edition_config, read_settings, with_icb
from .mkdocs_build import site_builder_messages
from .pages import BuiltEdition, Kind, PageContext, navigation, render_pages
from .redirects import redirect_pages
from .templates import TemplateProblem, Templates

if TYPE_CHECKING:
    from ..forms import Download

ASSETS_FOLDER = "assets"
"""The folder of ``site_templates/`` holding the site's own styles and vendored scripts."""
ASSETS_IN_SITE = "assets/toolkit"
"""Where those are in the built site."""
OVERRIDES_FOLDER = "overrides"
"""The folder of ``site_templates/`` holding the theme's template overrides."""


EDITION_CONFIG = "mkdocs.yml"
"""Each edition's configuration for the site builder, in its folder of the work folder."""
BUILDER_MEMORY = "out.memory.json"
"""Beside each edition's built site: what the site builder worked out, reused by its next build where the pages are
the same (see :mod:`.mkdocs_build`)."""

DownloadBuilder = Callable[[Edition, Path, Path], "Sequence[Download]"]
"""Builds an edition's downloads into a folder, with a cache folder: ``forms.build_downloads``'s signature."""


@dataclass(frozen=True)
class BuildOptions:
    """Where the build reads and writes; every path relative to the working folder by default."""

    standards: Path = Path("standards")
    site: Path = Path("site")
    config: Path = Path("mkdocs.yml")
    content: Path = Path("content")
    templates: Path = Path("site_templates")
    work: Path = Path("build/site")
    """Generated pages, each edition's configuration and built site, and the downloads cache."""
    include_drafts: bool = False
    status_page: statuspage.StatusSource | None = None
    """Where the public status page's facts come from; None (the default) for no status page."""
    downloads: DownloadBuilder | None = None
    """What builds the downloads; None for the forms (``generator.forms.build_downloads``)."""
    jobs: int | None = None
    """Processes to lay out forms and build editions on; None for every core, 1 for this process alone."""
    reuse_forms: bool = False
    """Write the forms made last instead of making them again (a preview's first step; see ``serve.py``)."""


@dataclass(frozen=True)
class EditionReport:
    """What the build did for one edition's site."""

    folder: str
    """'' for the site's root, such as '2024-25/' otherwise."""
    edition_id: str
    kind: str
    pages: int
    pages_written: int
    rebuilt: bool
    """False when its inputs had not changed and the last build of it was reused."""


@dataclass
class BuildResult:
    problems: list[Problem]
    editions: list[EditionReport] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    """Time spent in each step: fingerprint, check, downloads, pages, mkdocs, assemble."""
    up_to_date: bool = False
    """True when nothing had changed since the last build, so nothing was done."""

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


def plan(library: Library, include_drafts: bool) -> list[BuiltEdition]:
    """The editions the site holds, newest first: the current one at the root, the others in their folders."""
    current = library.current()
    drafts = [e for e in library.editions.values() if e.info.status == "draft"] if include_drafts else []
    root = current or max(drafts, key=lambda e: e.id, default=None)
    built: list[BuiltEdition] = []
    for edition in sorted(library.published() + drafts, key=lambda e: e.id, reverse=True):
        kind: Kind = "draft" if edition.info.status == "draft" else "current" if edition is current else "archived"
        built.append(BuiltEdition(edition, kind, "" if edition is root else f"{edition.id}/"))
    return built


def build(options: BuildOptions) -> BuildResult:
    """Build the site into ``options.site``; on any error, leave it as it was."""
    try:
        try:
            return _build(options)
        except OSError as error:
            if not files.in_the_way(error, options.work):
                raise
        # A folder where the work folder keeps a file, or the reverse: the work folder is the
        # toolkit's own cache, so it is emptied and the site built again from nothing.
        files.clear(options.work)
        try:
            return _build(options)
        except OSError as error:
            if not files.in_the_way(error, options.work):
                raise
            shown = display(Path(os.fsdecode(error.filename)))
            return BuildResult([Problem(shown, 0, 0, f"cannot be written by the build: {reason(error)}")])
    finally:
        heap.thaw()


def _build(options: BuildOptions) -> BuildResult:
    not_ours = not_replaceable(options.site, "site")
    if not_ours:
        return BuildResult([Problem(display(options.site), 0, 0, not_ours)])
    timer = _Timer()
    # The ICB's settings (toolkit.yml beside the standards): a build that cannot name the ICB does not start.
    icb, icb_problems = load_settings(options.standards.parent)
    if icb is None:
        return BuildResult(icb_problems)
    with timer.step("fingerprint"):
        stamp = uptodate.inputs(
            [options.standards, options.content, options.templates, *core_folders(options.standards)],
            [
                options.config,
                settings_path(options.standards.parent),
                *([icb.icb.logo] if icb.icb.logo else []),
                *statuspage.inputs(options.status_page, icb.register),
            ],
            str(options.include_drafts),
            getattr(options.downloads, "__qualname__", ""),
            "reuse forms" if options.reuse_forms else "",
        )
        last = uptodate.recall(options.work, options.site, stamp)
    if last is not None:
        reports = [EditionReport(**{**r, "pages_written": 0, "rebuilt": False}) for r in last["editions"]]
        return BuildResult(uptodate.problems_of(last), reports, timer.seconds, up_to_date=True)
    uptodate.forget(options.work)
    with timer.step("check"), heap.loading():
        library, problems = check(options.standards, options.content)
    problems = [*problems, *icb_problems]
    if errors(problems):
        return BuildResult(problems, seconds=timer.seconds)
    built = plan(library, options.include_drafts)
    if not built:
        message = "no published edition to build: publish one (status: published) or build drafts with --include-drafts"
        return BuildResult([*problems, Problem(display(options.standards), 0, 0, message)], seconds=timer.seconds)

    files.remove_leftovers(options.site)
    options.site.resolve().parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{options.site.name}-new-", dir=options.site.resolve().parent))
    try:
        reports = _build_into(staging, library, built, options, timer, icb)
        with timer.step("assemble"):
            if refused := statuspage.write_into(staging, options.status_page, library, icb):
                raise _Refused(refused)
            mark(staging, "site")
            try:
                files.swap_into_place(staging, options.site)
            except files.NotReplaced as refused:
                raise _Refused([Problem(display(options.site), 0, 0, str(refused))]) from None
    except _Refused as refused:
        return BuildResult([*problems, *refused.problems], seconds=timer.seconds)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    uptodate.remember(options.work, options.site, stamp, problems, [asdict(r) for r in reports])
    return BuildResult(problems, reports, timer.seconds)


def _build_into(
    staging: Path, library: Library, built: list[BuiltEdition], options: BuildOptions, timer: _Timer, icb: Settings
) -> list[EditionReport]:
    try:
        settings = with_icb(read_settings(options.config), icb)
    except SettingsProblem as error:
        raise _Refused([error.problem]) from None
    templates = Templates(options.templates, options.content, options.work / "cache")
    with Workers(options.jobs or available_cores()) as workers:
        return _build_with(staging, library, built, options, timer, icb, settings, templates, workers)


def _build_with(
    staging: Path,
    library: Library,
    built: list[BuiltEdition],
    options: BuildOptions,
    timer: _Timer,
    icb: Settings,
    settings: dict[str, Any],
    templates: Templates,
    workers: Workers,
) -> list[EditionReport]:
    # Each edition's forms from a thread of its own: their parts share the workers, so the editions' forms
    # are laid out side by side, and the output does not depend on which finishes first.
    threads = ThreadPoolExecutor(max_workers=max(1, min(len(built), workers.jobs)))
    early: dict[str, _Prepared] = {}
    with threads:
        made = [threads.submit(_downloads, t.edition, staging, options, icb, workers) for t in built]
        guess = _last_made(built, options) if options.downloads is None and not options.reuse_forms else None
        if guess is not None:
            # While the forms are made, the pages are laid out by the forms made last and built here: where
            # the new forms are listed alike (sizes in whole KB), the site builder need not run again after them.
            with timer.step("pages"):
                early = {
                    p.target.prefix: p for p in _prepare_all(guess, library, built, options, icb, settings, templates)
                }
            with timer.step("mkdocs"):
                _run_site_builder(list(early.values()), None)
        with timer.step("downloads"):
            downloads = {t.edition.id: future.result() for t, future in zip(built, made, strict=True)}

    with timer.step("pages"):
        prepared = _prepare_all(downloads, library, built, options, icb, settings, templates)
    with timer.step("mkdocs"):
        stale = _run_site_builder(prepared, workers)
    reports = []
    outputs: dict[str, Path] = {}
    root = next((b for b in built if not b.prefix), None)
    for edition in prepared:
        target = edition.target
        before = early.get(target.prefix)
        rebuilt = edition in stale or (before is not None and before.stamp == edition.stamp and before.rebuilt)
        written = max(edition.written, before.written if before is not None else 0)
        outputs[target.prefix] = edition.folder / "out"
        reports.append(EditionReport(target.prefix, target.edition.id, target.kind, edition.pages, written, rebuilt))

    with timer.step("assemble"):
        for prefix, output in outputs.items():
            files.link_tree(output, staging / prefix)
        if root is not None:
            for relative, data in redirect_pages(outputs[""], root.edition.info.title):
                path = staging / root.edition.id / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    return reports


def _last_made(built: list[BuiltEdition], options: BuildOptions) -> dict[str, tuple[Download, ...]] | None:
    """Every edition's downloads as the forms made last list them; None if some edition's forms were never made."""
    from ..forms import last_downloads

    found: dict[str, tuple[Download, ...]] = {}
    for target in built:
        listed = last_downloads(target.edition, options.work / "cache" / "downloads")
        if listed is None:
            return None
        found[target.edition.id] = tuple(listed)
    return found


def _prepare_all(
    downloads: Mapping[str, tuple[Download, ...]],
    library: Library,
    built: list[BuiltEdition],
    options: BuildOptions,
    icb: Settings,
    settings: dict[str, Any],
    templates: Templates,
) -> list[_Prepared]:
    """Every edition's pages and configuration, listing ``downloads``: all rendered before any site build, so that
    a page that cannot be rendered stops the build before any long site build."""
    root = next((b for b in built if not b.prefix), None)
    assets = {**_assets(options, templates), **brand_assets(icb)}
    versions = _builder_versions()
    prepared = []
    for target in built:
        context = PageContext(
            library=library,
            target=target,
            editions=tuple(built),
            downloads=downloads[target.edition.id],
            extra=dict(settings.get("extra") or {}),
            site_name=str(settings.get("site_name") or "GP Quality and Safety Toolkit"),
        )
        prepared.append(_prepare(context, templates, settings, root, assets, versions, options))
    return prepared


def _run_site_builder(prepared: list[_Prepared], workers: Workers | None) -> list[_Prepared]:
    """Build each edition whose pages changed since its last build: one here, several side by side on ``workers``
    (each process imports mkdocs once), or all here without them. The editions built."""
    stale = [e for e in prepared if e.rebuilt]
    for edition in stale:
        (edition.folder / "out.fingerprint").unlink(missing_ok=True)
        if not (edition.folder / "out").is_dir():  # a file where the built site goes: the work is the toolkit's own
            files.clear(edition.folder / "out")
    calls = [(site_builder_messages, (e.folder / EDITION_CONFIG, e.folder / BUILDER_MEMORY)) for e in stale]
    if workers is not None and len(stale) > 1:
        results = workers.run(calls)
    else:
        results = [site_builder_messages(*call[1]) for call in calls]
    for edition, messages in zip(stale, results, strict=True):
        if messages:
            shown = display(edition.folder / EDITION_CONFIG)
            raise _Refused([Problem(shown, 0, 0, message) for message in messages])
        (edition.folder / "out.fingerprint").write_text(edition.stamp)
    return stale


@dataclass(frozen=True)
class _Prepared:
    """One edition's pages and configuration, written and fingerprinted, ready for the site builder."""

    target: BuiltEdition
    folder: Path
    stamp: str
    pages: int
    written: int
    rebuilt: bool = False
    """Whether its site must be built: its pages changed since its last build (found when they were written)."""


def _prepare(
    context: PageContext,
    templates: Templates,
    settings: dict[str, Any],
    root: BuiltEdition | None,
    assets: Mapping[str, bytes],
    versions: str,
    options: BuildOptions,
) -> _Prepared:
    """Render one edition's pages into its folder under the work folder, with its mkdocs configuration."""
    target = context.target
    folder = options.work / (target.prefix.rstrip("/") or "root")
    try:
        pages = render_pages(context, templates)
    except TemplateProblem as problem:
        raise _Refused([Problem(problem.path, problem.line, 0, problem.message)]) from None
    docs = {page.path: page.markdown.encode() for page in pages}
    docs.update(assets)
    written = len(files.sync_folder(folder / "docs", docs) & {page.path for page in pages})
    config = edition_config(
        settings,
        config_dir=options.config.resolve().parent,
        built=target,
        current=root,
        docs_dir=folder / "docs",
        site_dir=folder / "out",
        written_to=folder,
        nav=navigation(pages),
    )
    config_text = dump(config)
    files.write_if_changed(folder / EDITION_CONFIG, config_text.encode())
    stamp = files.fingerprint(docs, [options.templates / OVERRIDES_FOLDER], config_text, versions)
    stale = _read(folder / "out.fingerprint") != stamp or not (folder / "out").is_dir()
    return _Prepared(target, folder, stamp, len(pages), written, stale)


def _downloads(
    edition: Edition, staging: Path, options: BuildOptions, icb: Settings, workers: Workers
) -> tuple[Download, ...]:
    from .. import paths

    if options.downloads is None:
        from functools import partial

        from ..forms import build_downloads

        builder: DownloadBuilder = partial(build_downloads, settings=icb, workers=workers, reuse=options.reuse_forms)
    else:
        builder = options.downloads
    out_dir = staging / paths.downloads(edition.id)
    try:
        return tuple(builder(edition, out_dir, options.work / "cache" / "downloads"))
    except Exception as error:  # a failed form must stop the build with a message, not a traceback
        message = f"could not build the downloads of {edition.id}: {type(error).__name__}: {error}"
        raise _Refused([Problem(display(edition.folder), 0, 0, message)]) from None


def make_forms(options: BuildOptions, workers: Workers) -> list[str]:
    """Bring the forms of every edition the site holds up to date in the downloads cache, building no site:
    a preview's second step, after a build with ``reuse_forms``. The ids of the editions whose forms were made
    (none when every form was already up to date, or when the standards have an error)."""
    from ..forms import build_downloads, forms_current

    icb, _ = load_settings(options.standards.parent)
    if icb is None or options.downloads is not None:
        return []
    with heap.loading():
        library, problems = check(options.standards, options.content)
    if errors(problems):
        return []
    cache = options.work / "cache" / "downloads"
    stale = [b.edition for b in plan(library, options.include_drafts) if not forms_current(b.edition, cache, icb)]
    if not stale:
        return []
    with tempfile.TemporaryDirectory(prefix="forms-") as scratch, ThreadPoolExecutor(len(stale)) as threads:
        made = [
            threads.submit(build_downloads, e, Path(scratch) / e.id, cache, settings=icb, workers=workers)
            for e in stale
        ]
        for future in made:
            future.result()
    return [e.id for e in stale]


def _assets(options: BuildOptions, templates: Templates) -> Mapping[str, bytes]:
    """The site's own styles and scripts, and the hand-written pages' images, as docs files."""
    found: dict[str, bytes] = {}
    assets = options.templates / ASSETS_FOLDER
    if assets.is_dir():
        for path in sorted(p for p in assets.rglob("*") if p.is_file()):
            found[f"{ASSETS_IN_SITE}/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    for name in templates.content_assets():
        found[name] = (options.content / name).read_bytes()
    return found


def _builder_versions() -> str:
    """What a built edition depends on beyond its pages: the site builder's versions, and the check of every built
    page (:mod:`.htmlguard`), so that a page built before a stricter check is built, and checked, again."""
    from importlib.metadata import version

    guard = hashlib.sha256(Path(htmlguard.__file__).read_bytes()).hexdigest()[:16]
    return f"mkdocs {version('mkdocs')}; mkdocs-material {version('mkdocs-material')}; page check {guard}"


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def describe(result: BuildResult, site: Path) -> str:
    """One line on what a build did, for the command's summary."""
    if not result.editions:
        return "site not built"
    total = sum(result.seconds.values())
    if result.up_to_date:
        return f"{display(site)}/ is up to date: nothing has changed since it was built ({total:.2f} s)"
    placed = ", ".join(f"{r.edition_id} ({r.kind}, at {r.folder or 'the root'})" for r in result.editions)
    pages = sum(r.pages for r in result.editions)
    written = sum(r.pages_written for r in result.editions)
    rebuilt = sum(r.rebuilt for r in result.editions)
    steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.seconds.items())
    return (
        f"built {display(site)}/: {placed}; {pages} pages, {written} changed; "
        f"site builder ran for {rebuilt} of {len(result.editions)}; {total:.2f} s ({steps})"
    )
