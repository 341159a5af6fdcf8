"""toolkit report: the command, its HTML and its CSV and Excel exports (including a LibreOffice round trip)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import reportdata as data
from openpyxl.utils.escape import unescape

from generator.cells import neutralised
from generator.cli import main
from generator.report import exports
from generator.report.tables import Column, Table

HYPERLINK = '=HYPERLINK("http://x.example","click")'


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the population, and the report made from it by the command: the report folder."""
    root = tmp_path_factory.mktemp("made")
    shutil.copytree(data.collected(), root / "store")
    register = data.write_register(root / "practices.csv")
    code = main(
        [
            "report",
            "--edition",
            data.CURRENT,
            "--standards",
            str(data.FIXTURE),
            "--store",
            str(root / "store"),
            "--register",
            str(register),
        ]
    )
    assert code == 0
    return root / "store" / "report"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_command_writes_every_file_into_the_store(made: Path) -> None:
    assert sorted(p.name for p in made.iterdir()) == [
        "domains.csv",
        "practices.csv",
        "questions.csv",
        "report.html",
        "report.xlsx",
        "returns.csv",
        "risks.csv",
        "support.csv",
        "unattributed.csv",
        "year_domains.csv",
        "year_practices.csv",
        "year_questions.csv",
    ]


def test_command_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--store", str(data.collected())]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "35 practices: 30 valid, 5 invalid, 0 missing; 40 answers flag a risk; 6 support requests",
        f"Report written to {tmp_path / 'out' / 'report.html'} (for the ICB only), with 11 CSV and Excel files",
    ]
    assert err == ""


