"""One bad file never blocks the others, no text from a file chooses a path, and every step can be done again.

Each case is a file a practice or a shared folder could really produce: a JSON export holding a
lone surrogate, a file name that is no UTF-8, a practice code that is a path, a NUL or a
thousand characters, a file far too long to be a return, a workbook that claims a million rows.
Each is collected beside a good return, and the run (and the next run) completes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.returns.read import MAX_JSON_DEPTH, MAX_ROWS, read_return
from generator.returns.store import LEDGER_FILE, Record, Store, put_raw
from generator.returns.text import valid_data, valid_text

CORPUS = Path(__file__).parent / "returns"
JUNE_5 = 1906880400  # 2030-06-05T09:00:00Z


def export(practice_code: str, comment: str = "", answer: str = "yes") -> str:
    """The online form's export of a return to the minimal edition, as JSON text (escapes kept as written)."""
    answers = ",".join(
        f'{{"question_id": "{question}", "answer": "{value}", "comment": {comment_json}}}'
        for question, value, comment_json in (
            ("MN1.1", answer, comment or '""'),
            ("MN1.2", "95", '""'),
            ("MN1.3", "2030-05-01", '""'),
            ("MN1.4", "Coded", '""'),
            ("MN0.1", "no", '""'),
        )
    )
    code = json.dumps(practice_code)
    return f'{{"format": "gp-quality-return/1", "edition": "2030-31", "practice_code": {code}, "answers": [{answers}]}}'


def put(inbox: Path, name: str | bytes, data: bytes) -> None:
    inbox.mkdir(exist_ok=True)
    path = os.path.join(os.fsencode(inbox), name if isinstance(name, bytes) else os.fsencode(name))
    with open(path, "wb") as handle:
        handle.write(data)
    os.utime(path, (JUNE_5, JUNE_5))


