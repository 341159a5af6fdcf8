"""An editor's preview: serve the built site on this machine, showing an edit as soon as its pages are built.

The sources watched are the standards, the hand-written pages, the templates, mkdocs.yml and toolkit.yml.
Changes are noticed by polling file times and sizes (no extra dependency, works on network
drives). After a change:

1. the pages are built at once, with the forms made last (``reuse_forms``): the browser
   reloads on the new pages while the downloads page says the forms are being updated. Only
   the editions whose pages changed are built again, and in them only the pages whose
   Markdown changed are converted; the rest of the last build is reused (``mkdocs_build.py``),
   so the site is the same as a build from nothing makes;
2. the forms of the changed editions are brought up to date in the background, on processes
   kept for the whole preview (so WeasyPrint is loaded once), laying out only the parts the
   change touched (``generator/forms/printed.py``);
3. when they are made, and nothing changed meanwhile, the site is built again with them.

Each build is the ordinary atomic build, so a change with a problem keeps the last good site
on show; its problems are printed, and shown in the browser over the page, each as
``path:line:column: message``. Every HTML page served carries one small script of the
preview's own (not in the built site) that asks the preview what it is doing and reloads the
page after each build.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..forms.workers import Workers, available_cores
from ..settings import settings_path
from .build import EDITION_CONFIG, BuildOptions, BuildResult, build, make_forms
from .mkdocs_build import warm_up

Snapshot = dict[str, tuple[int, int]]

PREVIEW_PATH = "/.toolkit-preview/"
"""Where the preview answers for itself: ``status`` (JSON) and ``preview.js``; no built file is there."""
SCRIPT = Path(__file__).with_name("preview.js")


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


@dataclass
class Status:
    """What the preview is doing, as the browser is told it."""

    generation: int = 0
    """Counts the builds that changed the site: the browser reloads when it moves on."""
    problems: list[str] = field(default_factory=list)
    """The last build's errors, as path:line:column: message; empty when it built."""
    forms_updating: bool = False
    """True while the forms are brought up to date after a change."""

    def as_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self)).encode()


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site, with the preview's script in every page and its status beside it."""

    def __init__(self, *args: Any, status: Callable[[], Status], **kwargs: Any) -> None:
        self._status = status
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == PREVIEW_PATH + "status":
            self._send(self._status().as_json(), "application/json")
        elif path == PREVIEW_PATH + "preview.js":
            self._send(SCRIPT.read_bytes(), "text/javascript")
        elif path.endswith((".html", "/")):
            page = Path(self.translate_path(self.path))
            page = page / "index.html" if page.is_dir() else page
            try:
                html = page.read_bytes()
            except OSError:
                super().do_GET()
                return
            tag = f'<script src="{PREVIEW_PATH}preview.js" defer></script>'.encode()
            self._send(html.replace(b"</body>", tag + b"</body>", 1), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class Preview:
    """A site built from ``options``, served on ``host``:``port`` (0 picks a free port).

    With the toolkit's own forms (``options.downloads`` None), a change is shown with the
    forms made last, and the forms are made in the background (``jobs`` processes, default
    one per core); with other downloads, each change is one whole build.
    """

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int = 8000,
        on_build: Callable[[BuildResult], None] = lambda result: None,
        jobs: int | None = None,
    ) -> None:
        self.options = options
        self.on_build = on_build
        self.two_steps = options.downloads is None
        self.quick = dataclasses.replace(options, reuse_forms=True) if self.two_steps else options
        self.watched = [options.standards, options.content, options.templates, options.config]
        self.watched.append(settings_path(options.standards.parent))  # the ICB's settings, toolkit.yml
        self.status = Status()
        self._lock = threading.Lock()
        self._workers = Workers(jobs or options.jobs or available_cores())
        self._forms: threading.Thread | None = None
        self._forms_made: list[str] | None = None
        self._unplaced: list[str] = []
        self._forms_for: Snapshot = {}
        self._seen = snapshot(self.watched)
        self.last = self._build(self.quick)
        # The first build may have built the editions on other processes: the site builder is imported here now,
        # not on the first edit.
        for config in sorted(options.work.glob(f"*/{EDITION_CONFIG}"))[:1]:
            warm_up(config)
        options.site.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_Handler, directory=str(options.site.resolve()), status=self._status)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def _status(self) -> Status:
        with self._lock:
            return dataclasses.replace(self.status, problems=list(self.status.problems))

    def _build(self, options: BuildOptions) -> BuildResult:
        result = build(options)
        with self._lock:
            if result.ok:
                self.status.problems = []
                if not result.up_to_date:
                    self.status.generation += 1
            else:
                self.status.problems = [p.format() for p in result.problems if p.severity == "error"]
        self.on_build(result)
        if result.ok and options is self.quick and self.two_steps:
            self._start_forms()
        return result

    def _start_forms(self) -> None:
        """Make the forms of the content as it is now, in the background (after the one making them ends)."""
        unplaced: list[str] = []
        if self._forms is not None:
            self._forms.join()
            # Forms the last run made but no build has put in the site yet (a save came first): the site still
            # shows those made before them, so the build after this run must put them in, even if it makes none.
            unplaced = self._forms_made or []
        self._forms_for, self._forms_made = self._seen, None
        self._unplaced = unplaced
        with self._lock:
            self.status.forms_updating = True
        self._forms = threading.Thread(target=self._make_forms, daemon=True)
        self._forms.start()

    def _make_forms(self) -> None:
        made: list[str] = []
        try:
            made = make_forms(self.options, self._workers)
        finally:
            made = sorted({*self._unplaced, *made})
            self._forms_made = made
            if not made:
                with self._lock:
                    self.status.forms_updating = False

    def poll(self) -> BuildResult | None:
        """Build again if any watched file changed since the last look, or put newly made forms in place;
        the new result, or None."""
        now = snapshot(self.watched)
        if now != self._seen:
            self._seen = now
            self.last = self._build(self.quick)
            return self.last
        forms = self._forms
        if forms is None or forms.is_alive() or self._forms_made is None:
            return None
        made, self._forms, self._forms_made = self._forms_made, None, None
        if not made or self._forms_for != now:
            return None
        self.last = self._build(self.options)  # the forms are all made now: this builds the pages that list them
        with self._lock:
            self.status.forms_updating = False
        return self.last

    def watch(self, stop: threading.Event, interval: float = 0.1) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set (a look at the sources takes a few milliseconds)."""
        while not stop.wait(interval):
            self.poll()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        if self._forms is not None:
            self._forms.join()
        self._workers.close()