def test_out_inside_the_site_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    code = main(["report", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--out", "site/reports/../r"])
    assert code == 2
    assert capsys.readouterr().err == (
        "toolkit report: site/reports/../r: a report names practices and must not be written inside the published "
        "site (site/); give an --out folder outside it (the default is the store's report/ folder)\n"
    )
    assert list((tmp_path / "site").iterdir()) == []
    assert main(["report", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--out", "content/r"]) == 2
    assert capsys.readouterr().err == (
        "toolkit report: content/r: a report names practices and must not be written inside content/, whose files "
        "are published with the site; give an --out folder outside it (the default is the store's report/ folder)\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--edition", "1999-00"],
            2,
            "toolkit report: no edition '1999-00' could be loaded (editions loaded: 2030-31, 2031-32)\n",
        ),
        (
            ["--edition", data.CURRENT, "--register", "nope.csv"],
            2,
            "toolkit report: nope.csv: cannot read the practice register (No such file or directory)\n",
        ),
        (
            ["--edition", data.CURRENT, "--store", "empty"],
            1,
            "toolkit report: empty: no store folder here; run 'toolkit collect' first or give --store\n",
        ),
    ],
)
def test_command_problems(
    args: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--standards", str(data.FIXTURE), *args]) == code
    assert capsys.readouterr().err == message


# --- the HTML -----------------------------------------------------------------------------------------


def test_html_is_self_contained_and_marked_confidential(made: Path) -> None:
    page = (made / "report.html").read_text(encoding="utf-8")
    assert page.count("For the ICB only: this report names practices") == 2
    assert '@top-center { content: "FOR THE ICB ONLY' in page
    assert "default-src 'none'" in page
    for outside in ("<script", "src=", "<link", "@import", "url(http", 'href="http'):
        assert outside not in page, outside
    assert page.count("<svg") == 4
    # A practice's comment is shown as text, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_html_answers_the_four_questions(made: Path) -> None:
    page = (made / "report.html").read_text(encoding="utf-8")
    assert (
        "30 of 40 practices in the register have a valid return; 5 have not returned and 5 sent a return that needs "
        "correcting." in page
    )
    assert (
        "40 answers flag a risk; 7 practices are red in at least one domain, most often in Alpha safety (7 practices)."
        in page
    )
    assert "6 requests for support from 6 practices, most in Alpha safety (5)." in page
    assert (
        "Better than 2030-31: on the questions asked in both years, 22% of answers flag a risk, against 25% last year "
        "(down 2.8 points). Of 20 practices that returned both years, 7 have fewer risks, 5 the same and 8 more."
    ) in page
    assert "Red: 2 or more answers in the domain flag a risk" in page
    assert 'Compared with the question they replace: <span class="code">BE1.1</span> with BE1.9.' in page
    assert 'New this year, not compared: <span class="code">BE1.2</span>.' in page
    assert "Contact: <strong>Pat Example</strong>, Estates adviser; estates@icb.example.nhs.uk; 0113 000 0000" in page


# --- the exports --------------------------------------------------------------------------------------


def test_csv_figures(made: Path) -> None:
    domains = read_csv(made / "domains.csv")
    assert [
        (d["domain_id"], d["yes"], d["partial"], d["no"], d["not_applicable"], d["no_percent"]) for d in domains
    ] == [
        ("alpha", "32", "8", "13", "7", "21.7"),
        ("beta", "65", "0", "10", "0", "13.3"),
    ]
    practices = read_csv(made / "practices.csv")
    assert practices[0] == {
        "practice_code": "Y00000",
        "practice_name": "Practice 0",
        "status": "valid",
        "AL": "red",
        "BE": "amber",
        "risks": "3",
        "red_domains": "1",
        "support_asked": "AL",
    }
    assert practices[-1]["status"] == "missing" and practices[-1]["AL"] == ""
    assert len(read_csv(made / "risks.csv")) == 40


def test_csv_neutralises_formulas(made: Path) -> None:
    risks = read_csv(made / "risks.csv")
    comments = [r["comment"] for r in risks if r["comment"]]
    assert comments == ["'" + HYPERLINK, "'@SUM(1+1)", "'=1+1", "<script>alert(1)</script> & more"]
    support = read_csv(made / "support.csv")
    assert support[1]["comment"] == "'-1 fire doors"
    # Numbers the report computed are numbers, not text: a negative change stays negative.
    changes = {r["practice_code"]: r["change"] for r in read_csv(made / "year_practices.csv")}
    assert changes["Y00004"] == "-2"


def test_workbook_sheets_filters_and_ratings(made: Path) -> None:
    workbook = openpyxl.load_workbook(made / "report.xlsx")
    assert workbook.sheetnames == [
        "returns",
        "unattributed",
        "domains",
        "questions",
        "practices",
        "risks",
        "support",
        "year_domains",
        "year_practices",
        "year_questions",
    ]
    sheet = workbook["practices"]
    assert sheet.auto_filter.ref == "A1:H41"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["Y00000", "Practice 0", "valid", "red", "amber", 3, 1, "AL"]
    assert sheet["D2"].fill.fgColor.rgb == "FFB3261E"
    assert sheet["E2"].fill.fgColor.rgb == "FFF4C542"


def test_workbook_keeps_formulas_as_quoted_text(made: Path) -> None:
    sheet = openpyxl.load_workbook(made / "report.xlsx")["risks"]
    cell = sheet["G2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HYPERLINK, "s", True)
    plain = sheet["E2"]
    assert (plain.data_type, plain.quotePrefix) == ("s", False)


def test_neutralised() -> None:
    texts = ("=1", "+1", "-1", "-2.5", "-1+1", "+44 20", "@a", "\tx", "\rx", "a=1", "", "'=1")
    assert [neutralised(t) for t in texts] == [
        "'=1",
        "+1",  # a plain number runs nothing, and a quote in front of it would show
        "-1",
        "-2.5",
        "'-1+1",
        "'+44 20",
        "'@a",
        "'\tx",
        "'\rx",
        "a=1",
        "",
        "'=1",
    ]


def test_every_dangerous_cell_is_neutralised_in_both_formats(tmp_path: Path) -> None:
    texts = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "safe", "x=1"]
    table = Table("t", "T", (Column("text"), Column("n", "number")), [(t, -1) for t in texts])
    exports.write_all([table], tmp_path)
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [r[0] for r in rows] == [neutralised(t) for t in texts]
    assert [r[1] for r in rows] == ["-1"] * len(texts)
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx")["t"]
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(texts))]
    # A carriage return travels as OOXML's escape _x000D_, which spreadsheets decode.
    assert [(unescape(c.value), c.data_type) for c in cells] == [(t, "s") for t in texts]
    assert [c.quotePrefix for c in cells] == [True, False, True, True, True, True, False, False]  # +1: a number
    assert sheet.cell(row=2, column=2).value == -1


