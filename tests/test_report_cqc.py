"""CQC's ratings beside the self-assessment: `toolkit report --cqc FILE` keeps them in the store and writes cqc.csv.

The ratings file (written as CQC publishes it, banner row first) rates three of the population's
practices: one with two locations, one with an inherited rating, one with a rating spelt in capitals,
among rows of other services that are not kept. Every other practice has no CQC location.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import reportdata as data
from test_cqc import BANNER, HEADER

from generator.cli import main
from generator.report.ratings import RATINGS_FILE


def ratings_rows(first: str, second: str, third: str) -> list[list[str]]:
    """Three practices' ratings (the first with two locations) among a care home's."""
    return [
        ["1-1", first, "Practice 0", "GP Practices", "Overall", "Overall", "Good", "14/03/2029", "Location", "N", ""],
        ["1-1", first, "Practice 0", "GP Practices", "Overall", "Safe", "Requires Improvement", "14/03/2029", "Location", "N", ""],
        ["1-2", first, "Practice 0 (branch)", "GP Practices", "Overall", "Overall", "Outstanding", "01/06/2027", "Location", "N", ""],
        ["1-3", second, "Practice 1", "GP Practices", "Overall", "Overall", "INADEQUATE", "02/01/2030", "Location", "Y", ""],
        ["1-3", second, "Practice 1", "GP Practices", "Overall", "Well-led", "Inspected but not rated", "02/01/2030", "Location", "Y", ""],
        ["1-4", third, "Practice 2", "GP Practices", "Overall", "Caring", "Good", "05/05/2030", "Location", "N", ""],
        ["1-9", third, "A care home", "Residential social care", "Overall", "Overall", "Inadequate", "01/01/2030", "Location", "N", ""],
    ]  # fmt: skip


def write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([BANNER, HEADER, *rows])
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


def report(root: Path, *more: str) -> int:
    return main(
        ["report", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--store", str(root / "store"),
         "--register", str(data.write_register(root / "practices.csv")), *more]
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    return tmp_path


def test_cqc_csv_holds_each_practices_ratings(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratings = write(store / "latest-ratings.csv", ratings_rows(data.code(0), data.code(1), data.code(2)))
    assert report(store, "--cqc", str(ratings)) == 0
    capsys.readouterr()
    with (store / "store" / "report" / "cqc.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["practice_code"]: r for r in csv.DictReader(f)}
    assert len(rows) == 40  # every practice of the register
    assert rows[data.code(0)] | {"practice_name": ""} == {
        "practice_code": data.code(0), "practice_name": "", "cqc_location_id": "1-1", "overall": "Good",
        "safe": "Requires improvement", "effective": "", "caring": "", "responsive": "", "well_led": "",
        "published": "2029-03-14", "inherited": "no",
    }  # fmt: skip
    one = rows[data.code(1)]
    assert (one["overall"], one["well_led"], one["inherited"]) == ("Inadequate", "", "yes")
    assert (rows[data.code(2)]["caring"], rows[data.code(2)]["overall"]) == ("Good", "")
    assert rows[data.code(5)]["cqc_location_id"] == ""  # no CQC location: no ratings
    # Kept in the store: the next report needs the file no more.
    assert (store / "store" / RATINGS_FILE).is_file()
    shutil.rmtree(store / "store" / "report")
    assert report(store) == 0
    assert (store / "store" / "report" / "cqc.csv").is_file()


def test_without_ratings_there_is_no_cqc_csv(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(store) == 0
    assert not (store / "store" / "report" / "cqc.csv").exists()


def test_a_foreign_ratings_file_is_one_line_and_exit_1(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = store / "returns.csv"
    foreign.write_text("practice_code,answer\nC82001,yes\n")
    assert report(store, "--cqc", str(foreign)) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"toolkit report: {foreign}: no row in the first 50 names the columns")


def overall_row(location: str, code: str, rating: str, published: str, safe: str = "") -> list[list[str]]:
    rows = [[location, code, code, "GP Practices", "Overall", "Overall", rating, published, "Location", "N", ""]]
    if safe:
        rows.append([location, code, code, "GP Practices", "Overall", "Safe", safe, published, "Location", "N", ""])
    return rows


def test_the_programme_view_counts_each_years_ratings_for_practices_that_returned_and_did_not(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Practices 0–29 sent valid returns, 30–34 invalid ones, 35–39 none. Two years of ratings files."""
    from generator.report.build import cqc_ratings
    from generator.report.cqcview import view
    from generator.report.figures import compute
    from generator.report.ledger import read_returns

    year_one = [
        *overall_row("1-0", data.code(0), "Good", "01/03/2029"),
        *overall_row("1-1", data.code(1), "Inadequate", "01/03/2029"),
        *overall_row("1-30", data.code(30), "Requires improvement", "01/03/2029"),
        *overall_row("1-36", data.code(36), "Inadequate", "01/04/2029"),
    ]
    year_two = [
        *overall_row("1-0", data.code(0), "Outstanding", "01/03/2030"),
        *overall_row("1-1", data.code(1), "Good", "01/03/2030"),
        *overall_row("1-2", data.code(2), "Inspected but not rated", "01/03/2030"),
        *overall_row("1-30", data.code(30), "Good", "01/03/2030"),
        *overall_row("1-36", data.code(36), "Inadequate", "01/05/2030"),
        *overall_row("1-37", data.code(37), "Good", "01/05/2030"),
    ]
    files = [write(store / "2029.csv", year_one), write(store / "2030.csv", year_two)]
    held = cqc_ratings(store / "store", files)
    assert [as_of for as_of, _ in held] == ["2029-04-01", "2030-05-01"]
    edition = data.library().editions[data.CURRENT]
    found = compute(edition, read_returns(store / "store", data.CURRENT), dict(data.register_rows()))
    years = view(found, edition, held).years
    shares = [(y.returned.rated, y.returned.good, y.returned.inadequate, y.not_returned.rated, y.not_returned.good,
               y.not_returned.inadequate) for y in years]  # fmt: skip
    assert shares == [(2, 1, 1, 2, 0, 1), (2, 2, 0, 3, 2, 1)]
    assert years[1].returned.share(years[1].returned.good) == 1.0


