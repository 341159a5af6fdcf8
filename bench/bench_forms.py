"""Benchmark: every form of an edition, cold and with nothing changed, beside the whole-edition PDF alone.

Each figure is a whole process (start-up and imports included), run side by side in the
same run so that they share the machine's state:

- **whole PDF alone**: import WeasyPrint, lay out the whole-edition form and write it: the
  least any way of making the PDFs can cost;
- **all forms, cold**: ``build_downloads`` with an empty cache: the whole-edition PDF, every
  domain's PDF, the workbook and the return files;
- **nothing changed**: ``build_downloads`` again with that cache; the forms step itself
  (the call, without the process start-up) is printed too.

Goals (issue "Forms to download"): all forms cold in at most 1.5 times the whole PDF alone;
with nothing changed, the forms step under 0.2 s.

Usage:
    .venv/bin/python bench/bench_forms.py                      # the current edition, once
    .venv/bin/python bench/bench_forms.py --repeat 3           # medians of three runs
    .venv/bin/python bench/bench_forms.py --edition 2024-25
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WHOLE_ALONE = """
import sys, time
from pathlib import Path
from generator.load import load_edition
from generator.forms.pdf import PDF_VARIANT, form_html
import weasyprint
edition = load_edition(Path(sys.argv[1]))[0]
start = time.perf_counter()
document = weasyprint.HTML(string=form_html(edition, None)).render(pdf_variant=PDF_VARIANT)
data = document.write_pdf(pdf_variant=PDF_VARIANT)
Path(sys.argv[2]).write_bytes(data)
print(len(document.pages))
"""

BUILD = """
import json, sys, time
from pathlib import Path
from generator.load import load_edition
from generator.forms import build_downloads
edition = load_edition(Path(sys.argv[1]))[0]
start = time.perf_counter()
downloads = build_downloads(edition, Path(sys.argv[2]), Path(sys.argv[3]))
step = time.perf_counter() - start
print(json.dumps({"step": step, "files": len(downloads), "bytes": sum(d.size_bytes for d in downloads)}))
"""


def run(code: str, *args: str) -> tuple[float, str]:
    """Run ``code`` in a fresh Python; its wall time and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark step failed:\n{done.stderr}")
    return elapsed, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edition", default="2025-26", help="the edition folder under standards/ (default 2025-26)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; medians are printed")
    args = parser.parse_args()
    folder = ROOT / "standards" / args.edition
    if not (folder / "edition.yml").exists():
        print(f"no edition {args.edition} under standards/", file=sys.stderr)
        return 2

    whole, cold, warm, warm_step = [], [], [], []
    pages = files = size = 0
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        for attempt in range(args.repeat):
            work = Path(tmp) / str(attempt)
            work.mkdir()
            seconds, printed = run(WHOLE_ALONE, str(folder), str(work / "whole.pdf"))
            whole.append(seconds)
            pages = int(printed)
            seconds, printed = run(BUILD, str(folder), str(work / "cold"), str(work / "cache"))
            cold.append(seconds)
            figures = json.loads(printed)
            files, size = figures["files"], figures["bytes"]
            seconds, printed = run(BUILD, str(folder), str(work / "warm"), str(work / "cache"))
            warm.append(seconds)
            warm_step.append(json.loads(printed)["step"])

    w, c, r, s = (statistics.median(x) for x in (whole, cold, warm, warm_step))
    print(f"edition {args.edition}: whole-edition form {pages} pages; {files} files, {size / 1e6:.2f} MB in all")
    print(f"runs: {args.repeat} (medians; whole processes, imports included)")
    print(f"  whole-edition PDF alone (WeasyPrint)     {w:7.2f} s")
    print(f"  all forms, cold                          {c:7.2f} s   {c / w:5.2f}x the whole PDF alone (goal <= 1.5x)")
    print(f"  all forms, nothing changed (process)     {r:7.2f} s")
    print(f"  all forms, nothing changed (forms step)  {s:7.3f} s   (goal < 0.2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
