"""Answer types, defined once in generator/answertypes.py: the definitions, their edges, and that no medium
branches on a type's name for itself."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import re
import tokenize
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import answertypes
from generator.answertypes import TYPES, AnswerTypeName, number_text
from generator.check import check
from generator.model import ANSWERS, Question
from generator.returns.read import iso_date
from generator.risk import months_before, risk_test

ROOT = Path(__file__).parent.parent
SCHEMA = ROOT / "schema" / "domain.schema.json"

# --- where a type's name may be written -------------------------------------------------------------------

WORDS = frozenset({"number", "date", "text"})
"""Type names that are also ordinary words (a field, a kind, XlsxWriter's 'date' rule): they count only on a line
that reads a ``type``; every other type name counts wherever it is written as a string."""

KNOWN: dict[str, list[str]] = {
    "generator/model.py": [
        "yes_no"
    ],  # the support question the toolkit adds is a yes_no question: content, not a branch
    "generator/lineage.py": ["choice"],  # "options changed" when both are choices: could ask own_options
    "generator/report/figures.py": ["yes_no_partial_na"],  # the report's answer shares are this type's answers
}
"""Every file outside generator/answertypes.py that names an answer type, and the names it writes. The ones marked
'could' are left to their owners; anything new here is a medium branching on a type for itself: ask its AnswerType."""


def _type_lines(text: str) -> set[int]:
    return {n for n, line in enumerate(text.splitlines(), 1) if re.search(r"\.type\b|\btype\s*(==|!=|in\b)", line)}


def _names_in_python(text: str) -> list[str]:
    reads_type = _type_lines(text)
    found = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(token.string)
        except (ValueError, SyntaxError):
            continue  # an f-string
        if value in TYPES and (value not in WORDS or token.start[0] in reads_type):
            found.append(value)
    return found


def _names_in_template(text: str) -> list[str]:
    reads_type = _type_lines(text)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in re.finditer(r"""["']([a-z_]+)["']""", line):
            value = match.group(1)
            if value in TYPES and (value not in WORDS or number in reads_type):
                found.append(value)
    return found


def named_types() -> dict[str, list[str]]:
    """Each file of generator/, bench/ and site_templates/ (its templates) that names an answer type, with the
    names."""
    found: dict[str, list[str]] = {}
    for path in sorted([*(ROOT / "generator").rglob("*.py"), *(ROOT / "bench").glob("*.py")]):
        names = _names_in_python(path.read_text(encoding="utf-8"))
        if names:
            found[path.relative_to(ROOT).as_posix()] = sorted(names)
    for path in sorted((ROOT / "site_templates").rglob("*.j2")):
        names = _names_in_template(path.read_text(encoding="utf-8"))
        if names:
            found[path.relative_to(ROOT).as_posix()] = sorted(names)
    return found


def test_only_the_answer_type_module_branches_on_a_type_name() -> None:
    found = named_types()
    assert found.pop("generator/answertypes.py")
    assert found == KNOWN


def test_the_scan_finds_a_branch() -> None:
    assert _names_in_python('if question.type == "number":\n    pass\n') == ["number"]
    assert _names_in_python('cell = {"date": 1}.get(q.type)\n') == ["date"]
    assert _names_in_python('if kind in ("yes_no", "choice"):\n    pass\n') == ["yes_no", "choice"]
    assert _names_in_python('rule = {"validate": "date"}\n') == []
    assert _names_in_template('{% if q.type == "date" %}') == ["date"]
    assert _names_in_template('{% if q.kind in ("fixed", "date") %}') == []
    assert _names_in_template("{% if q.type in ('yes_no', 'choice') %}") == ["yes_no", "choice"]


# --- the registry -------------------------------------------------------------------------------------------


def test_the_registry_is_the_model_s_answer_type() -> None:
    assert tuple(TYPES) == get_args(AnswerTypeName)
    assert all(name == t.name for name, t in TYPES.items())
    assert ANSWERS == {
        "yes_no_partial_na": ("yes", "partial", "no", "not applicable"),
        "yes_no_partial": ("yes", "partial", "no"),
        "yes_no": ("yes", "no"),
    }
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    text = json.dumps(schema)
    assert json.dumps(list(TYPES))[1:-1] in text  # the schema's enum, in the registry's order
    assert answertypes.schema_description() in text


def test_every_rule_field_is_taken_by_some_type_and_the_model_has_it() -> None:
    for name in answertypes.RULE_FIELDS:
        assert name in Question.model_fields
        assert any(name in t.fields for t in TYPES.values()), name
    for t in TYPES.values():
        assert t.fields <= frozenset(answertypes.RULE_FIELDS), t.name


def _question(**fields: Any) -> Question:
    return Question(id="AA1.1", text="Is it so?", **fields)


SAMPLES = {
    "yes_no_partial_na": _question(type="yes_no_partial_na", risk_answers=("no", "partial")),
    "yes_no_partial": _question(type="yes_no_partial", risk_answers=("no", "partial")),
    "yes_no": _question(type="yes_no", risk_answers=("no",)),
    "number": _question(type="number", minimum=0, maximum=100, unit="%", risk_below=80),
    "date": _question(type="date", risk_older_than_months=12),
    "choice": _question(type="choice", options=("Weekly", "Monthly", "Never"), risk_answers=("Never",)),
    "text": _question(type="text"),
}


def test_every_type_has_a_sample_here() -> None:
    assert set(SAMPLES) == set(TYPES)


@pytest.mark.parametrize("name", list(TYPES))
def test_a_type_s_words_and_example(name: str) -> None:
    question = SAMPLES[name]
    kind = answertypes.of(question)
    assert kind.rule_problems(question) == []
    assert kind.describe(question) and kind.how_to_answer(question) and kind.summary
    assert set(kind.data(question)) == {"kind", "describe", "how", "hint", "range", "allowed"}
    read = kind.reader(question, iso_date)
    test = risk_test(question)
    day = dt.date(2026, 3, 31)
    for risky in (False, True):
        answer, flagged = kind.example(question, day, risky)
        assert read(answer).ok, (answer, read(answer))
        assert flagged == (test is not None and test(answer, day)), answer
        if risky and test is not None:
            assert flagged, f"{name}: an example that flags a risk"


@pytest.mark.parametrize("name", list(TYPES))
def test_the_form_s_data_gives_the_collector_s_words(name: str) -> None:
    question = SAMPLES[name]
    kind = answertypes.of(question)
    data = kind.data(question)
    refused = kind.reader(question, iso_date)("not an answer")
    for param in ("range", "allowed"):
        if param in refused.params:
            assert data[param] == refused.params[param]
    assert json.loads(json.dumps(data)) == data


def test_the_words_of_each_type() -> None:
    words = {name: answertypes.of(q).describe(q) for name, q in SAMPLES.items()}
    assert words == {
        "yes_no_partial_na": "Yes, partial, no or not applicable",
        "yes_no_partial": "Yes, partial or no",
        "yes_no": "Yes or no",
        "number": "A number from 0% to 100%",
        "date": "A date, or never",
        "choice": "One of: Weekly, Monthly or Never",
        "text": "In your own words",
    }
    assert TYPES["choice"].label("weekly") == "weekly" and TYPES["yes_no"].label("no") == "No"
    assert TYPES["choice"].quoted(["Never"]) == ["“Never”"] and TYPES["yes_no"].quoted(["no"]) == ["no"]
    assert TYPES["number"].box(SAMPLES["number"]) == answertypes.Box("Number", "num", "from 0 to 100")
    assert TYPES["date"].box(SAMPLES["date"]) == answertypes.Box("Date", "date", "as DD/MM/YYYY: day, month, year; or write never")
    assert TYPES["text"].box(SAMPLES["text"]) is None and TYPES["yes_no"].box(SAMPLES["yes_no"]) is None


def test_rules_that_do_not_fit_the_type() -> None:
    def problems(**fields: Any) -> list[tuple[tuple[str | int, ...], str]]:
        question = _question(**fields)
        return [(p.path, p.message) for p in answertypes.of(question).rule_problems(question)]

    assert problems(type="text", unit="days") == [
        (("unit",), "'unit' does not apply to a text question (only to number)")
    ]
    assert problems(type="date", risk_answers=("no",)) == [
        (
            ("risk_answers",),
            "'risk_answers' does not apply to a date question (only to yes_no_partial_na, yes_no_partial, yes_no or choice)",
        )
    ]
    assert problems(type="number", minimum=0) == [(("type",), "a number question needs a 'minimum' and a 'maximum'")]
    assert problems(type="number", minimum=5, maximum=1) == [
        (("minimum",), "'minimum' (5) is larger than 'maximum' (1)")
    ]
    assert problems(type="number", minimum=0, maximum=10, risk_above=11) == [
        (("risk_above",), "'risk_above' (11) is outside the allowed answers 0 to 10")
    ]
    assert problems(type="number", minimum=0, maximum=1234567, risk_below=2345678.5) == [
        (("risk_below",), "'risk_below' (2345678.5) is outside the allowed answers 0 to 1234567")
    ]
    assert problems(type="choice") == [(("type",), "a choice question needs at least two 'options'")]
    assert problems(type="choice", options=("A", " a", "b|c")) == [
        (("options", 1), "the option ' a' is given twice"),
        (("options", 2), "an option must not contain '|'"),
    ]


# --- the edges: numbers at and beyond their bounds -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("0", ""),
        ("100", ""),
        ("-0.5", "answer_out_of_range"),
        ("100.5", "answer_out_of_range"),
        ("-1", "answer_out_of_range"),
        ("101", "answer_out_of_range"),
        ("1e2", "answer_not_number"),
        ("+5", "answer_not_number"),
        ("5.", "answer_not_number"),
        ("lots", "answer_not_number"),
    ],
)
def test_a_number_at_each_bound_and_beyond(answer: str, problem: str) -> None:
    question = SAMPLES["number"]
    reading = answertypes.of(question).reader(question)(answer)
    assert reading.problem == problem
    if problem:
        assert reading.params == {"range": "from 0 to 100%"}


