"""The corpus of real-looking returns: each file in tests/returns/ with the exact verdict and problems it must give.

Each case ``tests/returns/<name>.<ext>`` has ``<name>.expected``: its verdict (valid or
invalid) on the first line, then each problem as the terminal shows it, followed by its
guidance link in brackets where it has one. The cases are checked against the minimal
edition 2030-31 (with a draft 2031-32 beside it), the practice register
``tests/returns/register.csv``, and a return received on 1 June 2030.

To rewrite the expected files after a deliberate change of wording (then read the diff):

    REGENERATE=1 .venv/bin/python -m pytest tests/test_collect_corpus.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from generator.load import load_library
from generator.returns.messages import format_problem
from generator.returns.read import read_return
from generator.returns.register import read_register
from generator.returns.validate import Rulebook, rulebook, validate

CORPUS = Path(__file__).parent / "returns"
FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://toolkit.example.nhs.uk/"
RECEIVED = dt.date(2030, 6, 1)
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix not in (".expected", ".py") and p.name != "register.csv")


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    standards = tmp_path_factory.mktemp("corpus") / "standards"
    shutil.copytree(FIXTURES / "minimal", standards / "2030-31")
    shutil.copytree(FIXTURES / "minimal", standards / "2031-32")
    edition = standards / "2031-32" / "edition.yml"
    edition.write_text(edition.read_text().replace("2030-31", "2031-32").replace("status: published", "status: draft"))
    library = load_library(standards).library
    assert sorted(library.editions) == ["2030-31", "2031-32"]
    return rulebook(library, ["2030-31", "2031-32"], SITE, read_register(CORPUS / "register.csv"))


def verdict_lines(path: Path, rules: Rulebook) -> list[str]:
    verdict = validate(read_return(path.read_bytes()), rules, "2030-31", RECEIVED)
    lines: list[str] = [verdict.status]
    for found in verdict.problems:
        line = format_problem(path.name, found)
        lines.append(f"{line} [{found.guidance}]" if found.guidance else line)
    return lines


def test_corpus_has_every_case() -> None:
    expected = {p.stem for p in CORPUS.glob("*.expected")}
    assert expected == {p.stem for p in CASES}, "every case needs a .expected file, and every .expected file a case"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_gives_exactly_its_problems(case: Path, rules: Rulebook) -> None:
    expected_file = case.with_suffix(".expected")
    found = verdict_lines(case, rules)
    if os.environ.get("REGENERATE"):
        expected_file.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == expected_file.read_text(encoding="utf-8").splitlines()
