"""Pages at ``<edition>/…`` that send a reader to the same page of the current edition at the site's root.

Every edition has a stable address, ``<edition>/``: the current edition's pages are built at
the root (where feedback and emails link), and its ``<edition>/`` pages lead there, keeping
the part of the address after ``#``. When a later edition is published, the folder is built
as an archived edition instead, so old links keep working.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
<script>location.replace({target_js} + location.hash)</script>
</head>
<body>
<main>
<p>{title} is the current edition. This page is now at <a href="{target}">{target}</a>.</p>
</main>
</body>
</html>
"""


def redirect_pages(built_root: Path, edition_title: str) -> Iterator[tuple[str, bytes]]:
    """For each page of the site built at ``built_root``: its path, and a page at ``<edition>/<path>`` leading to it."""
    for page in sorted(built_root.rglob("*.html")):
        relative = page.relative_to(built_root).as_posix()
        if relative == "404.html":
            continue
        target = "../" * (relative.count("/") + 1) + relative
        yield (
            relative,
            _PAGE.format(
                title=html.escape(edition_title),
                target=html.escape(target),
                target_js=json.dumps(target).replace("<", "\\u003c"),
            ).encode(),
        )
