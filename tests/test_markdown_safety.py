"""Only the allowed Markdown: what ``toolkit check`` refuses, where it says it is, and that what it lets
through makes no script when the site renders it.

The broken YAML cases (``tests/broken/domains/*``) hold the exact messages for the standards' fields;
these tests hold the hand-written pages' exact places, the address rules, and a property: any text is
either refused, or rendered by the site's own Markdown pipeline into HTML with no event handler and no
``javascript:``, ``data:`` or ``vbscript:`` address.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import markdown_safety
from generator.check import check, check_content
from generator.markdown_safety import findings, render, scheme_of, source_findings

ROOT = Path(__file__).parent.parent
SCRIPT = "links must be http or https addresses, not scripts or data"


# The pipeline ----------------------------------------------------------------------------------


def test_the_check_renders_with_the_extensions_of_mkdocs_yml() -> None:
    class _Loader(yaml.SafeLoader):
        """mkdocs.yml is plain YAML; a tag would be a surprise worth failing on."""

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert tuple(names) == markdown_safety.EXTENSIONS


# Addresses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JaVaScRiPt:alert(1)", "javascript"),
        ("JaVa\tScRiPt:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("java&#x09;script:alert(1)", "javascript"),
        ("java&#9;script:alert(1)", "javascript"),
        ("&#106;avascript&colon;alert(1)", "javascript"),
        ("&amp;#106;avascript:alert(1)", "javascript"),
        ("\x00 \x01javascript:alert(1)", "javascript"),
        ("java\u200bscript:alert(1)", "javascript"),
        ("java\\script:alert(1)", "javascript"),
        ("  <javascript:alert(1)>", "javascript"),
        ("DATA:text/html,<script>", "data"),
        ("vbscript:msgbox(1)", "vbscript"),
        ("https://example.org/a:b", "https"),
        ("mailto:someone@example.org", "mailto"),
        ("page.md", None),
        ("#anchor", None),
        ("../page.md#a:b", None),
        ("java script:alert(1)", None),  # a space is no part of a scheme, to a browser either
    ],
)
def test_the_scheme_a_browser_would_read(address: str, scheme: str | None) -> None:
    assert scheme_of(address) == scheme


# Hand-written pages ----------------------------------------------------------------------------


PAGE = """\
# About {{ extra.icb_name }}

