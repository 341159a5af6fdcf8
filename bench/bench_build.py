"""Benchmark: `toolkit build` of the default standards and of the same standards ten times the size,
side by side with a bare `mkdocs build` of the very pages and configurations the toolkit generated.

    .venv/bin/python bench/bench_build.py              # each figure once
    .venv/bin/python bench/bench_build.py --repeat 3   # medians of three runs
    .venv/bin/python bench/bench_build.py --only default

For each project (a temporary folder holding a copy of the standards, and the repository's
mkdocs.yml, content/ and site_templates/):

1. a first `toolkit build`, untimed. The downloads are the forms' own cost (measured by
   bench/bench_forms.py; a ten-times edition's PDFs take many minutes), so here every build runs
   `toolkit build` whole, in its own process, with a stand-in for the forms that writes one small
   file per domain;
2. **toolkit build, cold**: every generated page and built edition removed, then `toolkit build`
   as a whole process; its own account of each step (check, downloads, pages, mkdocs, assemble);
3. **bare mkdocs**: `mkdocs build` as a whole process on each edition's generated configuration,
   one process per edition, as mkdocs would be run by hand;
4. **nothing changed**: `toolkit build` again.

The ten-times standards copy every domain of each edition nine more times, with new domain
ids and codes (the same copies in both editions, so question ids keep their meaning).

Goals (issue "The guidance site"): the toolkit's own work around mkdocs (load, check, render
pages) at most 15% of the bare mkdocs build; the ten-times build at most 12 times the default's;
a second build with nothing changed skips the site builder.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"built .*?; (?P<pages>\d+) pages, \d+ changed; site builder ran for (?P<ran>\d+) of (?P<of>\d+); "
)
STEP = re.compile(r"(fingerprint|check|downloads|pages|mkdocs|assemble) ([0-9.]+) s")


def _codes() -> Iterator[str]:
    """Domain codes no real domain uses: XAA, XAB, ..."""
    return ("X" + "".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2))


def ten_times(source: Path, target: Path, copies: int = 10) -> None:
    """Copy the standards in ``source`` to ``target`` with every domain ``copies`` times."""
    shutil.copytree(source, target)
    codes = _codes()
    mapping: dict[tuple[str, int, str], str] = {}
    for edition in sorted(p for p in target.iterdir() if (p / "edition.yml").is_file()):
        edition_file = edition / "edition.yml"
        text = edition_file.read_text()
        domain_ids = re.findall(r"^  - ([a-z0-9-]+)$", text, re.M)
        extra_lines = []
        for k in range(1, copies):
            for domain_id in domain_ids:
                new_id = f"{domain_id}-copy-{k}"
                domain_text = (edition / "domains" / f"{domain_id}.yml").read_text()
                code = re.search(r"^code: ([A-Z]+)$", domain_text, re.M)
                assert code is not None, domain_id
                prefixes = {code.group(1), *re.findall(r"^  - id: ([A-Z]+)[0-9]+$", domain_text, re.M)}
                for prefix in sorted(prefixes, key=len, reverse=True):
                    new = mapping.setdefault((domain_id, k, prefix), next(codes))
                    domain_text = re.sub(rf"\b{prefix}(?=[0-9])", new, domain_text)
                    if prefix == code.group(1):
                        domain_text = re.sub(r"^code: [A-Z]+$", f"code: {new}", domain_text, flags=re.M)
                domain_text = re.sub(rf"^id: {re.escape(domain_id)}$", f"id: {new_id}", domain_text, flags=re.M)
                domain_text = re.sub(r"^title: (.*)$", rf"title: \1 (copy {k})", domain_text, count=1, flags=re.M)
                (edition / "domains" / f"{new_id}.yml").write_text(domain_text)
                extra_lines.append(f"  - {new_id}")
        edition_file.write_text(text.rstrip("\n") + "\n" + "\n".join(extra_lines) + "\n")


def project(folder: Path) -> Path:
    """A project folder using the repository's settings, content and templates; standards go in later."""
    folder.mkdir(parents=True)
    for name in ("mkdocs.yml", "toolkit.yml", "content", "site_templates"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}


@dataclass
class Build:
    seconds: float
    steps: dict[str, float]
    pages: int
    ran: int
    editions: int


def _run_toolkit_build() -> int:
    """`toolkit build` in this process, with the stand-in for the forms (``--toolkit-build``)."""
    import generator.forms
    from generator.cli import main

    def stand_in(
        edition: Any, out_dir: Path, cache_dir: Path, settings: Any = None, workers: Any = None, reuse: bool = False
    ) -> list[Any]:
        out_dir.mkdir(parents=True, exist_ok=True)
        made = []
        for domain in edition.domains:
            data = f"{edition.id} {domain.id}\n".encode()
            (out_dir / f"{domain.id}.csv").write_bytes(data)
            made.append(generator.forms.Download(Path(f"{domain.id}.csv"), domain.title, "CSV", len(data), domain.id))
        return made

    generator.forms.build_downloads = stand_in
    return main(["build"])


def toolkit_build(folder: Path) -> Build:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--toolkit-build"],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"toolkit build failed in {folder}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    line = result.stderr.strip().splitlines()[-1]
    if "is up to date" in line:
        return Build(seconds, {name: float(value) for name, value in STEP.findall(line)}, 0, 0, 0)
    summary = SUMMARY.search(line)
    assert summary is not None, line
    steps = {name: float(value) for name, value in STEP.findall(line)}
    return Build(seconds, steps, int(summary["pages"]), int(summary["ran"]), int(summary["of"]))


