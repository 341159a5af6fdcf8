"""Finding and fetching returns, against whatever a share, a server or an index can hold.

Local: pipes, devices, sockets and links to them are refused unopened, a file is read once and
never past the size limit, a loop of links or an unreadable folder is a problem and the rest is
collected, and names that are no UTF-8 are shown escaped while the real path is kept. Over HTTP,
against servers on 127.0.0.1 only: the token never goes through a proxy, a trickling answer ends at
the deadline, waits between attempts are capped, a bad token, URL or index is a problem for that
source alone. Property tests: no bytes, JSON or name makes this module raise.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from generator.returns import sources
from generator.returns.collect import Options, collect
from generator.returns.sources import (
    MAX_TOTAL_WAIT,
    MAX_WAIT,
    BadIndex,
    Entry,
    Fetcher,
    Received,
    Refused,
    Settings,
    SourceProblem,
    display_url,
    gather_local,
    gather_url,
    index_entries,
    index_entry,
    readable,
    safe_name,
    url_problem,
)
from generator.returns.store import LEDGER_FILE

CORPUS = Path(__file__).parent / "returns"
GOOD = (CORPUS / "good_plain.csv").read_bytes()
TOKEN = "tok-3f9a-SECRET-token"
QUICK = Settings(read_timeout=0.5, connect_timeout=0.5, deadline=1.0, retries=0, backoff=0.01, max_size=64 * 1024)
T = TypeVar("T")


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()``, which must return within ``seconds`` (generous: this is 'it returned', not a timing)."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # handed to the test below
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not return within {seconds} s"
    if failure:
        raise failure[0]
    return result[0]


def valid_text(text: str) -> bool:
    text.encode("utf-8")  # raises for a lone surrogate
    return text.isprintable()


def everything_valid(found: list[Any]) -> None:
    for thing in found:
        assert valid_text(thing.location), thing
        if isinstance(thing, Received | Refused):
            assert valid_text(thing.file_name), thing
        if isinstance(thing, SourceProblem):
            valid_text(thing.message)


# --- local files -------------------------------------------------------------------------------------------


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding one good return, C82001.csv; the working folder is its parent."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "C82001.csv").write_bytes(GOOD)
    return folder


def gathered(folder: Path, settings: Settings = QUICK) -> list[Any]:
    found = within(5, lambda: list(gather_local(str(folder), settings)))
    everything_valid(found)
    return found


def by_name(found: list[Any]) -> dict[str, Any]:
    return {Path(thing.location).name: thing for thing in found}


def test_pipes_devices_and_sockets_are_refused_unopened_and_the_rest_is_read(inbox: Path) -> None:
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "zero.csv").symlink_to("/dev/zero")
    (inbox / "null.csv").symlink_to("/dev/null")
    listening = socket.socket(socket.AF_UNIX)
    try:
        listening.bind("inbox/socket.csv")  # relative: a socket's path must be short
        found = by_name(gathered(inbox))
    finally:
        listening.close()
    assert found["pipe.csv"] == SourceProblem(
        str(inbox / "pipe.csv"), "this is a named pipe, not a file: it is not read; move it out of the folder"
    )
    assert (
        found["zero.csv"].message == "this is a link to a device, not a file: it is not read; move it out of the folder"
    )
    assert found["null.csv"].message.startswith("this is a link to a device")
    assert found["socket.csv"].message.startswith("this is a socket, not a file")
    good = found["C82001.csv"]
    assert isinstance(good, Received) and good.data == GOOD and good.path == inbox / "C82001.csv"


def test_a_pipe_given_as_the_source_is_refused(inbox: Path) -> None:
    os.mkfifo(inbox / "pipe")
    [found] = gathered(inbox / "pipe")
    assert isinstance(found, SourceProblem) and "named pipe" in found.message


def test_a_file_is_read_once_and_never_past_the_size_limit(inbox: Path) -> None:
    """The file system's size is not trusted: /proc says 0 bytes for a file that holds more."""
    (inbox / "status.csv").symlink_to("/proc/self/status")
    small = Settings(max_size=100)
    found = by_name(gathered(inbox, small))
    refused = found["status.csv"]
    assert isinstance(refused, Refused) and refused.size == 101  # read up to one byte past the limit, no further
    assert isinstance(found["C82001.csv"], Refused)  # stat says too large: refused before reading
    exact = Settings(max_size=len(GOOD))
    assert by_name(gathered(inbox, exact))["C82001.csv"].data == GOOD


