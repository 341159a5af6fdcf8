"""Links between the site's pages: relative, like posixpath.relpath, for any two pages under one root."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from generator.site.templates import relative

SEGMENT = st.sampled_from(["domains", "safeguarding", "2024-25", "index.md", "changes.md", "assets", "."])
PATH = st.lists(SEGMENT, max_size=4).map("/".join)


def test_a_link_to_a_page_beside_one_in_a_folder() -> None:
    assert relative("domains/safeguarding/index.md", "standards.md#sg1-2") == "../../standards.md#sg1-2"


def test_a_link_to_the_same_folder_and_to_an_anchor_on_the_page() -> None:
    assert relative("domains/safeguarding/index.md", "domains/safeguarding/") == "."
    assert relative("standards.md", "#sg1-2") == "#sg1-2"


@given(PATH, PATH, st.booleans(), st.sampled_from(["", "#sg1-2"]))
def test_links_are_those_relpath_gives(page: str, target: str, folder: bool, fragment: str) -> None:
    to_path = target + ("/" if folder and target else "") + fragment
    expected = posixpath.relpath(target, posixpath.dirname(page) or ".") if target else ""
    assert relative(page, to_path) == (f"{expected}{fragment}" if fragment else expected)
