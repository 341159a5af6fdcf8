"""toolkit diff and the question lineage: exact differences between editions changed in known ways.

The small editions in tests/editions/small differ in every way a diff reports; the golden
files beside them hold the exact terminal text and Markdown. To rewrite the golden files
after a deliberate change of wording, run:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_diff.py

and read the difference in git before committing it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import markdown  # type: ignore[import-untyped]  # Python-Markdown ships no type hints; mkdocs brings it
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.check import RAW_HTML, check
from generator.cli import main
from generator.diff import (
    AnswerChange,
    EditionDiff,
    Entry,
    Move,
    RegulationChange,
    Replacement,
    Rewording,
    Words,
    diff_editions,
    markdown_escape,
    to_markdown,
    to_text,
    word_diff,
)
from generator.editions import new_edition
from generator.lineage import lineage, lineage_in, lineage_json, text_similarity
from generator.model import Edition, Library

HERE = Path(__file__).parent
SMALL = HERE / "editions" / "small" / "standards"
SMALL_EXPECTED = HERE / "editions" / "small" / "expected"
ROOT = HERE.parent
SITE_EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "def_list", "pymdownx.tilde"]
"""The Markdown extensions of mkdocs.yml: the diff must stay plain text under every one of them."""


@pytest.fixture(scope="module")
def small() -> Library:
    library, problems = check(SMALL)
    assert [p.format() for p in problems] == []
    return library


@pytest.fixture(scope="module")
def small_diff(small: Library) -> EditionDiff:
    return diff_editions(small.editions["2030-31"], small.editions["2031-32"])


def _golden(name: str, text: str) -> None:
    path = SMALL_EXPECTED / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --- lineage -----------------------------------------------------------------------------------------


def test_lineage_of_the_small_editions(small: Library) -> None:
    traced = lineage(small.editions["2030-31"], small.editions["2031-32"])
    assert [(q.id, q.kind, q.predecessor_id, q.changes, q.check_again) for q in traced.questions] == [
        ("BE1.1", "unchanged", "BE1.1", ("required",), False),
        ("BE1.3", "replaced", "BE1.2", ("text", "type"), True),
        ("AL2.1", "unchanged", "AL2.1", ("moved",), False),
        ("BE0.1", "unchanged", "BE0.1", (), False),
        ("AL1.1", "unchanged", "AL1.1", (), False),
        ("AL1.2", "reworded", "AL1.2", ("text",), True),
        ("AL1.4", "reworded", "AL1.4", ("options",), True),
        ("AL1.5", "new", None, (), False),
        ("AL0.1", "reworded", "AL0.1", ("text",), True),
        ("DE1.1", "new", None, (), False),
        ("DE0.1", "new", None, (), False),
    ]
    assert [r.id for r in traced.removed] == ["AL1.3", "GA1.1", "GA0.1"]
    assert [q.id for q in traced.successors("BE1.2")] == ["BE1.3"]


def test_lineage_follows_replaces_through_the_editions_between(small: Library, tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(SMALL, standards)
    new_edition(standards, "2032-33", "2031-32")
    beta = standards / "2032-33" / "domains" / "beta.yml"
    text = beta.read_text(encoding="utf-8")
    text = text.replace("- id: BE1.3\n", "- id: BE1.4\n").replace("replaces: BE1.2", "replaces: BE1.3")
    beta.write_text(text.replace("a stated standard", "a written standard"), encoding="utf-8")
    library, problems = check(standards)
    assert [p.format() for p in problems] == []

    traced = lineage_in(library, "2030-31", "2032-33")
    be14 = traced.of("BE1.4")
    assert be14 is not None
    assert (be14.kind, be14.predecessor_id, be14.chain) == ("replaced", "BE1.2", ("BE1.2", "BE1.3", "BE1.4"))
    without_between = lineage(library.editions["2030-31"], library.editions["2032-33"])
    assert without_between.of("BE1.4").kind == "new"  # type: ignore[union-attr]
    assert "BE1.2" in [r.id for r in without_between.removed]


def test_lineage_json_for_the_online_form(small: Library) -> None:
    data = lineage_json(small.editions["2030-31"], small.editions["2031-32"])
    assert data["format"] == "gp-quality-lineage/1"
    assert (data["from"], data["to"]) == ("2030-31", "2031-32")
    assert data["questions"]["BE1.3"] == {
        "kind": "replaced",
        "from": "BE1.2",
        "check_again": True,
        "changes": ["text", "type"],
    }
    assert data["questions"]["AL1.5"] == {"kind": "new", "from": None, "check_again": False, "changes": []}
    assert data["removed"] == [
        {"question_id": "AL1.3", "text": "Is the policy on the intranet?"},
        {"question_id": "GA1.1", "text": "Do patients with long-term conditions have a care plan?"},
        {"question_id": "GA0.1", "text": "Would your practice like support from the ICB with gamma care?"},
    ]


def test_text_similarity() -> None:
    assert text_similarity("Is there a named lead?", "Is there a named lead?") == 1.0
    # Turned round, same words: the same meaning.
    assert text_similarity("Is the policy reviewed every year?", "Every year, is the policy reviewed?") == 1.0
    # 'the', 'is', 'a' carry no meaning; 'named', 'lead' against 'written', 'policy' share nothing.
    assert text_similarity("Is there a named lead?", "Is there a written policy?") == pytest.approx(1 / 3)
    assert text_similarity("", "") == 1.0


# --- the difference as data ----------------------------------------------------------------------------


def test_the_small_editions_differ_exactly_so(small_diff: EditionDiff) -> None:
    d = small_diff
    assert d.added == (
        Entry("domain", "delta", "Delta candour"),
        Entry("standard", "DE1", "Candour", "Delta candour", parent_also=True),
        Entry("question", "AL1.5", "Is the policy reviewed every year?", "Alpha written policies › AL1 Policies"),
        Entry(
            "question",
            "DE1.1",
            "Does the practice apologise when things go wrong?",
            "Delta candour › DE1 Candour",
            parent_also=True,
        ),
        Entry(
            "question",
            "DE0.1",
            "Would your practice like support from the ICB with delta candour?",
            "Delta candour (support request)",
            parent_also=True,
        ),
    )
    assert d.removed == (
        Entry("domain", "gamma", "Gamma care"),
        Entry("standard", "GA1", "Care plans", "Gamma care", parent_also=True),
        Entry("question", "AL1.3", "Is the policy on the intranet?", "Alpha policies › AL1 Policies"),
        Entry(
            "question",
            "GA1.1",
            "Do patients with long-term conditions have a care plan?",
            "Gamma care › GA1 Care plans",
            parent_also=True,
        ),
        Entry(
            "question",
            "GA0.1",
            "Would your practice like support from the ICB with gamma care?",
            "Gamma care (support request)",
            parent_also=True,
        ),
    )
    assert d.moved == (
        Move("domain", "beta", "Beta audit", "position 2", "position 1"),
        Move("standard", "AL2", "Leads", "Alpha policies", "Beta audit"),
        Move("question", "AL2.1", "Is there a named lead?", "Alpha policies › AL2 Leads", "Beta audit › AL2 Leads"),
    )
    assert [(r.level, r.id, r.field) for r in d.reworded] == [
        ("domain", "alpha", "title"),
        ("domain", "alpha", "summary"),
        ("standard", "AL1", "guidance"),
        ("question", "AL1.2", "text"),
        ("question", "AL0.1", "text"),
    ]
    assert d.reworded[3] == Rewording(
        "question",
        "AL1.2",
        "text",
        (
            Words("same", "What share of staff"),
            Words("removed", "are"),
            Words("added", "have been"),
            Words("same", "trained?"),
        ),
        "Alpha written policies › AL1 Policies",
    )
    assert d.replaced == (
        Replacement(
            "BE1.3",
            "BE1.2",
            ("BE1.2", "BE1.3"),
            "Beta audit › BE1 Audit",
            word_diff(
                "Do audits have a standard?",
                "Are audits measured against a stated standard, with a target set before data are collected?",
            ),
        ),
    )
    assert d.answers == (
        AnswerChange(
            "BE1.1",
            "When was the last audit completed?",
            "Beta audit › BE1 Audit",
            "date",
            "date",
            details=("now optional",),
        ),
        AnswerChange(
            "BE1.3",
            "Are audits measured against a stated standard, with a target set before data are collected?",
            "Beta audit › BE1 Audit",
            "yes_no",
            "yes_no_partial_na",
            details=("answers that flag a risk: no → no, partial",),
            old_id="BE1.2",
        ),
        AnswerChange(
            "AL1.4",
            "How are concerns recorded?",
            "Alpha written policies › AL1 Policies",
            "choice",
            "choice",
            added_options=("Written in free text", "Not recorded"),
            removed_options=("Free text",),
            details=("answers that flag a risk: Free text → Written in free text, Not recorded",),
        ),
    )
    assert d.regulations == (
        RegulationChange("reg-12", "Safe care and treatment", "changed", fields=("summary",)),
        RegulationChange("reg-20", "Duty of candour", "added"),
        RegulationChange("reg-9", "Person-centred care", "removed"),
        RegulationChange(
            "reg-13", "Safeguarding service users from abuse and improper treatment", "linked", "AL1 Policies"
        ),
    )


def test_an_edition_against_itself_has_no_differences(small: Library) -> None:
    edition = small.editions["2031-32"]
    d = diff_editions(edition, edition)
    assert d.empty
    assert to_text(d) == "From 2031-32 (Test standards 2031-32) to 2031-32 (Test standards 2031-32): no changes.\n"


def test_word_diff() -> None:
    assert word_diff("a b c d", "a x c d e") == (
        Words("same", "a"),
        Words("removed", "b"),
        Words("added", "x"),
        Words("same", "c d"),
        Words("added", "e"),
    )
    assert word_diff("same  words\n here", "same words here") == (Words("same", "same words here"),)


# --- the difference shown ------------------------------------------------------------------------------


def test_terminal_text(small_diff: EditionDiff) -> None:
    _golden("diff.txt", to_text(small_diff))


def test_markdown(small_diff: EditionDiff) -> None:
    _golden("diff.md", to_markdown(small_diff))


def test_markdown_is_safe_and_renders_word_changes(small_diff: EditionDiff) -> None:
    source = to_markdown(small_diff)
    assert RAW_HTML.search(source) is None
    assert not re.search(r"^#(\s|$)", source, re.MULTILINE), "headings start at level 2"
    rendered = markdown.markdown(source, extensions=SITE_EXTENSIONS)
    assert "What share of staff <del>are</del> <strong>have been</strong> trained?" in rendered
    assert "<h2" in rendered and "<h1" not in rendered


def test_hostile_text_stays_text() -> None:
    hostile = 'Is <script>alert(1)</script> [x](javascript:alert(1)) ok? {: onclick="alert(1)" }'
    diff = EditionDiff(
        "2030-31",
        "2031-32",
        "Old",
        "New",
        reworded=(Rewording("question", "AL1.1", "text", word_diff("Is it ok?", hostile), "Alpha"),),
    )
    rendered = markdown.markdown(to_markdown(diff), extensions=SITE_EXTENSIONS)
    tags = re.findall(r"<[^>]*>", rendered)
    assert not [t for t in tags if re.search(r"script|onclick|href", t)], tags
    shown = html.unescape(re.sub(r"<[^>]*>", "", rendered))
    assert "<script>alert(1)</script> [x](javascript:alert(1))" in shown
    assert '{: onclick="alert(1)" }' in shown


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40))
def test_escaped_text_renders_as_itself(text: str) -> None:
    shown = " ".join(text.split())
    rendered = markdown.markdown(markdown_escape(text), extensions=SITE_EXTENSIONS)
    if not shown:
        assert rendered == ""
        return
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.DOTALL)
    assert match is not None, rendered
    assert html.unescape(match.group(1)) == shown


# --- toolkit diff --------------------------------------------------------------------------------------


def test_toolkit_diff_writes_markdown(
    small_diff: EditionDiff, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bulletin.md"
    assert main(["diff", "2030-31", "2031-32", "--standards", str(SMALL), "--markdown", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == to_markdown(small_diff)
    assert capsys.readouterr() == ("", f"wrote {out}\n")


def test_toolkit_diff_prints_text(small_diff: EditionDiff, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "2030-31", "2031-32", "--standards", str(SMALL)]) == 0
    assert capsys.readouterr().out == to_text(small_diff)


def test_toolkit_diff_unknown_edition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "2030-31", "2040-41", "--standards", str(SMALL)]) == 1
    assert capsys.readouterr() == (
        "",
        "the edition 2040-41 is not in the standards folder (editions: 2030-31, 2031-32)\n",
    )


# --- the default editions ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> Library:
    library, problems = check(ROOT / "standards")
    assert [p.format() for p in problems if p.severity == "error"] == []
    return library


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _question_block(edition: Edition, question_id: str) -> str:
    """The YAML lines of one question in its domain file, from its '- id:' line to the next question or standard."""
    domain = next(d for d, _, q in edition.questions() if q.id == question_id)
    lines = (edition.folder / "domains" / f"{domain.id}.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- id: {re.escape(question_id)}\s*", line))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return "".join(lines[start:end])


def test_a_new_edition_from_the_default_one_changed_in_known_ways(default: Library, tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", standards)
    shutil.copy(ROOT / "toolkit.yml", tmp_path / "toolkit.yml")
    new_edition(standards, "2026-27", "2025-26")
    current = default.editions["2025-26"]
    first, second = current.domains[0], current.domains[1]
    sg = first.standards[0]
    q1, q2, q3 = sg.questions[0], sg.questions[1], sg.questions[2]
    folder = standards / "2026-27" / "domains"

    # Reword q1; replace q2 by a new question; remove q3; drop the second domain.
    _edit(folder / f"{first.id}.yml", f"text: {q1.text}", f"text: {q1.text[:-1]}, in writing?")
    new_id = f"{sg.id}.{max(int(q.id.split('.')[1]) for q in sg.questions) + 1}"
    block = _question_block(current, q2.id)
    replacement = block.replace(f"- id: {q2.id}", f"- id: {new_id}", 1)
    replacement = replacement.replace("\n", f"\n{' ' * (len(block) - len(block.lstrip()) + 2)}replaces: {q2.id}\n", 1)
    _edit(folder / f"{first.id}.yml", block, replacement)
    _edit(folder / f"{first.id}.yml", _question_block(current, q3.id), "")
    (folder / f"{second.id}.yml").unlink()
    _edit(standards / "2026-27" / "edition.yml", f"  - {second.id}\n", "")

    library, problems = check(standards)
    assert [p.format() for p in problems if p.severity == "error"] == []
    d = diff_editions(library.editions["2025-26"], library.editions["2026-27"])

    where = f"{first.title} › {sg.id} {sg.title}"
    assert [(e.level, e.id) for e in d.added] == []
    assert [(e.level, e.id, e.parent_also) for e in d.removed] == (
        [("domain", second.id, False)]
        + [("standard", s.id, True) for s in second.standards]
        + [("question", q3.id, False)]
        + [("question", q.id, True) for q in second.questions()]
    )
    assert d.moved == ()
    assert [(r.level, r.id, r.field) for r in d.reworded] == [("question", q1.id, "text")]
    assert d.reworded[0].words[-2:] == (
        Words("removed", q1.text.split()[-1]),
        Words("added", q1.text.split()[-1][:-1] + ", in writing?"),
    )
    assert [(r.question_id, r.replaces, r.where) for r in d.replaced] == [(new_id, q2.id, where)]
    assert d.answers == ()
    assert d.regulations == ()


def test_the_default_pair_is_traced_whole(default: Library) -> None:
    old, new = default.editions["2024-25"], default.editions["2025-26"]
    traced = lineage(old, new)
    old_ids = [q.id for _, _, q in old.questions()]
    continued = {q.predecessor_id for q in traced.questions if q.predecessor_id}
    assert [q.id for q in traced.questions] == [q.id for _, _, q in new.questions()]
    assert sorted(continued | {r.id for r in traced.removed}) == sorted(old_ids)
    assert not continued & {r.id for r in traced.removed}
    for q in traced.questions:
        if q.kind == "replaced":
            assert q.question.replaces == q.predecessor_id
        elif q.kind != "new":
            assert q.id == q.predecessor_id

    source = to_markdown(diff_editions(old, new))
    assert RAW_HTML.search(source) is None
    assert "<del>" in markdown.markdown(source, extensions=SITE_EXTENSIONS)
