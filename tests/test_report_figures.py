"""The report's figures from a generated population with known answers: exact counts, shares and lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import reportdata as data

from generator.report import ledger, rag
from generator.report.build import year_on_year
from generator.report.figures import Figures, compute, percent
from generator.report.inputs import Answer, Returns, Submission, chosen, read_register
from generator.report.risk import months_before, risk_test
from generator.report.yearonyear import Comparison, compare, plan, side, side_of
from generator.returns.register import RegisterError


def al_risks(i: int) -> int:
    """Answers of practice i flagging a risk in Alpha, worked out from the rules of reportdata.answers_2031."""
    return (i % 4 in (1, 2)) + (i % 5 == 0) + (i % 10 == 3) + (i % 6 == 0) + (i == 7)


def be_risks(i: int) -> int:
    return int(i % 3 == 0)


def expected_rating(risks: int) -> str:
    return "red" if risks >= 2 else "amber" if risks == 1 else "green"


@pytest.fixture(scope="module")
def store() -> Path:
    """The population, collected by the toolkit's collector."""
    return data.collected()


@pytest.fixture(scope="module")
def figures(store: Path) -> Figures:
    edition = data.library().editions[data.CURRENT]
    returns = ledger.read_returns(store, data.CURRENT)
    return compute(edition, returns, dict(data.register_rows()), generated_at="2031-08-01 10:00 UTC")


@pytest.fixture(scope="module")
def comparison(store: Path, figures: Figures) -> Comparison:
    library = data.library()
    edition = library.editions[data.CURRENT]
    return year_on_year(library, edition, figures, store, None, dict(data.register_rows()))


def test_return_statuses(figures: Figures) -> None:
    assert (figures.count("valid"), figures.count("invalid"), figures.count("missing")) == (30, 5, 5)
    assert [r.practice_code for r in figures.returns if r.status == "missing"] == [data.code(i) for i in range(35, 40)]
    invalid = [r for r in figures.returns if r.status == "invalid"]
    assert [r.practice_code for r in invalid] == [data.code(i) for i in range(30, 35)]
    assert len(invalid[0].problems) == 1
    assert invalid[0].problems[0].startswith("row 2, answer: 'maybe' is not an answer to AL1.1")
    assert invalid[0].practice_name == "Practice 30"
    assert [s.file_name for s in figures.unattributed] == ["scan.pdf"]
    assert figures.unattributed[0].problems[0].startswith("This is not a return we can read: it is a PDF document.")


def test_latest_valid_return_is_reported(figures: Figures) -> None:
    # Practice 2 sent an invalid return after its valid one: the valid one stands.
    two = next(r for r in figures.returns if r.practice_code == data.code(2))
    assert (two.status, two.received_at) == ("valid", "2031-06-15T09:02:00Z")
    # Practice 0's earlier valid return (AL1.1 'no') is superseded by its later one (AL1.1 'yes').
    assert not [r for r in figures.risks if r.practice_code == data.code(0) and r.question_id == "AL1.1"]


def test_answer_shares(figures: Figures) -> None:
    alpha, beta = figures.shares
    # AL1.1 by i % 4 over 30 practices: 8 yes, 8 partial, 7 no, 7 n/a; AL1.2: 24 yes, 6 no.
    assert alpha.counts == (32, 8, 13, 7)
    assert alpha.total == 60
    assert [percent(alpha.share(i)) for i in range(4)] == ["53%", "13%", "22%", "12%"]
    # BE1.1: 20 yes, 10 no; BE1.2 (even practices only): 15 yes; BE1.3: 30 yes.
    assert beta.counts == (65, 0, 10, 0)
    assert beta.share(2) == pytest.approx(10 / 75)


def test_questions_most_often_answered_no(figures: Figures) -> None:
    assert [(q.question_id, q.no, q.answered) for q in figures.most_answered_no()] == [
        ("BE1.1", 10, 30),
        ("AL1.1", 7, 30),
        ("AL1.2", 6, 30),
    ]
    assert [q.question_id for q in figures.most_answered_no(domain_id="alpha")] == ["AL1.1", "AL1.2"]
    al16 = next(q for q in figures.questions if q.question_id == "AL1.6")
    assert (al16.answered, al16.counts, al16.risks) == (15, (0, 0, 0, 0), 0)


def test_ratings_per_practice_and_domain(figures: Figures) -> None:
    rows = {p.practice_code: p for p in figures.practices}
    for i in range(data.VALID_2031):
        row = rows[data.code(i)]
        assert row.risks == (al_risks(i), be_risks(i)), i
        assert row.ratings == (expected_rating(al_risks(i)), expected_rating(be_risks(i))), i
    for i in range(data.VALID_2031, data.REGISTER_SIZE):
        assert rows[data.code(i)].ratings == ("none", "none")
    assert figures.rating_counts(0) == {"red": 7, "amber": 16, "green": 7, "none": 0}
    assert figures.rating_counts(1) == {"red": 0, "amber": 10, "green": 20, "none": 0}


