"""Property-based tests: whatever text the loader is given, it answers with problems or a model, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import validate
from generator.model import Domain, EditionInfo, References
from generator.yamldoc import read_text

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal" / "domains" / "minimal.yml").read_text(encoding="utf-8")
YAMLISH = st.text(alphabet=st.sampled_from(list("abc:- \n\t[]{},&*!|>'\"#%@`?0123456789.\\")), max_size=300)


def load_any(text: str) -> None:
    doc, problems = read_text(text, "x.yml")
    for problem in problems:
        assert problem.path == "x.yml"
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message
    if not problems:
        for model in (Domain, EditionInfo, References):
            result, _, found = validate(doc, model)
            assert (result is None) == bool(found)
            for problem in found:
                assert problem.line >= 1 and problem.column >= 1


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_problems_or_a_model(text: str) -> None:
    load_any(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_yaml_like_text_gives_problems_or_a_model(text: str) -> None:
    load_any(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(MINIMAL) - 1), st.integers(0, 40), st.text(max_size=8))
def test_a_damaged_domain_file_gives_problems_or_a_model(start: int, length: int, inserted: str) -> None:
    load_any(MINIMAL[:start] + inserted + MINIMAL[start + length :])


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_data_validates_to_problems_or_a_model(data: object) -> None:
    from generator.yamldoc import Document

    doc = Document("x.yml", data)
    for model in (Domain, EditionInfo, References):
        result, _, found = validate(doc, model)
        assert (result is None) == bool(found)


def test_the_valid_fixture_loads() -> None:
    doc, problems = read_text(MINIMAL, "minimal.yml")
    assert problems == []
    domain, _, found = validate(doc, Domain)
    assert found == []
    assert domain is not None and [q.id for q in domain.questions()] == [
        "MN1.1",
        "MN1.2",
        "MN1.3",
        "MN1.4",
        "MN1.5",
        "MN0.1",
    ]


def test_yes_and_no_stay_text() -> None:
    doc, _ = read_text("a: [yes, no, on, off, true, false]\n", "x.yml")
    assert doc.data == {"a": ["yes", "no", "on", "off", True, False]}


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    _, problems = read_text("[" * 5000 + "]" * 5000, "x.yml")
    assert len(problems) == 1 and "nested too deeply" in problems[0].message
