"""The compiled Table Schema gives Frictionless's own verdicts: the published schema stays the one source of its rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from frictionless import Resource, Schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_library
from generator.model import Edition
from generator.returnformat import ALL_COLUMNS, table_schema
from generator.returns.schema import CompiledSchema, UnsupportedSchema

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Edition:
    standards = tmp_path_factory.mktemp("schema") / "standards"
    shutil.copytree(FIXTURES / "minimal", standards / "2030-31")
    return load_library(standards).library.editions["2030-31"]


Verdict = set[tuple[int, str, str, str]]


def frictionless_verdict(descriptor: dict[str, Any], rows: list[list[str]]) -> Verdict:
    resource = Resource(data=[list(ALL_COLUMNS), *rows], schema=Schema.from_descriptor(descriptor))
    report = resource.validate(limit_errors=100_000)
    found: Verdict = set()
    for row_number, field_name, kind, note in report.flatten(["rowNumber", "fieldName", "type", "note"]):
        constraint = re.match(r'constraint "(\w+)"', note or "")
        found.add((row_number, field_name or "", kind, constraint.group(1) if constraint else ""))
    return found


def compiled_verdict(compiled: CompiledSchema, rows: list[list[str]]) -> Verdict:
    found: Verdict = set()
    for error in compiled.errors([dict(zip(ALL_COLUMNS, row, strict=True)) for row in rows]):
        row_number = error.index + 2  # the header is row 1
        if error.constraint == "primaryKey":
            found.add((row_number, "", "primary-key", ""))
        elif error.constraint == "type":
            found.add((row_number, error.field, "type-error", ""))
        else:
            found.add((row_number, error.field, "constraint-error", error.constraint))
    return found


def cells(edition_id: str, question_ids: list[str]) -> list[st.SearchStrategy[str]]:
    anything = st.text(max_size=12)
    return [
        st.sampled_from(["C82001", "Y00001", "c82001", "C8201", "C820011", "", " C82001", "C82001\n"]) | anything,
        st.sampled_from([edition_id, "2029-30", "", f"{edition_id} "]) | anything,
        st.sampled_from([*question_ids, "MN9.9", "", "mn1.1", " MN1.1"]) | anything,
        st.sampled_from(["yes", "no", "", "95", "maybe"]) | anything,
        anything,
        anything,
        anything,
        st.sampled_from(["", "2030-12-31", "2030-1-5", "31/12/2030", "2030-02-30", "next month", " 2030-12-31", "  "])
        | anything,
    ]


def tables(edition: Edition) -> st.SearchStrategy[list[list[str]]]:
    question_ids = [q.id for _, _, q in edition.questions()]
    row = st.tuples(*cells(edition.id, question_ids)).map(list).filter(lambda r: any(r))  # blank rows are skipped
    return st.lists(row, min_size=1, max_size=10)


def test_compiled_schema_agrees_with_frictionless(edition: Edition) -> None:
    descriptor = table_schema(edition)
    compiled = CompiledSchema(descriptor)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tables(edition))
    def agree(rows: list[list[str]]) -> None:
        assert compiled_verdict(compiled, rows) == frictionless_verdict(descriptor, rows)

    agree()


def test_agreement_on_known_cases(edition: Edition) -> None:
    descriptor = table_schema(edition)
    rows = [
        ["c8201", "2030-31", "MN1.1", "yes", "", "", "", "2030-13-01"],
        ["C82001", "2029-30", "MN1.1", "", "", "", "", "2030-1-5"],
        ["", "", "", "x", "", "", "", "  "],
        ["C82001\n", "2030-31", "MN1.2", "", "", "", "", ""],
    ]
    expected = {
        (2, "practice_code", "constraint-error", "pattern"),
        (2, "action_due", "type-error", ""),
        (3, "edition", "constraint-error", "enum"),
        (3, "", "primary-key", ""),
        (4, "practice_code", "constraint-error", "required"),
        (4, "edition", "constraint-error", "required"),
        (4, "question_id", "constraint-error", "required"),
        (4, "action_due", "type-error", ""),
        (4, "", "primary-key", ""),
    }
    assert frictionless_verdict(descriptor, rows) == expected
    assert compiled_verdict(CompiledSchema(descriptor), rows) == expected


def test_every_edition_in_standards_compiles() -> None:
    library = load_library(ROOT / "standards").library
    for edition in library.editions.values():
        compiled = CompiledSchema(table_schema(edition))
        assert [f.name for f in compiled.fields] == list(ALL_COLUMNS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["fields"][3].update(type="integer"), "field 'answer': type 'integer' is not compiled"),
        (
            lambda d: d["fields"][0]["constraints"].update(unique=True),
            "field 'practice_code': constraints ['unique'] are not compiled",
        ),
        (lambda d: d.update(foreignKeys=[]), "schema keys ['foreignKeys'] are not compiled"),
        (lambda d: d["fields"][7].update(format="%d/%m/%Y"), "field 'action_due': type 'date' is not compiled"),
    ],
)
def test_a_rule_the_compiled_checks_do_not_mirror_fails_loudly(edition: Edition, change: Any, message: str) -> None:
    descriptor = table_schema(edition)
    change(descriptor)
    with pytest.raises(UnsupportedSchema) as raised:
        CompiledSchema(descriptor)
    assert str(raised.value) == message