def ledger(store: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(store / LEDGER_FILE) as db:
        return db.execute(query).fetchall()


def every_file(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inbox(standards: Path) -> Path:
    folder = standards.parent / "inbox"
    put(folder, "C82001.csv", (CORPUS / "good_plain.csv").read_bytes())
    return folder


def collect(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["collect", "--from", "inbox", "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_lone_surrogate_in_a_json_return_is_kept_as_its_escape(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(inbox, "C82002.json", export("C82002", comment='"before \\ud800 after"').encode())
    code, _, err = collect(capsys)
    assert code == 0 and "2 new (2 valid, 0 invalid)" in err, err
    assert ledger(Path("store"), "SELECT comment FROM answers WHERE question_id = 'MN1.1' AND comment != ''") == [
        ("before \\ud800 after",)
    ]
    assert "2030-31,C82002,,valid" in Path("store/status.csv").read_text(encoding="utf-8")
    assert collect(capsys)[0] == 0  # and every later run


def test_a_file_name_that_is_no_utf8_is_collected_and_shown_readably(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(inbox, b"C82002 r\xe9sum\xe9.csv", (CORPUS / "good_plain.csv").read_bytes().replace(b"C82001", b"C82002"))
    code, _, err = collect(capsys)
    assert code == 0 and "2 new (2 valid, 0 invalid)" in err, err
    sources = [str(row[0]) for row in ledger(Path("store"), "SELECT source FROM submissions ORDER BY id")]
    assert sources[1].endswith("C82002 r\\xe9sum\\xe9.csv")
    assert "C82002" in Path("store/status.csv").read_text(encoding="utf-8")
    assert collect(capsys)[0] == 0


@pytest.mark.parametrize(
    "code",
    ["../../../ESCAPED/PWNED", "/tmp/PWNED", "C82\x00002", "C" + "8" * 1000, "..", "C82002/../../x", "CON"],
)
def test_no_practice_code_chooses_where_a_file_goes(inbox: Path, capsys: pytest.CaptureFixture[str], code: str) -> None:
    put(inbox, "odd.json", export(code, answer="maybe").encode())
    before = set(Path.cwd().parent.rglob("*"))
    first, _, err = collect(capsys)
    assert first == 0, err
    made = set(Path.cwd().parent.rglob("*")) - before
    assert all(Path("store").resolve() in p.resolve().parents or p.resolve() == Path("store").resolve() for p in made)
    feedback = sorted(p.name for p in Path("store/feedback").rglob("*") if p.is_file())
    assert feedback == ["unknown-2-problems.csv", "unknown-2.html"]
    assert ledger(Path("store"), "SELECT practice_code FROM submissions WHERE id = 2") == [("",)]
    assert collect(capsys)[0] == 0  # and every later run


def test_a_run_killed_while_writing_feedback_is_finished_by_the_next(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(inbox, "C82002.csv", (CORPUS / "answers_not_allowed.csv").read_bytes().replace(b"C82001", b"C82002"))
    put(inbox, "C82003.json", export("C82003", answer="maybe").encode())
    assert collect(capsys)[0] == 0
    store = Path("store")
    clean = every_file(store / "feedback")
    assert len(clean) == 4
    pages = sorted((store / "feedback").rglob("*.html"))
    # What a kill leaves: a page whose CSV was not written yet, a CSV whose page was not, a half-written temporary.
    pages[0].with_name(pages[0].stem + "-problems.csv").unlink()
    pages[1].unlink()
    (store / "tmp" / "C82003-3.html.4242.tmp").write_text("<html><body>half")
    assert collect(capsys)[0] == 0
    assert every_file(store / "feedback") == clean
    assert list((store / "tmp").iterdir()) == []


def test_a_raw_file_gone_from_the_store_is_put_back_or_reported(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(inbox, "C82002.csv", (CORPUS / "good_plain.csv").read_bytes().replace(b"C82001", b"C82002"))
    assert collect(capsys)[0] == 0
    store = Path("store")
    first, second = (str(row[0]) for row in ledger(store, "SELECT sha256 FROM submissions ORDER BY id"))
    original = (store / "raw" / first).read_bytes()
    (store / "raw" / first).unlink()
    code, out, err = collect(capsys)
    assert code == 0, err
    assert (store / "raw" / first).read_bytes() == original
    assert "inbox/C82001.csv: warning: its stored copy had gone from the store's raw/ folder" in out + err
    # Gone from the store and from the sources: said, as an error, every run until it is put right.
    (store / "raw" / second).unlink()
    (inbox / "C82002.csv").unlink()
    code, out, err = collect(capsys)
    assert code == 1
    assert f"inbox/C82002.csv: its stored copy (raw/{second}, received 2030-06-05T09:00:00Z) is missing" in out + err


def test_a_csv_far_longer_than_a_return_is_refused_unread() -> None:
    line = b"C82001,2030-31,MN1.1,maybe," + b"x" * 40 + b"\n"
    data = b"practice_code,edition,question_id,answer,comment\n" + line * (MAX_ROWS + 1)
    found = read_return(data)
    assert (found.format, found.rows, [p.code for p in found.problems]) == ("unknown", [], ["too_many_rows"])
    assert found.problems[0].message.startswith("This file has more than 10,000 rows")
    at_the_limit = read_return(b"practice_code,edition,question_id,answer,comment\n" + line * (MAX_ROWS - 1))
    assert at_the_limit.format == "csv" and len(at_the_limit.rows) == MAX_ROWS - 1


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 100_000])
def test_json_nested_too_deeply_is_a_problem_not_a_crash(depth: int) -> None:
    found = read_return(b"[" * depth + b"]" * depth)
    assert [p.code for p in found.problems] == ["json_invalid"]
    assert "it is damaged, or it is not a file the online form exported" in found.problems[0].message


def test_json_nested_to_the_limit_is_read() -> None:
    inner = b'"x"'
    for _ in range(MAX_JSON_DEPTH - 1):
        inner = b"[" + inner + b"]"
    found = read_return(b'{"format": "other", "nested": ' + inner + b"}")
    assert [p.code for p in found.problems] == ["json_not_ours"]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("", ""),
        ("plain", "plain"),
        ("x \ud800 y", "x \\ud800 y"),
        ("r\udce9sum\udce9.csv", "r\\xe9sum\\xe9.csv"),
        ("a\x00b", "a\\x00b"),
        ("\udfff", "\\udfff"),
    ],
)
def test_valid_text(text: str, valid: str) -> None:
    assert valid_text(text) == valid
    valid.encode("utf-8")
    assert valid_data({"k\ud800": [text, (text,), 1, None]}) == {"k\\ud800": [valid, (valid,), 1, None]}


def test_the_store_status_and_report_agree_on_which_return_counts() -> None:
    """One rule (generator.returns.counts), three readers: the ledger's supersession, status.csv and the report."""
    from generator.report.inputs import Submission as Reported
    from generator.report.inputs import chosen as reported
    from generator.returns.outputs import chosen as status
    from generator.returns.store import Submission as Stored

    cases = [  # (id, received_at, valid)
        [(1, "2030-06-01T09:00:00Z", True), (2, "2030-06-02T09:00:00Z", False)],
        [(1, "2030-06-02T09:00:00Z", True), (2, "2030-06-01T09:00:00Z", True)],
        [(1, "2030-06-01T09:00:00Z", True), (2, "2030-06-01T09:00:00Z", True)],  # the same second: the later id
        [(1, "2030-06-01T09:00:00Z", False), (2, "2030-06-01T08:00:00Z", False)],
    ]
    for case in cases:
        stored = [
            Stored(i, "", "", f"{i}", 1, at, "csv", "C82001", "2030-31", "valid" if ok else "invalid", None, [], 0, 0)
            for i, at, ok in case
        ]
        by_report = reported(Reported(i, "C82001", at, "", "", ok) for i, at, ok in case)["C82001"].id
        assert status(stored).id == by_report, case


def with_sheet_xml(workbook: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """``workbook`` with each worksheet's XML passed through ``change(name, xml)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = change(info.filename, data)
            target.writestr(info, data)
    return out.getvalue()


def test_a_workbook_claiming_a_million_rows_and_every_column_is_read_as_what_it_holds() -> None:
    """Each sheet says it spans A1:XFD1048576; padded to that, its rows would take gigabytes."""
    good = (CORPUS / "good_workbook.xlsx").read_bytes()
    claims = with_sheet_xml(
        good, lambda _, xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    )
    assert claims != good
    assert [r.values for r in read_return(claims).rows] == [r.values for r in read_return(good).rows]


def test_a_workbook_with_more_rows_than_a_return_is_refused_unread() -> None:
    rows = b"".join(
        b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i) for i in range(1, MAX_ROWS + 2)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )
    found = read_return(with_sheet_xml((CORPUS / "good_own_workbook.xlsx").read_bytes(), lambda _, xml: sheet))
    assert [p.code for p in found.problems] == ["too_many_rows"]


def test_a_20_mb_csv_beside_a_good_return_is_recorded_and_the_run_completes(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = b"C82002,2030-31,MN1.1,maybe," + b"x" * 60 + b"\n"
    put(
        inbox,
        "C82002 huge.csv",
        b"practice_code,edition,question_id,answer,comment\n" + line * (20_000_000 // len(line)),
    )
    code, _, err = collect(capsys)
    assert code == 0 and "collected 2 files: 2 new (1 valid, 1 invalid)" in err, err
    assert ledger(Path("store"), "SELECT format, errors FROM submissions ORDER BY id") == [("csv", 0), ("unknown", 1)]


def test_a_damaged_ledger_is_one_line_and_exit_2(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ledger that is no SQLite database: the run cannot start, and says where and why (a configuration error)."""
    Path("store").mkdir()
    (Path("store") / LEDGER_FILE).write_bytes(b"this is not a database, just some text " * 50)
    assert collect(capsys) == (
        2,
        "",
        "toolkit collect: store/ledger.sqlite: cannot open the ledger (file is not a database)\n",
    )


ANY_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40) | st.sampled_from(
    ["", "\x00", "\ud800", "\udce9", "a\udfffb", "\U0010ffff", "x" * 5000]
)


@settings(max_examples=60)
@given(
    source=ANY_TEXT,
    name=ANY_TEXT,
    code=ANY_TEXT,
    answer=ANY_TEXT,
    problem_text=ANY_TEXT,
)
def test_any_text_can_be_written_to_the_ledger_and_read_back_valid(
    tmp_path_factory: pytest.TempPathFactory, source: str, name: str, code: str, answer: str, problem_text: str
) -> None:
    root = tmp_path_factory.mktemp("store")
    with Store.open(root) as store:
        data = b"a return"
        sha256 = hashlib.sha256(data + source.encode("utf-8", "surrogatepass")).hexdigest()
        put_raw(root, data, sha256)
        record = Record(
            source, name, sha256, len(data), "2030-06-05T09:00:00Z", "json", code, "2030-31", "valid",
            [{"severity": "warning", "message": problem_text, "value": answer}],
            [("MN1.1", answer, problem_text, "", "", "")],
        )  # fmt: skip
        assert len(store.record([record])) == 1
        (kept,) = store.submissions()
        for text in (kept.source, kept.file_name, kept.practice_code, kept.problems[0]["message"]):
            text.encode("utf-8")  # valid text, whatever was given
        assert kept.source == valid_text(source) and kept.practice_code == valid_text(code)
        (row,) = store.db.execute("SELECT answer, comment FROM answers").fetchall()
        assert tuple(row) == (valid_text(answer), valid_text(problem_text))
