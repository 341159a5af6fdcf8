"""toolkit carry-forward: last year's answers kept, marked to check again, dropped or left empty, exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.answertypes import narrows
from generator.carry import (
    CHECK_AGAIN,
    Carried,
    Dropped,
    ReturnUnreadable,
    carried_answer,
    carry_forward,
    fits,
    nothing_to_carry,
    read_return,
    to_csv,
    to_json,
)
from generator.check import check
from generator.cli import main
from generator.lineage import lineage, normalised
from generator.model import Library, Question
from generator.returnformat import ALL_COLUMNS

HERE = Path(__file__).parent
SMALL = HERE / "editions" / "small" / "standards"
RETURNS = HERE / "editions" / "small" / "returns"
ROOT = HERE.parent


@pytest.fixture(scope="module")
def small() -> Library:
    library, problems = check(SMALL)
    assert problems == []
    return library


EXPECTED_ROWS = (
    Carried("BE1.1", "kept", "2030-05-01", from_id="BE1.1"),
    Carried(
        "BE1.3",
        "check again",
        "yes",
        "Check again: this question replaces BE1.2 of 2030-31, which asked: Do audits have a standard?",
        from_id="BE1.2",
        reason="this question replaces BE1.2 of 2030-31, which asked: Do audits have a standard?",
    ),
    Carried("AL2.1", "kept", "no", "", "Name a lead", "Practice manager", "2030-12-31", from_id="AL2.1"),
    Carried("BE0.1", "kept", "yes", "Help with audit", from_id="BE0.1"),
    Carried("AL1.1", "kept", "yes", "Policy v3", from_id="AL1.1"),
    Carried(
        "AL1.2",
        "check again",
        "95",
        "Check again: this question was reworded since 2030-31.",
        from_id="AL1.2",
        reason="this question was reworded since 2030-31",
    ),
    Carried(
        "AL1.4",
        "check again",
        "",
        "Check again: this question was given other options since 2030-31; last year's answer 'Free text' is not an "
        "answer to it now. We are moving to coding",
        "Code all concerns",
        "Safeguarding lead",
        "2030-11-30",
        from_id="AL1.4",
        reason="this question was given other options since 2030-31; last year's answer 'Free text' is not an answer to it now",
    ),
    Carried("AL1.5", "empty", reason="a new question"),
    Carried(
        "AL0.1",
        "check again",
        "no",
        "Check again: this question was reworded since 2030-31.",
        from_id="AL0.1",
        reason="this question was reworded since 2030-31",
    ),
    Carried("DE1.1", "empty", reason="a new question"),
    Carried("DE0.1", "empty", reason="a new question"),
)
EXPECTED_DROPPED = (
    Dropped("AL1.3", "Is the policy on the intranet?", "yes", ""),
    Dropped("GA1.1", "Do patients with long-term conditions have a care plan?", "no", ""),
)


@pytest.mark.parametrize("name", ["P12345-2030-31.csv", "P12345-2030-31.json"])
def test_carry_the_small_return_forward(small: Library, name: str) -> None:
    given_return = read_return(RETURNS / name)
    assert (given_return.edition, given_return.practice_code) == ("2030-31", "P12345")
    result = carry_forward(given_return.rows, small.editions["2030-31"], small.editions["2031-32"])
    assert (result.practice_code, result.from_edition, result.to_edition) == ("P12345", "2030-31", "2031-32")
    assert result.rows == EXPECTED_ROWS
    assert result.dropped == EXPECTED_DROPPED
    assert result.problems == ()
    assert [r.question_id for r in result.with_status("kept")] == ["BE1.1", "AL2.1", "BE0.1", "AL1.1"]
    assert [r.question_id for r in result.with_status("check again")] == ["BE1.3", "AL1.2", "AL1.4", "AL0.1"]
    assert [r.question_id for r in result.with_status("empty")] == ["AL1.5", "DE1.1", "DE0.1"]
    assert to_csv(result) == (RETURNS / "P12345-2031-32.csv").read_text(encoding="utf-8")


def test_a_question_not_answered_last_year_starts_empty(small: Library) -> None:
    rows = [{"practice_code": "P12345", "edition": "2030-31", "question_id": "AL1.1", "answer": "", "comment": ""}]
    result = carry_forward(rows, small.editions["2030-31"], small.editions["2031-32"])
    al11 = next(r for r in result.rows if r.question_id == "AL1.1")
    assert al11 == Carried("AL1.1", "empty", from_id="AL1.1", reason="not answered in 2030-31")
    assert result.dropped == ()


def test_rows_that_cannot_be_carried_are_named(small: Library) -> None:
    rows = [
        {"practice_code": "P12345", "edition": "2030-31", "question_id": "AL1.1", "answer": "yes"},
        {"practice_code": "P12345", "edition": "2030-31", "question_id": "AL1.1", "answer": "no"},
        {"practice_code": "P12345", "edition": "2030-31", "question_id": "ZZ9.9", "answer": "yes"},
        {"practice_code": "Q99999", "edition": "2029-30", "question_id": "AL1.2", "answer": "50"},
    ]
    result = carry_forward(rows, small.editions["2030-31"], small.editions["2031-32"])
    assert result.problems == (
        "the return names more than one practice: P12345, Q99999; the first is used",
        "the return names the edition 2029-30, 2030-31, not 2030-31",
        "AL1.1 is answered more than once; the first answer is carried",
        "'ZZ9.9' is no question of 2030-31; its answer is not carried",
    )
    assert next(r for r in result.rows if r.question_id == "AL1.1").answer == "yes"


def _narrowed_small(tmp_path: Path) -> Library:
    """The small editions with AL1.1 no longer offering 'not applicable' in 2031-32 (yes_no_partial)."""
    shutil.copytree(SMALL, tmp_path / "standards")
    alpha = tmp_path / "standards" / "2031-32" / "domains" / "alpha.yml"
    text = alpha.read_text(encoding="utf-8")
    before = 'text: "Is there a  written policy?"\n        type: yes_no_partial_na'
    assert before in text
    alpha.write_text(text.replace(before, before.replace("yes_no_partial_na", "yes_no_partial")), encoding="utf-8")
    library, problems = check(tmp_path / "standards")
    assert problems == []
    return library


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("yes", Carried("AL1.1", "kept", "yes", "Policy v3", from_id="AL1.1")),
        ("Partial", Carried("AL1.1", "kept", "Partial", "Policy v3", from_id="AL1.1")),
        (
            "not applicable",
            Carried(
                "AL1.1",
                "check again",
                "",
                "Check again: this question was given fewer answers to choose from since 2030-31; last year's answer "
                "'not applicable' is not an answer to it now. Policy v3",
                from_id="AL1.1",
                reason="this question was given fewer answers to choose from since 2030-31; last year's answer "
                "'not applicable' is not an answer to it now",
            ),
        ),
    ],
)
def test_a_question_offering_fewer_answers_checks_again_only_an_answer_it_no_longer_takes(
    tmp_path: Path, given: str, expected: Carried
) -> None:
    library = _narrowed_small(tmp_path)
    old, new = library.editions["2030-31"], library.editions["2031-32"]
    traced = lineage(old, new).of("AL1.1")
    assert traced is not None and (traced.kind, traced.changes, traced.check_again) == (
        "unchanged",
        ("narrowed",),
        False,
    )
    rows = [
        {
            "practice_code": "P12345",
            "edition": "2030-31",
            "question_id": "AL1.1",
            "answer": given,
            "comment": "Policy v3",
        }
    ]
    assert next(r for r in carry_forward(rows, old, new).rows if r.question_id == "AL1.1") == expected


def test_json_out_keeps_the_practice_details(small: Library) -> None:
    given_return = read_return(RETURNS / "P12345-2030-31.json")
    result = carry_forward(given_return.rows, small.editions["2030-31"], small.editions["2031-32"])
    import datetime as dt

    data = json.loads(to_json(result, given_return.extra, dt.datetime(2031, 4, 2, 8, 30, tzinfo=dt.UTC)))
    assert {k: v for k, v in data.items() if k != "answers"} == {
        "format": "gp-quality-return/1",
        "edition": "2031-32",
        "practice_code": "P12345",
        "practice_name": "Test Surgery",
        "completed_by": "A Manager",
        "exported_at": "2031-04-02T08:30:00Z",
    }
    assert [a["question_id"] for a in data["answers"]] == [r.question_id for r in EXPECTED_ROWS]
    assert data["answers"][1] == {
        "question_id": "BE1.3",
        "answer": "yes",
        "comment": EXPECTED_ROWS[1].comment,
        "action": "",
        "action_owner": "",
        "action_due": "",
    }


# --- fits ---------------------------------------------------------------------------------------------


def _q(**fields: object) -> Question:
    return Question.model_validate({"id": "AB1.1", "text": "A question?", **fields})


def test_fits() -> None:
    assert fits("partial", _q(type="yes_no_partial_na"))
    assert not fits("partial", _q(type="yes_no"))
    assert fits("", _q(type="yes_no"))
    assert fits("50", _q(type="number", minimum=0, maximum=100))
    assert not fits("150", _q(type="number", minimum=0, maximum=100))
    assert not fits("lots", _q(type="number", minimum=0, maximum=100))
    assert fits("2030-05-01", _q(type="date"))
    assert fits("Coded", _q(type="choice", options=["Coded", "Free text"]))
    assert not fits("Coded differently", _q(type="choice", options=["Coded", "Free text"]))
    assert fits("anything", _q(type="text"))


def test_carried_answers_are_read_as_the_collector_reads_them() -> None:
    """Carry-forward keeps exactly what the collector would accept, in the collector's spelling: never an answer the
    return would then be refused for, never one refused that the collector takes."""
    assert carried_answer("Yes", _q(type="yes_no")) == "yes"
    assert carried_answer("coded", _q(type="choice", options=["Coded", "Free text"])) == "Coded"
    assert carried_answer("31/12/2025", _q(type="date")) == "2025-12-31"
    assert carried_answer("31/02/2025", _q(type="date")) is None
    assert carried_answer("1e3", _q(type="number", minimum=0, maximum=10000)) is None
    assert carried_answer(" 100 ", _q(type="number", minimum=0, maximum=100)) == "100"
    assert carried_answer("100.5", _q(type="number", minimum=0, maximum=100)) is None
    assert carried_answer("", _q(type="date")) == ""


@given(st.text(max_size=20))
def test_fits_never_raises(answer: str) -> None:
    for question in (_q(type="number", minimum=0, maximum=10), _q(type="date"), _q(type="yes_no")):
        assert fits(answer, question) in (True, False)


# --- reading returns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.csv", b"question_id,answer\nAL1.1,yes\n", "r.csv: The column 'practice_code' is missing: the first row"),
        ("r.csv", b"practice_code,edition,question_id,answer,comment\n", "r.csv: The return has no answers: below"),
        ("r.csv", b"\xff\xfe\x00garbage", "r.csv: The first row must name the columns practice_code,edition,"),
        ("r.json", b'{"format": "other"}', "r.json: This JSON file is not a return exported by the online form"),
        (
            "r.json",
            b'{"format": "gp-quality-return/1",',
            "r.json: This file could not be read: it is damaged, or it is not a file the online form",
        ),
        (
            "r.json",
            b'{"format": "gp-quality-return/1", "edition": "2030-31"}',
            "r.json: The online form's export is damaged: it has no list of 'answers'",
        ),
    ],
)
def test_unreadable_returns(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReturnUnreadable) as unreadable:
        read_return(path)
    assert message in str(unreadable.value)


@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".txt"]))
def test_any_bytes_read_as_a_return_or_a_reason(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("any") / f"return{suffix}"
    path.write_bytes(content)
    try:
        read = read_return(path)
    except ReturnUnreadable as unreadable:
        assert str(unreadable).startswith(str(path))
    else:
        assert read.rows and all(set(row) == set(ALL_COLUMNS) for row in read.rows)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "practice_code": st.sampled_from(["P12345", ""]),
                "edition": st.sampled_from(["2030-31", ""]),
                "question_id": st.sampled_from(["AL1.1", "AL1.2", "AL1.3", "AL1.4", "BE1.2", "GA1.1", "ZZ1.1", ""]),
                "answer": st.text(max_size=12),
                "comment": st.text(max_size=12),
            }
        ),
        max_size=12,
    )
)
def test_every_question_of_the_new_edition_gets_one_row(small: Library, rows: list[dict[str, str]]) -> None:
    library = small
    result = carry_forward(rows, library.editions["2030-31"], library.editions["2031-32"])
    assert [r.question_id for r in result.rows] == [q.id for _, _, q in library.editions["2031-32"].questions()]
    for row in result.rows:
        question = library.editions["2031-32"].question(row.question_id)
        assert question is not None
        assert row.status != "check again" or fits(row.answer, question)


# --- the command --------------------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SMALL, tmp_path / "standards")
    shutil.copy(RETURNS / "P12345-2030-31.csv", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_toolkit_carry_forward(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["carry-forward", "P12345-2030-31.csv", "--to", "2031-32"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "P12345: 2030-31 → 2031-32: 4 kept, 4 to check again, 2 dropped, 3 empty; written to P12345-2031-32.csv",
        "Check again:",
        "  BE1.3: this question replaces BE1.2 of 2030-31, which asked: Do audits have a standard?",
        "  AL1.2: this question was reworded since 2030-31",
        "  AL1.4: this question was given other options since 2030-31; last year's answer 'Free text' is not an answer to it now",
        "  AL0.1: this question was reworded since 2030-31",
        "Dropped (no longer asked in 2031-32):",
        "  AL1.3 Is the policy on the intranet? — answered 'yes'",
        "  GA1.1 Do patients with long-term conditions have a care plan? — answered 'no'",
        "New in 2031-32, to answer: AL1.5, DE1.1, DE0.1",
    ]
    assert (workspace / "P12345-2031-32.csv").read_text(encoding="utf-8") == (RETURNS / "P12345-2031-32.csv").read_text(
        encoding="utf-8"
    )
    # It never writes over a file it was not told to.
    assert main(["carry-forward", "P12345-2030-31.csv", "--to", "2031-32"]) == 1
    assert capsys.readouterr().err == "P12345-2031-32.csv already exists; name another file with --out\n"


def test_toolkit_carry_forward_to_the_terminal_as_json(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["carry-forward", "P12345-2030-31.csv", "--to", "2031-32", "--out", "new.json"]) == 0
    data = json.loads((workspace / "new.json").read_text(encoding="utf-8"))
    assert (data["format"], data["edition"], len(data["answers"])) == ("gp-quality-return/1", "2031-32", 11)
    capsys.readouterr()
    assert main(["carry-forward", "P12345-2030-31.csv", "--to", "2031-32", "--out", "-"]) == 0
    assert capsys.readouterr().out == (RETURNS / "P12345-2031-32.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--to", "2031-32"], "missing.csv: cannot read the file: No such file or directory"),
        (
            ["P12345-2030-31.csv", "--to", "2040-41"],
            "--to names the edition '2040-41', which is not in standards or does not load (editions: 2030-31, 2031-32)",
        ),
        (["P12345-2030-31.csv", "--to", "2030-31"], "P12345-2030-31.csv is already a return to 2030-31"),
    ],
)
def test_toolkit_carry_forward_refuses(
    workspace: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["carry-forward", *args]) == 1
    assert capsys.readouterr() == ("", message + "\n")


# --- the default editions ------------------------------------------------------------------------------


def test_carry_a_2024_25_return_forward_to_2025_26() -> None:
    """Every answer lands where the simple rule says, worked out here from the two editions' YAML alone."""
    library, problems = check(ROOT / "standards")
    assert [p.format() for p in problems if p.severity == "error"] == []
    old, new = library.editions["2024-25"], library.editions["2025-26"]
    answer = {
        "yes_no_partial_na": "yes",
        "yes_no_partial": "partial",
        "yes_no": "no",
        "number": "1",
        "date": "2024-06-30",
        "choice": "",
        "text": "Notes",
    }
    rows = [
        {
            "practice_code": "C82001",
            "edition": "2024-25",
            "question_id": q.id,
            "answer": "not applicable"
            if q.type == "yes_no_partial_na" and n % 3 == 0
            else answer[q.type] or q.options[0],
            "comment": f"said in 2024-25 about {q.id}",
        }
        for n, (_, _, q) in enumerate(old.questions())
    ]
    result = carry_forward(rows, old, new)

    olds = {q.id: q for _, _, q in old.questions()}
    given = {r["question_id"]: r["answer"] for r in rows}
    same_answers = ("options", "minimum", "maximum", "unit")
    expected_kept, expected_again, expected_empty = [], [], []
    for _, _, q in new.questions():
        before = olds.get(q.id) or (olds.get(q.replaces) if q.replaces else None)
        if before is None:
            expected_empty.append(q.id)
        elif (
            before.id == q.id
            and normalised(before.text) == normalised(q.text)
            and all(getattr(before, f) == getattr(q, f) for f in same_answers)
            # the same type, or fewer of the same answers (no 'not applicable') and last year's answer one of them
            and (before.type == q.type or (narrows(before.type, q.type) and fits(given[q.id], q)))
        ):
            expected_kept.append((q.id, given[q.id]))
        else:
            expected_again.append((q.id, given[before.id] if fits(given[before.id], q) else ""))
    continued = {q.id for _, _, q in new.questions()} | {q.replaces for _, _, q in new.questions() if q.replaces}
    expected_dropped = [i for i in olds if i not in continued]

    assert [(r.question_id, r.answer) for r in result.with_status("kept")] == expected_kept
    assert [(r.question_id, r.answer) for r in result.with_status("check again")] == expected_again
    assert [r.question_id for r in result.with_status("empty")] == expected_empty
    assert [d.question_id for d in result.dropped] == expected_dropped
    assert result.problems == ()
    for row in result.with_status("kept"):
        assert row.comment == f"said in 2024-25 about {row.from_id}"
    for row in result.with_status("check again"):
        assert row.comment.startswith(CHECK_AGAIN) and row.comment.endswith(f"said in 2024-25 about {row.from_id}")
    # The two editions really do differ in each of these ways.
    assert expected_kept and expected_again and expected_empty and expected_dropped
    assert any(q.replaces for _, _, q in new.questions())
    assert any(a == "" for _, a in expected_again), "some answer no longer fits its replacement"