# --- LibreOffice round trip ---------------------------------------------------------------------------


def libreoffice(tmp_path: Path, target: str, source: Path, out: Path) -> None:
    """Convert ``source`` with LibreOffice headless, in a profile of its own (others may run at the same time)."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed for the round-trip tests (Debian: libreoffice-calc-nogui)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_libreoffice_opens_the_workbook_and_keeps_formulas_as_text(made: Path, tmp_path: Path) -> None:
    # Every sheet to CSV (the last filter option, -1, writes one file per sheet): a formula would be written as its result.
    libreoffice(
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        made / "report.xlsx",
        tmp_path,
    )
    risks = read_csv_plain(tmp_path / "report-risks.csv")
    assert [r["comment"] for r in risks if r["comment"]] == [
        HYPERLINK,
        "@SUM(1+1)",
        "=1+1",
        "<script>alert(1)</script> & more",
    ]
    practices = read_csv_plain(tmp_path / "report-practices.csv")
    assert len(practices) == 40 and practices[0]["AL"] == "red"
    # And saved again as a workbook by LibreOffice, the cells are still text.
    libreoffice(tmp_path, "xlsx", made / "report.xlsx", tmp_path / "again")
    sheet = openpyxl.load_workbook(tmp_path / "again" / "report.xlsx")["risks"]
    assert (sheet["G2"].value, sheet["G2"].data_type) == (HYPERLINK, "s")


def test_libreoffice_takes_the_neutralised_csv_as_text(made: Path, tmp_path: Path) -> None:
    unsafe = tmp_path / "unsafe.csv"
    unsafe.write_text("comment\r\n=1+1\r\n", encoding="utf-8")
    libreoffice(tmp_path, "xlsx", unsafe, tmp_path)
    # The control: without neutralising, LibreOffice makes a formula of it.
    assert openpyxl.load_workbook(tmp_path / "unsafe.xlsx").active["A2"].data_type == "f"
    libreoffice(tmp_path, "xlsx", made / "risks.csv", tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "risks.xlsx").active
    comments = [(c.value, c.data_type) for c in sheet["G"][1:] if c.value]
    assert comments == [
        ("'" + HYPERLINK, "s"),
        ("'@SUM(1+1)", "s"),
        ("'=1+1", "s"),
        ("<script>alert(1)</script> & more", "s"),
    ]


def read_csv_plain(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_html_lists_are_capped_for_a_whole_country(made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.report import html
    from generator.report.figures import compute
    from generator.report.ledger import read_returns

    for name, limit in (("PRACTICE_LIMIT", 10), ("SUPPORT_LIMIT", 2), ("INVALID_LIMIT", 3), ("RISK_LIMIT", 4)):
        monkeypatch.setattr(html, name, limit)
    edition = data.library().editions[data.CURRENT]
    found = compute(edition, read_returns(made.parent, data.CURRENT), dict(data.register_rows()))
    page = html.render(found)
    practices = page.split('<table class="practices">')[1].split("</table>")[0]
    assert practices.count("<tr>") == 1 + 10
    # Those with the most red domains, then the most risks, come first: practice 0 has 1 red and 3 risks.
    assert practices.index("Y00000") < practices.index("Y00005")
    assert "Of 40 practices, the 10 with the most red domains and risks are listed here." in page
    assert "And 3 more: <code>support.csv</code> and the spreadsheet list them all." in page
    assert "The first 3 are listed; <code>returns.csv</code> and the spreadsheet hold them all." in page
    assert "The 4 answers of the practices with the most risks are listed here; all 40 are in" in page