def test_a_loop_of_links_an_unreadable_folder_and_a_link_to_a_folder_are_problems_not_tracebacks(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (inbox / "a.csv").symlink_to("b.csv")
    (inbox / "b.csv").symlink_to("a.csv")
    (inbox / "locked").mkdir()
    (inbox / "locked" / "C82002.csv").write_bytes(GOOD)
    (inbox / "elsewhere").symlink_to(inbox.parent)
    scandir = os.scandir

    def refusing(path: Any) -> Any:  # as for a folder without read permission (the tests may run as root)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    found = by_name(gathered(inbox))
    assert found["a.csv"].message == "cannot read this file (it is a link that leads round in a loop)"
    assert found["b.csv"].message == "cannot read this file (it is a link that leads round in a loop)"
    assert found["locked"] == SourceProblem(str(inbox / "locked"), "cannot read this folder (Permission denied)")
    assert found["elsewhere"].severity == "warning" and "not followed" in found["elsewhere"].message
    assert isinstance(found["C82001.csv"], Received)


def test_names_that_are_no_utf8_are_shown_escaped_and_the_file_is_still_read(inbox: Path) -> None:
    raw = os.fsencode(inbox) + b"/r\xe9sum\xe9 C82002.csv"
    with open(raw, "wb") as handle:
        handle.write(GOOD)
    control = inbox / "C82003\x01\x1b[31m.csv"
    control.write_bytes(GOOD)
    found = [f for f in gathered(inbox) if isinstance(f, Received)]
    names = sorted(f.file_name for f in found)
    assert names == ["C82001.csv", "C82003\\x01\\x1b[31m.csv", "r\\xe9sum\\xe9 C82002.csv"]
    latin = next(f for f in found if f.file_name.startswith("r"))
    assert latin.location == str(inbox) + "/r\\xe9sum\\xe9 C82002.csv"
    assert latin.path is not None and os.fsencode(latin.path) == raw and latin.path.read_bytes() == GOOD


def test_a_source_that_is_no_path_at_all(inbox: Path) -> None:
    assert gathered(Path("in\x00box")) == [SourceProblem("in\\x00box", "no such file or folder")]
    [missing] = gathered(Path("no-such-folder"))
    assert missing.message == "no such file or folder"


def test_a_pipe_a_device_and_a_latin1_name_beside_returns_in_a_whole_run(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = standards.parent / "inbox"
    inbox.mkdir()
    (inbox / "C82001.csv").write_bytes(GOOD)
    with open(os.fsencode(inbox) + b"/C82002 r\xe9sum\xe9.csv", "wb") as handle:
        handle.write(GOOD.replace(b"C82001", b"C82002"))
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "zero.csv").symlink_to("/dev/zero")
    outcome = within(20, lambda: collect(Options(sources=["inbox"], store=Path("store"), settings=QUICK, jobs=1)))
    assert sorted(p.message.split(",")[0] for p in outcome.problems) == [
        "this is a link to a device",
        "this is a named pipe",
    ]
    with sqlite3.connect(Path("store") / LEDGER_FILE) as db:
        rows = db.execute("SELECT source, file_name, status FROM submissions ORDER BY id").fetchall()
    assert rows == [
        ("inbox/C82001.csv", "C82001.csv", "valid"),
        ("inbox/C82002 r\\xe9sum\\xe9.csv", "C82002 r\\xe9sum\\xe9.csv", "valid"),
    ]


# --- names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("", "return"),
        ("a", "a"),
        ("....", "return"),
        (".", "return"),
        ("\x00", "\\x00"),
        ("\ud800", "\\ud800"),
        ("x" * 130, "x" * 120),
        ("x" * 118 + "\x00", "x" * 118),  # an escape is never cut in half
        ("x" * 116 + "\x00", "x" * 116 + "\\x00"),
        (b"r\xe9sum\xe9.csv", "r\\xe9sum\\xe9.csv"),
        (b"\xff\xfe", "\\xff\\xfe"),
        ("C82001\u2028.csv", "C82001\\u2028.csv"),
        ("😀.csv", "😀.csv"),
        ("  report .csv  ", "report .csv"),
    ],
)
def test_safe_name_boundaries(name: str | bytes, safe: str) -> None:
    assert safe_name(name) == safe


