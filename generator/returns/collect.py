"""One collect run: gather the files, store each before reading it, check them on every core, record, write the outputs.

The order of work keeps the promise that nothing is lost:

1. Load the standards, the register and the store's ledger (what is already collected).
2. Gather every source, in the order given: a folder's files sorted by path, an index's
   entries in its order. Files fetched over HTTP are written to the store as they arrive.
3. Each file, in a worker process (one per core): read its bytes, skip it if the ledger
   has them, else write them to ``raw/<sha256>``, then read and check them.
4. In this process, results in the order of step 2: written to the ledger in batches,
   one transaction each, after the raw files are flushed to disk.
5. The outputs (status.csv, feedback) from the ledger.

Killed at any moment, a run leaves whole raw files and whole ledger rows; the next run
skips what the ledger has and does the rest in the same order, so its ledger is the one
a single clean run would have written.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..returnformat import ODS_PATTERN
from .messages import ReturnProblem, render
from .outputs import PracticeStatus, write_feedback, write_status
from .read import read_return, size_text
from .register import RegisterError, read_register
from .sources import Fetcher, Received, Refused, Settings, SourceProblem, gather_local, gather_url, is_url
from .store import RAW_FOLDER, Record, Store, StoreError, flush_raw, put_raw, raw_path
from .validate import Rulebook, rulebook, validate

BATCH = 200
"""Submissions written to the ledger in one transaction."""
POOL_FROM = 48
"""Fewer files than this are checked in this process: starting workers would cost more than it saves."""

ODS_CODE = re.compile(ODS_PATTERN)
"""A practice code a return is filed under (as the published schema has it): anything else files it under none."""
ODS_IN_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][0-9]{5})(?![0-9])")


class ConfigError(Exception):
    """The run cannot start: a usage or configuration error, in words."""


@dataclass(frozen=True)
class Options:
    sources: Sequence[str]
    store: Path
    edition: str | None = None
    """The edition being collected (status.csv is for it); the current edition when None."""
    standards: Path = Path("standards")
    register: Path | None = None
    icb: str | None = None
    """The ICB's code, to keep its practices from NHS England's epraccur file given as the register."""
    settings: Settings = field(default_factory=Settings)
    jobs: int = 0
    """Worker processes; 0 for one per core."""
    site_url: str | None = None
    """The site's address for guidance links; None to read it from ``mkdocs``."""
    mkdocs: Path = Path("mkdocs.yml")


@dataclass(frozen=True)
class Collected:
    """A submission this run added to the ledger."""

    id: int
    location: str
    file_name: str
    status: str
    practice_code: str
    edition: str
    problems: list[ReturnProblem]


@dataclass
class Outcome:
    """What a run did."""

    edition: str
    store: Path
    files: int = 0
    new: list[Collected] = field(default_factory=list)
    already: int = 0
    """Files the ledger already had."""
    duplicates: int = 0
    """Files whose bytes came twice in this run (recorded once)."""
    refused: list[Refused] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    statuses: list[PracticeStatus] = field(default_factory=list)
    max_size: int = 0

    @property
    def failed(self) -> bool:
        """Whether some source or file could not be read or checked (the run's exit code is then 1)."""
        return any(p.severity == "error" for p in self.problems)

    def refused_text(self, refused: Refused) -> str:
        return f"{refused.location}: " + render(
            "too_large", {"size": size_text(refused.size), "limit": size_text(self.max_size)}
        )


# --- the work done for each file, in a worker -----------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    root: Path
    rules: Rulebook
    collecting: str
    known: frozenset[str]


@dataclass(frozen=True)
class _Item:
    location: str
    file_name: str
    received_at: str
    path: Path
    stored: str | None = None
    """The SHA-256 of a file already written to the store (fetched over HTTP)."""
    restored: Literal["restored"] | None = None
    """Set when a fetched file the ledger had was missing from the store and has just been put back."""


@dataclass(frozen=True)
class _Result:
    kind: Literal["new", "known", "restored", "error", "waiting"]
    sha256: str = ""
    record: Record | None = None
    message: str = ""
    problems: tuple[ReturnProblem, ...] = ()


_CONTEXT: _Context | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while collecting: a run makes millions of small values and almost no cycles,
    and spends a fifth of its time looking for them otherwise."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*FEWER_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


FEWER_COLLECTIONS = (50_000, 20, 100)


