"""Text from the standards that tries to inject script or markup: shown as written, or refused with its place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_site_support import add_edition, options

from generator.site.build import build

ATTACK = '<script>alert("x")</script> <img src=x onerror=alert(1)> *bold* [link](javascript:alert(1))'
"""Raw HTML, a script, Markdown emphasis and a script link, all in one value."""


def _replace(path: Path, *changes: tuple[str, str]) -> None:
    """Replace text in a YAML file; each new value is written as a YAML double-quoted string."""
    text = path.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def _quoted(value: str) -> str:
    return json.dumps(value)


def _script_or_markup_from(site: Path) -> list[str]:
    """Pages of ``site`` where the attack took effect: a script or image tag from it, a script link, emphasis."""
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text()
        if re.search(r"<script>alert|<img src=\"?x|href=\"javascript:|<em>bold</em>", text) or 'onerror="alert' in text:
            found.append(page.relative_to(site).as_posix())
    return found


def test_fields_that_are_not_markdown_show_exactly_as_written(tmp_path: Path) -> None:
    folder = add_edition(tmp_path / "standards", "2030-31")
    attack = _quoted(ATTACK)
    _replace(
        folder / "references.yml",
        ("name: Quality Team", f"name: {attack}"),
        ("role: Quality lead", f"role: {attack}"),
        ("title: Safeguarding service users from abuse and improper treatment", f"title: {attack}"),
        ("summary: Patients must be protected from abuse.", f"summary: {attack}"),
        ('question: "Are people protected from abuse and avoidable harm?"', f"question: {attack}"),
        ("title: Safeguarding}", f"title: {attack}}}"),
    )
    _replace(
        folder / "domains" / "minimal.yml",
        ('url: "https://www.gov.uk/guidance"}', f'url: "https://www.gov.uk/guidance", publisher: {attack}}}'),
        ('unit: "%"', 'unit: "<b>%</b>"'),
    )
    result = build(options(tmp_path))
    assert result.ok, [p.format() for p in result.problems]
    site = tmp_path / "site"
    assert _script_or_markup_from(site) == []
    domain = (site / "domains/minimal/index.html").read_text()
    shown = (
        '&lt;script&gt;alert("x")&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; *bold* [link](javascript:alert(1))'
    )
    assert domain.count(shown) >= 3  # the contact's name and role, the regulation's title (and its summary)
    assert "A number from 0 &lt;b&gt;%&lt;/b&gt; to 100 &lt;b&gt;%&lt;/b&gt;" in domain


def test_an_edition_title_is_escaped_in_the_banner_and_page_titles(tmp_path: Path) -> None:
    add_edition(tmp_path / "standards", "2029-30")
    add_edition(tmp_path / "standards", "2030-31", follows="2029-30")
    edition = tmp_path / "standards/2029-30/edition.yml"
    edition.write_text(edition.read_text().replace("title: Test standards 2029-30", f"title: '{ATTACK}'"))
    result = build(options(tmp_path))
    assert result.ok, [p.format() for p in result.problems]
    assert _script_or_markup_from(tmp_path / "site") == []
    banner = (tmp_path / "site/2029-30/index.html").read_text()
    assert "This is &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in banner


@pytest.mark.parametrize(
    ("old", "value", "message"),
    [
        (
            "title: A minimal domain",
            "Safe <script>alert(1)</script>",
            "raw HTML is not allowed ('<script'...): write plain Markdown instead",
        ),
        (
            "guidance: What good looks like.",
            "Read [this](javascript:alert(1)).",
            "links must be http or https addresses, not scripts or data",
        ),
        (
            "text: Is there a policy?",
            "Is there <b>a policy</b>?",
            "raw HTML is not allowed ('<b'...): write plain Markdown instead",
        ),
    ],
)
def test_markdown_fields_with_html_or_script_links_are_refused_with_their_place(
    tmp_path: Path, old: str, value: str, message: str
) -> None:
    folder = add_edition(tmp_path / "standards", "2030-31")
    _replace(folder / "domains" / "minimal.yml", (old, f"{old.split(':')[0]}: {_quoted(value)}"))
    result = build(options(tmp_path))
    assert [p.message for p in result.problems] == [message]
    assert result.problems[0].path.endswith("standards/2030-31/domains/minimal.yml")
    assert result.problems[0].line > 0
    assert not (tmp_path / "site").exists()


def test_a_script_link_by_reference_is_refused_by_check_before_the_build(tmp_path: Path) -> None:
    folder = add_edition(tmp_path / "standards", "2030-31")
    _replace(
        folder / "domains" / "minimal.yml",
        (
            "guidance: What good looks like.",
            f"guidance: {_quoted('Read [this][1].' + chr(10) * 2 + '[1]: javascript:alert(1)')}",
        ),
    )
    result = build(options(tmp_path))
    assert not result.ok
    assert [p.message for p in result.problems] == ["links must be http or https addresses, not scripts or data"]
    assert not (tmp_path / "site").exists()
