"""Collecting over HTTP from a real server on 127.0.0.1: an index, retries, timeouts, dropped connections, the token."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.cli import main
from generator.returns.collect import Options, collect
from generator.returns.sources import Fetcher, Settings, safe_name
from generator.returns.store import LEDGER_FILE

CORPUS = Path(__file__).parent / "returns"
TOKEN = "tok-3f9a-SECRET-token"
LAST_MODIFIED = "Wed, 05 Jun 2030 11:30:00 GMT"


@dataclass
class Site:
    """What the test server serves, and what it saw."""

    port: int = 0
    index: list[object] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(Host header, path, Authorization header) of every request."""

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def return_bytes(case: str, practice: str) -> bytes:
    return (CORPUS / case).read_bytes().replace(b"C82001", practice.encode())


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def send(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            site.seen.append((self.headers.get("Host", ""), path, self.headers.get("Authorization")))
            site.hits[path] = site.hits.get(path, 0) + 1
            name = path.rsplit("/", 1)[-1]
            practice = name[:6]
            if path == "/index.json":
                self.send(200, json.dumps({"returns": site.index}).encode(), Content_Type="application/json")
            elif path.startswith("/returns/"):
                self.send(200, return_bytes("good_plain.csv", practice), Last_Modified=LAST_MODIFIED)
            elif path.startswith("/flaky/"):
                if site.hits[path] == 1:
                    self.send(500, b"Internal Server Error")
                else:
                    self.send(200, return_bytes("answers_not_allowed.csv", practice), Last_Modified=LAST_MODIFIED)
            elif path.startswith("/slow/"):
                time.sleep(1.5)
                self.send(200, return_bytes("good_plain.csv", practice))
            elif path.startswith("/drop/"):
                self.send_response(200)
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b"practice_code,edition")
                self.close_connection = True
            elif path.startswith("/private/"):
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send(401, b"Unauthorized")
                else:
                    self.send(200, return_bytes("good_five_columns.csv", practice), Last_Modified=LAST_MODIFIED)
            elif path == "/big-declared.csv":
                self.send_response(200)
                self.send_header("Content-Length", str(50 * 1024 * 1024))
                self.end_headers()
            elif path == "/big-streamed.csv":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 4096
                for _ in range(64):
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send(404, b"Not Found")

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow answer: expected here


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # the test server is on this machine, never behind a proxy
    site = Site()
    server = QuietServer(("127.0.0.1", 0), handler_for(site))
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


FAST = Settings(read_timeout=0.4, connect_timeout=1.0, retries=2, backoff=0.01, max_size=64 * 1024)


