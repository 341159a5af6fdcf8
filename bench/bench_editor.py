"""Benchmark: the editor's loop in `toolkit serve`: from saving one question's new text to the changed page
served, and to the domain's PDF brought up to date, against a bare mkdocs build of one edition.

    .venv/bin/python bench/bench_editor.py              # one edit
    .venv/bin/python bench/bench_editor.py --repeat 3   # medians of three edits (the text goes back and forth)

The project is the committed tree in a temporary folder (as ``bench_build_jobs.py`` makes it),
previewed by its own code with ``toolkit serve --port 0`` as a whole process.
Once its first build is done and its forms are made, the safeguarding question's text is
changed on disk and the clock starts; it is read:

- **page served**: when the safeguarding domain's page, fetched over HTTP every 20 ms, holds
  the new text;
- **PDF up to date**: when the safeguarding PDF, fetched over HTTP, is a new file and the
  preview says its forms are no longer being updated.

The yardsticks, timed in the same run: ``mkdocs build`` as a whole process of the current
edition's configuration as the preview generated it (the bare mkdocs build of one edition), and
one process importing WeasyPrint and laying out the current edition's whole form once.

Goals (issue "The editor's loop"): the page served in at most 1.2 times the bare mkdocs build;
the domain's PDF up to date within 3 times it.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_build_jobs import EDITION, bare_mkdocs, edit, env, project, weasyprint_alone

URL = re.compile(r"Serving the site at (http://\S+)")
PAGE = "domains/safeguarding/index.html"
PDF = f"downloads/{EDITION}/safeguarding.pdf"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def status(base: str) -> dict[str, object]:
    found: dict[str, object] = json.loads(fetch(base + ".toolkit-preview/status"))
    return found


def wait_until(condition: object, timeout: float, every: float, what: str) -> float:
    """Poll ``condition`` (a callable) every ``every`` seconds; the monotonic time it first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():  # type: ignore[operator]
                return time.monotonic()
        except OSError:
            pass
        time.sleep(every)
    sys.exit(f"timed out waiting for {what}")


class Serve:
    """``toolkit serve --port 0`` in ``folder``, as a whole process; stopped as Ctrl+C would."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", "0"],
            cwd=folder,
            env=env(folder),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = ""
        deadline = time.monotonic() + 900
        while not self.url and time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    sys.exit("toolkit serve stopped before serving")
                continue
            found = URL.search(line)
            self.url = found.group(1) if found else ""
        if not self.url:
            sys.exit("toolkit serve did not start serving")

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)

    def settled(self) -> bool:
        return status(self.url)["forms_updating"] is False

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=1, help="edits to time; medians are printed")
    args = parser.parse_args()
    page_times: list[float] = []
    pdf_times: list[float] = []
    bare: list[float] = []
    alone: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as tmp:
        folder = project(Path(tmp) / "project")
        started = time.monotonic()
        serve = Serve(folder)
        try:
            wait_until(serve.settled, 900, 0.2, "the first preview's forms")
            first = time.monotonic() - started
            config = folder / "build" / "preview" / "work" / "root" / "mkdocs.yml"
            for attempt in range(args.repeat):
                bare.append(bare_mkdocs(config, folder))
                alone.append(weasyprint_alone(folder))
                mark = f"(edit {attempt + 1})"
                before = fetch(serve.url + PDF)
                edit(folder, mark)
                saved = time.monotonic()
                served = wait_until(
                    lambda mark=mark: mark.encode() in fetch(serve.url + PAGE), 300, 0.02, "the changed page"
                )
                made = wait_until(
                    lambda before=before: fetch(serve.url + PDF) != before and serve.settled(),
                    600,
                    0.05,
                    "the domain's PDF",
                )
                page_times.append(served - saved)
                pdf_times.append(made - saved)
        finally:
            serve.stop()
    page, pdf, mkdocs = statistics.median(page_times), statistics.median(pdf_times), statistics.median(bare)
    wp = statistics.median(alone)
    print(f"toolkit serve, default content; {args.repeat} edit(s), medians; first preview with its forms {first:.1f} s")
    print(f"cores: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.1f}")
    print("                                                 wall      / bare mkdocs   / WeasyPrint alone")
    print(f"  bare mkdocs build of {EDITION} (whole process)  {mkdocs:6.2f} s   {1:6.2f}x        {mkdocs / wp:6.2f}x")
    print(f"  WeasyPrint, whole {EDITION} form once           {wp:6.2f} s   {wp / mkdocs:6.2f}x        {1:6.2f}x")
    print(
        f"  edit saved -> changed page served             {page:6.2f} s   {page / mkdocs:6.2f}x        {page / wp:6.2f}x"
    )
    print(
        f"  edit saved -> domain's PDF up to date         {pdf:6.2f} s   {pdf / mkdocs:6.2f}x        {pdf / wp:6.2f}x"
    )
    print(f"  goals: changed page <= 1.2x bare mkdocs ({page / mkdocs:.2f}x); PDF <= 3x ({pdf / mkdocs:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
