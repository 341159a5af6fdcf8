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

Over HTTP: connect and read timeouts and a deadline for each file, retries with
exponential backoff for 5xx answers, 429 and network errors, a size limit (checked
against Content-Length and again while reading), TLS certificates verified. A bearer
token is read from an environment variable (never the command line), is sent only to
the origin (scheme, host and port) of the URL given on the command line, only over
HTTPS or to this machine, and appears in no message, log or ledger row; neither do
user names, passwords or query strings in URLs. A proxy is taken from ``HTTPS_PROXY``
(and ``NO_PROXY``), as other tools do; a certificate authority of the ICB's own network
from ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import json
import os
import time
import unicodedata
from collections.abc import Iterator, Sequence
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


@dataclass(frozen=True)
class Settings:
    """Limits for reading sources."""

    max_size: int = 20 * 1024 * 1024
    """The largest file taken as a return, in bytes; a return CSV is about 30 KB, the workbook about 200 KB."""
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    """Seconds to wait for each piece of an answer."""
    deadline: float = 300.0
    """Seconds a whole file may take to arrive, however steadily it trickles."""
    retries: int = 3
    """Attempts after the first, for 5xx answers, 429 and network errors."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled before each next one."""
    token_env: str = DEFAULT_TOKEN_ENV


@dataclass(frozen=True)
class Received:
    """A file to collect: one on disk (``path``), or one fetched (``data``, already in memory)."""

    location: str
    """Where it came from, as messages and the ledger show it: a path, or a URL without credentials."""
    file_name: str
    received_at: str
    """ISO 8601 UTC, to the second."""
    path: Path | None = None
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


def safe_name(name: str) -> str:
    """A file name safe to show and keep: its last path part, printable, not hidden, at most 120 characters."""
    last = name.replace("\\", "/").rstrip("/").split("/")[-1]
    last = "".join(c for c in unicodedata.normalize("NFC", last) if c.isprintable())
    last = last.strip().lstrip(".").strip()
    return last[:120] or "return"


# --- folders and files ----------------------------------------------------------------------------------


def gather_local(source: str, settings: Settings, exclude: Sequence[Path] = ()) -> Iterator[Found]:
    """The files of a folder (recursively, sorted by path) or a single file."""
    root = Path(source)
    excluded = {p.resolve() for p in exclude}
    if root.is_file():
        yield _local_file(root, settings)
        return
    if not root.is_dir():
        yield SourceProblem(source, "no such file or folder")
        return
    errors: list[OSError] = []
    for folder, folders, files in os.walk(root, onerror=errors.append):
        here = Path(folder)
        folders[:] = sorted(d for d in folders if not d.startswith((".", "~")) and (here / d).resolve() not in excluded)
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in IGNORED_FILES:
                continue  # hidden files, Office's lock files, Windows' thumbnails: never returns
            yield _local_file(here / name, settings)
    for error in errors:
        yield SourceProblem(str(error.filename or source), f"cannot read this folder ({error.strerror or error})")


def _local_file(path: Path, settings: Settings) -> Found:
    try:
        info = path.stat()
    except OSError as error:
        return SourceProblem(str(path), f"cannot read this file ({error.strerror or error})")
    if info.st_size > settings.max_size:
        return Refused(str(path), safe_name(path.name), info.st_size)
    received = utc_text(dt.datetime.fromtimestamp(info.st_mtime, dt.UTC))
    return Received(str(path), safe_name(path.name), received, path=path)


# --- HTTP(S) ----------------------------------------------------------------------------------------------