def test_risk_list(figures: Figures) -> None:
    expected = []
    for i in range(data.VALID_2031):
        for qid, flagged in (
            ("AL1.1", i % 4 in (1, 2)),
            ("AL1.2", i % 5 == 0),
            ("AL1.3", i % 10 == 3),
            ("AL1.4", i % 6 == 0),
            ("AL1.5", i == 7),
            ("BE1.1", i % 3 == 0),
        ):
            if flagged:
                expected.append((data.code(i), qid))
    assert [(r.practice_code, r.question_id) for r in figures.risks] == expected
    assert len(figures.risks) == 40
    first = figures.risks[0]
    assert (first.practice_name, first.domain.id, first.answer.answer) == ("Practice 0", "alpha", "no")
    assert first.answer.comment == '=HYPERLINK("http://x.example","click")'
    five = next(r for r in figures.risks if r.practice_code == data.code(1) and r.question_id == "AL1.1")
    assert five.answer == Answer("partial", "", "Review the policy", "Practice manager", "")


def test_support_requests_with_contacts(figures: Figures) -> None:
    assert [(s.practice_code, s.domain.code, s.comment) for s in figures.support] == [
        (data.code(0), "AL", "Help with training 0"),
        (data.code(1), "BE", "-1 fire doors"),
        (data.code(7), "AL", "Help with training 7"),
        (data.code(14), "AL", "Help with training 14"),
        (data.code(21), "AL", "Help with training 21"),
        (data.code(28), "AL", "Help with training 28"),
    ]
    beta = figures.support[1].domain
    assert beta.contact is not None
    assert (beta.contact.name, beta.contact.email, beta.contact.phone) == (
        "Pat Example",
        "estates@icb.example.nhs.uk",
        "0113 000 0000",
    )
    assert {p.practice_code: p.support for p in figures.practices}[data.code(0)] == ("AL",)


def test_year_on_year(comparison: Comparison) -> None:
    yoy = comparison.result
    assert yoy is not None
    assert yoy.previous_edition_id == data.PREVIOUS
    kinds = {m.question_id: (m.previous_id, m.kind) for m in yoy.matches}
    assert kinds["AL1.1"] == ("AL1.1", "unchanged")
    assert kinds["AL1.2"] == ("AL1.2", "reworded")
    assert kinds["BE1.1"] == ("BE1.9", "replaced")
    assert kinds["BE1.2"] == (None, "new")
    alpha, beta = yoy.domains
    # Alpha compares AL1.1–AL1.5: last year 20 practices × 5 answers, the 20 AL1.1 'no' flag a risk.
    assert (alpha.compared, alpha.new, alpha.before_answers, alpha.before_risks) == (5, 0, 100, 20)
    assert (alpha.now_answers, alpha.now_risks) == (150, 30)
    # Beta compares BE1.1 with BE1.9 (no for even practices last year); BE1.2 is new; BE1.3 has no risk rule.
    assert (beta.compared, beta.new, beta.before_answers, beta.before_risks, beta.now_answers, beta.now_risks) == (
        1,
        1,
        20,
        10,
        30,
        10,
    )
    assert beta.change_points == pytest.approx((10 / 30 - 10 / 20) * 100)
    assert (yoy.practices_before, yoy.practices_now) == (20, 30)
    assert len(yoy.practices) == 20
    for p in yoy.practices:
        i = int(p.practice_code[1:])
        assert p.before == 1 + (i % 2 == 0), i
        assert p.now == al_risks(i) + be_risks(i), i
    four = next(p for p in yoy.practices if p.practice_code == data.code(4))
    assert (four.before, four.now, four.better, four.worse) == (2, 0, ("AL", "BE"), ())
    assert yoy.direction_counts() == (7, 5, 8)


def test_without_a_register_no_practice_is_missing(store: Path) -> None:
    edition = data.library().editions[data.CURRENT]
    found = compute(edition, ledger.read_returns(store, data.CURRENT))
    assert (found.count("valid"), found.count("invalid"), found.count("missing")) == (30, 5, 0)
    assert all(r.in_register and r.practice_name == "" for r in found.returns)


def test_a_return_from_outside_the_register_is_marked(store: Path) -> None:
    edition = data.library().editions[data.CURRENT]
    register = dict(data.register_rows()[1:])
    found = compute(edition, ledger.read_returns(store, data.CURRENT), register)
    outside = [r.practice_code for r in found.returns if not r.in_register]
    assert outside == [data.code(0)]