bounds = st.integers(min_value=-(10**6), max_value=10**6)


@given(bounds, bounds, st.integers(min_value=-1, max_value=1))
@example(0, 100, 0)
@example(0, 0, 0)
@example(-5, 5, 1)
def test_a_number_is_accepted_exactly_within_its_bounds(low: int, high: int, beyond: int) -> None:
    low, high = min(low, high), max(low, high)
    question = _question(type="number", minimum=low, maximum=high)
    read = answertypes.of(question).reader(question)
    for bound, step in ((low, -1), (high, 1)):
        assert read(number_text(bound)).ok
        outside = number_text(bound + step * (1 + abs(beyond)))
        assert read(outside).problem == "answer_out_of_range"
        assert read(number_text(bound - step * 0.5) if low < high else number_text(bound)).ok
    words = f"{number_text(low)} to {number_text(high)}"
    kind = answertypes.of(question)
    for text in (kind.describe(question), kind.how_to_answer(question), kind.hint(question)):
        assert words in text


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=-1000, max_value=1000))
@example(80, 80)
@example(79, 80)
def test_a_number_flags_a_risk_only_beyond_its_risk_bound(answer: int, bound: int) -> None:
    below = risk_test(_question(type="number", minimum=-1000, maximum=1000, risk_below=bound))
    above = risk_test(_question(type="number", minimum=-1000, maximum=1000, risk_above=bound))
    assert below is not None and above is not None
    day = dt.date(2026, 3, 31)
    assert below(str(answer), day) is (answer < bound)
    assert above(str(answer), day) is (answer > bound)