def display_url(url: str) -> str:
    """A URL as shown and recorded: no user name or password, no query string, no fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    query = "…" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


class Fetcher:
    """Fetches files over HTTP(S) with timeouts, retries, a size limit and, where allowed, the bearer token."""

    def __init__(self, settings: Settings, sleep: Any = time.sleep) -> None:
        import httpx  # imported here: only HTTP sources need it

        self.httpx = httpx
        self.settings = settings
        self.sleep = sleep
        self.token = os.environ.get(settings.token_env, "").strip() or None
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        )
        self.client = httpx.Client(
            timeout=timeout, verify=True, follow_redirects=True, max_redirects=5, trust_env=True
        )  # trust_env: a proxy from HTTPS_PROXY and NO_PROXY, extra certificate authorities from SSL_CERT_FILE

    def close(self) -> None:
        self.client.close()

    def headers_for(self, url: str, origin_url: str) -> dict[str, str]:
        headers = {"User-Agent": "gp-quality-safety-toolkit collect", "Accept": "*/*"}
        if (
            self.token
            and _origin(url) == _origin(origin_url)
            and (url.lower().startswith("https://") or _loopback(url))
        ):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, url: str, origin_url: str) -> Fetched:
        """The body of ``url``; FetchError or TooLarge when it cannot be had."""
        httpx = self.httpx
        attempts = self.settings.retries + 1
        reason = ""
        for attempt in range(attempts):
            wait = self.settings.backoff * 2**attempt
            try:
                return self._get_once(url, origin_url)
            except _Retry as retry:
                reason = retry.reason
                if retry.after is not None:
                    wait = min(max(wait, retry.after), 60.0)
            except httpx.TimeoutException:
                reason = "the server took too long to answer"
            except httpx.RemoteProtocolError:
                reason = "the server closed the connection before the file was complete"
            except httpx.ConnectError as error:
                reason = f"could not connect ({_cause(error)})"
            except httpx.TransportError as error:
                reason = f"the connection failed ({type(error).__name__})"
            except httpx.HTTPError as error:
                raise FetchError(f"the request failed ({type(error).__name__})") from None
            if attempt + 1 < attempts:
                self.sleep(wait)
        plural = "s" if attempts != 1 else ""
        raise FetchError(f"{reason} (tried {attempts} time{plural})")

    def _get_once(self, url: str, origin_url: str) -> Fetched:
        httpx = self.httpx
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=self.headers_for(url, origin_url)) as response:
                status = response.status_code
                if status >= 500 or status == 429:
                    raise _Retry(f"the server answered {status} {response.reason_phrase}", _retry_after(response))
                if status >= 400:
                    hint = " (is the token right?)" if status in (401, 403) else ""
                    raise FetchError(f"the server answered {status} {response.reason_phrase}{hint}")
                if status != 200:
                    raise FetchError(f"the server answered {status} {response.reason_phrase}, not the file")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.settings.max_size:
                    raise TooLarge(int(declared))
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.settings.max_size:
                        raise TooLarge(len(body))
                    if time.monotonic() - started > self.settings.deadline:
                        raise httpx.ReadTimeout("deadline passed")
                return Fetched(bytes(body), response.headers.get("last-modified"))
        except httpx.TooManyRedirects:
            raise FetchError("the server redirected too many times") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise FetchError("not an http:// or https:// address") from None


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _cause(error: Exception) -> str:
    text = str(error)
    return text.split("] ", 1)[-1] if text else type(error).__name__


def _received_at(declared: Any, last_modified: str | None) -> str:
    if isinstance(declared, str) and declared:
        try:
            moment = dt.datetime.fromisoformat(declared.replace("Z", "+00:00"))
            return utc_text(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
        except ValueError:
            pass
    if last_modified:
        try:
            return utc_text(email.utils.parsedate_to_datetime(last_modified))
        except (TypeError, ValueError):
            pass
    return utc_text(dt.datetime.now(dt.UTC))


def index_entries(data: bytes) -> list[Any] | None:
    """The entries of a JSON index, or None when ``data`` is not an index (a return, say)."""
    head = data[:64].lstrip()
    if not head.startswith((b"{", b"[")):
        return None
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict) and parsed.get("format") != JSON_FORMAT and isinstance(parsed.get("returns"), list):
        return list(parsed["returns"])
    return None


def gather_url(url: str, fetcher: Fetcher) -> Iterator[Found]:
    """The file at ``url``, or every file its JSON index lists."""
    shown = display_url(url)
    if fetcher.token and url.lower().startswith("http://") and not _loopback(url):
        yield SourceProblem(
            shown, "the token is sent only over https://; this address is fetched without it", "warning"
        )
    try:
        fetched = fetcher.get(url, url)
    except FetchError as error:
        yield SourceProblem(shown, str(error))
        return
    except TooLarge as large:
        yield Refused(shown, safe_name(unquote(urlsplit(url).path)), large.size)
        return
    entries = index_entries(fetched.data)
    if entries is None:
        name = safe_name(unquote(urlsplit(url).path))
        yield Received(shown, name, _received_at(None, fetched.last_modified), data=fetched.data)
        return
    for number, entry in enumerate(entries, start=1):
        yield from _index_entry(url, number, entry, fetcher)


def _index_entry(index_url: str, number: int, entry: Any, fetcher: Fetcher) -> Iterator[Found]:
    where = f"{display_url(index_url)} entry {number}"
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or not entry["url"].strip():
        yield SourceProblem(where, "an index entry must be a URL, or an object with a 'url'")
        return
    url = urljoin(index_url, entry["url"].strip())
    if not is_url(url):
        yield SourceProblem(where, "the entry's 'url' is not an http:// or https:// address")
        return
    given = entry.get("name")
    raw_name = given if isinstance(given, str) and given.strip() else unquote(urlsplit(url).path)
    name = safe_name(raw_name)
    if isinstance(given, str) and given.strip() and name != given.strip():
        yield SourceProblem(where, f"the name {given!r} is not a plain file name; it is kept as {name!r}", "warning")
    shown = display_url(url)
    try:
        fetched = fetcher.get(url, index_url)
    except FetchError as error:
        yield SourceProblem(shown, str(error))
        return
    except TooLarge as large:
        yield Refused(shown, name, large.size)
        return
    yield Received(shown, name, _received_at(entry.get("received_at"), fetched.last_modified), data=fetched.data)


def too_large_text(size: int, settings: Settings) -> tuple[str, str]:
    """(the file's size, the limit), as the too_large message gives them."""
    return size_text(size), size_text(settings.max_size)
