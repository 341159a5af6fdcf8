"""Benchmark: every form of an edition, cold and with nothing changed, beside the whole-edition PDF alone.

Each figure is a whole process (start-up and imports included), run side by side in the
same run so that they share the machine's state:

- **whole PDF alone**: import WeasyPrint, lay out the whole-edition form and write it: the
  least any way of making the PDFs can cost;
- **all forms, cold**: ``build_downloads`` with an empty cache: the whole-edition PDF, every
  domain's PDF, the workbook and the return files;
- **nothing changed**: ``build_downloads`` again with that cache; the forms step itself
  (the call, without the process start-up) is printed too.

Wall time is what a person waits; processor time (of the process and every process it
starts) shows the work done, and moves less when other programs share the machine.

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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WHOLE_ALONE = """
import sys, time
from pathlib import Path
from generator.load import load_edition
from generator.forms.pdf import PDF_VARIANT, form_html
from generator.forms.fonts import fetcher
import weasyprint
edition = load_edition(Path(sys.argv[1]))[0]
start = time.perf_counter()
document = weasyprint.HTML(string=form_html(edition, None), url_fetcher=fetcher()).render(pdf_variant=PDF_VARIANT)
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


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """Processor time of the process and every process it started (user and system)."""

    def median(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)


def run(timing: Timing, code: str, *args: str) -> str:
    """Run ``code`` in a fresh Python, adding its wall and processor time to ``timing``; what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )
    timing.wall.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"benchmark step failed:\n{done.stderr}")
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edition", default="2025-26", help="the edition folder under standards/ (default 2025-26)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; medians are printed")
    args = parser.parse_args()
    folder = ROOT / "standards" / args.edition
    if not (folder / "edition.yml").exists():
        print(f"no edition {args.edition} under standards/", file=sys.stderr)
        return 2

    whole, cold, warm = Timing(), Timing(), Timing()
    warm_step: list[float] = []
    pages = files = size = 0
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        for attempt in range(args.repeat):
            work = Path(tmp) / str(attempt)
            work.mkdir()
            # Alternate which goes first, so that a change in the machine's load falls on both alike.
            order = ["whole", "cold"] if attempt % 2 == 0 else ["cold", "whole"]
            for which in order:
                if which == "whole":
                    pages = int(run(whole, WHOLE_ALONE, str(folder), str(work / "whole.pdf")))
                else:
                    figures = json.loads(run(cold, BUILD, str(folder), str(work / "cold"), str(work / "cache")))
                    files, size = figures["files"], figures["bytes"]
            warm_step.append(json.loads(run(warm, BUILD, str(folder), str(work / "warm"), str(work / "cache")))["step"])

    (w, w_cpu), (c, c_cpu), (r, r_cpu) = whole.median(), cold.median(), warm.median()
    step = statistics.median(warm_step)
    print(f"edition {args.edition}: whole-edition form {pages} pages; {files} files, {size / 1e6:.2f} MB in all")
    print(f"runs: {args.repeat} (medians; whole processes, imports included; load average {os.getloadavg()[0]:.1f})")
    print("                                            wall        processor (all processes)")
    print(f"  whole-edition PDF alone (WeasyPrint)     {w:7.2f} s   {w_cpu:7.2f} s")
    print(f"  all forms, cold                          {c:7.2f} s   {c_cpu:7.2f} s")
    print(f"  all forms, nothing changed (process)     {r:7.2f} s   {r_cpu:7.2f} s")
    print(f"  all forms, nothing changed (forms step)  {step:7.3f} s               (goal < 0.2 s)")
    print(f"  cold / whole PDF alone                   {c / w:7.2f}x   {c_cpu / w_cpu:7.2f}x    (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