def test_look_again_where_a_practice_and_cqc_disagree(store: Path) -> None:
    """Alpha bears on Safe: a practice green there that CQC rated inadequate on Safe, and one red there rated good."""
    from generator.report.build import cqc_ratings
    from generator.report.cqcview import view
    from generator.report.figures import compute
    from generator.report.ledger import read_returns

    edition = data.library().editions[data.CURRENT]
    found = compute(edition, read_returns(store / "store", data.CURRENT), dict(data.register_rows()))
    alpha = [p for p in found.practices if p.status == "valid"]
    green = next(p.practice_code for p in alpha if p.ratings[0] == "green")
    red = next(p.practice_code for p in alpha if p.ratings[0] == "red")
    agrees = next(p.practice_code for p in alpha if p.ratings[0] == "amber")
    rows = [
        *overall_row("1-g", green, "Good", "01/03/2030", safe="Inadequate"),
        *overall_row("1-r", red, "Good", "01/03/2030", safe="Good"),
        *overall_row("1-a", agrees, "Good", "01/03/2030", safe="Requires improvement"),
    ]
    held = cqc_ratings(store / "store", [write(store / "r.csv", rows)])
    look = view(found, edition, held).look_again
    assert [(item.practice_code, item.key_question, item.own, item.cqc) for item in look] == sorted(
        [(green, "Safe", "Alpha safety: green", "Inadequate"), (red, "Safe", "Alpha safety: red", "Good")]
    )


def test_the_report_page_shows_the_view_and_says_it_is_association(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        *overall_row("1-0", data.code(0), "Good", "01/03/2030"),
        *overall_row("1-36", data.code(36), "Inadequate", "01/03/2030"),
    ]
    assert report(store, "--cqc", str(write(store / "r.csv", rows))) == 0
    page = (store / "store" / "report" / "report.html").read_text(encoding="utf-8")
    assert "CQC ratings beside the self-assessment" in page
    assert "This shows an association, not a cause" in page