Write to [{{ extra.icb_email }}](mailto:{{ extra.icb_email }}) or read the
[guidance](https://example.org){ #guidance .note title="National guidance" }.

## Records { OnMouseOver="alert(1)" }

- Policies
    - Safeguarding: see [this][r]

        [r]: JaVa\tScRiPt:alert(1)

> ![Chart](data:image/svg+xml;base64,PHN2Zz4=)

| Item | Link |
|------|------|
| Log  | <img src=x onerror=alert(1)> |

See <vbscript:msgbox(1)> or <https://example.org> or <someone@example.org>.
"""


def test_content_pages_are_checked_at_their_line_and_column(standards: Path) -> None:
    content = standards.parent / "content"
    content.mkdir()
    (content / "about.md").write_text(PAGE, encoding="utf-8")
    (content / "plain.md").write_text("Plain text, with a {{ deadline }} and [a page](about.md).\n", encoding="utf-8")
    _, problems = check(standards)
    assert [p.format() for p in problems] == [
        "content/about.md:6:12: event handlers are not allowed in Markdown ('OnMouseOver' in an attribute list)",
        f"content/about.md:11:14: {SCRIPT}",
        "content/about.md:13:12: links must be http or https addresses, not scripts or data",
        "content/about.md:17:10: raw HTML is not allowed ('<img'...): write plain Markdown instead",
        "content/about.md:19:6: links must be http or https addresses, not scripts or data",
    ]


def test_a_content_page_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_bytes(b"caf\xe9\n")
    assert [p.message for p in check_content(tmp_path)] == ["the page is not UTF-8 text; save it as UTF-8"]


def test_an_oversized_or_unreadable_content_page_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_bytes(b"a" * 2_000_001)
    (tmp_path / "folder.md").mkdir()
    assert sorted(p.message for p in check_content(tmp_path)) == [
        "cannot read the page: Is a directory",
        "the page is larger than 2 MB; split it",
    ]


def test_a_content_folder_that_cannot_be_listed_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def loop(self: Path, pattern: str) -> list[Path]:
        raise OSError(40, "Too many levels of symbolic links")

    monkeypatch.setattr(Path, "rglob", loop)
    assert [p.message for p in check_content(tmp_path)] == ["cannot list the pages: Too many levels of symbolic links"]


def test_the_default_standards_and_content_pass() -> None:
    _, problems = check(ROOT / "standards", ROOT / "content")
    assert problems == []


# Rules -----------------------------------------------------------------------------------------


def _messages(text: str) -> list[str]:
    return [f.message for f in findings(text)]


@pytest.mark.parametrize(
    "text",
    [
        "## Records { #records .important }",
        "Read [this](https://example.org){ title='Guidance' lang=en }.",
        "A paragraph.\n{: .note }",
        "![A chart](charts/a.png){ width=300 height=200 }",
        "See <https://example.org> or <someone@example.org>, or [a page](../about.md#who).",
        "Plain prose may say javascript: or data: and 3 < 4 > 2.",
        '!!! note "Keep it"\n    Inside an admonition.',
        "Term\n:   Its definition, with ~~old~~ text.",
        "| a | b |\n|:--|--:|\n| 1 | [x](https://example.org) |",
    ],
)
def test_ordinary_markdown_passes(text: str) -> None:
    assert findings(text) == []


def test_each_attribute_list_problem_is_named() -> None:
    assert _messages("[x](https://example.org){ onmouseover=alert(1) href='javascript:x' }") == [
        "attribute lists may set only #id, .class, title, lang, width and height; 'href' is not allowed",
        "event handlers are not allowed in Markdown ('onmouseover' in an attribute list)",
    ]


def test_what_the_source_rules_miss_the_rendered_html_still_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_safety, "source_findings", lambda text: [])
    assert _messages("[x](https://example.org){ onclick=alert(1) }") == [
        "this Markdown makes HTML that is not allowed (<a onclick>): write plain Markdown instead"
    ]


# The property ----------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data", "background"}


class _Oracle(HTMLParser):
    """What a browser would run: an event handler, or an address with a script or data scheme.

    Written apart from the module under test, from the URL standard: character references decoded,
    leading and trailing C0 controls and spaces stripped, tabs and new lines removed anywhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.unsafe.append(f"<{tag} {name}>")
            if name.lower() in URL_ATTRIBUTES and value is not None:
                url = "".join(c for c in value.strip("".join(map(chr, range(33)))) if c not in "\t\n\r").lower()
                if url.startswith(("javascript:", "data:", "vbscript:")):
                    self.unsafe.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        pass


def _unsafe(text: str) -> list[str]:
    oracle = _Oracle()
    oracle.feed(render(text))
    oracle.close()
    return oracle.unsafe


def _spelled(word: str) -> st.SearchStrategy[str]:
    """``word`` in any case, with tabs, new lines, controls or character references between its letters."""
    separator = st.sampled_from(["", "", "", "\t", "\n", "\x00", "&#x09;", "&#10;", "&Tab;", "\\", " "])
    letter = st.sampled_from(["{}", "{}", "&#{};", "&#x{:x};"])

    def spell(choices: list[tuple[bool, str, str]]) -> str:
        out = []
        for char, (upper, sep, form) in zip(word, choices, strict=True):
            c = char.upper() if upper else char
            out.append(sep + (form.format(ord(c)) if "#" in form else c))
        return "".join(out)

    return st.lists(st.tuples(st.booleans(), separator, letter), min_size=len(word), max_size=len(word)).map(spell)


SCHEMES = st.one_of(_spelled("javascript"), _spelled("data"), _spelled("vbscript"), st.just("https"))
COLON = st.sampled_from([":", "&colon;", "&#58;", "&#x3a;", "\\:"])
ADDRESS = st.builds(lambda s, c, rest: f"{s}{c}{rest}", SCHEMES, COLON, st.sampled_from(["alert(1)", "x", "//a.org"]))
HANDLER = st.builds(
    lambda on, event, value: f"{on}{event}={value}",
    st.sampled_from(["on", "On", "ON", "oN"]),
    st.sampled_from(["click", "mouseover", "error", "focus", "Load"]),
    st.sampled_from(["alert(1)", '"alert(1)"', "'x'"]),
)
ATTRIBUTE = st.one_of(
    HANDLER,
    st.sampled_from(["#id", ".cls", "title=t", "hidden", "onclick", "style=x"]),
    st.builds(lambda a, u: f"{a}={u}", st.sampled_from(["href", "src", "HREF", "xlink:href"]), ADDRESS),
)
ATTRIBUTE_LIST = st.builds(
    lambda colon, attrs: "{" + colon + " " + " ".join(attrs) + " }",
    st.sampled_from(["", ":"]),
    st.lists(ATTRIBUTE, min_size=1, max_size=3),
)
INLINE = st.one_of(
    st.builds(lambda u: f"[x]({u})", ADDRESS),
    st.builds(lambda u: f"[x](<{u}>)", ADDRESS),
    st.builds(lambda u: f"![x]({u})", ADDRESS),
    st.builds(lambda u: f"<{u}>", ADDRESS),
    st.builds(lambda a: f"[x](https://example.org){a}", ATTRIBUTE_LIST),
    st.builds(lambda a: f"![x](a.png){a}", ATTRIBUTE_LIST),
    st.just("[x][r]"),
    st.text(st.sampled_from("ab <>[](){}:#!*&;\\\n\t=\"'`|>-"), max_size=12),
)
BLOCK = st.one_of(
    st.lists(INLINE, min_size=1, max_size=3).map(" ".join),
    st.builds(lambda u: f"[r]: {u}", ADDRESS),
    st.builds(lambda u: f"[r]:\n    {u}", ADDRESS),
    st.builds(lambda a: f"## Heading {a}", ATTRIBUTE_LIST),
    st.builds(lambda a: f"A paragraph.\n{a}", ATTRIBUTE_LIST),
)
WRAPPED = st.builds(
    lambda block, wrap: wrap.format(block.replace("\n", "\n" + wrap.split("{}")[0].replace("- ", "  "))),
    BLOCK,
    st.sampled_from(
        ["{}", "- {}", "- a\n    - {}", "- a\n\n    {}", "> {}", "> - {}", "| a |\n|---|\n| {} |", "Term\n:   {}"]
    ),
)
MARKDOWN = st.one_of(st.lists(WRAPPED, min_size=1, max_size=3).map("\n\n".join), st.text(max_size=80))


@settings(max_examples=400)
@given(MARKDOWN)
@example('[x](https://example.org){ onmouseover="alert(1)" }')
@example("- a\n    - [x][r]\n\n        [r]: javascript:alert(1)")
@example("[x](java&#x09;script:alert(1))")
@example("[x](JaVa\tScRiPt:alert(1))")
@example("<javascript:alert(1)>")
@example("> [x][r]\n>\n> [r]:\n>    JavaScript:alert(1)")
@example("![x](data:image/png;base64,AAAA)")
@example("## Heading { onclick }")
@example("| a |\n|---|\n| [x](vbscript:x){: OnClick=x } |")
@example("[x](&#106;avascript&colon;alert(1))")
@example("[x](https://example.org){ href=javascript:alert(1) }")
@example("[x](https://example.org){ #id .class }")
@example("Plain javascript: text")
def test_any_text_is_refused_or_renders_without_script(text: str) -> None:
    if not findings(text):
        assert _unsafe(text) == []


@settings(max_examples=400)
@given(MARKDOWN)
@example("- a\n    - [x][r]\n\n        [r]: javascript:alert(1)")
@example("> [r]:\n>    JavaScript:alert(1)")
@example("<mailto:# OnLoad .c>")  # an allowed scheme, but no autolink to Python-Markdown: a tag with a handler
def test_the_source_rules_alone_catch_every_script(text: str) -> None:
    """The rendered-HTML rule is a safety net: every script the property finds is caught at its place."""
    if not source_findings(text):
        assert _unsafe(text) == []
