"""The default edition as an ICB would publish it: plain English, every expectation's basis and weight,
every CQC quality statement used, and 'not applicable' only where a question says when."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from generator import readability
from generator.load import load_library
from generator.model import Edition

ROOT = Path(__file__).resolve().parent.parent
EDITION = "2025-26"


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_library(ROOT / "standards").library.editions[EDITION]


def test_questions_are_plain_english(edition: Edition) -> None:
    ease = {q.id: readability.reading_ease(q.text) for _, s, q in edition.questions() if s is not None}
    assert statistics.median(ease.values()) >= 60
    assert {qid: round(e) for qid, e in ease.items() if e < 30} == {}


def test_every_question_has_help(edition: Edition) -> None:
    assert [q.id for _, s, q in edition.questions() if s is not None and not q.help.strip()] == []


def test_every_standard_says_what_it_rests_on(edition: Edition) -> None:
    assert [s.id for d in edition.domains for s in d.standards if s.basis is None] == []


def test_every_question_that_can_flag_a_risk_has_a_severity(edition: Edition) -> None:
    flagging = [q for _, s, q in edition.questions() if s is not None and q.can_flag_risk]
    assert [q.id for q in flagging if q.severity is None] == []
    assert {q.severity for q in flagging} == {"high", "medium", "low"}


LEGAL_WORDS = re.compile(r"\b(the law requires|legal duty|required by law|statutory duty|must by law)\b", re.IGNORECASE)


def test_good_practice_and_local_choices_are_not_worded_as_legal_duties(edition: Edition) -> None:
    worded_as_law = []
    for _, standard, question in edition.questions():
        if standard is None:
            continue
        basis = standard.basis_of(question)
        if basis is not None and basis.kind in ("good-practice", "icb-choice"):
            said = f"{question.text} {question.help}"
            if LEGAL_WORDS.search(said) and "not a legal" not in said and "not required by law" not in said:
                worded_as_law.append(question.id)
    assert worded_as_law == []


def test_every_quality_statement_is_used(edition: Edition) -> None:
    used = {qs for d in edition.domains for s in d.standards for qs in s.quality_statements}
    assert [q.id for q in edition.references.quality_statements if q.id not in used] == []


def test_each_domain_lists_the_key_questions_of_its_quality_statements(edition: Edition) -> None:
    key_question = {q.id: q.key_question for q in edition.references.quality_statements}
    missing = {
        d.id: sorted({key_question[qs] for s in d.standards for qs in s.quality_statements} - set(d.key_questions))
        for d in edition.domains
    }
    assert {k: v for k, v in missing.items() if v} == {}


def test_not_applicable_is_said_in_the_field_and_in_the_help_alike(edition: Edition) -> None:
    for _, standard, question in edition.questions():
        if standard is None:
            continue
        said_in_help = re.search(r"[Aa]nswer not applicable (?:only )?if ([^.]*)\.", question.help)
        assert question.not_applicable_when == (said_in_help.group(1) if said_in_help else ""), question.id


def test_the_vaccine_cold_chain_is_under_medicines_and_keeps_last_years_answers(edition: Edition) -> None:
    moved = {q.id: q.replaces for _, s, q in edition.questions() if s is not None and s.id == "MED6"}
    assert moved == {"MED6.1": "IPC3.2", "MED6.2": "IPC3.3", "MED6.3": None}
