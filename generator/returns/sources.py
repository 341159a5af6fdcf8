"""Where returns come from: folders (read recursively), single files, and HTTP(S) URLs.

A URL gives either one return file or a JSON index listing returns::

    {"returns": [
        {"url": "C82001.csv", "name": "C82001.csv", "received_at": "2025-06-01T09:30:00Z"},
        "https://forms.example.nhs.uk/exports/C82002.json"
    ]}

(a bare list works too). An entry is a URL, absolute or relative to the index, or an
object with ``url`` and, optionally, the file's ``name`` and the time it was
``received_at``. Names are made safe: only the last part of a path is kept, so an index
cannot make the collector write anywhere (and nothing is ever written under a name from
outside: raw files are named by their hash).

Every name and location this module gives is valid, printable text: bytes that are not
UTF-8 (a Latin-1 name from a Windows share) and unprintable characters are shown escaped,
``r\\xe9sum\\xe9.csv``, while a local file's ``path`` stays the real one.

Only ordinary files are read: a named pipe, a device or a socket in a folder, or a link
to one, is reported and never opened for reading; a file is read once, at most one byte
more than the size limit, whatever its size said.

Over HTTP: connect and read timeouts and a deadline for each attempt at a file that
covers all of it (headers, redirects and body, however slowly they trickle), retries with exponential
backoff for 5xx answers, 429 and network errors (each wait at most a minute, all of them
at most five), a size limit (checked against Content-Length and again while reading),
TLS certificates verified. A bearer token is read from an environment variable (never
the command line), is sent only to the origin (scheme, host and port) of the URL given
on the command line, only over HTTPS or to this machine, and appears in no message, log
or ledger row; neither do user names, passwords or query strings in URLs. A proxy is
taken from ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``, as other tools
do, but this machine (``localhost``, ``127.0.0.1``, ``::1``) is always reached directly,
so a token for it never passes through a proxy; a certificate authority of the ICB's own
network is taken from ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import errno
import ipaddress
import json
import math
import os
import re
import socket
import stat
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from ..returnformat import JSON_FORMAT
from .read import size_text

if TYPE_CHECKING:
    import httpx

DEFAULT_TOKEN_ENV = "TOOLKIT_RETURNS_TOKEN"
"""The environment variable holding the bearer token for HTTP sources, unless --token-env names another."""

IGNORED_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})

NAME_LIMIT = 120
"""The most characters a file name is given (escapes included)."""
MAX_WAIT = 60.0
"""The longest wait before a retry, whatever the backoff or a server's Retry-After says."""
MAX_TOTAL_WAIT = 300.0
"""The most time spent waiting between the attempts at one file."""
MAX_RETRIES = 20
"""The most attempts after the first, whatever Settings.retries says."""
MAX_REDIRECTS = 5
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
"""Times outside these are not believed: a return cannot have been received in year 1 or 9999."""


@dataclass(frozen=True)
class Settings:
    """Limits for reading sources."""

    max_size: int = 20 * 1024 * 1024
    """The largest file taken as a return, in bytes; a return CSV is about 30 KB, the workbook about 200 KB."""
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    """Seconds to wait for each piece of an answer."""
    deadline: float = 300.0
    """Seconds one attempt at a file may take, from connecting to its last byte, however steadily it trickles."""
    retries: int = 3
    """Attempts after the first, for 5xx answers, 429 and network errors (at most MAX_RETRIES)."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled before each next one (each wait at most MAX_WAIT)."""
    token_env: str = DEFAULT_TOKEN_ENV


@dataclass(frozen=True)
class Received:
    """A file to collect: its bytes (``data``, read once and within the size limit) and, for a local file, ``path``."""

    location: str
    """Where it came from, as messages and the ledger show it: a path, or a URL without credentials."""
    file_name: str
    received_at: str
    """ISO 8601 UTC, to the second."""
    path: Path | None = None
    """The real path of a local file (its name as the file system has it, whatever its bytes)."""
    data: bytes | None = None


@dataclass(frozen=True)
class Refused:
    """A file too large to be a return: not collected, and reported."""

    location: str
    file_name: str
    size: int


@dataclass(frozen=True)
class SourceProblem:
    """A source, or a file in it, that could not be read (an error) or is worth a look (a warning)."""

    location: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.location}: {prefix}{self.message}"


