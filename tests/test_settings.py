"""toolkit.yml: the ICB's settings, read into typed settings; every malformed setting placed at its line and column.

Each broken case (tests/broken_settings/<case>.yml) is a whole toolkit.yml; its .expected file lists every
problem `toolkit check` must report for it, as path:line:column: message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.check import check
from generator.cli import main
from generator.settings import Icb, Returns, SettingsError, Support, contrast, load_settings, require_settings

ROOT = Path(__file__).parent.parent
BROKEN = Path(__file__).parent / "broken_settings"
CASES = sorted(BROKEN.glob("*.yml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_broken_setting_gives_exact_messages(case: Path, standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(case, standards.parent / "toolkit.yml")
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case} expects no problem"
    assert main(["check"]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("toolkit.yml:")] == expected


def test_every_case_has_expectations() -> None:
    assert CASES
    for case in CASES:
        assert case.with_suffix(".expected").exists(), f"{case} has no .expected file"


def test_a_project_without_settings_is_told_what_is_missing(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (standards.parent / "toolkit.yml").unlink()
    assert main(["check"]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if "toolkit.yml" in line] == [
        "toolkit.yml:0:0: missing: the ICB's settings file toolkit.yml (its name, ODS code, contacts and where "
        "returns go) is not in this folder; write one as the README's 'Settings' section shows"
    ]
    with pytest.raises(SettingsError) as raised:
        require_settings(standards.parent)
    assert [p.line for p in raised.value.problems] == [0]


def test_the_projects_own_settings_load_and_check_clean() -> None:
    settings, problems = load_settings(ROOT)
    assert problems == []
    assert settings is not None
    assert settings.icb == Icb(
        name="NHS Example Integrated Care Board",
        ods_code="QXX",
        team="Primary Care Quality Team",
        address=("Example House", "1 Example Street", "Exampleton EX1 1AA"),
        privacy_notice="https://www.icb.example.nhs.uk/privacy-notice",
        colour="#005eb8",
        logo=None,
    )
    assert settings.returns == Returns(
        email="primarycare.quality@icb.example.nhs.uk", submission_url=None, phone="0300 000 0104"
    )
    assert settings.support == Support(
        email="primarycare.quality@icb.example.nhs.uk", phone="0300 000 0104", target_working_days=10
    )
    assert [c.id for c in settings.contacts][:2] == ["safeguarding-team", "ipc-team"]


def test_where_to_send_names_the_icb_the_ways_and_the_editions_deadline() -> None:
    library, _ = check(ROOT / "standards")
    settings = require_settings(ROOT)
    assert settings.where_to_send(library.editions["2025-26"]) == (
        "Send your return to NHS Example Integrated Care Board by email to primarycare.quality@icb.example.nhs.uk "
        "by 30 September 2025."
    )


def test_contacts_are_written_once_for_every_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's editions list no contacts of their own: each domain's contact comes from toolkit.yml."""
    library, problems = check(ROOT / "standards")
    assert [p for p in problems if p.severity == "error"] == []
    settings = require_settings(ROOT)
    for edition in library.editions.values():
        assert edition.references.contacts == settings.contacts
    safeguarding = library.editions["2024-25"].domains[0]
    assert library.editions["2024-25"].contact(safeguarding.contact) == settings.contacts[0]


def test_an_older_edition_that_lists_its_own_contacts_keeps_them(standards: Path) -> None:
    """The minimal edition still lists contacts in references.yml (as editions did before toolkit.yml)."""
    library, problems = check(standards)
    assert [p for p in problems if p.severity == "error"] == []
    assert [c.id for c in library.editions["2030-31"].references.contacts] == ["quality-team"]


def test_an_unknown_contact_is_sent_to_toolkit_yml_when_the_edition_lists_none(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    references = standards / "2030-31" / "references.yml"
    text = references.read_text(encoding="utf-8")
    references.write_text(text[: text.index("contacts:")], encoding="utf-8")
    assert main(["check"]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if "contact" in line] == [
        "standards/2030-31/domains/minimal.yml:8:10: unknown contact 'quality-team': "
        "define it in toolkit.yml 'contacts' or use one that is there"
    ]


@pytest.mark.parametrize(("colour", "ratio"), [("#005eb8", 6.4), ("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.5)])
def test_contrast_is_wcags_ratio(colour: str, ratio: float) -> None:
    assert round(contrast(colour, "#ffffff"), 1) == ratio


def test_collect_and_report_use_the_register_named_in_toolkit_yml(
    standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_collect import JUNE_5, put

    put(standards.parent / "inbox", "good_plain.csv", "C82001.csv", JUNE_5)
    (standards.parent / "registers").mkdir()
    (standards.parent / "registers" / "practices.csv").write_text(
        "practice_code,practice_name\nC82001,Riverside Surgery\nC82004,Meadow Lane Surgery\n"
    )
    settings = standards.parent / "toolkit.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "register: registers/practices.csv\n")
    assert main(["collect", "--from", "inbox"]) == 0
    assert "2030-31: 1 valid, 0 invalid, 1 missing (2 practices) in store/status.csv" in capsys.readouterr().err
    assert main(["report"]) == 0
    assert capsys.readouterr().out.startswith("2 practices: 1 valid, 0 invalid, 1 missing;")
    report = (standards.parent / "store" / "report" / "report.html").read_text(encoding="utf-8")
    assert "<title>For NHS Test Integrated Care Board only" in report


def test_collect_refuses_a_broken_toolkit_yml_in_words(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_collect import JUNE_5, put

    put(standards.parent / "inbox", "good_plain.csv", "C82001.csv", JUNE_5)
    shutil.copyfile(BROKEN / "colour_too_light.yml", standards.parent / "toolkit.yml")
    assert main(["collect", "--from", "inbox"]) == 2
    assert capsys.readouterr().err == (
        "toolkit collect: the ICB's settings cannot be used (run 'toolkit check'): toolkit.yml:8:11: 'colour' #ffcc00 "
        "is too light: white text on it has a contrast of 1.5:1, and WCAG 2.2 AA needs at least 4.5:1; choose a "
        "darker colour\n"
    )


def test_a_build_without_the_icbs_settings_does_not_start(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (standards.parent / "toolkit.yml").unlink()
    assert main(["build", "--site", "out"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("toolkit.yml:0:0: missing: the ICB's settings file toolkit.yml")
    assert err == "1 error, 0 warnings: site not built, out left as it was\n"
    assert not (standards.parent / "out").exists()


@pytest.mark.parametrize(
    "path", [ROOT / "toolkit.yml", ROOT / "tests" / "fixtures" / "toolkit.yml"], ids=["project", "tests"]
)
def test_settings_pass_the_schema_editors_use(path: Path) -> None:
    """The JSON Schema is what an editor checks as the file is typed: good settings pass, an unknown key does not."""
    import json

    import jsonschema

    from generator.schema import render
    from generator.yamldoc import read_file

    schema = json.loads(render()["toolkit.schema.json"])
    assert (ROOT / "schema" / "toolkit.schema.json").read_text(encoding="utf-8") == render()["toolkit.schema.json"]
    doc, problems = read_file(path, str(path))
    assert problems == []
    jsonschema.validate(doc.data, schema)
    doc, _ = read_file(BROKEN / "unknown_key.yml", "unknown_key.yml")
    with pytest.raises(jsonschema.ValidationError, match="'teem' was unexpected"):
        jsonschema.validate(doc.data, schema)
