"""The built-HTML guard: every kind of script a page could carry is found, with its page and line, and
clean pages (the theme's own scripts included) pass; a build whose pages carry one is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_site_support import ROOT, add_edition, options, tree

from generator.site.build import build
from generator.site.htmlguard import (
    Violation,
    known_inline_scripts,
    needs_a_whole_look,
    scan_page,
    scan_site,
    scripts_only,
)
from generator.site.mkdocs_build import SiteBuilderFailed, build_site

THEME_TEMPLATE = """\
{#- a theme template -#}
<script>__md_scope=new URL("{{ base_url }}",location),__md_get=(e)=>e</script>
"""

CLEAN = """\
<!doctype html>
<html><head>
<script src="{up}assets/toolkit/shim.js"></script>
<script>__md_scope=new URL("{base}",location),__md_get=(e)=>e</script>
</head><body>
<a href="javascript:void(0)" data-md-component="search-share">share</a>
<article class="md-content__inner md-typeset">
<h1 id="t" class="c">Title</h1>
<p><a href="https://example.org" title="javascript: the basics">x</a> <a href="mailto:a@example.org">a</a>
<a href="{up}other.html#x">page</a> <img alt="data: a chart" src="{up}chart.png" srcset="{up}a.png 1x, {up}b.png 2x"></p>
<form action="https://example.org/send"><button formaction="{up}send.html">Send</button></form>
<p>Plain text: onclick=alert(1) and javascript:alert(1) are only words here.</p>
</article>
<script id="__config" type="application/json">{{"base": "{base}"}}</script>
<script src="{root}assets/javascripts/bundle.js"></script>
</body></html>
"""

BAD = {
    "handler.html": '<p>\n<a href="https://example.org" onmouseover="alert(1)">x</a>\n<h2 ONCLICK=alert(1)>T</h2>\n',
    "addresses.html": (
        '<a href="java&#x09;script:alert(1)">a</a>\n'
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">\n'
        '<form action="JavaScript:alert(1)"><button formaction=" vbscript:x">b</button></form>\n'
        '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>\n'
        '<img src="a.png" srcset="a.png 1x, data:image/png;base64,AA 2x">\n'
        '<meta http-equiv="Refresh" content="0; url=javascript:alert(1)">\n'
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>\n'
    ),
    "domains/scripts.html": (
        '<script src="https://example.org/x.js"></script>\n'
        '<script src="../evil.js"></script>\n'
        '<script src="../assets/toolkit/missing.js"></script>\n'
        "<script>alert(1)</script>\n"
        '<script type="module">import("x")</script>\n'
        '<script src="data:text/javascript,alert(1)"></script>\n'
        '<script src="/elsewhere/assets/toolkit/shim.js"></script>\n'
    ),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A tiny built site: clean pages at two depths, one page of each kind of violation, and asset files."""
    site = tmp_path / "out"
    for relative in ("assets/toolkit/shim.js", "assets/javascripts/bundle.js", "evil.js"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text('document.body.setAttribute("onclick", "javascript:alert(1)")')
    (site / "index.html").write_text(CLEAN.format(up="", base=".", root=""))
    (site / "domains").mkdir()
    (site / "domains/clean.html").write_text(CLEAN.format(up="../", base="..", root="/ed/"))
    for name, text in BAD.items():
        (site / name).write_text(text)
    return site


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "theme"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials/base.html").write_text(THEME_TEMPLATE)
    return folder


def test_the_guard_finds_exactly_each_violation_with_its_page_and_line(site: Path, templates: Path) -> None:
    found = [(v.page, v.line, v.what) for v in scan_site(site, [templates], root_path="/ed/")]
    assert found == [
        ("addresses.html", 1, "a javascript: address ('href' on <a>)"),
        ("addresses.html", 2, "a data: address ('src' on <img>)"),
        ("addresses.html", 3, "a javascript: address ('action' on <form>)"),
        ("addresses.html", 3, "a vbscript: address ('formaction' on <button>)"),
        ("addresses.html", 4, "a javascript: address ('xlink:href' on <a>)"),
        ("addresses.html", 5, "a data: address ('srcset' on <img>)"),
        ("addresses.html", 6, "a javascript: address (a <meta> refresh)"),
        ("addresses.html", 7, "a page inside an attribute ('srcdoc' on <iframe>)"),
        ("domains/scripts.html", 1, "a script that is not one of the site's own ('https://example.org/x.js')"),
        ("domains/scripts.html", 2, "a script that is not one of the site's own ('../evil.js')"),
        ("domains/scripts.html", 3, "a script that is not one of the site's own ('../assets/toolkit/missing.js')"),
        ("domains/scripts.html", 4, "an inline script the theme does not write ('alert(1)')"),
        ("domains/scripts.html", 5, "an inline script the theme does not write ('import(\"x\")')"),
        ("domains/scripts.html", 6, "a data: address ('src' on <script>)"),
        ("domains/scripts.html", 6, "a script that is not one of the site's own ('data:text/javascript,alert(1)')"),
        ("domains/scripts.html", 7, "a script that is not one of the site's own ('/elsewhere/assets/toolkit/shim.js')"),
        ("handler.html", 2, "an event handler ('onmouseover' on <a>)"),
        ("handler.html", 3, "an event handler ('onclick' on <h2>)"),
    ]


def test_clean_pages_pass(site: Path, templates: Path) -> None:
    pages = {v.page for v in scan_site(site, [templates], root_path="/ed/")}
    assert pages == set(BAD)


def test_an_inline_script_passes_only_when_the_theme_writes_it(templates: Path) -> None:
    known = known_inline_scripts((templates,))
    theirs = '<script>__md_scope=new URL("../..",location),__md_get=(e)=>e</script>'
    changed = '<script>__md_scope=new URL("..",location),__md_get=(e)=>e;alert(1)</script>'
    escaped = '<script>__md_scope=new URL("",alert(1),"",location),__md_get=(e)=>e</script>'
    assert scan_page(theirs, "p.html", None, known) == []
    assert [v.what for v in scan_page(changed + escaped, "p.html", None, known)] == [
        "an inline script the theme does not write ('__md_scope=new URL(\"..\",location),__md_get=(e)=>e;alert(1)')",
        'an inline script the theme does not write (\'__md_scope=new URL("",alert(1),"",location),__md_get=(e)=>e\')',
    ]


def test_a_theme_script_passes_only_without_a_script_address_among_its_values(tmp_path: Path) -> None:
    (tmp_path / "redirect.html").write_text('<script>window.location.replace(["{{ page.meta.location }}"])</script>')
    known = known_inline_scripts((tmp_path,))
    assert scan_page('<script>window.location.replace(["../new.html"])</script>', "p.html", None, known) == []
    assert [
        v.what
        for v in scan_page('<script>window.location.replace(["JavaScript:alert(1)"])</script>', "p.html", None, known)
    ] == ["an inline script the theme does not write ('window.location.replace([\"JavaScript:alert(1)\"])')"]


def test_a_script_left_open_at_the_end_of_a_page_is_found() -> None:
    assert [v.what for v in scan_page("<p>x</p><script>alert(1)", "p.html")] == [
        "an inline script the theme does not write ('alert(1)')"
    ]


def test_the_message_names_the_page_and_line() -> None:
    violation = Violation("domains/a/index.html", 12, "an event handler ('onclick' on <a>)")
    assert violation.message == (
        "the built page domains/a/index.html has an event handler ('onclick' on <a>) at line 12; nothing was "
        "published: find the Markdown or template that made it and remove it"
    )


# Through the site builder ----------------------------------------------------------------------


def _project(folder: Path, page: str) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs/index.md").write_text("# Home\n\nA clean page.\n")
    (folder / "docs/other.md").write_text(page)
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: Guard test\nsite_url: https://example.org/ed/\ntheme:\n  name: material\n  font: false\n"
        f"docs_dir: {folder / 'docs'}\nsite_dir: {folder / 'out'}\nuse_directory_urls: false\n"
    )
    return config


def _line_of(page: Path, text: str) -> int:
    return next(n for n, line in enumerate(page.read_text().splitlines(), 1) if text in line)


def test_a_built_page_with_script_fails_the_site_build_naming_the_page(tmp_path: Path) -> None:
    config = _project(tmp_path, '# Other\n\n<p><a href="#" onclick="alert(1)">x</a></p>\n')
    with pytest.raises(SiteBuilderFailed) as failed:
        build_site(config)
    line = _line_of(tmp_path / "out/other.html", "onclick=")
    assert failed.value.messages == [Violation("other.html", line, "an event handler ('onclick' on <a>)").message]


def test_a_clean_site_passes_the_site_build(tmp_path: Path) -> None:
    build_site(_project(tmp_path, "# Other\n\nA [link](index.md) and <https://example.org>.\n"))
    assert (tmp_path / "out/other.html").is_file()


def test_toolkit_build_refuses_a_page_with_script_and_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    """A content folder given to the build is checked as toolkit check checks content/: the page never reaches
    the site. (Were the check to miss it, the scan of the built pages would refuse it: the tests above.)"""
    add_edition(tmp_path / "standards", "2030-31")
    assert build(options(tmp_path)).problems == []
    before = tree(tmp_path / "site")
    pages = tmp_path / "pages"
    shutil.copytree(ROOT / "content", pages)
    (pages / "about.md").write_text('# About\n\n<p onmouseover="alert(1)">Hover</p>\n')
    result = build(options(tmp_path, content=pages))
    assert [(p.path, p.line, p.column, p.message) for p in result.problems] == [
        (str(pages / "about.md"), 3, 1, "raw HTML is not allowed ('<p'...): write plain Markdown instead")
    ]
    assert tree(tmp_path / "site") == before


def test_built_pages_that_cannot_be_read_fail_the_site_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site import mkdocs_build

    def unreadable(*args: object) -> list[Violation]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(mkdocs_build, "scan_site", unreadable)
    with pytest.raises(SiteBuilderFailed) as failed:
        build_site(_project(tmp_path, "# Other\n"))
    assert failed.value.messages == ["could not read the built pages to check them: [Errno 13] Permission denied"]


# --- the cheap first look: a page is read tag by tag only when it could matter ----------------------------

FRAGMENTS = [
    "<p>",
    "</p>",
    "\n",
    " ",
    "\t",
    '<a href="',
    '">x</a>',
    "https://example.org",
    "javascript:alert(1)",
    "java\tscript:",
    "JaVaScRiPt:",
    "vbscript:",
    "data:image/png,AA",
    "&#106;",
    "&#x3a;",
    "&#39;",
    "&colon;",
    ' onclick="x"',
    "/onload=x",
    "'onmouseover='x'",
    " ONCLICK = y",
    "<svg/onload=alert(1)>",
    "<script>alert(1)</script>",
    '<script src="assets/toolkit/shim.js"></script>',
    "<script>",
    "<SCRIPT>",
    '<iframe srcdoc="x"></iframe>',
    '<meta http-equiv="refresh" content="0; url=javascript:x">',
    "description",
    'data-md-component="x"',
    "İ",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
@example("<p>İ</p>\n<script>alert(1)</script>")
@example('<a href="java\tscript:alert(1)">x</a>')
@example("<svg/onload=alert(1)>")
def test_the_first_look_never_hides_what_the_whole_look_finds(page: str) -> None:
    """What reading every tag finds, the first look finds too (a script read out of its context may be refused
    where the whole page would not refuse it: stricter, never laxer)."""
    whole = scan_page(page, "p.html")
    looked = scan_page(page if needs_a_whole_look(page) else scripts_only(page), "p.html")
    assert set(whole) <= set(looked)


def test_every_kind_of_violation_asks_for_a_whole_look() -> None:
    lines = [line for name in ("handler.html", "addresses.html") for line in BAD[name].splitlines() if line.strip()]
    assert lines and all(needs_a_whole_look(line) for line in lines if scan_page(line, "p.html")), lines


def test_scripts_keep_their_lines() -> None:
    page = '<p>one</p>\n<p>two</p>\n<script>alert(1)</script>\n<p>four</p>\n<script src="x.js"></script>\n'
    assert not needs_a_whole_look(page)
    assert scan_page(scripts_only(page), "p.html") == scan_page(page, "p.html")
    assert [v.line for v in scan_page(page, "p.html")] == [3, 5]