Found = Received | Refused | SourceProblem


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- names ----------------------------------------------------------------------------------------------


def readable(text: str | bytes) -> str:
    """``text`` as printable text that is valid UTF-8: bytes that are not UTF-8 as ``\\xe9``, other
    unprintable characters (NUL, newlines, lone surrogates, direction marks) as ``\\x00`` or ``\\u202e``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as the file system and os.fsdecode give it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_name(name: str | bytes) -> str:
    """A file name safe to show and keep: its last path part, printable (see readable), not hidden, at most 120
    characters."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "surrogateescape")
    last = name.replace("\\", "/").rstrip("/").split("/")[-1]
    last = unicodedata.normalize("NFC", last).strip().lstrip(".").strip()
    kept: list[str] = []
    length = 0
    for character in last:
        piece = character if character.isprintable() else _escape(character)
        if length + len(piece) > NAME_LIMIT:
            break  # never half an escape
        kept.append(piece)
        length += len(piece)
    return "".join(kept).rstrip() or "return"


def _url_name(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        return "return"
    return safe_name(unquote(path, errors="surrogateescape"))


# --- times ----------------------------------------------------------------------------------------------


def _plausible(moment: dt.datetime) -> str | None:
    """``moment`` as ISO 8601 UTC text (naive is taken as UTC), or None when it is not a time a file arrived."""
    try:
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if not EARLIEST <= moment < LATEST:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return utc_text(dt.datetime.now(dt.UTC))


def _file_time(seconds: float) -> str:
    """A file's modification time, or now when the file system gives an impossible one."""
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return _now()
    return _plausible(moment) or _now()


def _declared_time(value: object) -> tuple[str | None, str | None]:
    """(an index entry's ``received_at`` as ISO 8601 UTC, or None; why it was not taken, or None)."""
    if value is None:
        return None, None
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            moment = None
        taken = _plausible(moment) if moment is not None else None
        if taken:
            return taken, None
        shown = readable(value[:40]) + ("…" if len(value) > 40 else "")
        return None, f"'received_at' is '{shown}', not a date and time between 1990 and 2099 such as " + (
            "2025-06-01T09:30:00Z; the time the server gives is used instead"
        )
    return None, "'received_at' is not text such as 2025-06-01T09:30:00Z; the time the server gives is used instead"


def _received_at(declared: str | None, last_modified: str | None) -> str:
    if declared:
        return declared
    if last_modified:
        try:
            moment = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError, OverflowError, IndexError):
            moment = None
        taken = _plausible(moment) if moment is not None else None
        if taken:
            return taken
    return _now()


# --- folders and files ----------------------------------------------------------------------------------


def gather_local(source: str, settings: Settings, exclude: Sequence[Path] = ()) -> Iterator[Found]:
    """The files of a folder (recursively, sorted by path) or a single file."""
    root = Path(source)
    try:
        folder = stat.S_ISDIR(os.stat(root).st_mode)
    except (OSError, ValueError) as error:
        missing = isinstance(error, ValueError) or error.errno in (errno.ENOENT, errno.ENOTDIR)
        yield SourceProblem(
            readable(source), "no such file or folder" if missing else f"cannot read this ({_why(error)})"
        )
        return
    if not folder:
        yield _local_file(root, settings)
        return
    excluded = {r for r in map(_resolved, exclude) if r is not None}
    yield from _walk(root, settings, excluded)