# --- one reader: what the collector reads, carry-forward reads ---------------------------------------------

CORPUS = HERE / "returns"
CORPUS_CASES = sorted(p for p in CORPUS.iterdir() if p.suffix not in (".expected", ".py") and p.name != "register.csv")


@pytest.mark.parametrize("case", CORPUS_CASES, ids=lambda p: p.name)
def test_carry_forward_reads_every_return_the_collector_reads(case: Path) -> None:
    """The corpus of returns as practices really send them (Windows-1252, UTF-16, ';', 'Practice Code', the
    workbook, the online form's JSON) and broken ones: carry-forward reads what the collector reads, the same rows."""
    from generator.returns.read import read_return as collector_read

    found = collector_read(case.read_bytes())
    fatal = nothing_to_carry(found)
    readable = found.format != "unknown" and fatal is None
    try:
        carried = read_return(case)
    except ReturnUnreadable as unreadable:
        assert not readable, f"carry-forward refused what the collector reads: {unreadable}"
        assert fatal is not None and str(unreadable) == f"{case}: {fatal.message}"
    else:
        assert readable, "carry-forward read what the collector refuses"
        assert [dict(r) for r in carried.rows] == [r.values for r in found.rows]


def test_the_corpus_holds_the_spreadsheet_shapes_carry_forward_once_refused() -> None:
    names = {p.name for p in CORPUS_CASES}
    shapes = ("good_windows_1252.csv", "good_unicode_text.txt", "good_semicolons.csv", "good_workbook.xlsx")
    assert set(shapes) <= names
    for name in shapes:
        assert read_return(CORPUS / name).rows