# --- the edges: dates at and either side of their cut-off ----------------------------------------------------


def test_a_date_exactly_twelve_months_before_receipt_flags_nothing_and_a_day_earlier_does() -> None:
    question = SAMPLES["date"]
    test = risk_test(question)
    assert test is not None
    received = dt.date(2026, 3, 31)
    assert not test("2025-03-31", received)
    assert test("2025-03-30", received)
    assert not test("2025-04-01", received)
    leap = dt.date(2024, 2, 29)
    assert not test("2023-02-28", leap) and test("2023-02-27", leap)


@given(
    st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=-1, max_value=1),
)
@example(dt.date(2026, 3, 31), 12, 0)
@example(dt.date(2026, 3, 31), 1, -1)
@example(dt.date(2024, 2, 29), 12, 1)
def test_a_date_flags_a_risk_only_before_its_cut_off(received: dt.date, months: int, side: int) -> None:
    question = _question(type="date", risk_older_than_months=months)
    test = risk_test(question)
    assert test is not None
    cutoff = months_before(received, months)
    day = cutoff + dt.timedelta(days=side)
    assert test(day.isoformat(), received) is (side < 0)
    read = answertypes.of(question).reader(question, iso_date)
    assert read(day.isoformat()).value == day.isoformat()
    assert read(f"{day.day:02d}/{day.month:02d}/{day.year}").value == day.isoformat()


