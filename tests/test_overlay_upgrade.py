"""An ICB moves to next year's core by changing builds_on, never by merging: the README's steps, run.

The ICB's 2024-25 edition builds on the toolkit's core 2024-25 (copied into the project's cores/ as the
core 'region', so that it stays as it was while the test runs), leaves out a question the core
drops in 2025-26 and adds a local domain. It starts 2025-26 with ``toolkit edition new``, which points
``builds_on`` at region/2025-26, is told where the overlay names an id the new core does not have,
and then diffs and carries a return forward across the two combined editions.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.check import check
from generator.cli import main
from generator.model import Edition
from generator.overlay import TOOLKIT_CORE
from generator.problems import errors

LOCAL_DOMAIN = """id: qz1-local
code: QZ1-LO
title: Local matters
summary: What only this ICB asks.
why_it_matters: Local needs differ.
key_questions: [safe]
regulations: [reg-12]
contact: quality-team
standards:
  - id: QZ1-LO1
    title: A local scheme
    guidance: Practices take part in the ICB's local scheme.
    evidence: [A record of taking part]
    regulations: [reg-12]
    basis:
      kind: icb-choice
      source: The ICB's local scheme
    questions:
      - id: QZ1-LO1.1
        text: Does the practice take part in the local scheme?
        type: yes_no
"""


def _core(edition_id: str) -> Edition:
    """An edition of the core the project builds on: a copy of the toolkit's, as it was when the test began."""
    library, _ = check(Path("cores") / "region")
    return library.editions[edition_id]


def _ids(edition_id: str) -> list[str]:
    return [q.id for _, _, q in _core(edition_id).questions()]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """An ICB's project made by toolkit init, whose one edition is 2024-25 on region/2024-25: a copy of the
    toolkit's core in the project's cores/ folder, so that the core stays as it was while the test runs."""
    dest = tmp_path / "icb"
    assert main(["init", str(dest), "--icb-name", "NHS Test Integrated Care Board", "--icb-code", "QZ1"]) == 0
    shutil.rmtree(dest / "standards" / "2025-26")
    shutil.copytree(TOOLKIT_CORE, dest / "cores" / "region")
    cwd = Path.cwd()
    os.chdir(dest)
    try:
        dropped = next(i for i in _ids("2024-25") if i not in _ids("2025-26") and not i.endswith("0.1"))
        folder = dest / "standards" / "2024-25"
        (folder / "domains").mkdir(parents=True)
        (folder / "edition.yml").write_text(
            "id: 2024-25\ntitle: Test ICB standards 2024-25\nstatus: published\npublished: 2024-04-01\n"
            "return_deadline: 2024-09-30\nbuilds_on: region/2024-25\n"
        )
        (folder / "overlay.yml").write_text(f"namespace: QZ1\nleave_out:\n  - {dropped}\n")
        (folder / "domains" / "qz1-local.yml").write_text(LOCAL_DOMAIN)
        yield dest
    finally:
        os.chdir(cwd)


def test_a_core_without_next_years_edition_leaves_builds_on_as_it_was(project: Path) -> None:
    assert main(["edition", "new", "2026-27", "--from", "2024-25"]) == 0
    assert "builds_on: region/2024-25\n" in Path("standards/2026-27/edition.yml").read_text()


def test_moving_to_the_next_core_is_changing_builds_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library, problems = check(Path("standards"))
    assert errors(problems) == []
    dropped = library.editions["2024-25"].local
    assert dropped is not None
    (left_out,) = dropped.left_out

    capsys.readouterr()
    assert main(["edition", "new", "2025-26", "--from", "2024-25"]) == 0
    assert "  builds_on: region/2024-25 → region/2025-26" in capsys.readouterr().out.splitlines()
    assert "builds_on: region/2025-26\n" in Path("standards/2025-26/edition.yml").read_text()

    # The new core no longer has the question the overlay leaves out: said where the overlay names it.
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"standards/2025-26/overlay.yml:3:5: '{left_out}' is no id of the core 2025-26" + _hint(left_out, "2025-26")
    ]
    Path("standards/2025-26/overlay.yml").write_text("namespace: QZ1\n")
    assert main(["check"]) == 0
    library, _ = check(Path("standards"))
    new = library.editions["2025-26"]
    assert [q.id for _, _, q in new.questions()] == [*_ids("2025-26"), "QZ1-LO1.1", "QZ1-LO0.1"]

    # What changed for practices, core and local, across the two combined editions.
    capsys.readouterr()
    assert main(["diff", "2024-25", "2025-26"]) == 0
    shown = capsys.readouterr().out
    removed = [i for i in _ids("2024-25") if i not in _ids("2025-26") and i != left_out]
    added = [i for i in _ids("2025-26") if i not in _ids("2024-25")]
    assert removed[0] in shown and added[0] in shown  # the new core's changes come with it
    assert "QZ1-LO1.1" not in shown  # the local question did not change

    # Last year's return carried forward: the local answer kept.
    old = library.editions["2024-25"]
    with open("C82001-2024-25.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("practice_code", "edition", "question_id", "answer", "comment"))
        for _, _, q in old.questions():
            answer = q.allowed_answers[0] if q.allowed_answers else ""
            writer.writerow(("C82001", "2024-25", q.id, answer, ""))
    assert main(["carry-forward", "C82001-2024-25.csv", "--to", "2025-26"]) == 0
    with open("C82001-2025-26.csv", encoding="utf-8-sig") as handle:
        rows = {row["question_id"]: row for row in csv.DictReader(handle)}
    assert rows["QZ1-LO1.1"]["answer"] == "yes"
    assert set(rows) == {q.id for _, _, q in new.questions()}


def _hint(ident: str, edition_id: str) -> str:
    import difflib

    edition = _core(edition_id)
    known = {d.id for d in edition.domains} | {s.id for d in edition.domains for s in d.standards}
    known |= {q.id for _, _, q in edition.questions()}
    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
