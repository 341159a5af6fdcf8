"""toolkit export: an ICB's returns as a Frictionless Data Package zip, with or without practice-level detail."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import reportdata as data
from test_report_cqc import ratings_rows, write

from generator.cli import main
from generator.report.ledger import read_returns


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    data.write_register(tmp_path / "practices.csv")
    return tmp_path


def export(root: Path, out: str, *more: str) -> int:
    return main(
        ["export", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--store", str(root / "store"),
         "--register", str(root / "practices.csv"), "--out", str(root / out), *more]
    )  # fmt: skip


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def table(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


ICB = ("--icb", "QA1", "--icb-name", "NHS Example ICB", "--register-date", "2031-05-01")


def test_the_bundle_holds_the_answers_register_and_core_questions(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(root, "qa1.zip", *ICB) == 0
    assert capsys.readouterr().out.startswith("QA1 NHS Example ICB: 30 valid returns to 2031-32")
    files = members(root / "qa1.zip")
    assert sorted(files) == sorted(
        ["datapackage.json", "places.csv", "domains.csv", "questions.csv", "register.csv", "returns.csv", "answers.csv"]
    )
    meta = json.loads(files["datapackage.json"])["gp_quality_bundle"]
    assert meta == {
        "kind": "gp-quality-returns-bundle", "version": 1, "icb_code": "QA1", "icb_name": "NHS Example ICB",
        "edition": data.CURRENT, "core_edition": data.CURRENT, "register_date": "2031-05-01", "counts_only": False,
    }  # fmt: skip
    returns = read_returns(root / "store", data.CURRENT, notes=False)
    expected = sorted(
        (code, data.CURRENT, qid, answer)
        for code, sub in returns.chosen().items()
        if sub.valid
        for qid, answer in returns.answers[sub.id].items()
    )
    got = sorted((r["practice_code"], r["edition"], r["question_id"], r["answer"]) for r in table(files, "answers.csv"))
    assert got == expected
    register = table(files, "register.csv")
    assert [(r["practice_code"], r["icb_code"]) for r in register] == [(c, "QA1") for c, _ in data.register_rows()]
    questions = table(files, "questions.csv")
    edition = data.library().editions[data.CURRENT]
    assert [q["question_id"] for q in questions] == [q.id for _, _, q in edition.questions()]
    assert {q["core"] for q in questions} == {"yes"}  # a plain edition is all core


def assert_valid_package(bundle: Path, unpacked: Path) -> None:
    """Frictionless's own verdict on the bundle, unzipped: every file matches its Table Schema."""
    from frictionless import validate

    with zipfile.ZipFile(bundle) as z:
        z.extractall(unpacked)
    report = validate(unpacked / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_bundle_is_a_valid_data_package(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(root, "qa1.zip", *ICB) == 0
    assert_valid_package(root / "qa1.zip", root / "unpacked")
    assert export(root, "counts.zip", *ICB, "--counts-only") == 0
    assert_valid_package(root / "counts.zip", root / "counts")


def test_counts_only_names_no_practice(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(root, "counts.zip", *ICB, "--counts-only") == 0
    files = members(root / "counts.zip")
    assert sorted(files) == ["datapackage.json", "domains.csv", "places.csv", "questions.csv"]
    text = b"".join(files.values()).decode()
    assert not any(code in text for code, _ in data.register_rows())
    assert json.loads(files["datapackage.json"])["gp_quality_bundle"]["counts_only"] is True
    places = table(files, "places.csv")
    assert sum(int(p["valid"]) for p in places) == 30


def test_cqc_ratings_where_held(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratings = write(root / "r.csv", ratings_rows(data.code(0), data.code(1), data.code(36)))
    assert main(["report", "--edition", data.CURRENT, "--standards", str(data.FIXTURE), "--store",
                 str(root / "store"), "--cqc", str(ratings)]) == 0  # fmt: skip
    assert export(root, "qa1.zip", *ICB) == 0
    files = members(root / "qa1.zip")
    counts = {r["overall"]: (int(r["returned"]), int(r["not_returned"])) for r in table(files, "cqc_counts.csv")}
    # Practice 0 (valid) is rated Good by its latest-rated location, 1 (valid) Inadequate, 36 (no return)
    # has a rating in Caring only.
    assert counts["Good"] == (1, 0) and counts["Inadequate"] == (1, 0)
    assert counts[""] == (28, 10)  # 5 invalid, 5 missing
    cqc = {r["practice_code"]: r for r in table(files, "cqc.csv")}
    assert (cqc[data.code(1)]["overall"], cqc[data.code(1)]["inherited"]) == ("Inadequate", "yes")
    assert_valid_package(root / "qa1.zip", root / "unpacked")


def test_an_existing_file_is_kept_without_force_and_the_icb_must_be_named(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "qa1.zip").write_bytes(b"mine")
    assert export(root, "qa1.zip", *ICB) == 2
    assert "already exists" in capsys.readouterr().err
    assert (root / "qa1.zip").read_bytes() == b"mine"
    assert export(root, "qa1.zip", *ICB, "--force") == 0
    capsys.readouterr()
    # The ICB's code and name come from toolkit.yml beside the standards …
    assert export(root, "settings.zip") == 0
    assert capsys.readouterr().out.startswith("QT1 NHS Test Integrated Care Board: ")
    # … and without it they must be given.
    shutil.copytree(data.FIXTURE, root / "elsewhere" / "standards")
    args = ["export", "--standards", str(root / "elsewhere" / "standards"), "--store", str(root / "store"),
            "--edition", data.CURRENT, "--out", str(root / "other.zip")]  # fmt: skip
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("toolkit export: the bundle must say whose it is")
    assert not (root / "other.zip").exists()


def epraccur_row(code: str, name: str, icb: str, status: str, sub_icb: str) -> list[str]:
    row = [""] * 27
    row[0], row[1], row[2], row[3], row[12], row[14], row[25] = code, name, "Y56", icb, status, sub_icb, "RO76"
    return row


def test_an_epraccur_register_gives_places_and_regions_and_the_folder_rolls_up(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [epraccur_row(c, n, "QA1", "A", "04C" if i % 2 else "05D") for i, (c, n) in enumerate(data.register_rows())]
    rows += [
        epraccur_row("Z99999", "Elsewhere", "QB2", "A", "99X"),
        epraccur_row("Z99998", "Closed", "QA1", "C", "04C"),
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (root / "epraccur.csv").write_text(out.getvalue())
    args = ["--register", str(root / "epraccur.csv"), "--icb", "QA1", "--icb-name", "NHS Example ICB"]
    assert export(root, "qa1.zip", *args) == 0
    files = members(root / "qa1.zip")
    register = table(files, "register.csv")
    assert len(register) == len(data.register_rows())  # the ICB's active practices only
    assert {(r["region_code"], r["icb_code"]) for r in register} == {("Y56", "QA1")}
    assert {r["sub_icb_code"] for r in register} == {"04C", "05D"}
    places = {p["sub_icb_code"]: p for p in table(files, "places.csv")}
    assert sorted(places) == ["04C", "05D"]
    assert sum(int(p["active_practices"]) for p in places.values()) == len(data.register_rows())
    # The bundle unzipped into a folder reads the same.
    with zipfile.ZipFile(root / "qa1.zip") as z:
        z.extractall(root / "qa1")
    capsys.readouterr()
    assert main(["rollup", "--from", str(root / "qa1"), "--out", str(root / "region")]) == 0
    assert capsys.readouterr().out.startswith("1 ICB: 30 valid returns from 40 active practices")
