"""Whether the site is already what a build would make: a fingerprint of every input, kept beside the work.

The inputs are the standards, the hand-written pages, the templates, mkdocs.yml, the
toolkit's own code, the versions of the packages that shape the output, and the build's
options. When their fingerprint is the one recorded by the last successful build, and
``site/`` is still the folder that build put in place, a build has nothing to do: it gives the
last build's problems (warnings) and reports again, and touches nothing.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..problems import Problem
from .files import fingerprint

PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2", "PyYAML", "pydantic")
"""The packages whose version changes what the site looks like."""
RECORD = "last-build.json"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} -")
    return "; ".join(found)


def inputs(folders: list[Path], files: list[Path], *options: str) -> str:
    """The fingerprint of everything a build reads."""
    code = Path(__file__).resolve().parent.parent
    contents = {f"file:{path}": path.read_bytes() for path in files if path.is_file()}
    return fingerprint(
        contents,
        [f for f in [*folders, code] if f.is_dir()],
        *options,
        _versions(),
        sys.version,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    )


def _site_identity(site: Path) -> str:
    try:
        stat = site.stat()
    except OSError:
        return ""
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_mtime_ns}"


def recall(work: Path, site: Path, stamp: str) -> dict[str, Any] | None:
    """The last build's record, if it was made from inputs with fingerprint ``stamp`` into this ``site``."""
    try:
        record = json.loads((work / RECORD).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != stamp:
        return None
    if not _site_identity(site) or record.get("site") != _site_identity(site):
        return None
    return record


def remember(work: Path, site: Path, stamp: str, problems: list[Problem], editions: list[dict[str, Any]]) -> None:
    """Record a successful build."""
    work.mkdir(parents=True, exist_ok=True)
    record = {
        "inputs": stamp,
        "site": _site_identity(site),
        "problems": [asdict(p) for p in problems],
        "editions": editions,
    }
    (work / RECORD).write_text(json.dumps(record, indent=1))


def forget(work: Path) -> None:
    (work / RECORD).unlink(missing_ok=True)


def problems_of(record: dict[str, Any]) -> list[Problem]:
    return [Problem(**p) for p in record.get("problems", [])]
