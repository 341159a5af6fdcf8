"""An editor's preview: serve the built site on this machine, and build again when a source file changes.

The sources watched are the standards, the hand-written pages, the templates and mkdocs.yml.
Changes are noticed by polling file times and sizes (no extra dependency, works on network
drives); each rebuild is the ordinary atomic build, so a change with a problem keeps the last
good site on show while the problems are printed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .build import BuildOptions, BuildResult, build

Snapshot = dict[str, tuple[int, int]]


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Every file under ``paths`` (files or folders) with its modification time and size."""
    seen: Snapshot = {}
    for root in paths:
        candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in candidates:
            try:
                stat = path.stat()
            except OSError:
                continue
            seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Preview:
    """A site built from ``options``, served on ``host``:``port`` (0 picks a free port)."""

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int = 8000,
        on_build: Callable[[BuildResult], None] = lambda result: None,
    ) -> None:
        self.options = options
        self.on_build = on_build
        self.watched = [options.standards, options.content, options.templates, options.config]
        self._seen = snapshot(self.watched)
        self.last = self._build()
        options.site.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(options.site.resolve()))
        self._server = ThreadingHTTPServer((host, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def _build(self) -> BuildResult:
        result = build(self.options)
        self.on_build(result)
        return result

    def poll(self) -> BuildResult | None:
        """Build again if any watched file changed since the last look; the new result, or None."""
        now = snapshot(self.watched)
        if now == self._seen:
            return None
        self._seen = now
        self.last = self._build()
        return self.last

    def watch(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set."""
        while not stop.wait(interval):
            self.poll()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
