"""The practice register as NHS England publishes it: the epraccur file, kept to the ICB's active GP practices.

The file has no header row and 27 columns: 1 code, 2 name, 4 the ICB (high level health geography),
13 status, 15 sub-ICB location, 26 prescribing setting (RO76 a GP practice; 4 in older files).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from generator.returns.register import RegisterError, read_register, read_register_file


def epraccur_row(
    code: str, name: str, icb: str, status: str = "A", place: str = "04C", setting: str = "RO76"
) -> list[str]:
    row = [""] * 27
    row[0], row[1], row[2], row[3] = code, name, "Y60", icb
    row[4], row[9], row[10] = "1 HIGH STREET", "AB1 2CD", "19740401"
    row[12], row[13], row[14], row[25] = status, "B", place, setting
    return row


ROWS = [
    epraccur_row("Y00001", "RIVERSIDE SURGERY", "QK1", place="04C"),
    epraccur_row("Y00002", "HILLSIDE MEDICAL CENTRE", "QK1", place="05D", setting="4"),  # an older file's setting
    epraccur_row("Y00003", "THE OLD FORGE", "QK1", status="C"),  # closed
    epraccur_row("Y00004", "OUT OF HOURS BASE", "QK1", setting="RO80"),  # not a GP practice
    epraccur_row("Y00005", "ELSEWHERE SURGERY", "QJ2"),  # another ICB
    epraccur_row("Y00006", "MEADOW LANE SURGERY", "QK1", status="D", place="05D"),  # dormant
    epraccur_row("Y00007", "PARK VIEW", "QK1", place="05D"),
]


def write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_text(out.getvalue(), encoding="cp1252")
    return path


def test_the_icbs_active_gp_practices_with_their_places_and_what_was_left_out(tmp_path: Path) -> None:
    found = read_register_file(write(tmp_path / "epraccur.csv", ROWS), "qk1")
    assert found.practices == {
        "Y00001": "RIVERSIDE SURGERY",
        "Y00002": "HILLSIDE MEDICAL CENTRE",
        "Y00007": "PARK VIEW",
    }
    assert found.places == {"Y00001": "04C", "Y00002": "05D", "Y00007": "05D"}
    assert found.left_out == {
        "closed": 1,
        "not a GP practice (another prescribing setting)": 1,
        "of another ICB": 1,
        "dormant": 1,
    }
    assert read_register(tmp_path / "epraccur.csv", "QK1") == found.practices


def test_a_file_of_one_icb_needs_no_code(tmp_path: Path) -> None:
    found = read_register_file(write(tmp_path / "one.csv", [r for r in ROWS if r[3] == "QK1"]))
    assert list(found.practices) == ["Y00001", "Y00002", "Y00007"]


@pytest.mark.parametrize(
    ("icb", "message"),
    [
        (None, "this is NHS England's epraccur file, with the practices of 2 ICBs: give your ICB's code with --icb"),
        ("QZZ", "the epraccur file holds no active GP practice of the ICB QZZ"),
    ],
)
def test_an_epraccur_file_that_cannot_give_the_icbs_practices_says_why(
    tmp_path: Path, icb: str | None, message: str
) -> None:
    with pytest.raises(RegisterError, match=message):
        read_register_file(write(tmp_path / "all.csv", ROWS), icb)


def test_the_simple_register_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "practices.csv"
    path.write_text("Practice Code,Practice Name\nc82001,Riverside Surgery\n")
    found = read_register_file(path)
    assert (found.practices, found.places, found.left_out) == ({"C82001": "Riverside Surgery"}, {}, {})


def test_the_report_lists_who_has_not_returned_by_sub_icb_location(tmp_path: Path) -> None:
    """With an epraccur register of several ICBs and closed practices: exactly the ICB's active practices, by place."""
    from generator.report.figures import ReturnRow
    from generator.report.html import _by_place

    found = read_register_file(write(tmp_path / "epraccur.csv", ROWS), "QK1")
    rows = [ReturnRow(code, name, "missing") for code, name in found.practices.items()]
    grouped = _by_place(rows, found.places)
    assert [(place, [r.practice_code for r in group]) for place, group in grouped] == [
        ("04C", ["Y00001"]),
        ("05D", ["Y00002", "Y00007"]),
    ]


def test_collect_takes_the_epraccur_register_with_the_icbs_code(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    inbox = standards.parent / "inbox"
    inbox.mkdir()
    (inbox / "C82001.csv").write_bytes((Path(__file__).parent / "returns" / "good_plain.csv").read_bytes())
    rows = [epraccur_row("C82001", "RIVERSIDE SURGERY", "QK1"), *ROWS]
    register = write(standards.parent / "epraccur.csv", rows)
    assert main(["collect", "--from", "inbox", "--register", str(register), "--icb", "QK1", "--quiet"]) == 0
    status = (standards.parent / "store" / "status.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[1:4] for line in status] == [
        ["C82001", "RIVERSIDE SURGERY", "valid"],
        ["Y00001", "RIVERSIDE SURGERY", "missing"],
        ["Y00002", "HILLSIDE MEDICAL CENTRE", "missing"],
        ["Y00007", "PARK VIEW", "missing"],
    ]
    # without --icb the code is toolkit.yml's (the test ICB's QT1), whose practices this file does not hold
    assert main(["collect", "--from", "inbox", "--register", str(register), "--quiet"]) == 2
    assert "epraccur.csv: the epraccur file holds no active GP practice of the ICB QT1" in capsys.readouterr().err
