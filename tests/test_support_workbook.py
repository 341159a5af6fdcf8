"""Support cases exported to a workbook, edited, saved by LibreOffice and imported back.

The population (tests/reportdata.py) opens six cases in 2031-32. The team edits three rows of the
exported workbook; meanwhile one of those cases is moved on in the store, so its row is refused.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import reportdata as data
from openpyxl import Workbook, load_workbook

from generator.cli import main
from generator.support import Case, cases, history, sync, update
from generator.support_workbook import CASES_SHEET, COLUMNS

LABEL = {key: label for key, label, _ in COLUMNS}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    sync(tmp_path / "store", data.library())
    return tmp_path / "store"


def command(store: Path, *rest: str) -> list[str]:
    return ["support", "--store", str(store), "--standards", str(data.FIXTURE), *rest]


def edit(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Change cells of the Cases sheet, as a person would in a spreadsheet: by case number and column."""
    book = load_workbook(path)
    sheet = book[CASES_SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for key, value in edits.get(int(row[0].value), {}).items():
            row[header.index(LABEL[key])].value = value
    book.save(path)


def libreoffice(path: Path, out: Path) -> Path:
    """``path`` opened and saved again as .xlsx by LibreOffice, headless, with a profile of its own."""
    out.mkdir()
    profile = (out.parent / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )  # fmt: skip
    return out / path.name


def state(store: Path) -> dict[int, Case]:
    return {c.id: c for c in cases(store)}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (Debian: libreoffice-calc-nogui)")
def test_a_round_trip_through_libreoffice_changes_exactly_the_edited_cases(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, third, *_ = sorted(state(store))
    update(store, second, {}, "Asked for the training dates", at="2031-06-16T09:00:00Z")
    workbook = tmp_path / "cases.xlsx"
    assert main(command(store, "export", "--out", str(workbook))) == 0
    capsys.readouterr()
    edit(
        workbook,
        {
            first: {"status": "contacted", "new_note": "Rang the practice manager"},
            second: {"new_note": "Dates sent"},
            third: {"status": "in progress"},
        },
    )
    update(store, third, {"status": "contacted"}, "Visit booked by phone", at="2031-06-20T09:00:00Z")
    before = state(store)
    saved = libreoffice(workbook, tmp_path / "saved")

    assert main(command(store, "import", str(saved))) == 1
    out, err = capsys.readouterr()
    after = state(store)
    third_case = before[third]
    assert err.splitlines() == [
        f"toolkit support import: case {third} ({third_case.practice_code}, {third_case.domain_id}): changed in the "
        "store since the export (status is now 'contacted' (was 'new' when exported)); export again and redo this "
        "row; not applied",
        "2 cases changed, 1 refused, 3 unchanged",
    ]
    assert out.splitlines() == [f"case {first}: status 'new' → 'contacted', a note", f"case {second}: a note"]
    assert after[first].status == "contacted"
    assert {i: c for i, c in after.items() if i not in (first, second)} == {
        i: c for i, c in before.items() if i not in (first, second)
    }
    assert after[second].status == before[second].status == "new"
    assert [(h.what, h.old, h.new) for h in history(store, first)][1:] == [
        ("status", "new", "contacted"),
        ("note", "", "Rang the practice manager"),
    ]
    assert [h.new for h in history(store, second) if h.what == "note"] == ["Asked for the training dates", "Dates sent"]
    assert [h.new for h in history(store, third) if h.what == "note"] == ["Visit booked by phone"]

    assert main(command(store, "import", str(saved))) == 1  # again: nothing applied twice; the conflict still named
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines()[-1] == "0 cases changed, 1 refused, 5 unchanged"
    assert state(store) == after


def test_the_exported_workbook_shows_every_note_and_hides_what_it_was(store: Path, tmp_path: Path) -> None:
    one = min(state(store))
    update(store, one, {}, "First note", at="2031-06-16T09:00:00Z")
    update(store, one, {}, "Second note", at="2031-06-17T09:00:00Z")
    workbook = tmp_path / "cases.xlsx"
    assert main(command(store, "export", "--out", str(workbook))) == 0
    book = load_workbook(workbook)
    assert book.sheetnames == ["Cases", "Exported"] and book["Exported"].sheet_state == "hidden"
    rows = list(book[CASES_SHEET].iter_rows(values_only=True))
    assert rows[0] == tuple(label for _, label, _ in COLUMNS)
    assert len(rows) == 7
    assert rows[1][-1] == "2031-06-16: First note\n2031-06-17: Second note"
    assert main(command(store, "export", "--out", str(workbook))) == 2  # never replaced unasked


def test_an_edit_the_store_refuses_is_named_and_the_rest_applied(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, third, *_ = sorted(state(store))
    workbook = tmp_path / "cases.xlsx"
    main(command(store, "export", "--out", str(workbook)))
    edit(workbook, {first: {"status": "closed"}, second: {"status": "done"}, third: {"owner": "nobody"}})
    capsys.readouterr()
    assert main(command(store, "import", str(workbook))) == 1
    err = capsys.readouterr().err
    assert f"case {first} (" in err and f"give an --outcome to close case {first}" in err
    assert f"case {second} (" in err and "'done' is not a status" in err
    assert f"case {third} (" in err and "'nobody' is not a contact's id; give one of estates, quality-team" in err
    assert {c.status for c in cases(store)} == {"new"} and "nobody" not in {c.owner for c in cases(store)}


def foreign(path: Path) -> Path:
    book = Workbook()
    book.active.append(["practice", "status"])
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "is not an Excel workbook that can be read"),
        (lambda p: p.write_text("case,status\n1,closed\n"), "is not an Excel workbook that can be read"),
        (foreign, "is not a workbook of support cases exported by 'toolkit support export'"),
        (lambda p: None, "there is no such file"),
    ],
    ids=["damaged", "csv", "foreign", "missing"],
)
def test_a_damaged_or_foreign_workbook_is_refused_in_words(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str
) -> None:
    path = tmp_path / "cases.xlsx"
    make(path)  # type: ignore[operator]
    assert main(command(store, "import", str(path))) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"toolkit support import: {path}: ") and message in err
    assert "Traceback" not in err


def test_a_workbook_that_lost_a_column_is_refused(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.xlsx"
    main(command(store, "export", "--out", str(path)))
    book = load_workbook(path)
    book[CASES_SHEET].delete_cols(9)
    book.save(path)
    capsys.readouterr()
    assert main(command(store, "import", str(path))) == 1
    assert "has lost the column 'Outcome (edit)'" in capsys.readouterr().err


def test_a_folder_or_a_file_of_another_kind_is_named_as_such(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command(store, "import", str(tmp_path))) == 1
    assert (
        capsys.readouterr().err
        == f"toolkit support import: {tmp_path}: is a folder; give the workbook's file, such as cases.xlsx\n"
    )
    other = tmp_path / "cases.csv"
    other.write_text("case,status\n1,closed\n")
    assert main(command(store, "import", str(other))) == 1
    assert "is not an Excel workbook (.xlsx)" in capsys.readouterr().err
