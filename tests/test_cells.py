"""Spreadsheet-safe cells: no part of a CSV cell runs as a formula, whichever separator the file is opened with."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from generator.cells import SEPARATORS, could_run, neutralised

RISKY = st.text(alphabet=st.sampled_from(list("=+-@\t\r;, '01xA(")), max_size=12)


def safe_under(cell: str, separator: str) -> bool:
    """Whether no part of ``cell``, split at ``separator``, could be taken for a formula."""
    _, *rest = cell.split(separator)
    return not could_run(cell) and not any(could_run(part.lstrip(" ")) for part in rest)


@given(st.one_of(RISKY, st.text(max_size=30)))
@example("")
@example("ok;=HYPERLINK(\"https://example.org\",\"x\")")
@example("a,\t=1")
@example("-1;=2")
@example(";=1")
@example("x;  @SUM(1)")
def test_no_part_of_a_neutralised_cell_can_run(text: str) -> None:
    cell = neutralised(text)
    assert all(safe_under(cell, separator) for separator in SEPARATORS), repr(cell)
    assert cell.replace("'", "") == text.replace("'", "")  # only quotes are added


def test_the_cells_the_issue_found() -> None:
    assert neutralised('ok;=HYPERLINK("x")') == "ok;'=HYPERLINK(\"x\")"
    assert neutralised("a,=1") == "a,'=1"
    assert neutralised("a\t@x") == "a\t'@x"
    assert neutralised("5;-1") == "5;-1"  # plain numbers run nothing, and stay as they are
    assert neutralised("safe; text, here") == "safe; text, here"