def _start_worker(context: _Context) -> None:
    global _CONTEXT
    _CONTEXT = context
    gc.freeze()
    gc.set_threshold(*FEWER_COLLECTIONS)
    parent = os.getppid()

    def watch() -> None:  # a worker whose run was killed stops too, rather than wait for work forever
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _process(item: _Item) -> _Result:
    context = _CONTEXT
    assert context is not None, "the worker was not started"
    if item.stored in context.known:
        return _Result(item.restored or "known", item.stored or "")
    try:
        data = item.path.read_bytes()
    except OSError as error:
        return _Result("error", message=f"cannot read this file ({error.strerror or error})")
    sha256 = item.stored or hashlib.sha256(data).hexdigest()
    if sha256 in context.known:
        return _Result(_restore(context.root, data, sha256), sha256)
    if item.stored is None:
        try:
            put_raw(context.root, data, sha256)  # stored before anything reads it
        except OSError as error:
            return _Result("error", sha256, message=f"cannot write it to the store ({error.strerror or error})")
    try:
        read = read_return(data)
        received = dt.date.fromisoformat(item.received_at[:10])
        verdict = validate(read, context.rules, context.collecting, received)
    except Exception as error:  # a fault of the collector's, not the return's: reported; retried next run
        return _Result("error", sha256, message=f"could not be checked ({type(error).__name__}: {error})")
    if verdict.status == "waiting":
        return _Result(
            "waiting",
            sha256,
            message=f"names the edition {verdict.waiting_for}, which has problems in the standards; it is kept and "
            "will be checked once 'toolkit check' passes",
        )
    practice = verdict.practice_code
    if not ODS_CODE.match(practice):
        practice = ""  # not an ODS code: the return is no practice's, and its code is in its problems
    if not practice and read.format == "unknown":
        guessed = ODS_IN_NAME.search(item.file_name)
        practice = guessed.group(1).upper() if guessed else ""
    record = Record(
        source=item.location,
        file_name=item.file_name,
        sha256=sha256,
        size=len(data),
        received_at=item.received_at,
        format=read.format,
        practice_code=practice,
        edition=verdict.edition,
        status=verdict.status,
        problems=[p.to_json() for p in verdict.problems],
        answers=verdict.answers,
    )
    return _Result("new", sha256, record, problems=tuple(verdict.problems))


def _restore(root: Path, data: bytes, sha256: str) -> Literal["known", "restored"]:
    """For a file the ledger has: put its bytes back in ``raw/`` if its stored copy has gone missing."""
    if raw_path(root, sha256).is_file():
        return "known"
    put_raw(root, data, sha256)
    flush_raw(root, [sha256])
    return "restored"