def _walk(root: Path, settings: Settings, excluded: set[Path]) -> Iterator[Found]:
    """Every file under ``root``, folder by folder in order of name, as os.walk would give them; links to folders are
    not followed."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield SourceProblem(readable(str(folder)), f"cannot read this folder ({_why(error)})")
            continue
        folders: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            if _is_folder(entry):
                if entry.name.startswith((".", "~")) or _resolved(path) in excluded:
                    continue
                if entry.is_symlink():
                    yield SourceProblem(
                        readable(str(path)),
                        "a link to a folder, not followed (a link can lead out of the inbox, or round in a loop); "
                        "give the folder itself with --from to collect it",
                        "warning",
                    )
                    continue
                folders.append(path)
            elif not (entry.name.startswith((".", "~$")) or entry.name.lower() in IGNORED_FILES):
                yield _local_file(path, settings)  # hidden files, Office's lock files, thumbnails: never returns
        stack.extend(reversed(folders))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False  # a broken link or a loop: reported when it is read as a file


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def _local_file(path: Path, settings: Settings) -> Found:
    """A file read once, at most one byte past the size limit; anything but an ordinary file is refused unopened."""
    shown = readable(str(path))
    limit = _size_limit(settings)
    try:
        refusal = _not_a_file(path, os.stat(path).st_mode)  # follows links: a link to /dev/zero is a device
        if refusal:
            return SourceProblem(shown, refusal)
        descriptor = os.open(path, os.O_RDONLY | _OPEN_FLAGS)  # non-blocking: a pipe put here since cannot hang
    except (OSError, ValueError) as error:
        return SourceProblem(shown, f"cannot read this file ({_why(error)})")
    try:
        info = os.fstat(descriptor)
        refusal = _not_a_file(path, info.st_mode)
        if refusal:
            return SourceProblem(shown, refusal)
        if info.st_size > limit:
            return Refused(shown, safe_name(path.name), info.st_size)
        data = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        return SourceProblem(shown, f"cannot read this file ({_why(error)})")
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew, or its size was not what the file system said
        return Refused(shown, safe_name(path.name), max(len(data), info.st_size))
    return Received(shown, safe_name(path.name), _file_time(info.st_mtime), path=path, data=data)


_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _not_a_file(path: Path, mode: int) -> str | None:
    """Why a file of this mode is not read, or None for an ordinary file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISDIR(mode):
        kind = "a folder"
    else:
        kind = "not an ordinary file"
    if _is_link(path):
        kind = f"a link to {kind}" if kind.startswith("a ") else f"a link to something {kind}"
    return f"this is {kind}, not a file: it is not read; move it out of the folder"


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read_at_most(descriptor: int, most: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while got < most:
        chunk = os.read(descriptor, min(most - got, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _size_limit(settings: Settings) -> int:
    """The size limit as a whole number of bytes (the default when the settings give something that is not one)."""
    value = settings.max_size
    if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
        return int(value)
    return Settings.max_size


def _why(error: OSError | ValueError) -> str:
    if isinstance(error, ValueError):
        return "the name holds a character no file name can"
    if error.errno == errno.ELOOP:
        return "it is a link that leads round in a loop"
    return readable(error.strerror or "the system gave no reason")


# --- URLs -----------------------------------------------------------------------------------------------


def display_url(url: str) -> str:
    """A URL as shown and recorded: no user name or password, no query string, no fragment; always printable."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return readable(_without_secrets(url))
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port else "")
    query = "…" if parts.query else ""
    return readable(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _without_secrets(url: str) -> str:
    """A URL that cannot be parsed, as far as it can be shown: no user name or password, query or fragment."""
    text, _, query = url.split("#", 1)[0].partition("?")
    scheme, separator, rest = text.partition("://")
    if separator:
        authority, slash, path = rest.partition("/")
        text = scheme + separator + authority.rpartition("@")[2] + slash + path
    return text + ("?…" if query else "")


_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}|xn--[A-Za-z0-9-]{1,59}")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, in words; None when it can."""
    if any(c in "\t\r\n" or not c.isprintable() for c in url if c != " "):
        return "the address holds a control character; check how it was copied"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "not a valid address: the part in [brackets] must be an IPv6 address, with its closing ']'"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http:// or https:// address"
    if not host:
        return "the address names no server"
    if port == 0:
        return "not a valid address: the port (after the ':') must be a number from 1 to 65535"
    if not _host_is_valid(host):
        return f"'{readable(host[:80])}' is not a server name or address"
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return "not a valid address"
    return None


def _host_is_valid(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _loopback(url: str) -> bool:
    """Whether ``url`` is on this machine: such an address is always reached directly, never through a proxy."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


# --- HTTP(S) --------------------------------------------------------------------------------------------


class FetchError(Exception):
    """A file could not be fetched; the message says why in words (and holds no secret)."""


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


@dataclass(frozen=True)
class Fetched:
    data: bytes
    last_modified: str | None


_TOKEN = re.compile(r"[\x21-\x7e]+")


def _token(variable: str) -> tuple[str | None, str | None]:
    """(the bearer token from the environment variable, or None; why it cannot be used, or None)."""
    try:
        value = os.environ.get(variable, "").strip()
    except ValueError:
        value = ""
    if not value or _TOKEN.fullmatch(value):
        return value or None, None
    return None, (
        f"the token in the environment variable {readable(variable)} holds spaces or characters other than ASCII "
        "letters, digits and punctuation, so it cannot be sent and was not: set the variable again with only the token"
    )


def _seconds(value: float, default: float) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) and value > 0 else default


class _Deadline:
    """Ends an attempt when its time is up by shutting the connections down, however slowly a server answers."""

    def __init__(self, sockets: list[socket.socket], seconds: float) -> None:
        self.sockets = sockets
        self.expired = False
        self.started = time.monotonic()
        self.seconds = seconds
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True
        self.timer.start()

    def passed(self) -> bool:
        return self.expired or time.monotonic() - self.started > self.seconds

    def expire(self) -> None:
        self.expired = True
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):  # shutting down wakes a read blocked on it; the reader then fails
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self.timer.cancel()


class Fetcher:
    """Fetches files over HTTP(S) with timeouts, a deadline, retries, a size limit and, where allowed, the token."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx  # imported here: only HTTP sources need it

        self.httpx = httpx
        self.settings = settings
        self.sleep = sleep
        self.token, self.token_problem = _token(settings.token_env)
        read = _seconds(settings.read_timeout, Settings.read_timeout)
        connect = _seconds(settings.connect_timeout, Settings.connect_timeout)
        self.deadline = _seconds(settings.deadline, Settings.deadline)
        timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
        # trust_env: a proxy from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, certificate authorities from
        # SSL_CERT_FILE. This machine is reached by a client of its own that never uses a proxy (a transport given
        # to the client turns the proxies off), so a token sent over plain http to it goes nowhere else.
        self.client, self.client_problem = _client(
            lambda: httpx.Client(timeout=timeout, verify=True, follow_redirects=False, trust_env=True)
        )
        self.direct, self.direct_problem = _client(
            lambda: httpx.Client(
                timeout=timeout, follow_redirects=False, trust_env=False, transport=httpx.HTTPTransport(trust_env=True)
            )
        )
        self.sockets: list[socket.socket] = []
        """The connections open now (one request at a time is made), shut down when an attempt's deadline passes."""

    def close(self) -> None:
        for client in (self.client, self.direct):
            if client is not None:
                client.close()

    def headers_for(self, url: str, origin_url: str) -> dict[str, str]:
        headers = {"User-Agent": "gp-quality-safety-toolkit collect", "Accept": "*/*"}
        origin = _origin(url)
        if (
            self.token
            and origin is not None
            and origin == _origin(origin_url)
            and (url.lower().startswith("https://") or _loopback(url))
        ):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, url: str, origin_url: str) -> Fetched:
        """The body of ``url``; FetchError or TooLarge when it cannot be had. Raises nothing else."""
        attempts = min(max(_whole(self.settings.retries), 0), MAX_RETRIES) + 1
        waited = 0.0
        tried = 0
        reason = ""
        while tried < attempts:
            tried += 1
            after: float | None = None
            try:
                return self._get_once(url, origin_url)
            except (FetchError, TooLarge):
                raise
            except _Retry as retry:
                reason, after = retry.reason, retry.after
            except Exception as error:  # whatever happens to a request is said in words
                reason = self._reason(error)
            wait = _wait(self.settings.backoff, tried - 1, after)
            if tried == attempts or waited + wait > MAX_TOTAL_WAIT:
                break
            waited += wait
            self.sleep(wait)
        plural = "s" if tried != 1 else ""
        raise FetchError(f"{reason} (tried {tried} time{plural})")

    def _reason(self, error: Exception) -> str:
        """Why a request failed, in words; a FetchError at once when trying again cannot help."""
        httpx = self.httpx
        if isinstance(error, httpx.TimeoutException):
            return "the server took too long to answer"
        if isinstance(error, httpx.ProxyError):
            return "the proxy did not pass the request on (check HTTPS_PROXY, HTTP_PROXY and NO_PROXY)"
        if isinstance(error, httpx.RemoteProtocolError):
            return "the server closed the connection before the file was complete"
        if isinstance(error, httpx.ConnectError):
            return f"could not connect ({_cause(error)})"
        if isinstance(error, httpx.DecodingError):
            raise FetchError("the server sent the file packed in a way that could not be unpacked") from None
        if isinstance(error, httpx.TransportError):
            return "the connection failed"
        raise FetchError("the request could not be made; check the address") from None

    def _get_once(self, url: str, origin_url: str) -> Fetched:
        httpx = self.httpx
        deadline = _Deadline(self.sockets, self.deadline)
        try:
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                if deadline.passed():  # no new connection once the time is up: the timer has shut the last ones
                    raise httpx.ReadTimeout("deadline passed")
                client, unusable = (
                    (self.direct, self.direct_problem) if _loopback(current) else (self.client, self.client_problem)
                )
                if client is None:
                    raise FetchError(unusable or "")
                headers = self.headers_for(current, origin_url)
                with client.stream("GET", current, headers=headers, extensions={"trace": self._trace}) as response:
                    if response.next_request is None:
                        return self._body(response, deadline)
                    current = str(response.next_request.url)
                problem = url_problem(current)
                if problem:
                    raise FetchError(f"the server redirected to an address that cannot be fetched ({problem})")
            raise FetchError("the server redirected too many times")
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise FetchError("not an http:// or https:// address") from None
        except httpx.HTTPError:
            if deadline.passed():
                raise httpx.ReadTimeout("deadline passed") from None
            raise
        finally:
            deadline.cancel()

    def _body(self, response: httpx.Response, deadline: _Deadline) -> Fetched:
        status = response.status_code
        if status >= 500 or status == 429:
            raise _Retry(f"the server answered {status} {_phrase(response)}", _retry_after(response))
        if status >= 400:
            hint = " (is the token right?)" if status in (401, 403) else ""
            raise FetchError(f"the server answered {status} {_phrase(response)}{hint}")
        if status != 200:
            raise FetchError(f"the server answered {status} {_phrase(response)}, not the file")
        limit = _size_limit(self.settings)
        declared = response.headers.get("content-length", "")
        if re.fullmatch(r"[0-9]{1,18}", declared) and int(declared) > limit:
            raise TooLarge(int(declared))
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise TooLarge(len(body))
            if deadline.passed():
                raise self.httpx.ReadTimeout("deadline passed")
        return Fetched(bytes(body), response.headers.get("last-modified"))

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        """Keeps each connection's socket as it is opened, so that a deadline can shut it down."""
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            self.sockets[:] = [s for s in self.sockets if s.fileno() != -1]
            self.sockets.append(sock)


def _client(make: Callable[[], httpx.Client]) -> tuple[httpx.Client | None, str | None]:
    """A client, or None and why the environment's settings for one cannot be used (never their values: a proxy's
    address may hold a password)."""
    try:
        return make(), None
    except Exception as error:  # httpx's own errors, ValueError, ImportError (a SOCKS proxy), OSError (a CA file)
        if isinstance(error, OSError) and os.environ.get("SSL_CERT_FILE"):
            return None, "the certificate file that SSL_CERT_FILE names cannot be read: correct or unset it"
        return None, (
            "the proxy settings (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY or NO_PROXY) cannot be used: "
            "correct or unset them (a SOCKS proxy is not supported)"
        )


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


def _whole(value: object) -> int:
    return int(value) if isinstance(value, int | float) and math.isfinite(value) else 0


def _wait(backoff: float, retry: int, after: float | None) -> float:
    """Seconds before the next attempt: the backoff doubled for each retry, or longer if the server asks, at most
    MAX_WAIT."""
    first = _seconds(backoff, Settings.backoff) if backoff != 0 else 0.0
    wait = first * 2.0 ** min(retry, 32)
    if after is not None:
        wait = max(wait, after)
    return min(wait, MAX_WAIT)


def _phrase(response: httpx.Response) -> str:
    return readable(response.reason_phrase[:80])


def _retry_after(response: httpx.Response) -> float | None:
    """The wait a 429 or 503 asks for, in seconds (capped later), or None."""
    value = response.headers.get("retry-after", "").strip()
    if re.fullmatch(r"[0-9]{1,12}", value):
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return max(0.0, (moment - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _cause(error: Exception) -> str:
    text = str(error)
    return readable(text.split("] ", 1)[-1][:200]) if text else "no reason given"


# --- indexes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadIndex:
    """An index that cannot be read, and why."""

    message: str


def index_entries(data: bytes) -> list[Any] | BadIndex | None:
    """The entries of a JSON index; None when ``data`` is not an index (a return, say); BadIndex when it is JSON
    that cannot be read at all. Raises nothing, whatever the bytes."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith((b"{", b"[")):
        return None
    try:
        parsed = json.loads(data.decode("utf-8-sig"), parse_int=_json_int)
    except RecursionError:
        return BadIndex("this is JSON nested too deeply to be read, as an index or as a return: ask its publisher")
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict) and parsed.get("format") != JSON_FORMAT and isinstance(parsed.get("returns"), list):
        return list(parsed["returns"])
    return None


def _json_int(text: str) -> int | float:
    """A JSON whole number; one too long for Python to read is taken as the float it approximates."""
    return int(text) if len(text) <= 1000 else float(text)


@dataclass(frozen=True)
class Entry:
    """One file an index lists, checked: where to fetch it, what to call it, when it was received."""

    url: str
    name: str
    received_at: str | None
    warnings: tuple[SourceProblem, ...] = ()


def index_entry(index_url: str, number: int, entry: object) -> Entry | SourceProblem:
    """The file an index entry names, or why it cannot be fetched. Raises nothing, whatever the entry."""
    where = f"{display_url(index_url)} entry {number}"
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or not entry["url"].strip():
        return SourceProblem(where, "an index entry must be a URL, or an object with a 'url'")
    given_url = entry["url"].strip()
    try:  # an absolute URL is taken as it is ("https://" with no server stays an error, not the index's own)
        url = given_url if is_url(given_url) else urljoin(index_url, given_url)
    except ValueError:
        url = given_url
    if not is_url(url):
        return SourceProblem(where, "the entry's 'url' is not an http:// or https:// address")
    problem = url_problem(url)
    if problem:
        return SourceProblem(where, f"the entry's 'url' cannot be fetched: {problem}")
    warnings: list[SourceProblem] = []
    given = entry.get("name")
    name = safe_name(given) if isinstance(given, str) and given.strip() else _url_name(url)
    if isinstance(given, str) and given.strip() and name != given.strip():
        shown = readable(given.strip()[:NAME_LIMIT])
        warnings.append(
            SourceProblem(where, f"the name '{shown}' is not a plain file name; it is kept as '{name}'", "warning")
        )
    received_at, why = _declared_time(entry.get("received_at"))
    if why:
        warnings.append(SourceProblem(where, why, "warning"))
    return Entry(url, name, received_at, tuple(warnings))


def gather_url(url: str, fetcher: Fetcher) -> Iterator[Found]:
    """The file at ``url``, or every file its JSON index lists."""
    shown = display_url(url)
    problem = url_problem(url)
    if problem:
        yield SourceProblem(shown, problem)
        return
    if fetcher.token_problem:
        yield SourceProblem(shown, fetcher.token_problem)
    elif fetcher.token and url.lower().startswith("http://") and not _loopback(url):
        yield SourceProblem(
            shown, "the token is sent only over https://; this address is fetched without it", "warning"
        )
    try:
        fetched = fetcher.get(url, url)
    except FetchError as error:
        yield SourceProblem(shown, str(error))
        return
    except TooLarge as large:
        yield Refused(shown, _url_name(url), large.size)
        return
    entries = index_entries(fetched.data)
    if isinstance(entries, BadIndex):
        yield SourceProblem(shown, entries.message)
        return
    if entries is None:
        yield Received(shown, _url_name(url), _received_at(None, fetched.last_modified), data=fetched.data)
        return
    for number, entry in enumerate(entries, start=1):
        checked = index_entry(url, number, entry)
        if isinstance(checked, SourceProblem):
            yield checked
        else:
            yield from checked.warnings
            yield _fetch_entry(checked, url, fetcher)


def _fetch_entry(entry: Entry, index_url: str, fetcher: Fetcher) -> Found:
    shown = display_url(entry.url)
    try:
        fetched = fetcher.get(entry.url, index_url)
    except FetchError as error:
        return SourceProblem(shown, str(error))
    except TooLarge as large:
        return Refused(shown, entry.name, large.size)
    return Received(shown, entry.name, _received_at(entry.received_at, fetched.last_modified), data=fetched.data)


def too_large_text(size: int, settings: Settings) -> tuple[str, str]:
    """(the file's size, the limit), as the too_large message gives them."""
    return size_text(size), size_text(settings.max_size)
