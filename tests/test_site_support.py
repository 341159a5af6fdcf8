"""Shared helpers for the site's tests: small editions on disk, build options, and a fake downloads builder.

(No tests here; the site tests import these.)
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from generator.forms import Download
from generator.model import Edition
from generator.site.build import BuildOptions

ROOT = Path(__file__).parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def add_edition(standards: Path, edition_id: str, *, status: str = "published", follows: str | None = None) -> Path:
    """Copy the minimal edition into ``standards/<edition_id>`` as that edition, with the test ICB's toolkit.yml
    beside the standards folder when it has none; return its folder."""
    folder = standards / edition_id
    shutil.copytree(MINIMAL, folder)
    if not (standards.parent / "toolkit.yml").exists():
        shutil.copyfile(MINIMAL.parent / "toolkit.yml", standards.parent / "toolkit.yml")
    year = int(edition_id[:4])
    lines = [
        f"id: {edition_id}",
        f"title: Test standards {edition_id}",
        f"status: {status}",
        f"published: {year}-04-01",
        f"return_deadline: {year}-09-30",
        *([f"follows: {follows}"] if follows else []),
        "domains: [minimal]",
    ]
    (folder / "edition.yml").write_text("\n".join(lines) + "\n")
    return folder


def fake_downloads(edition: Edition, out_dir: Path, cache_dir: Path) -> Sequence[Download]:
    """One whole-edition CSV and one PDF per domain, written for real, as the forms would."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = [Download(Path("questions.csv"), "Questions as open data", "CSV", 0, None)]
    made += [Download(Path(f"{d.id}.pdf"), f"Form: {d.title}", "PDF", 0, d.id) for d in edition.domains]
    written = []
    for download in made:
        data = f"{edition.id} {download.path}\n".encode() * 100
        (out_dir / download.path).write_bytes(data)
        written.append(Download(download.path, download.title, download.format, len(data), download.domain_id))
    return written


def options(tmp: Path, **changes: object) -> BuildOptions:
    """Build options for a project in ``tmp``, with the repository's settings, templates and content."""
    values: dict[str, object] = {
        "standards": tmp / "standards",
        "site": tmp / "site",
        "work": tmp / "build" / "site",
        "config": ROOT / "mkdocs.yml",
        "content": ROOT / "content",
        "templates": ROOT / "site_templates",
        "downloads": fake_downloads,
    }
    values.update(changes)
    return BuildOptions(**values)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


_LOADS = re.compile(
    r"""<(?:script|img|iframe|audio|video|source|embed)\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_NOT_FETCHED = re.compile(r"""\brel\s*=\s*["']?(?:canonical|alternate)\b""", re.IGNORECASE)
_EXTERNAL_HREF = re.compile(r"""\bhref\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def loads_from_outside(text: str) -> bool:
    """Whether a page or stylesheet loads anything from another site (a link to one is fine)."""
    if _LOADS.search(text):
        return True
    return any(_EXTERNAL_HREF.search(tag) and not _NOT_FETCHED.search(tag) for tag in _LINK.findall(text))


def outside_requests(site: Path) -> list[str]:
    """Files of the built site that would load anything from another site."""
    return [
        path.relative_to(site).as_posix()
        for path in sorted(site.rglob("*"))
        if path.suffix in (".html", ".css") and loads_from_outside(path.read_text(encoding="utf-8", errors="replace"))
    ]
