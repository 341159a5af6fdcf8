"""The return format's published files: template, worked example, Table Schema, data package, questions.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.forms import Download, build_downloads, returnfiles
from generator.forms.example import PRACTICE_CODE, return_date
from generator.load import load_edition
from generator.model import Edition, Library
from generator.returnformat import ALL_COLUMNS, QUESTIONS_CSV_COLUMNS
from generator.returns.read import read_return
from generator.returns.validate import rulebook, validate

ROOT = Path(__file__).parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
FORMS = ROOT / "tests" / "forms"
TWO_DOMAINS = FORMS / "standards" / "2031-32"
RETURNS = FORMS / "returns"
FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")
EDITIONS = {
    "minimal": MINIMAL,
    "two-domains": TWO_DOMAINS,
    "2025-26": ROOT / "standards" / "2025-26",
    "2024-25": ROOT / "standards" / "2024-25",
}


def load(folder: Path) -> Edition:
    edition, _, problems = load_edition(folder)
    assert problems == [] and edition is not None
    return edition


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def frictionless(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FRICTIONLESS, "validate", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def minimal_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The return files of the minimal edition (2030-31), written as build_downloads writes them."""
    folder = tmp_path_factory.mktemp("returnfiles")
    edition = load(MINIMAL)
    for name, make in returnfiles.FILES.items():
        (folder / name).write_bytes(make(edition))
    return folder


def test_template_has_every_question_and_empty_answers() -> None:
    edition = load(MINIMAL)
    data = returnfiles.return_template(edition)
    assert data.decode().splitlines() == [
        ",".join(ALL_COLUMNS),
        ",2030-31,MN1.1,,,,,",
        ",2030-31,MN1.2,,,,,",
        ",2030-31,MN1.3,,,,,",
        ",2030-31,MN1.4,,,,,",
        ",2030-31,MN1.5,,,,,",
        ",2030-31,MN0.1,,,,,",
    ]


def test_questions_csv_lists_options_required_and_bounds() -> None:
    data = returnfiles.questions_csv(load(MINIMAL))
    assert data.decode().splitlines() == [
        ",".join(QUESTIONS_CSV_COLUMNS),
        "minimal,MN1,MN1.1,Is there a policy?,yes_no_partial_na,yes|partial|no|not applicable,true,,,,,",
        "minimal,MN1,MN1.2,What share of staff are trained?,number,,true,0,100,,,",
        "minimal,MN1,MN1.3,When was the policy reviewed?,date,,true,,,,,",
        "minimal,MN1,MN1.4,How are concerns recorded?,choice,Coded|Free text,true,,,,,",
        "minimal,MN1,MN1.5,Anything else?,text,,false,,,,,",
        "minimal,,MN0.1,Would your practice like support from the ICB with a minimal domain?,yes_no,yes|no,true,,,,,",
    ]


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_example_return_answers_every_question_within_its_rules(name: str) -> None:
    edition = load(EDITIONS[name])
    example = rows(returnfiles.example_return(edition))
    assert [r["question_id"] for r in example] == [q.id for _, _, q in edition.questions()]
    assert {r["practice_code"] for r in example} == {PRACTICE_CODE}
    assert {r["edition"] for r in example} == {edition.id}
    for row in example:
        question = edition.question(row["question_id"])
        assert question is not None
        answer = row["answer"]
        assert answer, question.id
        if question.allowed_answers:
            assert answer in question.allowed_answers, question.id
        elif question.type == "number":
            value = float(answer)
            assert question.minimum is None or value >= question.minimum, question.id
            assert question.maximum is None or value <= question.maximum, question.id
        elif question.type == "date":
            assert len(answer) == 10 and answer == dt.date.fromisoformat(answer).isoformat(), question.id
    planned = [r for r in example if r["action"]]
    assert planned, "some answers come with action plans"
    for row in planned:
        assert row["action_owner"] and row["action_due"] > return_date(edition).isoformat()


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_example_return_is_accepted_by_the_collector(name: str) -> None:
    edition = load(EDITIONS[name])
    rules = rulebook(Library({edition.id: edition}), [edition.id])
    verdict = validate(read_return(returnfiles.example_return(edition)), rules, edition.id, return_date(edition))
    assert [p.code for p in verdict.problems if p.severity == "error"] == []
    assert verdict.status == "valid"
    assert len(verdict.answers) == sum(1 for _ in edition.questions())


def test_schema_enumerates_the_edition_and_its_question_ids() -> None:
    schema = json.loads(returnfiles.return_schema(load(MINIMAL)))
    fields = {f["name"]: f for f in schema["fields"]}
    assert [f["name"] for f in schema["fields"]] == list(ALL_COLUMNS)
    assert fields["practice_code"]["constraints"] == {"required": True, "pattern": "^[A-Z][0-9]{5}$"}
    assert fields["edition"]["constraints"]["enum"] == ["2030-31"]
    assert fields["question_id"]["constraints"]["enum"] == ["MN1.1", "MN1.2", "MN1.3", "MN1.4", "MN1.5", "MN0.1"]
    assert fields["action_due"]["type"] == "date"