def ledger(store: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(store / LEDGER_FILE) as db:
        return db.execute(query).fetchall()


def test_an_index_of_returns(standards: Path, site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOOLKIT_RETURNS_TOKEN", TOKEN)
    site.index = [
        {"url": "returns/C82001.csv", "name": "../../../etc/C82001.csv", "received_at": "2030-06-05T09:00:00Z"},
        "/flaky/C82002.csv",
        {"url": "/slow/C82003.csv"},
        {"url": "/drop/C82004.csv"},
        {"url": site.url("/private/C82005.csv", host="localhost")},
        {"url": "/private/C82006.csv?sig=abc123"},
        42,
        {"url": "ftp://files.example.org/C82007.csv"},
        "/big-declared.csv",
        "/big-streamed.csv",
        "/gone/C82008.csv",
    ]
    outcome = collect(Options(sources=[site.url("/index.json")], store=Path("store"), settings=FAST))
    index = site.url("/index.json")
    assert [p.format() for p in outcome.problems] == [
        f"{index} entry 1: warning: the name '../../../etc/C82001.csv' is not a plain file name; it is kept as 'C82001.csv'",
        f"{site.url('/slow/C82003.csv')}: the server took too long to answer (tried 3 times)",
        f"{site.url('/drop/C82004.csv')}: the server closed the connection before the file was complete (tried 3 times)",
        f"{site.url('/private/C82005.csv', host='localhost')}: the server answered 401 Unauthorized (is the token right?)",
        f"{index} entry 7: an index entry must be a URL, or an object with a 'url'",
        f"{index} entry 8: the entry's 'url' is not an http:// or https:// address",
        f"{site.url('/gone/C82008.csv')}: the server answered 404 Not Found",
    ]
    declared, streamed = outcome.refused
    assert (declared.location, declared.size) == (site.url("/big-declared.csv"), 50 * 1024 * 1024)
    # Refused as soon as what arrived passed the limit: how much that is depends on how the bytes came off the
    # socket, but never the whole 256 KiB the server would send.
    assert streamed.location == site.url("/big-streamed.csv") and 65536 < streamed.size < 64 * 4096
    assert outcome.failed
    assert ledger(Path("store"), "SELECT source, file_name, received_at, practice_code, status FROM submissions") == [
        (site.url("/returns/C82001.csv"), "C82001.csv", "2030-06-05T09:00:00Z", "C82001", "valid"),
        (site.url("/flaky/C82002.csv"), "C82002.csv", "2030-06-05T11:30:00Z", "C82002", "invalid"),
        (site.url("/private/C82006.csv") + "?…", "C82006.csv", "2030-06-05T11:30:00Z", "C82006", "valid"),
    ]
    assert site.hits["/flaky/C82002.csv"] == 2  # 500, then 200
    # The token goes only to the origin given on the command line, never to another host.
    sent = {(host.split(":")[0], path) for host, path, auth in site.seen if auth}
    assert ("127.0.0.1", "/private/C82006.csv") in sent
    assert all(host == "127.0.0.1" for host, _ in sent)
    # Nothing is written outside the store, whatever the index calls a file.
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"standards", "store", "toolkit.yml"}  # the project as made, and the store
    assert not any(p.name == "C82001.csv" for p in tmp_path.rglob("*"))


def test_the_token_never_appears_in_output_or_store(
    standards: Path, site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ICB_FORMS_TOKEN", TOKEN)
    site.index = ["/private/C82006.csv", "/gone/C82008.csv"]
    code = main(
        ["collect", "--from", site.url("/index.json?key=abc"), "--token-env", "ICB_FORMS_TOKEN", "--retries", "0"]
    )
    out, err = capsys.readouterr()
    assert code == 1  # a file could not be read; what could be read is stored
    assert err.splitlines()[2] == f"error: {site.url('/gone/C82008.csv')}: the server answered 404 Not Found"
    assert ledger(Path("store"), "SELECT file_name, status FROM submissions") == [("C82006.csv", "valid")]
    assert TOKEN not in out + err and "abc" not in out + err
    for path in Path("store").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_a_single_return_by_url(standards: Path, site: Site) -> None:
    outcome = collect(Options(sources=[site.url("/returns/C82009.csv")], store=Path("store"), settings=FAST))
    assert not outcome.problems and not outcome.failed
    assert [(n.file_name, n.status, n.practice_code) for n in outcome.new] == [("C82009.csv", "valid", "C82009")]
    again = collect(Options(sources=[site.url("/returns/C82009.csv")], store=Path("store"), settings=FAST))
    assert (again.new, again.already) == ([], 1)


def test_an_unreachable_server(standards: Path, site: Site) -> None:
    url = f"http://127.0.0.1:{site.port}/index.json".replace(str(site.port), "1")
    outcome = collect(Options(sources=[url], store=Path("store"), settings=FAST))
    assert [p.format() for p in outcome.problems] == [
        "http://127.0.0.1:1/index.json: could not connect (Connection refused) (tried 3 times)"
    ]


def test_the_token_is_sent_only_to_its_origin_over_https_or_to_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_RETURNS_TOKEN", TOKEN)
    fetcher = Fetcher(Settings())
    try:
        index = "https://forms.example.nhs.uk/returns/index.json"
        assert fetcher.headers_for("https://forms.example.nhs.uk/returns/a.csv", index)["Authorization"] == (
            f"Bearer {TOKEN}"
        )
        assert "Authorization" not in fetcher.headers_for("https://files.example.org/a.csv", index)
        assert "Authorization" not in fetcher.headers_for("https://forms.example.nhs.uk:8443/a.csv", index)
        plain = "http://forms.example.nhs.uk/returns/index.json"
        assert "Authorization" not in fetcher.headers_for(plain, plain)
        local = "http://127.0.0.1:8000/index.json"
        assert "Authorization" in fetcher.headers_for(local, local)
    finally:
        fetcher.close()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("..", "return"),
        ("/", "return"),
        (".bashrc", "bashrc"),
        ("C82001\x00\n.csv", "C82001\\x00\\x0a.csv"),  # control characters escaped, not dropped: still readable
        (b"r\xe9sum\xe9.csv", "r\\xe9sum\\xe9.csv"),  # Latin-1 bytes from a Windows share
        ("\u202egpj.exe", "\\u202egpj.exe"),  # a direction mark cannot disguise a name
        ("return .csv", "return .csv"),
    ],
)
def test_safe_names(name: str | bytes, safe: str) -> None:
    assert safe_name(name) == safe
