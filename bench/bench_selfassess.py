"""Benchmark: the self-assessment section of the current default edition.

    .venv/bin/python bench/bench_selfassess.py
    .venv/bin/python bench/bench_selfassess.py --repeat 5

Prints:

1. **render**: making the section's files from the loaded edition (median of the repeats), and
   their sizes: the edition's data script, which every page of the section loads, and the
   largest page;
2. **in the browser** (headless Chromium, the section built with the site's mkdocs.yml and
   opened from disk): the time from opening the largest domain page to its answers being back
   in place, with every question of the edition answered; and how fast the "check a return"
   page checks the edition's example return (every question answered, some with action plans),
   in returns a second, and how fast it checks the edition's workbook filled in with the same answers.

Goals (issue "Self-assess in the browser"): a domain page ready in well under a second; a
return checked in the browser in well under a second.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from generator.forms.example import example_rows
    from generator.forms.returnfiles import example_return
    from generator.load import load_library
    from generator.selfassess.render import section_files, write_section
    from generator.site.config import read_settings
    from generator.site.mkdocs_build import build_site

    library = load_library(ROOT / "standards").library
    edition = library.current()
    assert edition is not None, "no published edition in standards/"
    questions = sum(1 for _ in edition.questions())

    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        files = section_files(edition, library)
        timings.append(time.perf_counter() - start)
    pages = [f for f in files if f.kind != "asset"]
    data = next(f for f in files if f.path.endswith("edition.js"))
    largest = max((f for f in pages if f.kind == "domain"), key=lambda f: len(f.text.encode()))
    print(f"edition {edition.id}: {len(edition.domains)} domains, {questions} questions")
    print(f"render: {statistics.median(timings) * 1000:.0f} ms for {len(files)} files ({len(pages)} pages)")
    print(
        f"  edition.js {len(data.text.encode()) / 1024:.0f} KB; largest domain page {largest.path} "
        f"{len(largest.text.encode()) / 1024:.0f} KB"
    )

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        docs = root / "docs"
        write_section(files, docs)
        (docs / "index.md").write_text("# Home\n")
        shutil.copytree(ROOT / "site_templates" / "assets", docs / "assets" / "toolkit")
        config = read_settings(ROOT / "mkdocs.yml")
        theme = dict(config["theme"])
        theme["custom_dir"] = str(ROOT / theme["custom_dir"])
        config.update(
            docs_dir=str(docs),
            site_dir=str(root / "out"),
            theme=theme,
            nav=[{"Home": "index.md"}, {"Self-assessment": [{f.title: f.path} for f in pages]}],
            validation={"links": {"not_found": "info", "anchors": "info"}},
        )
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        build_site(root / "mkdocs.yml")
        site = root / "out" / "self-assessment"
        example = example_return(edition)
        rows = example_rows(edition)
        draft: dict[str, Any] = {
            "format": "gp-quality-selfassess-draft/1",
            "edition": edition.id,
            "practice_code": "Z99999",
            "practice_name": "Example",
            "completed_by": "Bench",
            "answers": {
                r["question_id"]: {k: r[k] for k in ("answer", "comment", "action", "action_owner", "action_due")}
                for r in rows
            },
        }
        workbook = filled_workbook(edition)
        browser_figures(site, Path(largest.path).stem, draft, example, workbook, args.repeat)


def browser_figures(
    site: Path, domain: str, draft: dict[str, Any], example: bytes, workbook: bytes, repeat: int
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        page.evaluate(
            """(d) => { localStorage.setItem('gpqs-selfassess/1/' + d.edition + '/draft/Z99999', JSON.stringify(d));
                        localStorage.setItem('gpqs-selfassess/1/' + d.edition + '/current', 'Z99999'); }""",
            draft,
        )
        loads = []
        for _ in range(repeat):
            start = time.perf_counter()
            page.goto((site / f"{domain}.html").as_uri(), wait_until="load")
            page.wait_for_function("() => document.getElementById('sa-progress').textContent !== ''")
            loads.append(time.perf_counter() - start)
        print(
            f"in the browser: {domain}.html opened with its answers back in "
            f"{statistics.median(loads) * 1000:.0f} ms (median of {repeat})"
        )

        page.goto((site / "check-a-return.html").as_uri())
        for name, data, count in (("a return (CSV)", example, 200), ("a filled-in workbook", workbook, 50)):
            seconds = page.evaluate(
                """async ([bytes, n]) => { const data = new Uint8Array(bytes); const day = {year: 2026, month: 1, day: 15};
                     const start = performance.now();
                     for (let i = 0; i < n; i += 1) { await GPQS_CHECK.checkBytes(data, day); }
                     return (performance.now() - start) / 1000; }""",
                [list(data), count],
            )
            print(
                f"  check {name}: {count / seconds:.0f} a second ({len(data) / 1024:.1f} KB each, "
                f"{seconds / count * 1000:.1f} ms each)"
            )
        browser.close()


def filled_workbook(edition: Any) -> bytes:
    """The edition's workbook answered as the example return answers (the tests' own helper fills it)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import workbooks

    book = workbooks.blank(edition, "Z99999")
    workbooks.answer(book, workbooks.example_answers(edition))
    return workbooks.saved(book)


if __name__ == "__main__":
    main()