def test_datapackage_names_its_resources_and_schema() -> None:
    package = json.loads(returnfiles.datapackage(load(MINIMAL)))
    assert [(r["name"], r["path"]) for r in package["resources"]] == [
        ("example-return", "example-return.csv"),
        ("questions", "questions.csv"),
    ]
    assert package["resources"][0]["schema"] == "return.schema.json"


def test_stock_frictionless_passes_the_datapackage(minimal_files: Path) -> None:
    done = frictionless("datapackage.json", cwd=minimal_files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout and "INVALID" not in done.stdout


@pytest.mark.parametrize("name", ["2025-26", "2024-25"])
def test_stock_frictionless_passes_the_default_editions_datapackages(name: str, tmp_path: Path) -> None:
    edition = load(EDITIONS[name])
    for file, make in returnfiles.FILES.items():
        (tmp_path / file).write_bytes(make(edition))
    done = frictionless("--json", "datapackage.json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is True


def practice_return(folder: Path, file: str) -> str:
    """A practice's return beside the schema it downloaded (the stock validator reads only relative paths)."""
    shutil.copyfile(RETURNS / file, folder / file)
    return file


def test_stock_frictionless_passes_a_good_return(minimal_files: Path) -> None:
    done = frictionless("--schema", "return.schema.json", practice_return(minimal_files, "good.csv"), cwd=minimal_files)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("file", "error"),
    [("malformed-practice-code.csv", "constraint-error"), ("unknown-question-id.csv", "constraint-error")],
)
def test_stock_frictionless_fails_a_bad_return(minimal_files: Path, file: str, error: str) -> None:
    done = frictionless(
        "--schema", "return.schema.json", "--json", practice_return(minimal_files, file), cwd=minimal_files
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    errors = [e for task in report["tasks"] for e in task["errors"]]
    field = "practice_code" if "practice" in file else "question_id"
    assert {(e["type"], e["fieldName"]) for e in errors} == {(error, field)}


def test_build_downloads_lists_every_return_file(tmp_path: Path) -> None:
    edition = load(MINIMAL)
    downloads = build_downloads(edition, tmp_path / "out", tmp_path / "cache")
    listed = {d.path.name: d for d in downloads}
    for name in returnfiles.FILES:
        assert listed[name].size_bytes == (tmp_path / "out" / name).stat().st_size
        assert listed[name].domain_id is None
    assert listed["return.schema.json"].format == "JSON"
    assert listed["questions.csv"] == Download(
        Path("questions.csv"),
        "Questions of this edition, as open data",
        "CSV",
        len(returnfiles.questions_csv(edition)),
        None,
    )


def reshaped(data: bytes, columns: list[str], code: str = PRACTICE_CODE) -> bytes:
    """The example return with only ``columns``, in that order, and ``code`` as its practice code."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({**row, "practice_code": code} for row in rows(data))
    return out.getvalue().encode("utf-8")


SHAPES = {
    "every column": (list(ALL_COLUMNS), PRACTICE_CODE, True),
    "no action-plan columns": (list(ALL_COLUMNS[:5]), PRACTICE_CODE, True),
    "no comment or action-plan columns": (list(ALL_COLUMNS[:4]), PRACTICE_CODE, True),
    "columns in another order": (list(reversed(ALL_COLUMNS)), PRACTICE_CODE, True),
    "a malformed ODS code": (list(ALL_COLUMNS), "Z9999X", False),
    "a malformed ODS code, no action-plan columns": (list(ALL_COLUMNS[:5]), "Z9999", False),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_readmes_frictionless_command_agrees_with_the_collector(shape: str, tmp_path: Path) -> None:
    """`frictionless validate --schema return.schema.json our-return.csv`, as the README tells a practice to run it."""
    columns, code, valid = SHAPES[shape]
    edition = load(EDITIONS["2025-26"])
    (tmp_path / returnfiles.SCHEMA).write_bytes(returnfiles.return_schema(edition))
    data = reshaped(returnfiles.example_return(edition), columns, code)
    (tmp_path / "our-return.csv").write_bytes(data)
    rules = rulebook(Library({edition.id: edition}), [edition.id])
    verdict = validate(read_return(data), rules, edition.id, return_date(edition))
    assert (verdict.status == "valid") is valid, [p.code for p in verdict.problems]
    done = frictionless("--schema", "return.schema.json", "our-return.csv", cwd=tmp_path)
    assert (done.returncode == 0) is valid, done.stdout
