"""Broken YAML files, each with the exact messages it must give (tests/broken/<file>/<case>.yml and .expected).

A case replaces one file of the minimal edition; its .expected file lists every problem
`toolkit check` must report, as path:line:column: message, paths relative to the edition folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.check import check

BROKEN = Path(__file__).parent / "broken"
TARGETS = {"domains": "domains/minimal.yml", "edition": "edition.yml", "references": "references.yml"}
CASES = sorted(BROKEN.glob("*/*.yml"))


def problems_for(case: Path, standards: Path, replace_file: Callable[[str, Path], None]) -> list[str]:
    replace_file(TARGETS[case.parent.name], case)
    _, problems = check(standards)
    prefix = "standards/2030-31/"
    return [p.format().removeprefix(prefix) for p in problems]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_broken_file_gives_exact_messages(
    case: Path, standards: Path, replace_file: Callable[[str, Path], None]
) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert problems_for(case, standards, replace_file) == expected


def test_every_case_has_expectations() -> None:
    assert CASES, "no broken cases found"
    for case in CASES:
        assert case.with_suffix(".expected").exists(), f"{case} has no .expected file"
