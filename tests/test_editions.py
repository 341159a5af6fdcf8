"""toolkit edition new and publish: next year's edition started as a draft, published only when it checks clean."""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from pathlib import Path

import pytest

from generator.check import check
from generator.cli import main
from generator.editions import EditionRefused, move_on, new_edition, publish_edition, set_value
from generator.problems import Problem

HERE = Path(__file__).parent
SMALL = HERE / "editions" / "small" / "standards"
ROOT = HERE.parent


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small editions 2030-31 and 2031-32; the working folder is its parent."""
    standards = tmp_path / "standards"
    shutil.copytree(SMALL, standards)
    monkeypatch.chdir(tmp_path)
    return standards


def _same_files(a: Path, b: Path, but: set[str]) -> list[str]:
    """Files that differ between two folders, other than those named in ``but``."""
    compared = filecmp.dircmp(a, b)
    differ = [name for name in compared.diff_files if name not in but] + compared.left_only + compared.right_only
    for sub in compared.common_dirs:
        differ += [f"{sub}/{name}" for name in _same_files(a / sub, b / sub, set())]
    return differ


# --- new -----------------------------------------------------------------------------------------------


def test_new_edition_copies_with_dates_moved_on(small: Path) -> None:
    started = new_edition(small, "2032-33", "2031-32")
    assert started.folder == small / "2032-33"
    assert started.changes == (
        ("id", "2031-32", "2032-33"),
        ("title", "Test standards 2031-32", "Test standards 2032-33"),
        ("status", "published", "draft"),
        ("published", "2031-04-01", "2032-04-01"),
        ("return_deadline", "2031-09-30", "2032-09-30"),
        ("follows", "2030-31", "2031-32"),
    )
    assert (small / "2032-33" / "edition.yml").read_text(encoding="utf-8") == (
        "# The later of two small editions: every difference from 2030-31 is listed in tests/test_diff.py.\n"
        "id: 2032-33\n"
        "title: Test standards 2032-33\n"
        "status: draft\n"
        "published: 2032-04-01\n"
        "return_deadline: 2032-09-30\n"
        "follows: 2031-32\n"
        "domains: [beta, alpha, delta]\n"
    )
    assert _same_files(small / "2031-32", small / "2032-33", {"edition.yml"}) == []
    assert sorted(p.name for p in small.iterdir()) == ["2030-31", "2031-32", "2032-33"]

    library, problems = check(small)
    assert [p.format() for p in problems] == []
    assert library.editions["2032-33"].info.status == "draft"
    assert library.current().id == "2031-32"  # type: ignore[union-attr]


def test_new_edition_adds_follows_where_there_was_none(small: Path) -> None:
    new_edition(small, "2033-34", "2030-31")
    text = (small / "2033-34" / "edition.yml").read_text(encoding="utf-8")
    assert text.splitlines()[1:8] == [
        "id: 2033-34",
        "title: Test standards 2033-34",
        "status: draft",
        "published: 2033-04-01",
        "return_deadline: 2033-09-30",
        "follows: 2030-31",
        "domains: [alpha, beta, gamma]",
    ]


def test_new_edition_starts_from_the_newest_by_default(small: Path) -> None:
    assert new_edition(small, "2032-33").changes[-1] == ("follows", "2030-31", "2031-32")


@pytest.mark.parametrize(
    ("edition", "from_id", "message"),
    [
        ("2031-32", "2030-31", "standards/2031-32 already exists; edit it, or remove it to start again"),
        ("2032-34", "2031-32", "'2032-34' is not a financial year: after 2032 comes 2033, so write 2032-33"),
        ("2032", "2031-32", "'2032' is not an edition id: write the financial year, such as 2026-27"),
        ("2032-33", "2029-30", "no edition 2029-30: standards/2029-30/edition.yml does not exist"),
        ("2029-30", "2031-32", "a new edition must come after the one it follows: 2029-30 is not after 2031-32"),
    ],
)
def test_new_edition_refuses(small: Path, edition: str, from_id: str, message: str) -> None:
    with pytest.raises(EditionRefused) as refused:
        new_edition(small, edition, from_id)
    assert refused.value.message == message
    assert sorted(p.name for p in small.iterdir()) == ["2030-31", "2031-32"]


def test_set_value_keeps_comments_and_layout() -> None:
    text = "# top\nid: 2025-26   # the year\nstatus: published\npublished:\nreturn_deadline: 2025-09-30\n"
    text = set_value(text, "status", "draft")
    text = set_value(text, "published", "2026-04-01")
    text = set_value(text, "follows", "2024-25", after=("return_deadline",))
    assert text == (
        "# top\nid: 2025-26   # the year\nstatus: draft\npublished: 2026-04-01\n"
        "return_deadline: 2025-09-30\nfollows: 2024-25\n"
    )


def test_move_on() -> None:
    assert move_on(dt.date(2025, 4, 1), 1) == dt.date(2026, 4, 1)
    assert move_on(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


# --- publish -------------------------------------------------------------------------------------------


def test_publish_a_clean_draft(small: Path) -> None:
    new_edition(small, "2032-33", "2031-32")
    published = publish_edition(small, "2032-33")
    assert (published.edition_id, published.date, published.already, published.current) == (
        "2032-33",
        dt.date(2032, 4, 1),
        False,
        "2032-33",
    )
    text = (small / "2032-33" / "edition.yml").read_text(encoding="utf-8")
    assert "\nstatus: published\npublished: 2032-04-01\n" in text
    library, problems = check(small)
    assert problems == []
    assert library.current().id == "2032-33"  # type: ignore[union-attr]
    assert [e.id for e in library.published()] == ["2032-33", "2031-32", "2030-31"]


def test_publish_dates_an_undated_draft_today(small: Path) -> None:
    new_edition(small, "2032-33", "2031-32")
    path = small / "2032-33" / "edition.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("published: 2032-04-01\n", ""), encoding="utf-8")
    published = publish_edition(small, "2032-33", today=dt.date(2032, 3, 15))
    assert published.date == dt.date(2032, 3, 15)
    assert "\nstatus: published\npublished: 2032-03-15\nreturn_deadline: 2032-09-30\n" in path.read_text(
        encoding="utf-8"
    )


def test_publish_refuses_an_edition_with_problems(small: Path) -> None:
    new_edition(small, "2032-33", "2031-32")
    domain = small / "2032-33" / "domains" / "beta.yml"
    text = domain.read_text(encoding="utf-8")
    domain.write_text(text.replace("        type: date\n", "        type: yesno\n"), encoding="utf-8")
    before = (small / "2032-33" / "edition.yml").read_text(encoding="utf-8")

    with pytest.raises(EditionRefused) as refused:
        publish_edition(small, "2032-33")
    assert refused.value.message == (
        "2032-33 is not published: toolkit check found 1 error; correct them and publish again"
    )
    assert refused.value.problems == (
        Problem(
            "standards/2032-33/domains/beta.yml",
            18,
            15,
            "'type' must be one of yes_no_partial_na, yes_no_partial, yes_no, number, date, choice or text; got 'yesno'",
        ),
    )
    assert (small / "2032-33" / "edition.yml").read_text(encoding="utf-8") == before


def test_publish_refuses_while_another_edition_has_errors(small: Path) -> None:
    new_edition(small, "2032-33", "2031-32")
    (small / "2031-32" / "references.yml").unlink()
    with pytest.raises(EditionRefused) as refused:
        publish_edition(small, "2032-33")
    assert refused.value.problems == (
        Problem("standards/2031-32/references.yml", 0, 0, "missing: every edition folder needs a references.yml"),
    )


def test_publish_an_edition_already_published(small: Path) -> None:
    before = (small / "2030-31" / "edition.yml").read_text(encoding="utf-8")
    published = publish_edition(small, "2030-31")
    assert (published.already, published.current) == (True, "2031-32")
    assert (small / "2030-31" / "edition.yml").read_text(encoding="utf-8") == before


# --- the command ---------------------------------------------------------------------------------------


def test_toolkit_edition_new_then_publish(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edition", "new", "2032-33", "--from", "2031-32"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "started 2032-33 in standards/2032-33 as a draft",
        "  id: 2031-32 → 2032-33",
        "  title: Test standards 2031-32 → Test standards 2032-33",
        "  status: published → draft",
        "  published: 2031-04-01 → 2032-04-01",
        "  return_deadline: 2031-09-30 → 2032-09-30",
        "  follows: 2030-31 → 2031-32",
        "next: edit its files, run 'toolkit check' and 'toolkit serve', then 'toolkit edition publish'",
    ]
    assert main(["edition", "publish", "2032-33"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "published 2032-33, dated 2032-04-01",
        "2032-33 is the current edition; earlier ones stay published as archived editions",
    ]


def test_toolkit_edition_refusals(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edition", "new", "2031-32"]) == 1
    assert capsys.readouterr() == ("", "standards/2031-32 already exists; edit it, or remove it to start again\n")
    assert main(["edition", "publish", "2040-41"]) == 1
    assert capsys.readouterr() == ("", "no edition 2040-41: standards/2040-41/edition.yml does not exist\n")
    (small / "2031-32" / "domains" / "delta.yml").write_text("id: delta\ncode: [DE]\n", encoding="utf-8")
    assert main(["edition", "publish", "2031-32"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("standards/2031-32/domains/delta.yml:")
    assert err.startswith("2031-32 is not published: toolkit check found ")


# --- the default edition -------------------------------------------------------------------------------


def test_next_year_from_the_default_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", standards)
    shutil.copy(ROOT / "toolkit.yml", tmp_path / "toolkit.yml")
    monkeypatch.chdir(tmp_path)
    _, before = check(standards)
    assert [p.format() for p in before if p.severity == "error"] == []

    new_edition(standards, "2026-27", "2025-26")
    library, problems = check(standards)
    assert [p.format() for p in problems if p.path.startswith("standards/2026-27")] == []
    assert _same_files(standards / "2025-26", standards / "2026-27", {"edition.yml"}) == []
    info = library.editions["2026-27"].info
    old = library.editions["2025-26"].info
    assert (info.status, info.follows, info.title) == ("draft", "2025-26", old.title.replace("2025-26", "2026-27"))
    assert info.published == move_on(old.published, 1)  # type: ignore[arg-type]
    assert info.return_deadline == move_on(old.return_deadline, 1)  # type: ignore[arg-type]
    assert library.current().id == "2025-26"  # type: ignore[union-attr]

    publish_edition(standards, "2026-27")
    library, _ = check(standards)
    assert library.current().id == "2026-27"  # type: ignore[union-attr]


# --- stable ids across editions (toolkit check) ---------------------------------------------------------


def test_check_warns_when_a_kept_id_likely_changed_meaning(small: Path) -> None:
    alpha = small / "2031-32" / "domains" / "alpha.yml"
    text = alpha.read_text(encoding="utf-8")
    text = text.replace("What share of staff have been trained?", "What share of complaints were answered in time?")
    text = text.replace("        type: yes_no\n", "        type: yes_no\n        replaces: AL9.9\n")
    alpha.write_text(
        text.replace(
            "How are concerns recorded?\n        type: choice", "How are concerns recorded?\n        type: text"
        )
    )
    _, problems = check(small)
    assert problems == [
        Problem(
            "standards/2031-32/domains/alpha.yml",
            21,
            15,
            "question 'AL1.2' shares only 44% of its words with its text in 2030-31, so its meaning has likely "
            "changed: if it has, give it a new id with 'replaces: AL1.2'; if it has not, add 'same_meaning: true'",
            "warning",
        ),
        Problem(
            "standards/2031-32/domains/alpha.yml",
            29,
            15,
            "question 'AL1.4' was a choice question in 2030-31; a changed answer type needs a new id (with 'replaces: AL1.4')",
        ),
        Problem(
            "standards/2031-32/domains/alpha.yml", 30, 9, "'options' does not apply to a text question (only to choice)"
        ),
        Problem(
            "standards/2031-32/domains/alpha.yml",
            31,
            9,
            "'risk_answers' does not apply to a text question (only to yes_no_partial_na, yes_no_partial, yes_no or choice)",
        ),
        Problem(
            "standards/2031-32/domains/alpha.yml",
            35,
            19,
            "'replaces' names 'AL9.9', which is no question of an earlier edition",
            "warning",
        ),
    ]


def test_a_rewording_that_keeps_most_words_is_not_warned_about(small: Path) -> None:
    alpha = small / "2031-32" / "domains" / "alpha.yml"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text(text.replace("What share of staff have been trained?", "Of all staff, what share are trained?"))
    _, problems = check(small)
    assert problems == []


def test_same_meaning_silences_the_rewording_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor who rewords a question a lot but keeps its meaning says so, and the warning goes."""
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", tmp_path / "standards" / "2030-31")
    later = tmp_path / "standards" / "2031-32"
    shutil.copytree(tmp_path / "standards" / "2030-31", later)
    edition = later / "edition.yml"
    edition.write_text(edition.read_text().replace("2030-31", "2031-32"))
    domain = later / "domains" / "minimal.yml"
    reworded = domain.read_text().replace(
        "text: Is there a policy?", "text: Has the practice written down its rules for this?"
    )
    domain.write_text(reworded)
    monkeypatch.chdir(tmp_path)
    _, problems = check(Path("standards"))
    assert [p.message.split(",")[0] for p in problems] == [
        "question 'MN1.1' shares only 0% of its words with its text in 2030-31"
    ]
    domain.write_text(
        reworded.replace(
            "        type: yes_no_partial_na\n", "        type: yes_no_partial_na\n        same_meaning: true\n", 1
        )
    )
    assert check(Path("standards"))[1] == []