def test_this_years_side_from_the_figures_is_the_side_judged_afresh(
    store: Path, figures: Figures, comparison: Comparison
) -> None:
    library = data.library()
    planned = plan(library.editions[data.PREVIOUS], library.editions[data.CURRENT])
    returns = ledger.read_returns(store, data.CURRENT)
    assert side_of(figures, planned) == side(returns, planned.now, 2)
    assert (
        compare(
            library.editions[data.PREVIOUS],
            ledger.read_returns(store, data.PREVIOUS),
            library.editions[data.CURRENT],
            returns,
            dict(data.register_rows()),
        )
        == comparison.result
    )


def test_no_comparison_without_last_years_returns() -> None:
    library = data.library()
    edition = library.editions[data.CURRENT]
    store = data.collected((data.CURRENT,))
    found = compute(edition, ledger.read_returns(store, data.CURRENT))

    def note(edition_id: str, previous_id: str | None) -> tuple[object, str]:
        compared = year_on_year(library, library.editions[edition_id], found, store, previous_id, {})
        return compared.result, compared.note

    assert note(data.CURRENT, None) == (
        None,
        "There are no valid returns to 2030-31 in the store, so there is no comparison with last year.",
    )
    assert note(data.PREVIOUS, None) == (
        None,
        "2030-31 follows no earlier edition, so there is no comparison with last year.",
    )
    assert note(data.CURRENT, "2001-02") == (
        None,
        "The edition 2001-02 is not among the standards, so there is no comparison with last year.",
    )


# --- the pieces ---------------------------------------------------------------------------------------


def sub(id: int, code: str, at: str, valid: bool) -> Submission:
    return Submission(id, code, at, f"{id}.csv", "inbox", valid)


def test_chosen_prefers_the_latest_valid_then_the_latest() -> None:
    subs = [
        sub(1, "A00001", "2031-01-01", True),
        sub(2, "A00001", "2031-02-01", True),
        sub(3, "A00001", "2031-03-01", False),
        sub(4, "B00001", "2031-01-01", False),
        sub(5, "B00001", "2031-02-01", False),
        sub(6, "", "2031-02-01", False),
        sub(7, "C00001", "2031-01-01", True),
        sub(8, "C00001", "2031-01-01", True),
    ]
    assert {code: s.id for code, s in chosen(subs).items()} == {"A00001": 2, "B00001": 5, "C00001": 8}


def test_rating_rule() -> None:
    assert [rag.rating(r, 0) for r in range(4)] == ["green", "amber", "red", "red"]
    assert rag.rating(0, 1) == "red"
    assert rag.rating(1, 0, 1) == "red"  # one flag of high severity is red on its own
    assert "high severity" in rag.RULE
    assert f"Red: {rag.RED_RISKS} or more answers" in rag.RULE


def test_months_before() -> None:
    assert months_before(dt.date(2031, 3, 31), 1) == dt.date(2031, 2, 28)
    assert months_before(dt.date(2032, 3, 31), 1) == dt.date(2032, 2, 29)
    assert months_before(dt.date(2031, 1, 15), 12) == dt.date(2030, 1, 15)
    assert months_before(dt.date(2031, 1, 15), 13) == dt.date(2029, 12, 15)


def test_risk_tests_follow_each_rule() -> None:
    edition = data.library().editions[data.CURRENT]
    day = dt.date(2031, 6, 15)

    def flags(qid: str, answer: str) -> bool:
        question = edition.question(qid)
        assert question is not None
        test = risk_test(question)
        assert test is not None
        return test(answer, day)

    assert [flags("AL1.1", a) for a in ("yes", " No ", "PARTIAL", "not applicable", "")] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert [flags("AL1.3", a) for a in ("79.9", "80", "100", "lots")] == [True, False, False, False]
    assert [flags("AL1.4", a) for a in ("2030-06-14", "2030-06-15", "2031-06-01", "last May")] == [
        True,
        False,
        False,
        False,
    ]
    assert [flags("AL1.5", a) for a in ("free text", "Coded")] == [True, False]
    text = edition.question("AL1.6")
    assert text is not None and risk_test(text) is None


def test_percent() -> None:
    assert [percent(x) for x in (0, 0.0004, 0.004, 0.2249, 0.995, 0.9996, 1)] == [
        "0%",
        "<0.1%",
        "0.4%",
        "22%",
        "99.5%",
        ">99.9%",
        "100%",
    ]


