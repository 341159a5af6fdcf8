"""Short Markdown in the forms: emphasis kept for print, plain text for cells, nothing taken as HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.forms.text import inline_html, plain


@pytest.mark.parametrize(
    ("text", "html", "cell"),
    [
        ("*Legionella* risk assessment", "<em>Legionella</em> risk assessment", "Legionella risk assessment"),
        ("See [the guide](https://www.gov.uk) **now**", "See the guide <strong>now</strong>", "See the guide now"),
        ("First.\n\nSecond.", "First.<br>Second.", "First.\nSecond."),
        ("Fire & <b>safety</b>", "Fire &amp; &lt;b&gt;safety&lt;/b&gt;", "Fire & <b>safety</b>"),
        ("Under 5 < 6", "Under 5 &lt; 6", "Under 5 < 6"),
    ],
)
def test_inline_markdown(text: str, html: str, cell: str) -> None:
    assert str(inline_html(text)) == html
    assert plain(text) == cell


ALLOWED_TAG = re.compile(r"<(/?)(em|strong|code|br)>")


@given(st.text(max_size=200))
def test_no_markup_but_markdown_s_own(text: str) -> None:
    html = str(inline_html(text))
    assert ALLOWED_TAG.sub("", html).count("<") == 0, html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("#", "#"),
        ("# Not a heading", "# Not a heading"),
        ("- not a list", "- not a list"),
        ("1. not a list", "1. not a list"),
        ("> not a quote", "&gt; not a quote"),
        ("Title\n===", "Title\n&#61;=="),
        ("Title\n---", "Title\n---"),
        ("    indented", "indented"),
    ],
)
def test_block_markdown_in_a_short_field_is_shown_as_written(text: str, html: str) -> None:
    assert str(inline_html(text)) == html
