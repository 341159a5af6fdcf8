"""toolkit check --links, against a real HTTP server on 127.0.0.1 that the tests start (nothing leaves the machine)."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from generator.cli import main
from generator.links import FoundLink, check_links, find_links, link_problems, links_in
from generator.problems import Problem

SLOW_SECONDS = 3.0
TIMEOUT = 0.5


class _Handler(BaseHTTPRequestHandler):
    asked: ClassVar[collections.Counter[str]] = collections.Counter()

    def do_GET(self) -> None:
        _Handler.asked[self.path] += 1
        if self.path == "/ok":
            self._send(200)
        elif self.path == "/moved":
            self._send(301, location="/ok")
        elif self.path == "/elsewhere":
            self._send(302, location="/ok")
        elif self.path == "/moved-to-nothing":
            self._send(308, location="/missing")
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200)
        elif self.path == "/broken":
            self._send(500)
        else:
            self._send(404)

    def _send(self, status: int, location: str = "") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the counter, not the log."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # the default 5 drops simultaneous connections, which then wait a second to retry
    daemon_threads = True


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def asked() -> collections.Counter[str]:
    _Handler.asked.clear()
    return _Handler.asked


def test_each_kind_of_answer(server: str, tmp_path: Path, asked: collections.Counter[str]) -> None:
    urls = [f"{server}/{p}" for p in ("ok", "moved", "elsewhere", "missing", "broken", "slow", "moved-to-nothing")]
    results = check_links(urls, tmp_path / "links.json", timeout=TIMEOUT, trust_env=False)
    seen = {url.rsplit("/", 1)[1]: (r.status, r.reason, r.redirects, r.final_url) for url, r in results.items()}
    assert seen == {
        "ok": (200, "OK", (), ""),
        "moved": (200, "OK", (301,), f"{server}/ok"),
        "elsewhere": (200, "OK", (302,), f"{server}/ok"),
        "missing": (404, "Not Found", (), ""),
        "broken": (500, "Internal Server Error", (), ""),
        "slow": (None, "timed out after 0.5 s", (), ""),
        "moved-to-nothing": (404, "Not Found", (308,), f"{server}/missing"),
    }


def test_broken_and_moved_links_are_placed(server: str) -> None:
    text = f"intro\nsee [the page]({server}/missing) and\n  url: {server}/moved.\nfine: {server}/ok\n"
    found = links_in(text, "content/page.md")
    assert found == [
        FoundLink(f"{server}/missing", "content/page.md", 2, 16),
        FoundLink(f"{server}/moved", "content/page.md", 3, 8),
        FoundLink(f"{server}/ok", "content/page.md", 4, 7),
    ]
    results = check_links([f.url for f in found], None, timeout=TIMEOUT, trust_env=False)
    assert link_problems(found, results) == [
        Problem("content/page.md", 2, 16, f"404 Not Found: {server}/missing"),
        Problem(
            "content/page.md",
            3,
            8,
            f"301 moved permanently: {server}/moved now redirects to {server}/ok; update the link",
            "warning",
        ),
    ]


def test_a_second_run_within_the_hour_asks_nothing(
    server: str, tmp_path: Path, asked: collections.Counter[str]
) -> None:
    cache = tmp_path / ".cache" / "links.json"
    urls = [f"{server}/ok", f"{server}/missing", f"{server}/moved"]
    first = check_links(urls, cache, trust_env=False, now=1_000_000.0)
    assert asked == {"/ok": 2, "/missing": 1, "/moved": 1}  # /moved went on to /ok
    second = check_links(urls, cache, trust_env=False, now=1_000_000.0 + 3599)
    assert asked == {"/ok": 2, "/missing": 1, "/moved": 1}
    assert [(r.status, r.redirects) for r in second.values()] == [(r.status, r.redirects) for r in first.values()]
    check_links(urls, cache, trust_env=False, now=1_000_000.0 + 3601)
    assert asked == {"/ok": 4, "/missing": 2, "/moved": 2}


def test_an_unreadable_cache_is_ignored(server: str, tmp_path: Path, asked: collections.Counter[str]) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json", encoding="utf-8")
    results = check_links([f"{server}/ok"], cache, trust_env=False)
    assert results[f"{server}/ok"].status == 200
    assert asked == {"/ok": 1}


def test_each_address_is_asked_once(server: str, asked: collections.Counter[str]) -> None:
    check_links([f"{server}/ok"] * 5 + [f"{server}/missing"] * 3, None, trust_env=False)
    assert asked == {"/ok": 1, "/missing": 1}


def test_addresses_end_where_prose_does() -> None:
    text = "Read https://www.gov.uk/a, then (https://www.gov.uk/b) and <https://www.gov.uk/c>. Also https://en.wikipedia.org/wiki/A_(b)."
    assert [f.url for f in links_in(text, "x.md")] == [
        "https://www.gov.uk/a",
        "https://www.gov.uk/b",
        "https://www.gov.uk/c",
        "https://en.wikipedia.org/wiki/A_(b)",
    ]


def test_find_links_reads_every_edition_and_the_content(standards: Path, tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "about.md").write_text("See <https://www.england.nhs.uk/gp/>.\n", encoding="utf-8")
    found = find_links(standards, tmp_path / "content")
    assert sorted({(f.path, f.url) for f in found}) == [
        ("content/about.md", "https://www.england.nhs.uk/gp/"),
        ("standards/2030-31/domains/minimal.yml", "https://www.gov.uk/guidance"),
        ("standards/2030-31/references.yml", "https://www.legislation.gov.uk/uksi/2014/2936/regulation/13"),
        ("standards/2030-31/references.yml", "https://www.legislation.gov.uk/uksi/2014/2936/regulation/17"),
    ]


def test_toolkit_check_links(
    server: str, standards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], asked: collections.Counter[str]
) -> None:
    domain = standards / "2030-31" / "domains" / "minimal.yml"
    domain.write_text(
        domain.read_text(encoding="utf-8").replace("https://www.gov.uk/guidance", f"{server}/missing"), encoding="utf-8"
    )
    references = standards / "2030-31" / "references.yml"
    text = references.read_text(encoding="utf-8")
    text = text.replace("https://www.legislation.gov.uk/uksi/2014/2936/regulation/13", f"{server}/moved")
    references.write_text(text.replace("https://www.legislation.gov.uk/uksi/2014/2936/regulation/17", f"{server}/ok"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "help.md").write_text(f"# Help\n\nAsk [us]({server}/broken).\n", encoding="utf-8")

    assert main(["check", "--links"]) == 1
    out, err = capsys.readouterr()
    insecure = "is not secure; use its https:// address"
    assert out.splitlines() == [
        f"content/help.md:3:10: 500 Internal Server Error: {server}/broken",
        f"standards/2030-31/domains/minimal.yml:17:32: warning: the link '{server}/missing' {insecure}",
        f"standards/2030-31/domains/minimal.yml:17:33: 404 Not Found: {server}/missing",
        f"standards/2030-31/references.yml:10:10: warning: 301 moved permanently: {server}/moved now redirects to {server}/ok; update the link",
        f"standards/2030-31/references.yml:10:10: warning: the link '{server}/moved' {insecure}",
        f"standards/2030-31/references.yml:15:10: warning: the link '{server}/ok' {insecure}",
    ]
    assert err == "4 outside links checked, 2 broken\n2 errors, 4 warnings (editions loaded: 2030-31)\n"
    assert (tmp_path / ".cache" / "links.json").is_file()

    asked.clear()
    assert main(["check", "--links"]) == 1
    assert asked == {}
    assert (
        capsys.readouterr().out.splitlines()[0] == f"content/help.md:3:10: 500 Internal Server Error: {server}/broken"
    )