def test_answers_of_unchosen_returns_are_not_counted() -> None:
    edition = data.library().editions[data.CURRENT]
    rows = {r["question_id"]: r["answer"] for r in data.answers_2031(1)}
    returns = Returns(
        data.CURRENT,
        (sub(1, "A00001", "2031-06-01", True), sub(2, "A00001", "2031-06-02", True)),
        {1: {**rows, "AL1.1": "no"}, 2: rows},
    )
    found = compute(edition, returns)
    assert found.shares[0].counts == (1, 1, 0, 0)


# --- the register -------------------------------------------------------------------------------------


def test_register_is_read_as_the_collector_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "practices.csv"
    path.write_bytes(b"\xef\xbb\xbfODS code,Name\r\nc82001 , Caf\xc3\xa9 Surgery\r\n\r\n")
    assert read_register(path).practices == {"C82001": "Café Surgery"}
    with pytest.raises(RegisterError) as raised:
        read_register(tmp_path / "nope.csv")
    assert (
        str(raised.value) == f"{tmp_path / 'nope.csv'}: cannot read the practice register (No such file or directory)"
    )


# --- the ledger ---------------------------------------------------------------------------------------


def test_ledger_problems(tmp_path: Path) -> None:
    with pytest.raises(ledger.LedgerError) as raised:
        ledger.read_returns(tmp_path / "nowhere", "2031-32")
    assert (
        str(raised.value)
        == f"{tmp_path / 'nowhere'}: no store folder here; run 'toolkit collect' first or give --store"
    )
    with pytest.raises(ledger.LedgerError) as raised:
        ledger.read_returns(tmp_path, "2031-32")
    assert str(raised.value) == f"{tmp_path / 'ledger.sqlite'}: no ledger in the store; run 'toolkit collect' first"
    (tmp_path / "ledger.sqlite").write_bytes(b"this is not a database, just some text " * 50)
    with pytest.raises(ledger.LedgerError) as raised:
        ledger.read_returns(tmp_path, "2031-32")
    assert str(raised.value) == (
        f"{tmp_path / 'ledger.sqlite'}: the ledger cannot be read (file is not a database); "
        "is it a ledger written by 'toolkit collect'?"
    )


def test_ledger_reads_only_the_chosen_answers(store: Path) -> None:
    returns = ledger.read_returns(store, data.CURRENT)
    assert len(returns.submissions) == 38
    assert len(returns.answers) == 30
    # The collector normalises answers; notes are read only where something was written.
    zero = next(s for s in returns.submissions if s.practice_code == data.code(0) and not s.superseded)
    assert returns.answers[zero.id]["AL1.2"] == "no"
    assert returns.notes[zero.id]["AL1.2"].comment == '=HYPERLINK("http://x.example","click")'
    assert "AL1.3" not in returns.notes[zero.id]
    assert ledger.editions(store) == [data.PREVIOUS, data.CURRENT]


def test_the_headline_counts_the_register_and_says_apart_who_is_outside_it(store: Path) -> None:
    """With a register of 39 of the 40 practices, the 40th's return is not counted in the register's total."""
    from generator.report.html import _who

    edition = data.library().editions[data.CURRENT]
    register = dict(data.register_rows()[1:])  # practice 0, which sent a valid return, is left out
    found = compute(edition, ledger.read_returns(store, data.CURRENT), register)
    assert _who(found) == (
        "29 of 39 practices in the register have a valid return; 5 have not returned and 5 sent a return that "
        "needs correcting. 1 more practice not in the register sent a return."
    )


def test_one_flag_of_high_severity_rates_the_domain_red(store: Path) -> None:
    """BE1.1 answered no flags a risk (every third practice): amber as a medium flag, red once it is of high
    severity; Alpha, whose questions are unchanged, keeps its ratings."""
    edition = data.library().editions[data.CURRENT]

    def weighed(severity: str) -> Figures:
        domains = tuple(
            d.model_copy(
                update={
                    "standards": tuple(
                        s.model_copy(
                            update={
                                "questions": tuple(
                                    q.model_copy(update={"severity": severity}) if q.id == "BE1.1" else q
                                    for q in s.questions
                                )
                            }
                        )
                        for s in d.standards
                    )
                }
            )
            for d in edition.domains
        )
        changed = dataclasses.replace(edition, domains=domains)
        return compute(changed, ledger.read_returns(store, data.CURRENT), dict(data.register_rows()))

    for severity, flagged in (("medium", "amber"), ("high", "red")):
        rows = {p.practice_code: p for p in weighed(severity).practices}
        for i in range(data.VALID_2031):
            row = rows[data.code(i)]
            assert row.ratings == (expected_rating(al_risks(i)), flagged if be_risks(i) else "green"), (severity, i)
