"""Checking that outside links still work.

National guidance moves every year. :func:`find_links` finds every http(s) link in the
standards (every edition's YAML, Markdown text included) and in ``content/*.md``, each with
its file, line and column; :func:`check_links` asks each distinct address once, many at a
time (with a bound), with a timeout, following redirects; :func:`link_problems` turns the
answers into problems:

* a link that ends in an error status, times out or cannot connect is an error;
* a link that was permanently redirected (301 or 308) is a warning: update it to where it went.

Answers are cached in ``.cache/links.json`` for an hour, so a second run within the hour
asks nothing again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from .load import display
from .problems import Problem

URL = re.compile(r"""https?://[^\s<>"'`\]}|\\]+""")
TRAILING = ".,;:!?*_~"
"""Punctuation that ends a sentence rather than an address."""

CACHE_SECONDS = 3600
CONCURRENCY = 8
TIMEOUT_SECONDS = 10.0
PERMANENT = (301, 308)
USER_AGENT = "gp-quality-safety-toolkit link checker (+https://www.england.nhs.uk/)"


@dataclass(frozen=True)
class FoundLink:
    """An outside link and where it is written."""

    url: str
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class LinkResult:
    """What asking for one address gave."""

    url: str
    status: int | None
    """The final HTTP status, or None when no answer came."""
    reason: str
    """The status's phrase, or what went wrong ('timed out after 10 s')."""
    final_url: str = ""
    """Where redirects ended, when there were any."""
    redirects: tuple[int, ...] = ()
    """The status of each redirect followed."""
    checked_at: float = 0.0

    @property
    def broken(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def moved_permanently(self) -> bool:
        return any(status in PERMANENT for status in self.redirects)


def _clean(url: str) -> str:
    url = url.rstrip(TRAILING)
    # A closing bracket belongs to the address only if the address opened one.
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(TRAILING)
    return url


def links_in(text: str, path: str) -> list[FoundLink]:
    """Every http(s) address in ``text``, with its line and column (from 1)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in URL.finditer(line):
            url = _clean(match.group(0))
            if "." in url.split("/")[2]:
                found.append(FoundLink(url, path, number, match.start() + 1))
    return found


def find_links(standards: Path, content: Path | None = None) -> list[FoundLink]:
    """Every outside link in the standards (all editions) and in the content pages."""
    files = sorted(standards.glob("*/*.y*ml")) + sorted(standards.glob("*/domains/*.y*ml"))
    if content is not None and content.is_dir():
        files += sorted(content.rglob("*.md"))
    found: list[FoundLink] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # toolkit check reports unreadable standards
        found += links_in(text, display(file))
    return found


# --- asking -------------------------------------------------------------------------------------------


async def _ask(client: httpx.AsyncClient, url: str, bound: asyncio.Semaphore, timeout: float, now: float) -> LinkResult:
    async with bound:
        try:
            async with client.stream("GET", url) as response:
                redirects = tuple(r.status_code for r in response.history)
                final = str(response.url) if response.history else ""
                return LinkResult(url, response.status_code, response.reason_phrase, final, redirects, now)
        except httpx.TimeoutException:
            return LinkResult(url, None, f"timed out after {timeout:g} s", checked_at=now)
        except httpx.TooManyRedirects:
            return LinkResult(url, None, "too many redirects", checked_at=now)
        except httpx.HTTPError as error:
            reason = str(error) or type(error).__name__
            return LinkResult(url, None, f"could not connect: {reason}", checked_at=now)


async def _ask_all(
    urls: Sequence[str], concurrency: int, timeout: float, trust_env: bool, now: float
) -> list[LinkResult]:
    bound = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        follow_redirects=True,
        timeout=httpx.Timeout(timeout),
        limits=limits,
        headers={"User-Agent": USER_AGENT},
        trust_env=trust_env,
    ) as client:
        return list(await asyncio.gather(*(_ask(client, url, bound, timeout, now) for url in urls)))


# --- the cache ---------------------------------------------------------------------------------------


def read_cache(path: Path, now: float, max_age: float = CACHE_SECONDS) -> dict[str, LinkResult]:
    """Answers in the cache younger than ``max_age`` seconds; an unreadable cache is an empty one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        results = {}
        for url, fields in data.items():
            result = LinkResult(
                url=str(fields["url"]),
                status=None if fields["status"] is None else int(fields["status"]),
                reason=str(fields["reason"]),
                final_url=str(fields.get("final_url", "")),
                redirects=tuple(int(s) for s in fields.get("redirects", ())),
                checked_at=float(fields["checked_at"]),
            )
            if 0 <= now - result.checked_at < max_age:
                results[url] = result
        return results
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_cache(path: Path, results: Iterable[LinkResult]) -> None:
    """Write the answers to the cache, replacing it whole (a half-written cache is never read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(json.dumps({r.url: asdict(r) for r in results}, indent=1), encoding="utf-8")
    staging.replace(path)


def check_links(
    urls: Iterable[str],
    cache: Path | None = None,
    *,
    concurrency: int = CONCURRENCY,
    timeout: float = TIMEOUT_SECONDS,
    max_age: float = CACHE_SECONDS,
    trust_env: bool = True,
    now: float | None = None,
) -> dict[str, LinkResult]:
    """Ask each distinct address once (or take its answer from a fresh cache); answers by address."""
    moment = time.time() if now is None else now
    wanted = list(dict.fromkeys(urls))
    cached = read_cache(cache, moment, max_age) if cache else {}
    to_ask = [u for u in wanted if u not in cached]
    asked = asyncio.run(_ask_all(to_ask, concurrency, timeout, trust_env, moment)) if to_ask else []
    results = {**cached, **{r.url: r for r in asked}}
    if cache is not None and asked:
        write_cache(cache, results.values())
    return {u: results[u] for u in wanted}


def link_problems(found: Iterable[FoundLink], results: dict[str, LinkResult]) -> list[Problem]:
    """A problem for each place a broken or permanently moved link is written."""
    problems = []
    for link in found:
        result = results.get(link.url)
        if result is None:
            continue
        status = f"{result.status} {result.reason}".strip() if result.status is not None else result.reason
        if result.broken:
            via = f" (after a redirect to {result.final_url})" if result.final_url else ""
            problems.append(Problem(link.path, link.line, link.column, f"{status}: {link.url}{via}"))
        elif result.moved_permanently:
            moved = next(s for s in result.redirects if s in PERMANENT)
            problems.append(
                Problem(
                    link.path,
                    link.line,
                    link.column,
                    f"{moved} moved permanently: {link.url} now redirects to {result.final_url}; update the link",
                    "warning",
                )
            )
    return problems