NAMES = st.one_of(st.text(), st.binary(), st.text(alphabet=st.sampled_from(".\x00/\\ \ud800\udce9é")))


@hypothesis_settings(max_examples=300)
@given(NAMES)
@example("." * 200)
@example(b"\x00" * 200)
def test_any_name_becomes_a_short_printable_plain_file_name(name: str | bytes) -> None:
    safe = safe_name(name)
    assert 1 <= len(safe) <= 120
    assert valid_text(safe)
    assert "/" not in safe and not safe.startswith(".") and safe == safe.strip()


@hypothesis_settings(max_examples=300)
@given(st.one_of(st.text(), st.binary()))
def test_any_text_is_made_readable_and_printable_text_is_kept(text: str | bytes) -> None:
    shown = readable(text)
    assert valid_text(shown)
    if isinstance(text, str) and text.isprintable():
        assert shown == text


@hypothesis_settings(max_examples=60)
@given(
    st.binary(min_size=1, max_size=200).filter(lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b".."))
)
def test_a_file_of_any_name_is_read_and_named_readably(name: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.fsencode(folder) + b"/" + name
        with open(path, "wb") as handle:
            handle.write(GOOD)
        found = list(gather_local(folder, QUICK))
    everything_valid(found)
    hidden = name.startswith(b".") or name.startswith(b"~$") or name.lower() in (b"thumbs.db", b"desktop.ini")
    assert len(found) == (0 if hidden else 1)
    if found:
        [received] = found
        assert isinstance(received, Received) and received.data == GOOD and received.path is not None
        assert os.fsencode(received.path) == path


# --- indexes -----------------------------------------------------------------------------------------------

INDEX = "https://forms.example.nhs.uk/returns/index.json"


@hypothesis_settings(max_examples=300)
@given(st.binary())
@example(b"[" * 100_000)
@example(b"[" * 100_000 + b"]" * 100_000)
@example(b'{"returns": [' + b"9" * 5000 + b"]}")
@example(b"\xef\xbb\xbf[1]")
def test_any_bytes_are_an_index_or_not_and_never_a_crash(data: bytes) -> None:
    assert isinstance(index_entries(data), list | BadIndex | type(None))


def test_an_index_nested_too_deeply_is_a_problem_and_huge_numbers_are_read() -> None:
    assert isinstance(index_entries(b"[" * 100_000 + b"]" * 100_000), BadIndex)
    assert index_entries(b'{"returns": [' + b"9" * 5000 + b', "a.csv"]}') == [float("inf"), "a.csv"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
ENTRY_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(st.text(), JSON, st.sampled_from(["a.csv", "http://[::1", "//x:99999/", "https://"])),
        "name": st.one_of(st.text(), JSON),
        "received_at": st.one_of(st.text(), JSON, st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31"])),
    },
)


@hypothesis_settings(max_examples=400)
@given(st.one_of(JSON, ENTRY_FIELDS))
def test_any_json_entry_is_a_file_to_fetch_or_a_problem(entry: object) -> None:
    checked = index_entry(INDEX, 3, entry)
    if isinstance(checked, SourceProblem):
        assert valid_text(checked.location) and checked.location.endswith(" entry 3")
        return
    assert isinstance(checked, Entry) and url_problem(checked.url) is None
    assert valid_text(checked.name) and len(checked.name) <= 120
    assert checked.received_at is None or "1990" <= checked.received_at < "2100"
    everything_valid(list(checked.warnings))


@pytest.mark.parametrize(
    "received_at",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31",
        "soon",
        12,
        True,
        {},
    ],
)
def test_an_odd_received_at_is_a_warning_and_the_servers_time_is_used(received_at: object) -> None:
    checked = index_entry(INDEX, 1, {"url": "C82001.csv", "received_at": received_at})
    assert isinstance(checked, Entry) and checked.received_at is None
    [warning] = checked.warnings
    assert warning.severity == "warning" and warning.message.startswith("'received_at' is")


