"""The toolkit command: exact output and exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import COMMANDS, build_parser, main

BROKEN = Path(__file__).parent / "broken"


def test_check_clean_exits_0(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "0 errors, 0 warnings (editions loaded: 2030-31)\n"


def test_check_with_problems_exits_1(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(BROKEN / "domains" / "unknown_key_typo.yml", standards / "2030-31" / "domains" / "minimal.yml")
    shutil.copyfile(BROKEN / "edition" / "status_unknown.yml", standards / "2030-31" / "edition.yml")
    assert main(["check"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "standards/2030-31/domains/minimal.yml:11:5: missing required key 'title'",
        "standards/2030-31/domains/minimal.yml:12:5: unknown key 'titel' (did you mean 'title'?)",
        "standards/2030-31/edition.yml:4:9: 'status' must be one of draft or published; got 'live'",
    ]
    assert err == "3 errors, 0 warnings (editions loaded: none)\n"


def test_check_json(standards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(BROKEN / "domains" / "malformed_url.yml", standards / "2030-31" / "domains" / "minimal.yml")
    assert main(["check", "--json"]) == 1
    import json

    assert json.loads(capsys.readouterr().out) == [
        {
            "path": "standards/2030-31/domains/minimal.yml",
            "line": 18,
            "column": 32,
            "message": "malformed URL 'www.gov.uk/guidance': write it in full, starting https://",
            "severity": "error",
        }
    ]


def test_usage_error_exits_2(standards: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--no-such-option"])
    assert raised.value.code == 2
    assert main([]) == 2


def test_missing_standards_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "standards:0:0: no standards folder here",
        "toolkit.yml:0:0: missing: the ICB's settings file toolkit.yml (its name, ODS code, contacts and where returns "
        "go) is not in this folder; write one as the README's 'Settings' section shows",
    ]


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in COMMANDS:
        command = sub.choices[name]  # type: ignore[index]
        assert command.description, f"toolkit {name} has no help"
        for action in command._actions:
            assert action.help, f"toolkit {name} {action.option_strings} has no help"


def test_console_script_runs_without_traceback(standards: Path) -> None:
    (standards / "2030-31" / "domains" / "minimal.yml").write_bytes(b"\x00\xff garbage: [")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        capture_output=True,
        text=True,
        cwd=standards.parent,
        env={"PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("standards/2030-31/domains/minimal.yml:1:")
