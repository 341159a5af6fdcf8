"""toolkit serve: build the site, serve it on this machine, and show each change as soon as its pages are built.

Watches standards/, content/, site_templates/ and mkdocs.yml. After a change the pages are
built first and the browser reloads on them; the forms of the changed editions are brought
up to date afterwards, in the background, while the downloads page says so. A change with a
problem keeps the last good preview on show, with the problems over it in the browser (and
in the terminal) as path:line:column: message. The preview is built into build/preview/
(never into site/), drafts included unless --published-only is given. Stop with Ctrl+C.

Example:
    toolkit serve
    toolkit serve --port 8080
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from .arguments import whole


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--port", type=whole(0, 65535), default=8000, help="the port to serve on (default: 8000; 0 picks a free one)"
    )
    parser.add_argument("--published-only", action="store_true", help="leave draft editions out, as toolkit build does")


def run(args: argparse.Namespace) -> int:
    from ..outputs import not_replaceable
    from ..overlay_sources import site_sources
    from ..site.build import BuildOptions
    from ..site.serve import Preview
    from .build import print_result

    site = Path("build/preview/site")
    not_ours = not_replaceable(site, "site")
    if not_ours:
        print(f"toolkit serve: {site}: {not_ours}", file=sys.stderr)
        return 1
    sources = site_sources(args.standards.parent)  # an ICB's project made by toolkit init uses the toolkit's own
    options = BuildOptions(
        standards=args.standards,
        site=site,
        work=Path("build/preview/work"),
        include_drafts=not args.published_only,
        config=sources.config,
        content=sources.content,
        templates=sources.templates,
    )
    try:
        preview = Preview(options, port=args.port, on_build=lambda result: print_result(result, site))
    except OSError as error:
        print(f"cannot serve on port {args.port}: {error.strerror}", file=sys.stderr)
        return 1
    print(
        f"Serving the site at {preview.url} ; a change to the standards, content/, site_templates/ or "
        "mkdocs.yml shows as soon as its pages are built, and the forms follow. Press Ctrl+C to stop.",
        file=sys.stderr,
        flush=True,
    )
    stop = threading.Event()
    try:
        preview.watch(stop)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    return 0