@hypothesis_settings(max_examples=300)
@given(st.one_of(st.text(), st.from_regex(r"https?://[^/]{0,20}(:[0-9a-z]{0,7})?/.{0,20}", fullmatch=True)))
@example("http://[::1")
@example("http://h:99999/")
@example("http://\udce9/")
def test_any_text_as_a_url_is_shown_and_checked_without_a_crash(url: str) -> None:
    assert valid_text(display_url(url))
    problem = url_problem(url)
    assert problem is None or valid_text(problem)
    index_entry(INDEX, 1, url)


@hypothesis_settings(max_examples=300)
@given(
    st.one_of(st.text(), st.datetimes().map(lambda d: d.isoformat()), st.sampled_from(["-0000", "Mon, 01 Jan 0001"]))
)
def test_any_time_text_gives_a_plausible_time(text: str) -> None:
    declared, why = sources._declared_time(text)
    assert (declared is None) != (why is None)
    for taken in (declared, sources._received_at(None, text)):
        assert taken is None or ("1990" <= taken < "2100" and len(taken) == 20)


BAD_URLS = [
    "http://[::1",
    "http://127.0.0.1:99999/index.json",
    "http://127.0.0.1:0/index.json",
    "http://127.0.0.1:port/index.json",
    "https://",
    "https:///index.json",
    "http://exa mple.org/index.json",
    "http://example.org/in\x00dex.json",
    "http://example.org/\nindex.json",
    "http://" + "a" * 300 + ".org/",
    "http://user:secret@[::1/x?key=abc",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_an_invalid_url_is_a_problem_whether_given_or_in_an_index(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert url_problem(url)
    shown = display_url(url)
    assert valid_text(shown) and "secret" not in shown and "abc" not in shown
    fetcher = Fetcher(QUICK)
    try:
        assert [type(f) for f in gather_url(url, fetcher)] == [SourceProblem]
    finally:
        fetcher.close()
    checked = index_entry(INDEX, 2, {"url": url})
    assert isinstance(checked, SourceProblem) and checked.location == f"{INDEX} entry 2"


# --- HTTP, against servers on this machine ----------------------------------------------------------------


@dataclass
class Server:
    """A server on 127.0.0.1 answering each path with a function of its own; it records every request."""

    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=dict)
    seen: list[tuple[str, str | None]] = field(default_factory=list)
    """(the request line's target, the Authorization header)."""
    port: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


class Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up: expected here


def serve(server: Server, everything: Callable[[BaseHTTPRequestHandler], None] | None = None) -> Quiet:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            server.seen.append((self.path, self.headers.get("Authorization")))
            answer = everything or server.routes.get(self.path.split("?")[0])
            if answer is None:
                send(self, 404, b"Not Found")
            else:
                answer(self)

    httpd = Quiet(("127.0.0.1", 0), Handler)
    server.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def site(no_proxy: None) -> Iterator[Server]:
    server = Server()
    httpd = serve(server)
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetch_all(url: str, settings: Settings = QUICK, sleep: Callable[[float], None] | None = None) -> list[Any]:
    def work() -> list[Any]:
        fetcher = Fetcher(settings, sleep=sleep) if sleep else Fetcher(settings)
        try:
            return list(gather_url(url, fetcher))
        finally:
            fetcher.close()

    found = within(10, work)
    everything_valid(found)
    return found


def private(handler: BaseHTTPRequestHandler) -> None:
    if handler.headers.get("Authorization") == f"Bearer {TOKEN}":
        send(handler, 200, GOOD)
    else:
        send(handler, 401, b"Unauthorized")


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_token_for_this_machine_never_goes_through_a_proxy(
    site: Server, monkeypatch: pytest.MonkeyPatch, variable: str, host: str
) -> None:
    proxy = Server()
    proxy_httpd = serve(proxy, lambda handler: send(handler, 200, b"from the proxy"))
    try:
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("TOOLKIT_RETURNS_TOKEN", TOKEN)
        site.routes["/private/C82001.csv"] = private
        found = fetch_all(site.url("/private/C82001.csv", host))
    finally:
        proxy_httpd.shutdown()
        proxy_httpd.server_close()
    assert proxy.seen == []
    assert [(type(f), getattr(f, "data", None)) for f in found] == [(Received, GOOD)]
    assert site.seen == [("/private/C82001.csv", f"Bearer {TOKEN}")]


@pytest.mark.parametrize("proxy", ["http://user:secret@[::1", "socks5://127.0.0.1:1080", "ftp://proxy.example.org"])
def test_proxy_settings_that_cannot_be_used_are_a_problem_and_this_machine_is_still_reached(
    site: Server, monkeypatch: pytest.MonkeyPatch, proxy: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    [problem] = fetch_all("https://forms.example.org/index.json")
    assert problem.message.startswith("the proxy settings (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY or NO_PROXY) cannot be")
    assert "secret" not in problem.message
    site.routes["/C82001.csv"] = lambda handler: send(handler, 200, GOOD)
    assert [type(f) for f in fetch_all(site.url("/C82001.csv"))] == [Received]


def test_a_certificate_file_that_cannot_be_read_is_a_problem(site: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "no-such-file.pem")
    [problem] = fetch_all(site.url("/C82001.csv"))
    assert problem.message == "the certificate file that SSL_CERT_FILE names cannot be read: correct or unset it"


def test_a_token_with_characters_that_cannot_be_sent_is_a_problem_not_a_traceback(
    site: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for token in ("tök€n", "tok\nen", "tok en"):
        monkeypatch.setenv("TOOLKIT_RETURNS_TOKEN", token)
        site.routes["/C82001.csv"] = lambda handler: send(handler, 200, GOOD)
        problem, received = fetch_all(site.url("/C82001.csv"))
        assert isinstance(problem, SourceProblem) and problem.severity == "error"
        assert problem.message.startswith("the token in the environment variable TOOLKIT_RETURNS_TOKEN holds")
        assert token not in problem.message
        assert isinstance(received, Received) and received.data == GOOD
    assert all(auth is None for _, auth in site.seen)


def test_the_token_is_not_sent_on_a_redirect_to_another_origin(site: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_RETURNS_TOKEN", TOKEN)
    site.routes["/away"] = lambda handler: send(
        handler, 302, b"", Location=site.url("/private/C82001.csv", "localhost")
    )
    site.routes["/private/C82001.csv"] = private
    [problem] = fetch_all(site.url("/away"))
    assert problem.message == "the server answered 401 Unauthorized (is the token right?)"
    assert site.seen == [("/away", f"Bearer {TOKEN}"), ("/private/C82001.csv", None)]
    assert TOKEN not in problem.format()


def trickle(head: bytes, body: bytes, pause: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """An answer sent a byte at a time: ``head`` at once, then each byte of ``body`` after ``pause`` seconds."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        handler.wfile.flush()
        for byte in body:
            time.sleep(pause)
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", b"x" * 100, 0.2),  # the body
        trickle(b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"x" * 100, 0.2),  # the headers
    ],
    ids=["body", "headers"],
)
def test_an_answer_that_trickles_is_cut_off_at_the_deadline(
    site: Server, answer: Callable[[BaseHTTPRequestHandler], None]
) -> None:
    """Each byte comes well within the read timeout: only the deadline (1 s) ends it, long before the 20 s it takes."""
    site.routes["/slow.csv"] = answer
    found = fetch_all(site.url("/slow.csv"))
    assert [f.format() for f in found] == [
        f"{site.url('/slow.csv')}: the server took too long to answer (tried 1 time)"
    ]


def test_waits_between_attempts_are_capped_whatever_the_settings_or_the_server_say(site: Server) -> None:
    site.routes["/busy.csv"] = lambda handler: send(handler, 503, b"busy", Retry_After="86400")
    site.routes["/broken.csv"] = lambda handler: send(handler, 500, b"broken")
    waits: list[float] = []
    generous = Settings(read_timeout=0.5, connect_timeout=0.5, deadline=1.0, retries=15, backoff=30.0)
    [problem] = fetch_all(site.url("/busy.csv"), generous, waits.append)
    assert waits and max(waits) <= MAX_WAIT and sum(waits) <= MAX_TOTAL_WAIT
    assert problem.message.startswith("the server answered 503 Service Unavailable (tried ")
    waits.clear()
    many = Settings(read_timeout=0.5, connect_timeout=0.5, deadline=1.0, retries=10**9, backoff=0.0)
    fetch_all(site.url("/broken.csv"), many, waits.append)
    assert len(waits) <= sources.MAX_RETRIES
    waits.clear()
    fetch_all(site.url("/broken.csv"), Settings(retries=15, backoff=1.0, deadline=1.0), waits.append)
    assert waits[:3] == [1.0, 2.0, 4.0] and max(waits) == MAX_WAIT and sum(waits) <= MAX_TOTAL_WAIT


def return_of(practice: str) -> Callable[[BaseHTTPRequestHandler], None]:
    body = GOOD.replace(b"C82001", practice.encode())
    return lambda handler: send(handler, 200, body, Last_Modified="Wed, 05 Jun 2030 11:30:00 GMT")


def test_a_malformed_index_is_a_problem_for_itself_and_the_other_sources_are_collected(
    standards: Path, site: Server
) -> None:
    site.routes["/deep.json"] = lambda handler: send(handler, 200, b"[" * 30_000 + b"]" * 30_000)
    entries = [
        "http://[::1",
        {"url": "http://127.0.0.1:99999/C82009.csv"},
        {"url": "C82002.csv", "received_at": "0001-01-01T00:00:00+14:00"},
        {"url": "C82003.csv", "received_at": "9999-12-31T23:59:59-14:00"},
        ["not", "an", "entry"],
        {"url": "C82004.csv", "received_at": 10**400},
    ]
    site.routes["/index.json"] = lambda handler: send(handler, 200, json.dumps({"returns": entries}).encode())
    for practice in ("C82001", "C82002", "C82003", "C82004"):
        site.routes[f"/{practice}.csv"] = return_of(practice)
    urls = [site.url("/deep.json"), site.url("/index.json"), site.url("/C82001.csv")]
    outcome = within(20, lambda: collect(Options(sources=urls, store=Path("store"), settings=QUICK, jobs=1)))
    index = site.url("/index.json")
    assert [p.format() for p in outcome.problems] == [
        f"{site.url('/deep.json')}: this is JSON nested too deeply to be read, as an index or as a return: ask its "
        "publisher",
        f"{index} entry 1: the entry's 'url' cannot be fetched: not a valid address: the part in [brackets] must be "
        "an IPv6 address, with its closing ']'",
        f"{index} entry 2: the entry's 'url' cannot be fetched: not a valid address: the port (after the ':') must "
        "be a number from 1 to 65535",
        f"{index} entry 3: warning: 'received_at' is '0001-01-01T00:00:00+14:00', not a date and time between 1990 "
        "and 2099 such as 2025-06-01T09:30:00Z; the time the server gives is used instead",
        f"{index} entry 4: warning: 'received_at' is '9999-12-31T23:59:59-14:00', not a date and time between 1990 "
        "and 2099 such as 2025-06-01T09:30:00Z; the time the server gives is used instead",
        f"{index} entry 5: an index entry must be a URL, or an object with a 'url'",
        f"{index} entry 6: warning: 'received_at' is not text such as 2025-06-01T09:30:00Z; the time the server "
        "gives is used instead",
    ]
    with sqlite3.connect(Path("store") / LEDGER_FILE) as db:
        rows = db.execute("SELECT file_name, received_at, status FROM submissions ORDER BY id").fetchall()
    assert rows == [
        ("C82002.csv", "2030-06-05T11:30:00Z", "valid"),
        ("C82003.csv", "2030-06-05T11:30:00Z", "valid"),
        ("C82004.csv", "2030-06-05T11:30:00Z", "valid"),
        ("C82001.csv", "2030-06-05T11:30:00Z", "valid"),
    ]


def test_names_and_addresses_from_urls_are_readable(site: Server) -> None:
    site.routes["/r%E9sum%E9%00.csv"] = lambda handler: send(handler, 200, GOOD)
    [received] = fetch_all(site.url("/r%E9sum%E9%00.csv"))
    assert isinstance(received, Received)
    assert received.file_name == "r\\xe9sum\\xe9\\x00.csv"
    assert received.location == site.url("/r%E9sum%E9%00.csv")
