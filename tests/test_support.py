"""Support requests as cases: one per practice, domain and edition, moved on with notes, every change kept.

The report's population (tests/reportdata.py) asks for support in 2031-32: alpha (AL0.1) when the
practice's number is a multiple of 7, beta (BE0.1) for practice 1; practices 30–34 sent invalid
returns, which ask nothing yet.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import reportdata as data

from generator.cli import main
from generator.support import SupportError, cases, history, sync, update

EXPECTED = sorted(
    [(data.CURRENT, data.code(i), "alpha") for i in (0, 7, 14, 21, 28)] + [(data.CURRENT, data.code(1), "beta")]
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    return tmp_path / "store"


def keys(store: Path) -> list[tuple[str, str, str]]:
    return sorted((c.edition, c.practice_code, c.domain_id) for c in cases(store))


def test_each_yes_in_a_valid_return_opens_exactly_one_case(store: Path) -> None:
    assert sync(store, data.library()) == 6
    assert keys(store) == EXPECTED
    assert {c.status for c in cases(store)} == {"new"}
    assert {c.owner for c in cases(store) if c.domain_id == "alpha"} == {
        data.library().editions[data.CURRENT].domains[0].contact
    }
    assert sync(store, data.library()) == 0  # again: nothing opened twice
    assert keys(store) == EXPECTED


def test_a_newer_return_that_no_longer_asks_marks_the_case_withdrawn_and_it_stays(store: Path) -> None:
    sync(store, data.library())
    import sqlite3

    with sqlite3.connect(store / "ledger.sqlite") as db:  # a newer valid return of practice 7 answers no
        sub = db.execute(
            "SELECT id FROM submissions WHERE practice_code = ? AND edition = ? AND status = 'valid'",
            (data.code(7), data.CURRENT),
        ).fetchone()[0]
        db.execute("UPDATE answers SET answer = 'no' WHERE submission_id = ? AND question_id = 'AL0.1'", (sub,))
    sync(store, data.library())
    withdrawn = [c for c in cases(store) if c.withdrawn]
    assert [(c.practice_code, c.domain_id) for c in withdrawn] == [(data.code(7), "alpha")]
    assert keys(store) == EXPECTED  # shown, not deleted
    assert [h.what for h in history(store, withdrawn[0].id)] == ["opened", "withdrawn"]


def test_a_case_moves_on_with_notes_and_closes_with_an_outcome(store: Path) -> None:
    sync(store, data.library())
    first = cases(store)[0].id
    update(store, first, {"status": "contacted"}, "Rang the practice manager", at="2031-07-01T10:00:00Z")
    with pytest.raises(SupportError, match="give an --outcome to close case"):
        update(store, first, {"status": "closed"})
    with pytest.raises(SupportError, match="cannot go back to new"):
        update(store, first, {"status": "new"})
    with pytest.raises(SupportError, match="is not a status"):
        update(store, first, {"status": "done"})
    closed = update(store, first, {"status": "closed", "outcome": "visit made"}, at="2031-07-08T10:00:00Z")
    assert (closed.status, closed.outcome) == ("closed", "visit made")
    assert [(h.at, h.what, h.old, h.new) for h in history(store, first)][1:] == [
        ("2031-07-01T10:00:00Z", "status", "new", "contacted"),
        ("2031-07-01T10:00:00Z", "note", "", "Rang the practice manager"),
        ("2031-07-08T10:00:00Z", "status", "contacted", "closed"),
        ("2031-07-08T10:00:00Z", "outcome", "", "visit made"),
    ]
    with pytest.raises(SupportError, match="there is no support case 999"):
        update(store, 999, {"status": "contacted"})


def test_the_command_lists_filters_and_updates(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["support", "--store", str(store), "--standards", str(data.FIXTURE)]
    assert main([*args, "list"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 6 and err == "6 cases\n"
    assert main([*args, "list", "--domain", "beta"]) == 0
    out, _ = capsys.readouterr()
    assert out.split("\t")[2:4] == [data.code(1), "beta"]
    case = out.split("\t")[0]
    assert main([*args, "update", case, "--status", "closed"]) == 1
    assert "give an --outcome to close case" in capsys.readouterr().err
    assert main([*args, "update", case, "--status", "closed", "--outcome", "resolved by phone"]) == 0
    assert capsys.readouterr().err == f"case {case}: closed: resolved by phone\n"
    assert main([*args, "list", "--status", "closed"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_the_report_counts_the_help_given_against_the_target(store: Path) -> None:
    """The six requests were received on 2031-06-15 (a Sunday). Three are contacted: after 3, 10 and 11 working
    days (Friday 20, Friday 27 June and Monday 30 June); two of those within the 10-day target; one closed."""
    import datetime as dt

    from generator.report.helpgiven import help_given, working_days

    sync(store, data.library())
    alpha = [c.id for c in cases(store) if c.domain_id == "alpha"]
    beta = next(c.id for c in cases(store) if c.domain_id == "beta")
    update(store, alpha[0], {"status": "contacted"}, at="2031-06-18T09:00:00Z")
    update(store, alpha[1], {"status": "in progress"}, at="2031-06-27T09:00:00Z")
    update(store, alpha[1], {"status": "closed", "outcome": "training arranged"}, at="2031-07-10T09:00:00Z")
    update(store, beta, {"status": "contacted"}, at="2031-06-30T09:00:00Z")
    helped = help_given(store, data.library().editions[data.CURRENT])
    assert helped is not None
    by_domain = {h.domain_id: h for h in helped}
    a, b = by_domain["alpha"], by_domain["beta"]
    assert (a.requests, a.contacted, a.within_target, a.closed, a.outcomes) == (5, 2, 2, 1, {"training arranged": 1})
    assert a.median_days == (3 + 10) / 2
    assert (b.requests, b.contacted, b.within_target, b.median_days) == (1, 1, 0, 11)
    assert working_days(dt.date(2031, 6, 15), dt.date(2031, 6, 15)) == 0
    assert working_days(dt.date(2031, 6, 20), dt.date(2031, 6, 23)) == 1  # Friday to Monday


def test_without_cases_the_report_has_no_help_figures(tmp_path: Path) -> None:
    from generator.report.helpgiven import help_given

    assert help_given(tmp_path, data.library().editions[data.CURRENT]) is None


def test_the_target_is_the_icbs_to_choose(store: Path, tmp_path: Path) -> None:
    """Beta's one request, contacted after 11 working days, is late against 10 days and in time against 11; the
    report says which target it counted against."""
    import datetime as dt

    from generator.report.build import make
    from generator.report.helpgiven import due_by, help_given

    sync(store, data.library())
    beta = next(c.id for c in cases(store) if c.domain_id == "beta")
    update(store, beta, {"status": "contacted"}, at="2031-06-30T09:00:00Z")
    edition = data.library().editions[data.CURRENT]
    assert [h.within_target for h in help_given(store, edition, 11) or [] if h.domain_id == "beta"] == [1]
    assert [h.within_target for h in help_given(store, edition, 10) or [] if h.domain_id == "beta"] == [0]
    assert due_by(dt.date(2031, 6, 15), 10) == dt.date(2031, 6, 27)
    assert due_by(dt.date(2031, 6, 15), 11) == dt.date(2031, 6, 30)
    make(data.library(), data.CURRENT, store, tmp_path / "report", target_days=11, site=tmp_path / "site")
    assert "first contact within 11 working days" in (tmp_path / "report" / "report.html").read_text(encoding="utf-8")


def test_the_list_says_when_first_contact_is_due(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["support", "--store", str(store), "--standards", str(data.FIXTURE)]
    assert main([*args, "--target-days", "11", "list", "--domain", "beta"]) == 0
    assert capsys.readouterr().out.rstrip("\n").split("\t")[-1] == "first contact due by 2031-06-30"
    assert main([*args, "--target-days", "-1", "list"]) == 2


def test_without_the_option_the_target_is_the_settings(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """toolkit.yml beside the standards sets the target (here 11 working days); the option still wins."""
    from generator.report.helpgiven import target_working_days

    project = tmp_path / "project"
    shutil.copytree(data.FIXTURE, project / "standards")
    settings = (Path(__file__).parent.parent / "toolkit.yml").read_text(encoding="utf-8")
    assert "target_working_days: 10" in settings
    (project / "toolkit.yml").write_text(settings.replace("target_working_days: 10", "target_working_days: 11"))
    assert target_working_days(project) == 11 and target_working_days(project, 3) == 3
    assert target_working_days(tmp_path) == 10  # no settings here
    args = ["support", "--store", str(store), "--standards", str(project / "standards")]
    assert main([*args, "list", "--domain", "beta"]) == 0
    assert capsys.readouterr().out.rstrip("\n").split("\t")[-1] == "first contact due by 2031-06-30"
    assert main([*args, "--target-days", "10", "list", "--domain", "beta"]) == 0
    assert capsys.readouterr().out.rstrip("\n").split("\t")[-1] == "first contact due by 2031-06-27"
