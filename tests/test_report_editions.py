"""A practice's 2024-25 and 2025-26 returns, to the default editions, compare in the report question by question.

Last year the practice gave an answer flagging a risk to every question that could flag
one; this year it gives none. The report must pair each 2025-26 question with the
2024-25 question it continues (same id, or its ``replaces`` link) and count exactly the
risks of the continued questions last year, and none this year.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from generator.check import check
from generator.lineage import lineage
from generator.model import Edition, Library, Question
from generator.report.build import make
from generator.returns.collect import Options, collect

ROOT = Path(__file__).parent.parent
PRACTICE = "C82001"
TODAY = dt.date.today()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def good(q: Question) -> str:
    """An answer that flags no risk."""
    if q.allowed_answers:  # a fixed kind: yes / partial / no (with or without 'not applicable'), yes / no, a choice
        return next(a for a in q.allowed_answers if a not in q.risk_answers)
    if q.type == "number":
        low = q.minimum if q.minimum is not None else 0
        if q.risk_below is not None:
            low = max(low, q.risk_below)
        return _number(low)
    if q.type == "date":
        return TODAY.isoformat()
    return "All in order."


def bad(q: Question) -> tuple[str, bool]:
    """An answer that flags a risk where the question allows one, and whether it does."""
    if q.risk_answers:
        return q.risk_answers[0], True
    if q.type == "number" and q.risk_below is not None and q.minimum is not None and q.minimum < q.risk_below:
        return _number(q.minimum), True
    if q.type == "number" and q.risk_above is not None and q.maximum is not None and q.maximum > q.risk_above:
        return _number(q.maximum), True
    if q.type == "date" and q.risk_older_than_months is not None:
        return "2000-01-01", True
    return good(q), False


def write_return(folder: Path, edition: Edition, answers: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    with (folder / f"{PRACTICE}.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ("practice_code", "edition", "question_id", "answer", "comment", "action", "action_owner", "action_due")
        )
        for _, _, q in edition.questions():
            writer.writerow(
                (PRACTICE, edition.id, q.id, answers[q.id], "", "Put right", "Practice manager", "2030-03-31")
            )


@pytest.fixture(scope="module")
def library() -> Library:
    loaded, problems = check(ROOT / "standards")
    if "2024-25" not in loaded.editions or "2025-26" not in loaded.editions:
        pytest.fail(f"the default editions must load: {[p.format() for p in problems if p.severity == 'error']}")
    return loaded


def test_two_years_of_one_practice_compare(tmp_path: Path, library: Library) -> None:
    old, new = library.editions["2024-25"], library.editions["2025-26"]
    flagged: set[str] = set()
    last_year: dict[str, str] = {}
    for _, standard, q in old.questions():
        answer, flags = bad(q) if standard is not None else ("no", False)
        last_year[q.id] = answer
        if flags:
            flagged.add(q.id)
    this_year = {q.id: good(q) if standard is not None else "no" for _, standard, q in new.questions()}
    write_return(tmp_path / "in" / old.id, old, last_year)
    write_return(tmp_path / "in" / new.id, new, this_year)
    store = tmp_path / "store"
    for edition in (old, new):
        outcome = collect(
            Options(
                sources=[str(tmp_path / "in" / edition.id)],
                store=store,
                edition=edition.id,
                standards=ROOT / "standards",
                site_url="https://standards.example.nhs.uk/",
            )
        )
        assert [c.status for c in outcome.new] == ["valid"], [p.message for c in outcome.new for p in c.problems]

    made = make(library, new.id, store, tmp_path / "report")
    yoy = made.comparison.result
    assert yoy is not None and yoy.previous_edition_id == old.id

    # Expected from the lineage: each continued question (not a support request) counts once,
    # as a risk last year when last year's answer to its predecessor flagged one.
    traced = [q for q in lineage(old, new).questions if q.predecessor is not None and q.place.standard_id is not None]
    compared = [q for q in traced if q.question.can_flag_risk or (q.predecessor and q.predecessor.can_flag_risk)]
    expected_before = sum(1 for q in compared if q.predecessor_id in flagged)
    assert expected_before > 0
    assert sum(d.compared for d in yoy.domains) == len(compared)
    assert sum(d.before_risks for d in yoy.domains) == expected_before
    assert sum(d.now_risks for d in yoy.domains) == 0
    assert [(p.practice_code, p.before, p.now) for p in yoy.practices] == [(PRACTICE, expected_before, 0)]
    replaced = [q for q in traced if q.kind == "replaced"]
    assert {m.question_id: m.previous_id for m in yoy.matches if m.kind == "replaced"} == {
        q.id: q.predecessor_id for q in replaced
    }
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert f"Better than {old.id}" in page