def bare_mkdocs(folder: Path) -> float:
    """Every edition's generated configuration built by mkdocs alone, one process each; total seconds."""
    total = 0.0
    for config in sorted((folder / "build" / "site").glob("*/mkdocs.yml")):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", out],
                cwd=folder,
                env=_env(),
                check=True,
                capture_output=True,
            )
            total += time.perf_counter() - start
    return total


def forget_site(folder: Path) -> None:
    """Remove the site and every generated page and built edition; keep the forms' cache."""
    shutil.rmtree(folder / "site", ignore_errors=True)
    for work in (folder / "build" / "site").iterdir():
        if work.is_file():
            work.unlink()
        elif work.name != "cache":
            shutil.rmtree(work)


@dataclass
class Figures:
    pages: int
    editions: int
    cold: float
    steps: dict[str, float]
    bare: float
    unchanged: float
    unchanged_ran: int
    renderers: dict[str, float]


def measure(folder: Path, repeat: int) -> Figures:
    toolkit_build(folder)
    colds: list[Build] = []
    bares: list[float] = []
    unchanged: list[Build] = []
    for _ in range(repeat):
        forget_site(folder)
        colds.append(toolkit_build(folder))
        bares.append(bare_mkdocs(folder))
        unchanged.append(toolkit_build(folder))
    median = statistics.median
    steps = {name: median(b.steps.get(name, 0.0) for b in colds) for name in colds[0].steps}
    return Figures(
        pages=colds[0].pages,
        editions=colds[0].editions,
        cold=median(b.seconds for b in colds),
        steps=steps,
        bare=median(bares),
        unchanged=median(b.seconds for b in unchanged),
        unchanged_ran=max(b.ran for b in unchanged),
        renderers=renderer_seconds(folder),
    )


def renderer_seconds(folder: Path) -> dict[str, float]:
    """Where rendering the pages goes, by renderer (one run in this process, after a warm-up)."""
    import yaml

    from generator.check import check
    from generator.site.build import plan
    from generator.site.pages import RENDERERS, PageContext
    from generator.site.templates import Templates

    library, _ = check(folder / "standards")
    built = tuple(plan(library, include_drafts=False))
    from generator.settings import require_settings
    from generator.site.config import with_icb

    config = with_icb(yaml.safe_load((ROOT / "mkdocs.yml").read_text()), require_settings(ROOT))
    extra = config.get("extra", {})  # as a build gives the pages: mkdocs.yml's, with the ICB's from toolkit.yml
    templates = Templates(ROOT / "site_templates", ROOT / "content")
    seconds: dict[str, float] = {}
    for warm_up in (True, False):
        for target in built:
            context = PageContext(library=library, target=target, editions=built, extra=extra)
            for renderer in RENDERERS:
                start = time.perf_counter()
                renderer(context, templates)
                if not warm_up:
                    name = f"{renderer.__module__.removeprefix('generator.')}.{renderer.__name__}"
                    seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
    return seconds


def report(name: str, figures: Figures) -> None:
    own = figures.steps.get("check", 0.0) + figures.steps.get("pages", 0.0)
    around = figures.cold - figures.steps.get("downloads", 0.0) - figures.bare
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in figures.steps.items())
    print(f"\n{name}: {figures.pages} pages in {figures.editions} editions")
    print(f"  toolkit build, cold          {figures.cold:7.2f} s   ({steps})")
    print(f"  bare mkdocs build            {figures.bare:7.2f} s   ({figures.editions} processes)")
    print(f"  load, check, render pages    {own:7.2f} s   = {own / figures.bare:5.1%} of bare mkdocs (goal <= 15%)")
    print(
        f"  whole process beyond mkdocs  {around:7.2f} s   = {around / figures.bare:5.1%} of bare mkdocs "
        "(start-up, imports and assembling too, downloads excluded; not the goal's measure)"
    )
    slowest = sorted(figures.renderers.items(), key=lambda item: -item[1])[:4]
    print("  rendering, by section        " + ", ".join(f"{k} {v:.2f} s" for k, v in slowest))
    print(
        f"  nothing changed              {figures.unchanged:7.2f} s   site builder ran for {figures.unchanged_ran} "
        f"of {figures.editions} editions; {figures.unchanged / figures.cold:.0%} of the cold build (whole process)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; medians are printed")
    parser.add_argument("--only", choices=("default", "ten"), help="measure one of the two projects")
    parser.add_argument("--toolkit-build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.toolkit_build:
        return _run_toolkit_build()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        results: dict[str, Figures] = {}
        if args.only in (None, "default"):
            folder = project(Path(tmp) / "default")
            shutil.copytree(ROOT / "standards", folder / "standards")
            results["default"] = measure(folder, args.repeat)
            report("default standards", results["default"])
        if args.only in (None, "ten"):
            folder = project(Path(tmp) / "ten")
            ten_times(ROOT / "standards", folder / "standards")
            results["ten"] = measure(folder, args.repeat)
            report("ten times the default standards", results["ten"])
        if len(results) == 2:
            default, ten = results["default"], results["ten"]
            print(
                f"\nten times the size: {ten.pages / default.pages:.1f}x the pages, "
                f"cold build {ten.cold / default.cold:.1f}x the time (goal <= 12x), "
                f"bare mkdocs {ten.bare / default.bare:.1f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
