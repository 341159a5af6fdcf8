"""Benchmark: `toolkit build` cold on one process and on every core, and again after editing one question.

    .venv/bin/python bench/bench_build_jobs.py              # each figure once
    .venv/bin/python bench/bench_build_jobs.py --repeat 3   # medians of three runs

The project is the committed tree (``git archive HEAD`` of the code, standards, content,
templates, mkdocs.yml and toolkit.yml) in a temporary folder, built by its own code, so that
work in progress in the working tree cannot change what is measured between two runs. Every
figure is a whole process (start-up and imports included), timed in the same run as the two
yardsticks it is printed against, so that a busy machine weighs on both alike:

- **bare mkdocs**: ``mkdocs build`` of the current edition's generated configuration alone;
- **WeasyPrint alone**: one process importing WeasyPrint, laying out the whole-edition form
  of the current edition once and writing it.

Figures:

1. **cold, one process**: ``toolkit build --jobs 1`` with no ``site/`` and no ``build/``;
2. **cold, every core**: ``toolkit build`` the same way, in another copy; the two sites are
   compared file by file (they must be the same bytes);
3. **after an edit**: one safeguarding question's text changed, ``toolkit build`` again.

Goals (issue "The editor's loop"): cold on every core at most 0.65 of cold on one process;
after the edit at most 0.35 of cold (every core).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("generator", "standards", "content", "site_templates", "mkdocs.yml", "toolkit.yml")
EDITION = "2025-26"
EDITED = ROOT / "standards" / EDITION / "domains" / "safeguarding.yml"
QUESTION = re.compile(r"- id: [A-Z]+[0-9]+\.[0-9]+$")
"""The question whose text is edited: the first of the safeguarding domain (whatever its id)."""

WEASYPRINT_ALONE = """
import sys
from pathlib import Path
from generator.load import load_edition
from generator.forms.pdf import PDF_VARIANT, form_html
from generator.forms.fonts import fetcher
import weasyprint
edition = load_edition(Path(sys.argv[1]))[0]
document = weasyprint.HTML(string=form_html(edition, None), url_fetcher=fetcher()).render(pdf_variant=PDF_VARIANT)
document.write_pdf(pdf_variant=PDF_VARIANT)
"""


def env(folder: Path) -> dict[str, str]:
    """The environment of a process run on the project in ``folder``, with that project's own code."""
    found = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONPATH")}
    return {**found, "PYTHONPATH": str(folder), "NO_MKDOCS_2_WARNING": "1"}


def project(folder: Path) -> Path:
    """The committed code and default content in ``folder``."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD", *INPUTS], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def timed(command: list[str], folder: Path) -> float:
    """Wall seconds of ``command`` run as a whole process in ``folder``; stops the benchmark if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env(folder), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {folder}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def toolkit(folder: Path, *args: str) -> float:
    return timed([sys.executable, "-m", "generator", *args], folder)


def bare_mkdocs(config: Path, folder: Path) -> float:
    """One edition's generated configuration built by mkdocs alone, as a whole process."""
    with tempfile.TemporaryDirectory() as out:
        return timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", out], folder)


def weasyprint_alone(folder: Path) -> float:
    """WeasyPrint laying out the current edition's whole form once, in one process, and writing it."""
    return timed([sys.executable, "-c", WEASYPRINT_ALONE, str(folder / "standards" / EDITION)], folder)


def edit(folder: Path, mark: str) -> str:
    """Change the text of the first safeguarding question (``QUESTION``) in ``folder``'s standards: its original text
    with ``mark`` after it (in place of an earlier mark). The new text."""
    path = folder / EDITED.relative_to(ROOT)
    lines = path.read_text().splitlines(keepends=True)
    found = next((i for i, line in enumerate(lines) if QUESTION.fullmatch(line.strip())), None)
    if found is None:
        sys.exit(f"{path}: no question to edit")
    at = next(i for i in range(found, len(lines)) if lines[i].lstrip().startswith("text: "))
    indent, text = lines[at].split("text: ", 1)
    text = re.sub(r" \(edit \d+\)$", "", text.rstrip("\n")) + f" {mark}"
    lines[at] = f"{indent}text: {text}\n"
    path.write_text("".join(lines))
    return text


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; medians are printed")
    args = parser.parse_args()
    figures: dict[str, list[float]] = {k: [] for k in ("one", "every", "edit", "mkdocs", "weasyprint")}
    identical = True
    with tempfile.TemporaryDirectory(prefix="bench-build-jobs-") as tmp:
        for attempt in range(args.repeat):
            one = project(Path(tmp) / f"one-{attempt}")
            every = project(Path(tmp) / f"every-{attempt}")
            # Alternate which goes first, so that a change in the machine's load falls on both alike.
            order = [(one, "1"), (every, "")] if attempt % 2 == 0 else [(every, ""), (one, "1")]
            for folder, jobs in order:
                seconds = toolkit(folder, "build", *(["--jobs", jobs] if jobs else []))
                figures["one" if jobs else "every"].append(seconds)
            identical = identical and digests(one / "site") == digests(every / "site")
            figures["mkdocs"].append(bare_mkdocs(every / "build" / "site" / "root" / "mkdocs.yml", every))
            figures["weasyprint"].append(weasyprint_alone(every))
            edit(every, "(edit 1)")
            figures["edit"].append(toolkit(every, "build"))
    m = {name: statistics.median(values) for name, values in figures.items()}
    mk, wp = m["mkdocs"], m["weasyprint"]
    print(f"default content, editions built as toolkit build does; {args.repeat} run(s), medians, whole processes")
    print(f"cores: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.1f}")
    print("                                          wall     / bare mkdocs   / WeasyPrint alone")
    print(f"  bare mkdocs, {EDITION} alone            {mk:7.2f} s     {1:6.2f}x        {mk / wp:6.2f}x")
    print(f"  WeasyPrint, whole {EDITION} form once   {wp:7.2f} s     {wp / mk:6.2f}x        {1:6.2f}x")
    print(
        f"  toolkit build cold, --jobs 1          {m['one']:7.2f} s     {m['one'] / mk:6.2f}x        {m['one'] / wp:6.2f}x"
    )
    print(
        f"  toolkit build cold, every core        {m['every']:7.2f} s     {m['every'] / mk:6.2f}x        "
        f"{m['every'] / wp:6.2f}x"
    )
    print(
        f"  toolkit build after one question edit {m['edit']:7.2f} s     {m['edit'] / mk:6.2f}x        {m['edit'] / wp:6.2f}x"
    )
    print(f"  cold every core / cold --jobs 1       {m['every'] / m['one']:7.2f}x   (goal <= 0.65x)")
    print(f"  after the edit / cold every core      {m['edit'] / m['every']:7.2f}x   (goal <= 0.35x)")
    print(f"  the two cold sites byte for byte      {'identical' if identical else 'DIFFERENT'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
