"""The default content: it checks clean, meets the counts an ICB needs, and any broken key is placed exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import check
from generator.yamldoc import read_file

ROOT = Path(__file__).parent.parent
STANDARDS = ROOT / "standards"
FILES = sorted(STANDARDS.glob("*/*.yml")) + sorted(STANDARDS.glob("*/domains/*.yml"))


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    lib, problems = check(STANDARDS)
    assert [p.format() for p in problems] == []
    return lib


def test_default_content_checks_clean(library) -> None:  # type: ignore[no-untyped-def]
    assert set(library.editions) >= {"2024-25", "2025-26"}
    assert library.current().id == "2025-26"


def test_default_edition_meets_the_counts(library) -> None:  # type: ignore[no-untyped-def]
    edition = library.editions["2025-26"]
    standards = [s for d in edition.domains for s in d.standards]
    authored = [q for s in standards for q in s.questions]
    assert len(edition.domains) >= 12
    assert len(standards) >= 8
    assert len(authored) >= 120
    for domain in edition.domains:
        assert domain.support_question.id == f"{domain.code}0.1"


def test_every_question_maps_to_a_regulation(library) -> None:  # type: ignore[no-untyped-def]
    for edition in library.editions.values():
        regulations = {r.id for r in edition.references.regulations}
        for domain in edition.domains:
            for standard in domain.standards:
                assert standard.regulations and set(standard.regulations) <= regulations, standard.id


def test_previous_edition_is_smaller_and_differs(library) -> None:  # type: ignore[no-untyped-def]
    old, new = library.editions["2024-25"], library.editions["2025-26"]
    old_ids = {q.id for _, _, q in old.questions()}
    new_ids = {q.id for _, _, q in new.questions()}
    assert len(old_ids) < len(new_ids)
    assert new_ids - old_ids, "2025-26 adds questions"
    assert old_ids - new_ids, "2025-26 removes questions"
    reworded = [q.id for _, _, q in new.questions() if q.id in old_ids and old.question(q.id).text != q.text]
    assert reworded, "2025-26 rewords questions"
    assert "staffing" in {d.id for d in old.domains} and {"recruitment", "training-staffing"} <= {
        d.id for d in new.domains
    }


def test_every_file_names_its_schema() -> None:
    for path in FILES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema.exists(), f"{path}: {schema} does not exist"


KEYS = [(path, key_path, where) for path in FILES for key_path, where in read_file(path, str(path))[0].keys.items()]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(KEYS))
def test_breaking_any_key_of_any_file_is_reported_at_that_place(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    """Misspell any key of any default file: check names that file, line and column."""
    path, key_path, (line, column) = case
    root = tmp_path_factory.mktemp("copy")
    import shutil

    shutil.copytree(STANDARDS, root / "standards")
    target = root / "standards" / path.relative_to(STANDARDS)
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    key = str(key_path[-1])
    text = lines[line - 1]
    assert text[column - 1 : column - 1 + len(key)] == key
    lines[line - 1] = text[: column - 1] + key + "x" + text[column - 1 + len(key) :]
    target.write_text("".join(lines), encoding="utf-8")
    _, problems = check(root / "standards")
    expected = f"{target}:{line}:{column}: unknown key '{key}x' (did you mean '{key}'?)"
    assert expected in [p.format() for p in problems]