@pytest.mark.parametrize(
    ("answer", "value", "ok"),
    [
        ("2025-12-31", "2025-12-31", True),
        ("31/12/2025", "2025-12-31", True),
        ("2024-02-29", "2024-02-29", True),
        ("2025-02-29", "2025-02-29", False),
        ("2025-1-5", "2025-1-5", False),
        ("20250105", "20250105", False),
        ("soon", "soon", False),
    ],
)
def test_the_collector_reads_a_date(answer: str, value: str, ok: bool) -> None:
    question = SAMPLES["date"]
    reading = answertypes.of(question).reader(question, iso_date)(answer)
    assert (reading.value, reading.ok) == (value, ok)
    assert reading.problem in ("", "answer_not_date")


def test_fixed_answers_are_read_whatever_their_case_and_given_as_written() -> None:
    for name in ("yes_no", "choice"):
        question = SAMPLES[name]
        read = answertypes.of(question).reader(question)
        for answer in question.allowed_answers:
            assert read(answer.upper()).value == answer
        refused = read("perhaps")
        assert refused.problem == "answer_not_allowed"
        assert refused.params == {"allowed": answertypes.listed(question.allowed_answers)}
    assert answertypes.of(SAMPLES["text"]).reader(SAMPLES["text"])("anything =1").ok


def test_the_default_standards_check_clean_with_the_registry() -> None:
    library, problems = check(ROOT / "standards")
    assert [p.format() for p in problems] == []
    used = {q.type for e in library.editions.values() for _, _, q in e.questions()}
    assert used <= set(TYPES)


def test_the_forms_are_rendered_again_when_an_answer_type_changes() -> None:
    from generator.forms import cache

    assert Path(answertypes.__file__).resolve() in [p.resolve() for p in cache.SOURCES]


def test_a_type_added_to_the_registry_alone_reaches_every_medium(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new type of an existing kind, registered here only, is described, printed, validated and read everywhere."""
    from generator.forms.pdf import question_view
    from generator.forms.workbook import how_to_answer
    from generator.selfassess.render import _hint
    from generator.site.describe import answer

    added = answertypes.AnswerType(
        "yes_no_unsure",
        "fixed",
        "yes / no / unsure",
        answers=("yes", "no", "unsure"),
        fields=frozenset({"risk_answers"}),
    )
    monkeypatch.setitem(TYPES, added.name, added)
    question = Question.model_construct(
        **{**_question(type="yes_no").model_dump(), "type": "yes_no_unsure", "risk_answers": ("unsure",)}
    )
    assert question.allowed_answers == ("yes", "no", "unsure")
    assert answer(question) == "Yes, no or unsure"
    assert question_view(question)["choices"] == ["Yes", "No", "Unsure"]
    assert how_to_answer(question) == "Choose yes, no or unsure"
    assert _hint(question) == ""
    assert added.reader(question)("UNSURE").value == "unsure"
    assert added.rule_problems(question) == []
    test = risk_test(question)
    assert test is not None and test("unsure", dt.date(2026, 3, 31))


def test_never_done_is_a_date_answer_that_flags_where_an_old_date_would() -> None:
    dated = _question(type="date", risk_older_than_months=12)
    read = TYPES["date"].reader(dated, iso_date)
    for written in ("never", "Never", "never done", "NEVER DONE"):
        assert read(written) == answertypes.Reading("never")
    assert read("nevermore").problem == "answer_not_date"
    test = risk_test(dated)
    assert test is not None and test("never", dt.date(2026, 3, 31)) and test("Never done", dt.date(2026, 3, 31))
    assert risk_test(_question(type="date")) is None  # no age rule: never flags nothing either
    rule = TYPES["date"].workbook_validation(dated, "C5")
    assert rule["validate"] == "custom" and 'LOWER(TRIM(C5))="never"' in rule["value"]
