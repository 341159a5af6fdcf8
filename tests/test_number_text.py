"""A number question's bounds read the same in every medium: the site, the online form, the PDF, the workbook, the
collector's messages and questions.csv. (The site once showed 0 to 1234567 as '0 to 1.23457e+06'.)"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.answertypes import number_range
from generator.forms.pdf import question_view
from generator.forms.workbook import how_to_answer
from generator.model import Question
from generator.returnformat import number_text
from generator.selfassess.render import _hint
from generator.site.describe import answer


def number_question(low: float, high: float) -> Question:
    return Question(id="NB1.1", text="How many?", type="number", minimum=low, maximum=high)


@pytest.mark.parametrize(("low", "high"), [(0, 1234567), (0.5, 2.75), (-3, 0.125), (0, 1e15)])
def test_every_medium_writes_the_bounds_alike(low: float, high: float) -> None:
    question = number_question(low, high)
    words = f"{number_text(low)} to {number_text(high)}"
    for medium, text in {
        "site": answer(question),
        "online form": _hint(question),
        "PDF": question_view(question)["box"].note,
        "workbook": how_to_answer(question),
        "collector": number_range(question),
    }.items():
        assert words in text, (medium, text)
        assert "e+" not in text and "e-" not in text, (medium, text)


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
@example(0.0)
@example(-0.0)
@example(1234567.0)
@example(0.1)
@example(1e15)
@example(-1e15)
@example(0.0001)
def test_number_text_is_exact_and_whole_numbers_have_no_point(value: float) -> None:
    text = number_text(value)
    assert float(text) == value
    if value == 0 or abs(value) >= 0.0001:  # as a person writes a bound: no exponent
        assert "e" not in text
        assert ("." in text) is (not value.is_integer())
