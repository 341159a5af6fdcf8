"""The printed form's layout holds by construction: a question block never breaks across pages.

Each question's block (heading, help, answer boxes, comment line and any action plan) is one
element laid out with ``break-inside: avoid``. These tests lay out forms whose help texts grow
a few words at a time, so that block ends fall at every height of a page, and look in
WeasyPrint's laid-out pages for any block that has boxes on two pages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.forms.pdf import lay_out
from generator.load import load_edition
from generator.model import Edition, Question

ROOT = Path(__file__).parent.parent
SMALL = ROOT / "tests" / "forms" / "standards" / "2031-32"

HELP = (
    "Answer yes only where the record shows it, with the date of the last check, who made it and what they "
    "found; partial where some of it is in place; no where none of it is."
)
WORDS = HELP.split(" ")


def help_of(length: int) -> str:
    """Help text of ``length`` words (none for 0)."""
    return " ".join(WORDS[i % len(WORDS)] for i in range(length))


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from boxes(child)


def pages_of_blocks(document: Any) -> dict[str, set[int]]:
    """Each question block's element id, with the pages its boxes are laid out on."""
    where: dict[str, set[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and "q" in (element.get("class") or "").split():
                where.setdefault(element.get("id"), set()).add(number)
    return where


def stretched(edition: Edition, lengths: list[int]) -> Edition:
    """``edition`` with each domain's first standard holding one question per length, help text that long.

    The questions take turns at the edition's own first questions' types, so blocks with and without an
    action plan, tick boxes, number and date boxes and write-in lines all meet the page's end.
    """
    domains = []
    for domain in edition.domains:
        first = domain.standards[0]
        kinds: list[Question] = [q for s in domain.standards for q in s.questions]
        questions = tuple(
            kinds[i % len(kinds)].model_copy(update={"id": f"{first.id}.{i + 1}", "help": help_of(length)})
            for i, length in enumerate(lengths)
        )
        standards = (first.model_copy(update={"questions": questions}),)
        domains.append(domain.model_copy(update={"standards": standards}))
    return dataclasses.replace(edition, domains=tuple(domains))


@pytest.fixture(scope="module")
def small() -> Edition:
    edition, _, problems = load_edition(SMALL)
    assert problems == [] and edition is not None
    return edition


def test_question_blocks_are_found_in_the_layout(small: Edition) -> None:
    """The check below looks at every question: each has its block, on exactly one page."""
    where = pages_of_blocks(lay_out(small, None))
    ids = {f"q-{q.id.replace('.', '-').lower()}" for _, _, q in small.questions()}
    assert ids <= set(where), ids - set(where)
    assert all(len(pages) == 1 for pages in where.values())


@pytest.mark.parametrize("step", [7, 13])
def test_no_block_breaks_across_pages_whatever_its_help_texts_length(small: Edition, step: int) -> None:
    """Help texts of 0 up to about 400 words: blocks end at every height of a page, and none is split."""
    lengths = [(i * step * 3) % 401 for i in range(45)]
    lengths[:3] = [0, 1, 400]  # the bounds: no help, one word, a very long help text
    edition = stretched(small, lengths)
    document = lay_out(edition, None)
    where = pages_of_blocks(document)
    assert len(where) == len(lengths) * len(edition.domains) + len(edition.domains)  # and the support requests
    assert len(document.pages) > 20  # many page ends were met
    split = {name: sorted(pages) for name, pages in where.items() if len(pages) > 1}
    assert split == {}
