"""Files on disk for the build: write only what changed, fingerprint inputs, link outputs, swap folders.

A second build with nothing changed writes no page and runs no site builder: pages are
compared byte for byte before writing, and an edition's built site is reused when the
fingerprint of everything that went into it is the one recorded beside it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..outputs import not_replaceable


class NotReplaced(Exception):
    """The site folder is not the toolkit's to replace; the message says why."""


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def sync_folder(folder: Path, files: Mapping[str, bytes]) -> set[str]:
    """Make ``folder`` hold exactly ``files`` (relative path → bytes); return the names of those written."""
    written = {name for name, data in files.items() if write_if_changed(folder / name, data)}
    wanted = {Path(name) for name in files}
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder)
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in wanted:
            path.unlink()
    return written


def fingerprint(files: Mapping[str, bytes], folders: Iterable[Path], *parts: str) -> str:
    """A digest of ``files``, every file under ``folders`` and ``parts``: equal digests, equal inputs."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            relative = os.fsencode(path.relative_to(folder))  # a name that is not UTF-8 is hashed as its bytes
            digest.update(relative + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Put every file of ``source`` into ``target`` as a hard link (a copy where links cannot be made)."""
    shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True)


def swap_into_place(staging: Path, site: Path) -> None:
    """Replace ``site`` by ``staging``: two renames, so a reader sees the old site or the new one.

    Refuses (NotReplaced) a ``site`` that is not the toolkit's: a file, a device, a symbolic link,
    or a folder that is not empty and carries no site marker (see ``generator.outputs``).
    """
    refused = not_replaceable(site, "site")
    if refused:
        raise NotReplaced(refused)
    if not (site.exists() or site.is_symlink()):
        staging.rename(site)
        return
    old = site.with_name(f".{site.name}-old-{os.getpid()}-{time.monotonic_ns()}")
    site.rename(old)
    try:
        staging.rename(site)
    except OSError:
        old.rename(site)
        raise
    shutil.rmtree(old, ignore_errors=True)


def clear(path: Path) -> None:
    """Remove whatever is at ``path``: a folder with all it holds, a file or a link."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def in_the_way(error: OSError, folder: Path) -> bool:
    """Whether ``error`` is a folder where a file should be (or the reverse) at or inside ``folder``."""
    if error.errno not in (errno.EISDIR, errno.ENOTDIR, errno.EEXIST, errno.ENOTEMPTY) or not error.filename:
        return False
    try:
        place, root = Path(os.fsdecode(error.filename)).resolve(), folder.resolve()
    except (RuntimeError, OSError):
        return False
    return place == root or root in place.parents


def remove_leftovers(site: Path) -> None:
    """Remove staging and old folders that an interrupted build left beside ``site``."""
    if not site.parent.is_dir():
        return
    for path in site.parent.glob(f".{site.name}-*"):
        if path.is_dir() and (path.name.startswith(f".{site.name}-new-") or path.name.startswith(f".{site.name}-old-")):
            shutil.rmtree(path, ignore_errors=True)
