"""CQC's ratings beside each practice's own: `cqc_beside.csv`, the workbook's sheet and the report's table.

The fixture's domain Alpha bears on Safe and Beta on Well-led; overall every domain bears.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import reportdata as data
from openpyxl import load_workbook
from test_report_cqc import report, write

from generator.report.figures import compute
from generator.report.ledger import read_returns


@pytest.fixture
def store(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    return tmp_path


def row(location: str, code: str, domain: str, rating: str, published: str) -> list[str]:
    return [location, code, code, "GP Practices", "Overall", domain, rating, published, "Location", "N", ""]


def test_each_rating_with_its_date_beside_the_domains_bearing_on_it(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edition = data.library().editions[data.CURRENT]
    found = compute(edition, read_returns(store / "store", data.CURRENT), dict(data.register_rows()))
    own = {p.practice_code: p for p in found.practices}
    first, missing = data.code(0), data.code(36)
    rows = [
        row("1-0", first, "Overall", "Good", "14/03/2029"),
        row("1-0", first, "Safe", "Requires Improvement", "02/02/2028"),
        row("1-0", first, "Well-led", "Good", "14/03/2029"),
        row("1-36", missing, "Overall", "Inadequate", "01/01/2030"),
    ]
    assert report(store, "--cqc", str(write(store / "r.csv", rows))) == 0
    capsys.readouterr()
    out = store / "store" / "report"
    with (out / "cqc_beside.csv").open(encoding="utf-8-sig", newline="") as f:
        got = {(r["practice_code"], r["key_question"]): r for r in csv.DictReader(f)}
    assert {code for code, _ in got} == {first, missing}  # only the practices CQC rates
    alpha, beta = own[first].ratings
    counted = {c: [alpha, beta].count(c) for c in ("red", "amber", "green")}
    assert got[first, "overall"] | {"practice_name": ""} == {
        "practice_code": first, "practice_name": "", "status": "valid", "cqc_location_id": "1-0",
        "key_question": "overall", "cqc_rating": "Good", "published": "2029-03-14",
        "own_red": str(counted["red"]), "own_amber": str(counted["amber"]), "own_green": str(counted["green"]),
        "own_domains": f"AL {alpha}, BE {beta}",
    }  # fmt: skip
    safe = got[first, "safe"]
    assert (safe["cqc_rating"], safe["published"], safe["own_domains"]) == (
        "Requires improvement", "2028-02-02", f"AL {alpha}"
    )  # fmt: skip
    assert (got[first, "well_led"]["own_domains"], got[first, "caring"]["cqc_rating"]) == (f"BE {beta}", "")
    assert got[first, "caring"]["published"] == ""  # no rating, no date
    # A practice with no return: CQC's ratings, no own ratings.
    assert got[missing, "overall"]["status"] == "missing"
    assert (got[missing, "overall"]["own_domains"], got[missing, "overall"]["own_red"]) == ("", "0")
    # The workbook holds the same table; the page shows it compactly, with the key question's own date.
    sheet = load_workbook(out / "report.xlsx", read_only=True)["cqc_beside"]
    assert sum(1 for _ in sheet.iter_rows()) == 1 + len(got)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert (
        "CQC&#39;s ratings beside each practice&#39;s own" in page or "CQC's ratings beside each practice's own" in page
    )
    assert '<abbr title="Requires improvement">RI</abbr> <span class="small">2028-02-02</span>' in page
