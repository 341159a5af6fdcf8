"""Each expectation's basis and each flag's severity: loaded, checked with path:line:column, described and published."""

from __future__ import annotations

from pathlib import Path

from generator.check import check
from generator.load import load_library
from generator.returnformat import questions_rows
from generator.site import describe

DOMAIN = "domains/minimal.yml"
PREFIX = "standards/2030-31/"


def edit(standards: Path, old: str, new: str) -> None:
    path = standards / "2030-31" / DOMAIN
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def messages(standards: Path) -> list[str]:
    _, problems = check(standards)
    return [p.format().removeprefix(PREFIX) for p in problems]


BASIS = """    links:
      - {title: Guidance, url: "https://www.gov.uk/guidance"}
    basis:
      kind: law
      source: Regulation 13 of the 2014 Regulations
"""
LINKS = """    links:
      - {title: Guidance, url: "https://www.gov.uk/guidance"}
"""


def test_a_basis_and_severities_load_and_check_clean(standards: Path) -> None:
    edit(standards, LINKS, BASIS)
    edit(
        standards,
        "        risk_answers: [no, partial]\n",
        "        risk_answers: [no, partial]\n        severity: high\n",
    )
    edit(standards, "        risk_below: 90\n", "        risk_below: 90\n        severity: medium\n")
    edit(
        standards, "        risk_older_than_months: 12\n", "        risk_older_than_months: 12\n        severity: low\n"
    )
    edit(
        standards,
        "        risk_answers: [Free text]\n",
        "        risk_answers: [Free text]\n        severity: low\n"
        "        basis: {kind: icb-choice, source: The ICB's coding guide}\n",
    )
    assert messages(standards) == []
    edition = load_library(standards).library.editions["2030-31"]
    standard = edition.domains[0].standards[0]
    assert standard.basis is not None and standard.basis.kind == "law"
    rows = {row["question_id"]: row for row in questions_rows(edition)}
    assert (rows["MN1.1"]["severity"], rows["MN1.1"]["basis"], rows["MN1.1"]["basis_source"]) == (
        "high",
        "law",
        "Regulation 13 of the 2014 Regulations",
    )
    assert (rows["MN1.4"]["basis"], rows["MN1.4"]["basis_source"]) == ("icb-choice", "The ICB's coding guide")
    assert (rows["MN0.1"]["severity"], rows["MN0.1"]["basis"]) == ("", "")
    assert describe.basis(standard.basis) == "Law: Regulation 13 of the 2014 Regulations"
    assert describe.basis_kind(standard.basis_of(standard.questions[3])) == "The ICB's own choice"
    assert describe.severity(standard.questions[0]) == "high (a risk to patients now)"
    assert describe.severity(standard.questions[4]) == ""


def test_an_unknown_basis_kind_is_placed_at_its_value(standards: Path) -> None:
    edit(standards, LINKS, BASIS.replace("kind: law", "kind: statute"))
    assert messages(standards) == [
        f"{DOMAIN}:19:13: 'kind' must be one of law, contract, cqc-guidance, national-guidance, good-practice or "
        "icb-choice; got 'statute'"
    ]


def test_an_unknown_severity_is_placed_at_its_value(standards: Path) -> None:
    edit(standards, "        risk_below: 90\n", "        risk_below: 90\n        severity: critical\n")
    assert messages(standards) == [
        f"{DOMAIN}:30:19: 'severity' must be one of high, medium or low; got 'critical'",
    ]


def test_a_severity_where_nothing_flags_is_a_problem(standards: Path) -> None:
    edit(standards, "        required: false\n", "        required: false\n        severity: low\n")
    assert f"{DOMAIN}:43:19: 'severity' is given, but no answer to question 'MN1.5' flags a risk; remove it" in (
        messages(standards)
    )


def test_once_one_question_has_a_severity_every_flagging_question_needs_one(standards: Path) -> None:
    edit(standards, "        risk_below: 90\n", "        risk_below: 90\n        severity: medium\n")
    assert messages(standards) == [
        f"{DOMAIN}:19:13: question 'MN1.1' can flag a risk but has no 'severity' (high, medium or low): other "
        "questions of this edition have one, so every question that can flag a risk must",
        f"{DOMAIN}:31:13: question 'MN1.3' can flag a risk but has no 'severity' (high, medium or low): other "
        "questions of this edition have one, so every question that can flag a risk must",
        f"{DOMAIN}:35:13: question 'MN1.4' can flag a risk but has no 'severity' (high, medium or low): other "
        "questions of this edition have one, so every question that can flag a risk must",
    ]


def test_once_one_standard_has_a_basis_every_standard_needs_one(standards: Path) -> None:
    edit(standards, LINKS, BASIS)
    path = standards / "2030-31" / DOMAIN
    text = path.read_text(encoding="utf-8")
    second = text[text.index("  - id: MN1\n") : text.index("    basis:\n")].replace("MN1", "MN2")
    second += "    questions:\n      - id: MN2.1\n        text: Is there a second policy?\n        type: yes_no\n"
    path.write_text(text + second, encoding="utf-8")
    found = messages(standards)
    assert found == [
        f"{DOMAIN}:46:9: standard 'MN2' has no 'basis': other standards of this edition say what their expectation "
        "rests on, so every standard must",
    ]


def test_a_basis_source_must_be_safe_markdown(standards: Path) -> None:
    edit(standards, LINKS, BASIS.replace("Regulation 13 of the 2014 Regulations", "'<script>x</script>'"))
    found = messages(standards)
    assert len(found) == 1 and found[0].startswith(f"{DOMAIN}:20:15: "), found


def test_not_applicable_when_is_for_questions_that_can_be_answered_not_applicable(standards: Path) -> None:
    edit(
        standards,
        "        risk_answers: [no, partial]\n",
        "        risk_answers: [no, partial]\n        not_applicable_when: the practice has no policies\n",
    )
    assert messages(standards) == []
    question = load_library(standards).library.editions["2030-31"].domains[0].standards[0].questions[0]
    assert question.not_applicable_when == "the practice has no policies"
    edit(standards, "        required: false\n", "        required: false\n        not_applicable_when: never\n")
    assert messages(standards) == [
        f"{DOMAIN}:44:9: 'not_applicable_when' is given, but 'not applicable' is not an answer to this question",
    ]
