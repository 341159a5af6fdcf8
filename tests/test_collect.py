"""toolkit collect over folders: exact output, exit codes, the store, the ledger and the outputs."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from generator.cli import main
from generator.returnformat import question_rules
from generator.returns.messages import MESSAGES, ReturnProblem, export
from generator.returns.store import LEDGER_FILE

CORPUS = Path(__file__).parent / "returns"
JUNE_5 = 1906880400  # 2030-06-05T09:00:00Z
HOUR = 3600


def put(inbox: Path, case: str, name: str, when: int, practice: str = "C82001") -> Path:
    """Copy a corpus case (a return of C82001's) into the inbox as ``practice``'s, saved at ``when`` (seconds since 1970)."""
    inbox.mkdir(exist_ok=True)
    target = inbox / name
    target.write_bytes((CORPUS / case).read_bytes().replace(b"C82001", practice.encode()))
    os.utime(target, (when, when))
    return target


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ledger(store: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(store / LEDGER_FILE) as db:
        return db.execute(query).fetchall()


@pytest.fixture
def inbox(standards: Path) -> Path:
    """An inbox of three returns (one valid, one invalid, one PDF) and a register of four practices."""
    folder = standards.parent / "inbox"
    put(folder, "good_plain.csv", "C82001.csv", JUNE_5)
    put(folder, "answers_not_allowed.csv", "C82002 self-assessment.csv", JUNE_5 + HOUR, "C82002")
    (folder / "scans").mkdir(parents=True)
    put(folder / "scans", "scan.pdf", "C82003 return.pdf", JUNE_5 + 2 * HOUR)
    (folder / ".hidden.csv").write_text("not read")
    (folder / "~$C82001.xlsx").write_bytes(b"\x00lock")
    (standards.parent / "register.csv").write_text(
        "practice_code,practice_name\nC82001,Riverside Surgery\nC82002,Hillside Medical Centre\n"
        "C82003,The Old Forge Practice\nC82004,Meadow Lane Surgery\n"
    )
    return folder


def test_by_default_the_summary_comes_first_then_a_line_per_return_with_problems(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", "--from", "inbox", "--register", "register.csv"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "collected 3 files: 3 new (1 valid, 2 invalid)",
        "2030-31: 1 valid, 2 invalid, 1 missing (4 practices) in store/status.csv",
    ]
    assert out.splitlines() == [
        "inbox/C82002 self-assessment.csv: invalid, 5 errors, 0 warnings; every problem is in "
        "store/feedback/2030-31/C82002-2.html",
        "inbox/scans/C82003 return.pdf: invalid, 1 error, 0 warnings; every problem is in "
        "store/feedback/2030-31/C82003-3.html",
    ]
    assert Path("store/feedback/2030-31/C82002-2.html").is_file()


def test_collect_a_folder(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --verbose, every problem of every return, as its feedback gives it."""
    assert main(["collect", "--from", "inbox", "--register", "register.csv", "--verbose"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "inbox/C82002 self-assessment.csv row 2, answer: 'maybe' is not an answer to MN1.1: give yes, partial, no or not applicable.",
        "inbox/C82002 self-assessment.csv row 3, answer: 'ninety' is not a number: MN1.2 asks for a number from 0 to 100%.",
        "inbox/C82002 self-assessment.csv row 4, answer: 'last spring' is not a date: MN1.3 asks for a date written YYYY-MM-DD, such as 2030-06-05, or never if it has never been done.",
        "inbox/C82002 self-assessment.csv row 5, answer: 'On paper' is not an answer to MN1.4: give Coded or Free text.",
        "inbox/C82002 self-assessment.csv row 6, answer: 'n' is not an answer to MN0.1: give yes or no.",
        "inbox/scans/C82003 return.pdf: This is not a return we can read: it is a PDF document. Send your return as the CSV file, the self-assessment workbook (.xlsx) or the file the online form exports (.json).",
    ]
    assert err.splitlines() == [
        "collected 3 files: 3 new (1 valid, 2 invalid)",
        "2030-31: 1 valid, 2 invalid, 1 missing (4 practices) in store/status.csv",
    ]
    store = Path("store")
    assert rows(store / "status.csv") == [
        {
            "edition": "2030-31",
            "practice_code": "C82001",
            "practice_name": "Riverside Surgery",
            "status": "valid",
            "problems": "",
            "received_at": "2030-06-05T09:00:00Z",
            "source": "inbox/C82001.csv",
        },
        {
            "edition": "2030-31",
            "practice_code": "C82002",
            "practice_name": "Hillside Medical Centre",
            "status": "invalid",
            "problems": "5 errors, 0 warnings: 'maybe' is not an answer to MN1.1: give yes, partial, no or not applicable. "
            "(see feedback/2030-31/C82002-2.html)",
            "received_at": "2030-06-05T10:00:00Z",
            "source": "inbox/C82002 self-assessment.csv",
        },
        {
            "edition": "2030-31",
            "practice_code": "C82003",
            "practice_name": "The Old Forge Practice",
            "status": "invalid",
            "problems": "1 error, 0 warnings: This is not a return we can read: it is a PDF document. Send your return "
            "as the CSV file, the self-assessment workbook (.xlsx) or the file the online form exports (.json). "
            "(see feedback/2030-31/C82003-3.html)",
            "received_at": "2030-06-05T11:00:00Z",
            "source": "inbox/scans/C82003 return.pdf",
        },
        {
            "edition": "2030-31",
            "practice_code": "C82004",
            "practice_name": "Meadow Lane Surgery",
            "status": "missing",
            "problems": "",
            "received_at": "",
            "source": "",
        },
    ]
    assert (store / "status-2030-31.csv").read_bytes() == (store / "status.csv").read_bytes()


def test_every_byte_is_stored_under_its_hash(inbox: Path) -> None:
    import hashlib

    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    received = sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    stored = {p.name: p.read_bytes() for p in Path("store/raw").iterdir()}
    assert stored == {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in received}
    assert list(Path("store/tmp").iterdir()) == []


def test_ledger_records_each_submission(inbox: Path) -> None:
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    store = Path("store")
    assert ledger(
        store, "SELECT id, source, file_name, received_at, format, practice_code, edition, status, errors FROM submissions"
    ) == [
        (1, "inbox/C82001.csv", "C82001.csv", "2030-06-05T09:00:00Z", "csv", "C82001", "2030-31", "valid", 0),
        (2, "inbox/C82002 self-assessment.csv", "C82002 self-assessment.csv", "2030-06-05T10:00:00Z", "csv",
         "C82002", "2030-31", "invalid", 5),
        (3, "inbox/scans/C82003 return.pdf", "C82003 return.pdf", "2030-06-05T11:00:00Z", "unknown", "C82003",
         "2030-31", "invalid", 1),
    ]  # fmt: skip
    assert ledger(store, "SELECT * FROM answers ORDER BY question_id") == [
        (1, "MN0.1", "no", "", "", "", ""),
        (1, "MN1.1", "yes", "", "", "", ""),
        (1, "MN1.2", "95", "", "", "", ""),
        (1, "MN1.3", "2030-05-01", "", "", "", ""),
        (1, "MN1.4", "Coded", "", "", "", ""),
        (1, "MN1.5", "", "", "", "", ""),
    ]
    problems = json.loads(str(ledger(store, "SELECT problems FROM submissions WHERE id = 2")[0][0]))
    assert problems[0] == {
        "severity": "error",
        "row": 2,
        "place": "row 2",
        "column": "answer",
        "value": "maybe",
        "question_id": "MN1.1",
        "message": "'maybe' is not an answer to MN1.1: give yes, partial, no or not applicable.",
        "guidance": "domains/minimal/#mn1-1",
        "code": "answer_not_allowed",
        "params": {"allowed": "yes, partial, no or not applicable"},
    }


def test_ledger_schema_is_as_documented(inbox: Path) -> None:
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    columns = {
        table: [row[1] for row in ledger(Path("store"), f"PRAGMA table_info({table})")]
        for table in ("submissions", "answers")
    }
    assert columns == {
        "submissions": [
            "id", "source", "file_name", "sha256", "size", "received_at", "format", "practice_code", "edition",
            "status", "superseded_by", "problems", "errors", "warnings",
        ],
        "answers": ["submission_id", "question_id", "answer", "comment", "action", "action_owner", "action_due"],
    }  # fmt: skip
    assert ledger(Path("store"), "PRAGMA user_version") == [(1,)]


def test_running_again_adds_nothing_twice(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    before = ledger(Path("store"), "SELECT * FROM submissions")
    capsys.readouterr()
    assert main(["collect", "--from", "inbox", "--from", "inbox/C82001.csv"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == "collected 4 files: 0 new (0 valid, 0 invalid), 4 already in the store"
    assert ledger(Path("store"), "SELECT * FROM submissions") == before


def test_the_same_bytes_twice_in_one_run_are_one_submission(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(inbox / "C82001.csv", inbox / "C82001 copy.csv")
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "collected 4 files: 3 new (1 valid, 2 invalid), 1 copy of a file collected in this run"
    )
    assert ledger(Path("store"), "SELECT count(*) FROM submissions") == [(3,)]


def test_a_newer_valid_return_supersedes_the_older(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = standards.parent / "inbox"
    put(inbox, "answers_not_allowed.csv", "C82001 first try.csv", JUNE_5)
    put(inbox, "good_plain.csv", "C82001.csv", JUNE_5 + HOUR)
    put(inbox, "good_five_columns.csv", "C82001 corrected.csv", JUNE_5 + 2 * HOUR)
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    # collected in the order of their names; superseded by the newest valid one, by when each was received
    assert ledger(Path("store"), "SELECT id, file_name, status, superseded_by FROM submissions") == [
        (1, "C82001 corrected.csv", "valid", None),
        (2, "C82001 first try.csv", "invalid", 1),
        (3, "C82001.csv", "valid", 1),
    ]
    assert len(list(Path("store/raw").iterdir())) == 3
    put(inbox, "number_out_of_range.csv", "C82001 later.csv", JUNE_5 + 3 * HOUR)
    capsys.readouterr()
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    assert ledger(Path("store"), "SELECT id, superseded_by FROM submissions WHERE id = 4") == [(4, None)]
    [status] = rows(Path("store/status.csv"))
    assert (status["status"], status["source"]) == ("valid", "inbox/C82001 corrected.csv")
    assert status["problems"] == (
        "a newer return, C82001 later.csv, has 1 error, 0 warnings and does not replace this one "
        "(see feedback/2030-31/C82001-4.html)"
    )


def test_feedback_page_and_problems_csv(inbox: Path) -> None:
    Path("mkdocs.yml").write_text(
        "site_name: Toolkit\nsite_url: https://toolkit.example.nhs.uk/\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    put(inbox, "formula_in_comment.csv", "C82004.csv", JUNE_5 + 5 * HOUR, "C82004")
    assert main(["collect", "--from", "inbox", "--register", "register.csv", "--quiet"]) == 0
    page = Path("store/feedback/2030-31/C82002-2.html").read_text()
    assert "<h1>Your self-assessment return needs correcting</h1>" in page
    assert "<dd>C82002 (Hillside Medical Centre)</dd>" in page
    assert "<dd>5 June 2030</dd>" in page
    assert (
        '<td>row 2</td><td>answer</td><td class="value">maybe</td><td>&#x27;maybe&#x27; is not an answer to MN1.1: '
        "give yes, partial, no or not applicable."
        '<br><a href="https://toolkit.example.nhs.uk/domains/minimal/#mn1-1">Guidance for MN1.1</a></td>'
    ) in page
    warnings = rows(Path("store/feedback/2030-31/C82004-3-problems.csv"))
    assert [(w["where"], w["column"], w["value"], w["severity"]) for w in warnings] == [
        ("row 2", "comment", '\'=HYPERLINK("http://evil.example/","Click")', "warning"),
        ("row 5", "action", "'=1+1", "warning"),
    ]
    page = Path("store/feedback/2030-31/C82004-3.html").read_text()
    assert "<h1>Your self-assessment return: points to look at</h1>" in page
    assert "<script" not in page and "=HYPERLINK(&quot;http://evil.example/&quot;" in page


def test_a_file_over_the_size_limit_is_refused(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = inbox / "C82004.csv"
    big.write_bytes((CORPUS / "good_plain.csv").read_bytes().ljust(3000, b"\n"))
    assert main(["collect", "--from", "inbox", "--max-size", "0.002", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "inbox/C82004.csv: This file is 3.0 KB, more than the 2.1 KB a return can be, so it was not collected. "
        "Send your return as the CSV file, the self-assessment workbook (.xlsx) or the file the online form exports "
        "(.json)."
    ]
    assert err.splitlines()[0] == "collected 4 files: 3 new (1 valid, 2 invalid), 1 too large to be a return"
    assert ledger(Path("store"), "SELECT count(*) FROM submissions WHERE file_name = 'C82004.csv'") == [(0,)]


def test_a_source_that_cannot_be_read_exits_1_and_the_rest_is_stored(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", "--from", "no-such-folder", "--from", "inbox", "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "collected 3 files: 3 new (1 valid, 2 invalid), 1 not read"  # the summary first
    assert err[2] == "error: no-such-folder: no such file or folder"
    assert ledger(Path("store"), "SELECT count(*) FROM submissions") == [(3,)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--edition", "2099-00"], "toolkit collect: no edition 2099-00 in standards (editions: 2030-31)"),
        (["--register", "nowhere.csv"], "toolkit collect: nowhere.csv: cannot read the practice register (No such file or directory)"),
        (["--max-size", "0"], "toolkit collect: --max-size must be more than 0"),
        (["--token-env", "s3cret=1"], "toolkit collect: --token-env takes the NAME of an environment variable, not the token"),
        (["--standards", "elsewhere"], "toolkit collect: elsewhere: no standards folder here; give --standards"),
    ],
)  # fmt: skip
def test_usage_and_configuration_errors_exit_2(
    inbox: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["collect", "--from", "inbox", *arguments]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not Path("store").exists()


def test_no_source_is_a_usage_error(standards: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["collect"])
    assert raised.value.code == 2


def test_a_draft_edition_is_not_collected(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edition = Path("standards/2030-31/edition.yml")
    edition.write_text(edition.read_text().replace("status: published", "status: draft"))
    assert main(["collect", "--from", "inbox", "--edition", "2030-31"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "toolkit collect: the edition 2030-31 is a draft: returns are collected for published editions only"
    ]


def test_another_run_on_the_same_store_waits(inbox: Path) -> None:
    import subprocess
    import sys

    from generator.returns.store import Store

    with Store.open(Path("store")):
        run = subprocess.run(
            [sys.executable, "-m", "generator", "collect", "--from", "inbox"],
            capture_output=True,
            text=True,
            check=False,
        )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "toolkit collect: store: another 'toolkit collect' is using this store; wait for it to finish"
    ]


def test_each_return_is_checked_against_the_edition_it_names(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = standards / "2029-30"
    shutil.copytree(standards / "2030-31", older)
    (older / "edition.yml").write_text((older / "edition.yml").read_text().replace("2030-31", "2029-30"))
    inbox = standards.parent / "inbox"
    put(inbox, "good_plain.csv", "C82001.csv", JUNE_5)
    last_year = (CORPUS / "answers_not_allowed.csv").read_text().replace("2030-31", "2029-30")
    (inbox / "C82001 last year.csv").write_text(last_year)
    assert main(["collect", "--from", "inbox", "--verbose"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "inbox/C82001 last year.csv row 2, answer: 'maybe' is not an answer to MN1.1: give yes, partial, no or not applicable."
    )
    assert ledger(Path("store"), "SELECT file_name, edition, status, superseded_by FROM submissions") == [
        ("C82001 last year.csv", "2029-30", "invalid", None),
        ("C82001.csv", "2030-31", "valid", None),
    ]
    # the earlier edition's guidance is in its own folder of the site
    problems = json.loads(str(ledger(Path("store"), "SELECT problems FROM submissions WHERE id = 1")[0][0]))
    assert problems[0]["guidance"] == "2029-30/domains/minimal/#mn1-1"
    assert rows(Path("store/status.csv"))[0]["source"] == "inbox/C82001.csv"


def test_a_return_to_an_edition_with_problems_waits_for_the_fix(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = standards / "2031-32"
    shutil.copytree(standards / "2030-31", broken)
    (broken / "edition.yml").write_text((broken / "edition.yml").read_text().replace("2030-31", "2031-32"))
    domain = broken / "domains" / "minimal.yml"
    good_domain = domain.read_text()
    domain.write_text(good_domain.replace("title: First standard", "titel: First standard"))
    inbox = standards.parent / "inbox"
    (inbox).mkdir()
    (inbox / "C82001.csv").write_text((CORPUS / "good_plain.csv").read_text().replace("2030-31", "2031-32"))
    assert main(["collect", "--from", "inbox", "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines()[2] == (
        "error: inbox/C82001.csv: names the edition 2031-32, which has problems in the standards; it is kept and "
        "will be checked once 'toolkit check' passes"
    )
    assert ledger(Path("store"), "SELECT count(*) FROM submissions") == [(0,)]
    assert len(list(Path("store/raw").iterdir())) == 1  # kept all the same
    domain.write_text(good_domain)
    assert main(["collect", "--from", "inbox", "--quiet"]) == 0
    assert ledger(Path("store"), "SELECT edition, status FROM submissions") == [("2031-32", "valid")]


def test_messages_are_published_for_the_in_browser_checker(standards: Path) -> None:
    from generator.load import load_library

    edition = load_library(standards).library.editions["2030-31"]
    rules = question_rules(edition)
    assert rules["messages"] == export()
    assert json.loads(json.dumps(rules))["messages"]["templates"] == MESSAGES


def test_templates_use_only_named_placeholders() -> None:
    import string

    for code, template in MESSAGES.items():
        for _, name, spec, conversion in string.Formatter().parse(template):
            assert name is None or (name.isidentifier() and not spec and not conversion), code


def test_collect_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    out = capsys.readouterr().out
    assert "--from SOURCE" in out and "--token-env NAME" in out and "bearer token" in out


def test_the_terminal_names_every_place_of_a_repeated_problem_once(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(standards.parent / "inbox", "blank_template.csv", "C82009.csv", JUNE_5)
    assert main(["collect", "--from", "inbox", "--verbose"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "inbox/C82009.csv, answer: None of the questions is answered: this looks like a blank form. Fill in your "
        "answers and send the return again.",
        "inbox/C82009.csv rows 2–7, practice_code: The practice code is empty: give your practice's ODS code, one "
        "capital letter and five digits, such as C82001.",
    ]


def test_places_in_runs() -> None:
    from generator.returns.messages import places_text, problem

    def at(row: int, sheet: str = "") -> ReturnProblem:
        where = f"sheet '{sheet}' row {row}" if sheet else f"row {row}"
        return problem("no_answers", row=row, place=where)

    assert places_text([at(2), at(3), at(4), at(9), at(11), at(12)]) == "rows 2–4, 9, 11–12"
    assert places_text([at(5, "Safeguarding"), at(6, "Safeguarding"), at(5, "Medicines")]) == (
        "sheet 'Safeguarding' rows 5–6; sheet 'Medicines' row 5"
    )
    assert places_text([problem("no_answers")]) == ""
    assert places_text(
        [problem("no_answers", row=3, place="answer 3"), problem("no_answers", row=7, place="answer 7")]
    ) == ("answers 3, 7")


def test_a_store_inside_a_source_folder_is_not_collected(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", "--from", "inbox", "--store", "inbox/store", "--quiet"]) == 0
    assert main(["collect", "--from", "inbox", "--store", "inbox/store", "--quiet"]) == 0
    assert (
        capsys.readouterr().err.splitlines()[2]
        == "collected 3 files: 0 new (0 valid, 0 invalid), 3 already in the store"
    )


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from generator.commands.collect import _Bar

    screen = io.StringIO()
    monkeypatch.setattr("sys.stderr", screen)
    bar = _Bar(enabled=True)
    bar(1, 40)
    bar(40, 40)
    assert screen.getvalue() == (f"\rcollecting [{'.' * 30}] 1/40\rcollecting [{'#' * 30}] 40/40\n")
    quiet = _Bar(enabled=False)
    quiet(40, 40)
    assert screen.getvalue().count("collecting") == 2
