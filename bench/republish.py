"""Figures for republishing: starting an edition, the difference of two editions, carrying returns
forward, and checking links (against a local server whose every answer takes a set delay).

    .venv/bin/python bench/republish.py [--standards standards] [--links 200] [--delay 0.05]

Prints medians of repeated runs, in milliseconds, and links checked a second.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.carry import carry_forward
from generator.diff import diff_editions, to_markdown, to_text
from generator.editions import new_edition
from generator.links import check_links
from generator.load import load_library


def _median_ms(run: Callable[[], object], times: int) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent)


class _Slow(BaseHTTPRequestHandler):
    delay = 0.05

    def do_GET(self) -> None:
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--standards", type=Path, default=Path("standards"))
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()

    library = load_library(args.standards).library
    old, new = library.editions["2024-25"], library.editions["2025-26"]
    print(
        f"editions {old.id} ({sum(1 for _ in old.questions())} questions) → {new.id} ({sum(1 for _ in new.questions())})"
    )

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "standards"
        shutil.copytree(args.standards, copy)

        def start() -> None:
            new_edition(copy, "2026-27", "2025-26")
            shutil.rmtree(copy / "2026-27")

        print(f"edition new (copy and move dates on): {_median_ms(start, 9):.1f} ms")

    print(f"diff_editions: {_median_ms(lambda: diff_editions(old, new), 9):.1f} ms")
    difference = diff_editions(old, new)
    print(
        f"to_text: {_median_ms(lambda: to_text(difference), 9):.1f} ms; to_markdown: {_median_ms(lambda: to_markdown(difference), 9):.1f} ms"
    )

    rows = [
        {"practice_code": "C82001", "edition": old.id, "question_id": q.id, "answer": "yes", "comment": ""}
        for _, _, q in old.questions()
    ]
    one = _median_ms(lambda: carry_forward(rows, old, new), 9)
    print(f"carry_forward one return ({len(rows)} rows): {one:.1f} ms, so about {1000 / one:.0f} returns a second")

    _Slow.delay = args.delay
    httpd = _Server(("127.0.0.1", 0), _Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        for concurrency in (1, 8, 32):
            urls = [f"{base}/{concurrency}/{i}" for i in range(args.links)]
            start_time = time.perf_counter()
            check_links(urls, None, concurrency=concurrency, trust_env=False)
            spent = time.perf_counter() - start_time
            print(
                f"links: {args.links} answering in {args.delay * 1000:.0f} ms each, concurrency {concurrency}: "
                f"{spent:.2f} s ({args.links / spent:.0f} a second)"
            )
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder) / "links.json"
            urls = [f"{base}/cached/{i}" for i in range(args.links)]
            check_links(urls, cache, trust_env=False)
            again = _median_ms(lambda: check_links(urls, cache, trust_env=False), 5)
            print(f"links: second run within the hour, all {args.links} from the cache: {again:.1f} ms")
    finally:
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    main()