def _results(items: list[_Item], context: _Context, jobs: int) -> Iterator[_Result]:
    if jobs <= 1 or len(items) < POOL_FROM:
        _start_context(context)
        yield from map(_process, items)
        return
    chunk = max(1, min(32, len(items) // (jobs * 8)))
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_start_worker, initargs=(context,))
    try:
        yield from pool.imap(_process, items, chunksize=chunk)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _start_context(context: _Context) -> None:
    global _CONTEXT
    _CONTEXT = context


# --- the run --------------------------------------------------------------------------------------------


def site_url_from(mkdocs: Path) -> str:
    """The site's ``site_url`` from mkdocs.yml; '' when there is none (links are then relative)."""
    import yaml

    if not mkdocs.is_file():
        return ""

    class _Loader(yaml.SafeLoader):
        """Safe loading that reads mkdocs' own tags (!ENV, !!python/name:…) as nothing."""

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(mkdocs.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    url = data.get("site_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""


def prepare(options: Options) -> tuple[Rulebook, str, dict[str, str], dict[str, str] | None]:
    """The rules, the edition collected, edition titles and the register; ConfigError when one cannot be had."""
    from ..load import load_library
    from ..settings import icb_settings

    if not options.standards.is_dir():
        raise ConfigError(f"{options.standards}: no standards folder here; give --standards")
    loaded = load_library(options.standards)
    library = loaded.library
    folders = sorted(loaded.sources)
    collecting = options.edition or (library.current().id if library.current() else "")  # type: ignore[union-attr]
    if not collecting:
        raise ConfigError(f"{options.standards}: no published edition to collect returns for; give --edition")
    if collecting not in library.editions:
        if collecting in folders:
            raise ConfigError(f"the edition {collecting} has problems; run 'toolkit check' and correct them first")
        known = ", ".join(folders) or "none"
        raise ConfigError(f"no edition {collecting} in {options.standards} (editions: {known})")
    if library.editions[collecting].info.status != "published":
        raise ConfigError(f"the edition {collecting} is a draft: returns are collected for published editions only")
    register = None
    try:
        icb = icb_settings(options.standards.parent)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    register_path = options.register or (icb.register if icb else None)
    if register_path is not None:
        try:
            register = read_register(register_path, options.icb or (icb.icb.ods_code if icb else None))
        except RegisterError as error:
            raise ConfigError(str(error)) from None
    site_url = options.site_url if options.site_url is not None else site_url_from(options.mkdocs)
    rules = rulebook(library, folders, site_url, register)
    titles = {e.id: e.info.title for e in library.editions.values()}
    return rules, collecting, titles, register


Progress = Callable[[int, int], None]


def collect(options: Options, progress: Progress | None = None) -> Outcome:
    """Collect every source into the store; ConfigError when the run cannot start."""
    if not options.sources:
        raise ConfigError("give at least one source with --from")
    rules, collecting, titles, register = prepare(options)
    try:
        store = Store.open(options.store)
    except StoreError as error:
        raise ConfigError(str(error)) from None
    outcome = Outcome(collecting, options.store, max_size=options.settings.max_size)
    with store:
        known = store.known()
        items = _gather(options, store, known, outcome)
        outcome.files += len(items)
        context = _Context(store.root, rules, collecting, frozenset(known))
        jobs = options.jobs or os.cpu_count() or 1
        _record(store, items, _results(items, context, jobs), outcome, progress)
        outcome.problems.extend(missing_raw(store))
        outcome.statuses = write_status(store, collecting, register)
        icb = _icb_words(options)
        write_feedback(store, register, titles, {n.id for n in outcome.new}, *icb)
    return outcome


def _icb_words(options: Options) -> tuple[dict[str, object] | None, dict[str, str]]:
    """The ICB's settings as data for feedback pages, and each edition's 'send your return' sentence (toolkit.yml;
    none when the project has no toolkit.yml)."""
    from ..load import load_library
    from ..settings import icb_settings

    icb = icb_settings(options.standards.parent)
    if icb is None:
        return None, {}
    editions = load_library(options.standards).library.editions.values()
    return icb.as_data(), {e.id: icb.where_to_send(e) for e in editions}


RESTORED = "its stored copy had gone from the store's raw/ folder, and has been put back from this file"


def missing_raw(store: Store) -> list[SourceProblem]:
    """An error for each file the ledger names whose stored copy is gone and was not found again in this run."""
    return [
        SourceProblem(
            sub.source,
            f"its stored copy ({RAW_FOLDER}/{sub.sha256}, received {sub.received_at}) is missing from the store, "
            "and this run's sources no longer hold the file: restore the store from its backup, or collect the "
            "file again from wherever the practice sent it",
        )
        for sub in store.submissions()
        if not raw_path(store.root, sub.sha256).is_file()
    ]


def _gather(options: Options, store: Store, known: set[str], outcome: Outcome) -> list[_Item]:
    items: list[_Item] = []
    fetcher: Fetcher | None = None
    try:
        for source in options.sources:
            found: Iterator[Any]
            if is_url(source):
                fetcher = fetcher or Fetcher(options.settings)
                found = gather_url(source, fetcher)
            else:
                found = gather_local(source, options.settings, exclude=[options.store])
            for thing in found:
                if isinstance(thing, SourceProblem):
                    outcome.problems.append(thing)
                elif isinstance(thing, Refused):
                    outcome.files += 1
                    outcome.refused.append(thing)
                elif isinstance(thing, Received):
                    item = _item(thing, store, known, outcome)
                    if item is not None:
                        items.append(item)
    finally:
        if fetcher is not None:
            fetcher.close()
    return items


def _item(received: Received, store: Store, known: set[str], outcome: Outcome) -> _Item | None:
    """The work for one file. Its bytes, read once by the source, are stored at once: the checking reads the
    stored copy, never the source again (which may since have become a pipe, or grown past the limit)."""
    if received.data is None:
        assert received.path is not None, "a source gives a file's bytes or its path"
        return _Item(received.location, received.file_name, received.received_at, received.path)
    data = received.data
    sha256 = hashlib.sha256(data).hexdigest()
    restored: Literal["restored"] | None = None
    try:
        if sha256 not in known:
            put_raw(store.root, data, sha256)  # stored before anything reads it
        elif _restore(store.root, data, sha256) == "restored":
            restored = "restored"
    except OSError as error:
        outcome.problems.append(
            SourceProblem(received.location, f"cannot write it to the store ({error.strerror or error})")
        )
        return None
    path = raw_path(store.root, sha256)
    return _Item(received.location, received.file_name, received.received_at, path, sha256, restored)


def _record(
    store: Store, items: list[_Item], results: Iterator[_Result], outcome: Outcome, progress: Progress | None
) -> None:
    batch: list[tuple[Record, tuple[ReturnProblem, ...]]] = []
    this_run: set[str] = set()

    def flush() -> None:
        ids = store.record([record for record, _ in batch])
        for submission_id, (record, problems) in zip(ids, batch, strict=True):
            outcome.new.append(
                Collected(
                    submission_id,
                    record.source,
                    record.file_name,
                    record.status,
                    record.practice_code,
                    record.edition,
                    list(problems),
                )
            )
        batch.clear()

    for done, (item, result) in enumerate(zip(items, results, strict=True), start=1):
        if progress is not None:
            progress(done, len(items))
        if result.kind == "known":
            outcome.already += 1
        elif result.kind == "restored":
            outcome.already += 1
            outcome.problems.append(SourceProblem(item.location, RESTORED, "warning"))
        elif result.kind in ("error", "waiting"):
            outcome.problems.append(SourceProblem(item.location, result.message))
        elif result.sha256 in this_run:
            outcome.duplicates += 1
        elif result.record is not None:
            this_run.add(result.sha256)
            batch.append((result.record, result.problems))
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
