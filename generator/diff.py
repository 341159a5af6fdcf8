"""What changed between two editions: as data, as terminal text, and as safe Markdown.

:func:`diff_editions` compares two loaded editions: domains, standards and questions
added, removed, moved and reworded (with a word-level difference of the text); questions
replaced by new ones (``replaces``); changed answer types, options and answer rules; and
changed regulations. Questions are matched through :mod:`generator.lineage`, so a
replacement is shown as one change, not as a removal and an addition.

:func:`to_text` is for the terminal (``[-removed-]{+added+}`` words, as ``git diff
--word-diff`` shows them); :func:`to_markdown` is for the ICB's bulletin to practices and
the site's "What has changed" page: Markdown with no raw HTML, removed words
``~~struck~~`` and added words in **bold**, headings from level 2 down.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .answertypes import TYPES, number_text
from .lineage import Place, lineage, normalised
from .model import Domain, Edition, Question, Regulation, Standard

Level = Literal["domain", "standard", "question"]
LEVELS: tuple[Level, ...] = ("domain", "standard", "question")


@dataclass(frozen=True)
class Words:
    """A run of words in a word-level difference."""

    op: Literal["same", "removed", "added"]
    text: str


@dataclass(frozen=True)
class Entry:
    """A domain, standard or question found in one edition only."""

    level: Level
    id: str
    title: str
    """The title, or for a question its text."""
    where: str = ""
    """Where it sits (its domain, or domain and standard); empty for a domain."""
    parent_also: bool = False
    """Whether the domain or standard holding it was itself added or removed."""


@dataclass(frozen=True)
class Move:
    """A domain that moved in the order, or a standard or question that moved to another domain or standard."""

    level: Level
    id: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class Rewording:
    """Text of a domain, standard or question that changed, word by word."""

    level: Level
    id: str
    field: str
    """Which text: title, summary, why_it_matters, guidance, text or help."""
    words: tuple[Words, ...]
    where: str = ""


@dataclass(frozen=True)
class Replacement:
    """A question that replaces one of the older edition (its meaning changed, so it has a new id)."""

    question_id: str
    replaces: str
    chain: tuple[str, ...]
    """The ids from the replaced question to this one, including both."""
    where: str
    words: tuple[Words, ...]
    """The old question's text against the new one's."""


@dataclass(frozen=True)
class AnswerChange:
    """A question (kept or replaced) whose answer type, options or answer rules changed."""

    question_id: str
    text: str
    where: str
    old_type: str
    new_type: str
    added_options: tuple[str, ...] = ()
    removed_options: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    """Other changes to the answer, in words: bounds, unit, whether required, what flags a risk."""
    old_id: str = ""
    """The id of the older question, when it differs (a replacement)."""


@dataclass(frozen=True)
class RegulationChange:
    """A regulation added to or removed from the references, changed, or newly (no longer) evidenced by a standard."""

    regulation_id: str
    title: str
    kind: Literal["added", "removed", "changed", "linked", "unlinked"]
    standard: str = ""
    """For 'linked' and 'unlinked': the standard (id and title)."""
    fields: tuple[str, ...] = ()
    """For 'changed': which of its fields changed."""


@dataclass(frozen=True)
class EditionDiff:
    """Every difference between two editions, in the newer edition's order (removals in the older one's)."""

    old: str
    new: str
    old_title: str
    new_title: str
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    moved: tuple[Move, ...] = ()
    reworded: tuple[Rewording, ...] = ()
    replaced: tuple[Replacement, ...] = ()
    answers: tuple[AnswerChange, ...] = ()
    regulations: tuple[RegulationChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.moved
            or self.reworded
            or self.replaced
            or self.answers
            or self.regulations
        )

    def counts(self) -> dict[str, int]:
        """How many of each change, such as {'questions added': 3}; only the kinds that occur."""
        found: dict[str, int] = {}
        for name, items in (("added", self.added), ("removed", self.removed), ("moved", self.moved)):
            for level in LEVELS:
                n = sum(1 for i in items if i.level == level)
                if n:
                    found[f"{_plural_level(level)} {name}"] = n
        for level in LEVELS:
            n = len({r.id for r in self.reworded if r.level == level})
            if n:
                found[f"{_plural_level(level)} reworded"] = n
        if self.replaced:
            found["questions replaced"] = len(self.replaced)
        if self.answers:
            found["answers changed"] = len(self.answers)
        if self.regulations:
            found["regulation changes"] = len(self.regulations)
        return found


def _plural_level(level: Level) -> str:
    return {"domain": "domains", "standard": "standards", "question": "questions"}[level]


# --- word-level difference --------------------------------------------------------------------------


def word_diff(old: str, new: str) -> tuple[Words, ...]:
    """The word-level difference of two texts: runs of same, removed and added words."""
    a, b = old.split(), new.split()
    runs: list[Words] = []

    def add(op: Literal["same", "removed", "added"], words: Sequence[str]) -> None:
        if words:
            runs.append(Words(op, " ".join(words)))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return tuple(runs)


# --- comparing ------------------------------------------------------------------------------------


def _standard_places(edition: Edition) -> dict[str, tuple[Domain, Standard]]:
    return {s.id: (d, s) for d in edition.domains for s in d.standards}


def _standard_label(standard: Standard) -> str:
    return f"{standard.id} {standard.title}"


def _reworded(
    level: Level, ident: str, where: str, pairs: Iterable[tuple[str, str, str]], found: list[Rewording]
) -> None:
    for field, before, after in pairs:
        if normalised(before) != normalised(after):
            found.append(Rewording(level, ident, field, word_diff(before, after), where))


def _moved_in_order(old_ids: list[str], new_ids: list[str]) -> set[str]:
    """Ids kept by both lists whose place in the order changed (outside their longest common run)."""
    common = set(old_ids) & set(new_ids)
    a = [i for i in old_ids if i in common]
    b = [i for i in new_ids if i in common]
    kept: set[str] = set()
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        kept.update(a[block.a : block.a + block.size])
    return common - kept


def _number(value: float | None) -> str:
    if value is None:
        return "none"
    return number_text(value)


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def _answer_change(old: Question, new: Question, where: str) -> AnswerChange | None:
    details: list[str] = []
    added_options: tuple[str, ...] = ()
    removed_options: tuple[str, ...] = ()
    old_options, new_options = TYPES[old.type].own_options, TYPES[new.type].own_options
    if old_options and new_options:
        before = [o.strip() for o in old.options]
        after = [o.strip() for o in new.options]
        added_options = tuple(o for o in after if o not in before)
        removed_options = tuple(o for o in before if o not in after)
        if not added_options and not removed_options and before != after:
            details.append("options put in a new order")
    elif new_options:
        added_options = tuple(new.options)
    elif old_options:
        removed_options = tuple(old.options)
    if old.minimum != new.minimum or old.maximum != new.maximum:
        details.append(
            f"allowed answers {_number(old.minimum)} to {_number(old.maximum)} → "
            f"{_number(new.minimum)} to {_number(new.maximum)}"
        )
    if old.unit.strip() != new.unit.strip():
        details.append(f"unit {old.unit.strip() or 'none'} → {new.unit.strip() or 'none'}")
    if old.required != new.required:
        details.append("now required" if new.required else "now optional")
    if tuple(old.risk_answers) != tuple(new.risk_answers):
        details.append(f"answers that flag a risk: {_listed(old.risk_answers)} → {_listed(new.risk_answers)}")
    for field, words in (
        ("risk_below", "a risk below"),
        ("risk_above", "a risk above"),
        ("risk_older_than_months", "a risk when older than (months)"),
    ):
        before_value, after_value = getattr(old, field), getattr(new, field)
        if before_value != after_value:
            details.append(f"{words}: {_number(before_value)} → {_number(after_value)}")
    if old.type == new.type and not (added_options or removed_options or details):
        return None
    return AnswerChange(
        question_id=new.id,
        text=new.text,
        where=where,
        old_type=old.type,
        new_type=new.type,
        added_options=added_options,
        removed_options=removed_options,
        details=tuple(details),
        old_id=old.id if old.id != new.id else "",
    )


def _regulation_fields(old: Regulation, new: Regulation) -> tuple[str, ...]:
    return tuple(
        field
        for field in ("number", "title", "instrument", "url", "summary")
        if normalised(getattr(old, field)) != normalised(getattr(new, field))
    )


@dataclass
class _Found:
    """The differences as they are gathered, level by level."""

    added: list[Entry] = dataclasses.field(default_factory=list)
    removed: list[Entry] = dataclasses.field(default_factory=list)
    moved: list[Move] = dataclasses.field(default_factory=list)
    reworded: list[Rewording] = dataclasses.field(default_factory=list)
    replaced: list[Replacement] = dataclasses.field(default_factory=list)
    answers: list[AnswerChange] = dataclasses.field(default_factory=list)
    regulations: list[RegulationChange] = dataclasses.field(default_factory=list)


def _domains(old: Edition, new: Edition, found: _Found) -> None:
    old_domains = {d.id: d for d in old.domains}
    new_ids = {d.id for d in new.domains}
    out_of_order = _moved_in_order([d.id for d in old.domains], [d.id for d in new.domains])
    old_position = {d.id: i for i, d in enumerate(old.domains, start=1)}
    for position, domain in enumerate(new.domains, start=1):
        before = old_domains.get(domain.id)
        if before is None:
            found.added.append(Entry("domain", domain.id, domain.title))
            continue
        if domain.id in out_of_order:
            found.moved.append(
                Move("domain", domain.id, domain.title, f"position {old_position[domain.id]}", f"position {position}")
            )
        _reworded(
            "domain",
            domain.id,
            "",
            (
                ("title", before.title, domain.title),
                ("summary", before.summary, domain.summary),
                ("why_it_matters", before.why_it_matters, domain.why_it_matters),
            ),
            found.reworded,
        )
    found.removed += [Entry("domain", d.id, d.title) for d in old.domains if d.id not in new_ids]


def _standards(old: Edition, new: Edition, found: _Found) -> None:
    old_standards = _standard_places(old)
    new_standards = _standard_places(new)
    old_domain_ids = {d.id for d in old.domains}
    new_domain_ids = {d.id for d in new.domains}
    for domain in new.domains:
        for standard in domain.standards:
            if standard.id not in old_standards:
                found.added.append(
                    Entry("standard", standard.id, standard.title, domain.title, domain.id not in old_domain_ids)
                )
                continue
            before_domain, before = old_standards[standard.id]
            if before_domain.id != domain.id:
                found.moved.append(Move("standard", standard.id, standard.title, before_domain.title, domain.title))
            _reworded(
                "standard",
                standard.id,
                domain.title,
                (("title", before.title, standard.title), ("guidance", before.guidance, standard.guidance)),
                found.reworded,
            )
            found.regulations += _evidenced(old, new, before, standard)
    for domain in old.domains:
        for standard in domain.standards:
            if standard.id not in new_standards:
                found.removed.append(
                    Entry("standard", standard.id, standard.title, domain.title, domain.id not in new_domain_ids)
                )


def _evidenced(old: Edition, new: Edition, before: Standard, after: Standard) -> list[RegulationChange]:
    """Regulations a kept standard now evidences, or no longer does."""
    changes: list[RegulationChange] = []
    for reg_id in after.regulations:
        if reg_id not in before.regulations:
            regulation = new.regulation(reg_id)
            title = regulation.title if regulation else reg_id
            changes.append(RegulationChange(reg_id, title, "linked", _standard_label(after)))
    for reg_id in before.regulations:
        if reg_id not in after.regulations:
            regulation = new.regulation(reg_id) or old.regulation(reg_id)
            title = regulation.title if regulation else reg_id
            changes.append(RegulationChange(reg_id, title, "unlinked", _standard_label(after)))
    return changes


def _questions(old: Edition, new: Edition, between: Sequence[Edition], found: _Found) -> None:
    old_holders = {s.id for d in old.domains for s in d.standards} | {d.id for d in old.domains}
    new_holders = {s.id for d in new.domains for s in d.standards} | {d.id for d in new.domains}

    def holder(place: Place) -> str:
        return place.standard_id or place.domain_id

    traced = lineage(old, new, between)
    for q in traced.questions:
        where = q.place.label()
        if q.kind == "new":
            found.added.append(Entry("question", q.id, q.question.text, where, holder(q.place) not in old_holders))
            continue
        assert q.predecessor is not None and q.predecessor_place is not None
        if q.kind == "replaced":
            found.replaced.append(
                Replacement(q.id, q.predecessor.id, q.chain, where, word_diff(q.predecessor.text, q.question.text))
            )
        else:
            if "moved" in q.changes:
                found.moved.append(Move("question", q.id, q.question.text, q.predecessor_place.label(), where))
            _reworded(
                "question",
                q.id,
                where,
                (("text", q.predecessor.text, q.question.text), ("help", q.predecessor.help, q.question.help)),
                found.reworded,
            )
        change = _answer_change(q.predecessor, q.question, where)
        if change is not None:
            found.answers.append(change)
    for gone in traced.removed:
        found.removed.append(
            Entry("question", gone.id, gone.question.text, gone.place.label(), holder(gone.place) not in new_holders)
        )


def _regulations(old: Edition, new: Edition) -> list[RegulationChange]:
    """Regulations added to, removed from or changed in the references."""
    old_regulations = {r.id: r for r in old.references.regulations}
    new_ids = {r.id for r in new.references.regulations}
    changes: list[RegulationChange] = []
    for regulation in new.references.regulations:
        if regulation.id not in old_regulations:
            changes.append(RegulationChange(regulation.id, regulation.title, "added"))
            continue
        fields = _regulation_fields(old_regulations[regulation.id], regulation)
        if fields:
            changes.append(RegulationChange(regulation.id, regulation.title, "changed", fields=fields))
    changes += [RegulationChange(r.id, r.title, "removed") for r in old.references.regulations if r.id not in new_ids]
    return changes


def diff_editions(old: Edition, new: Edition, between: Sequence[Edition] = ()) -> EditionDiff:
    """Every difference from ``old`` to ``new``.

    ``between`` are editions published between the two, through which ``replaces`` chains are followed.
    """
    found = _Found()
    _domains(old, new, found)
    _standards(old, new, found)
    _questions(old, new, between, found)
    return EditionDiff(
        old=old.id,
        new=new.id,
        old_title=old.info.title,
        new_title=new.info.title,
        added=tuple(found.added),
        removed=tuple(found.removed),
        moved=tuple(found.moved),
        reworded=tuple(found.reworded),
        replaced=tuple(found.replaced),
        answers=tuple(found.answers),
        regulations=tuple(_regulations(old, new) + found.regulations),
    )


# --- showing -----------------------------------------------------------------------------------------

_FIELD_NAMES = {
    "title": "title",
    "summary": "summary",
    "why_it_matters": "why it matters",
    "guidance": "guidance",
    "text": "question",
    "help": "help text",
}


def _summary_line(diff: EditionDiff) -> str:
    counts = diff.counts()
    if not counts:
        return "no changes"
    singular = {"domains": "domain", "standards": "standard", "questions": "question", "answers": "answer"}

    def named(name: str, n: int) -> str:
        first, _, rest = name.partition(" ")
        if n == 1:
            name = f"{singular.get(first, first)} {rest}".replace("regulation changes", "regulation change")
        return f"{n} {name}"

    return "; ".join(named(name, n) for name, n in counts.items())


@dataclass(frozen=True)
class _Style:
    """How one output format writes the common parts."""

    heading: Callable[[int, str], list[str]]
    code: Callable[[str], str]
    plain: Callable[[str], str]
    strong: Callable[[str], str]
    removed: Callable[[str], str]
    added: Callable[[str], str]
    item: str
    indent: str
    line_break: str


def _words(runs: Sequence[Words], style: _Style) -> str:
    shown = []
    for run in runs:
        if run.op == "same":
            shown.append(style.plain(run.text))
        elif run.op == "removed":
            shown.append(style.removed(run.text))
        else:
            shown.append(style.added(run.text))
    return " ".join(shown)


def _answer_lines(diff: EditionDiff, s: _Style) -> list[str]:
    """The questions whose answer type, options or rules changed, one item each."""
    lines = []
    for a in diff.answers:
        said: list[str] = []
        if a.old_type != a.new_type:
            said.append(f"answer type {TYPES[a.old_type].summary} → {TYPES[a.new_type].summary}")
        if a.added_options:
            said.append("options added: " + ", ".join(s.strong(o) for o in a.added_options))
        if a.removed_options:
            said.append("options removed: " + ", ".join(s.removed(o) for o in a.removed_options))
        said += [s.plain(d) for d in a.details]
        name = s.code(a.question_id) + (f" (was {s.code(a.old_id)})" if a.old_id else "")
        lines.append(f"{s.item}{name} {s.plain(a.text)}{s.line_break}\n{s.indent}" + "; ".join(said))
    return lines


def _render(diff: EditionDiff, style: _Style) -> list[str]:
    lines: list[str] = []
    s = style

    def section(level: int, title: str, body: list[str]) -> None:
        if body:
            if lines:
                lines.append("")
            lines.extend(s.heading(level, title))
            lines.append("")
            lines.extend(body)

    def entry(e: Entry, count_below: str = "") -> str:
        where = f" — {s.plain(e.where)}" if e.where else ""
        return f"{s.item}{s.code(e.id)} {s.plain(e.title)}{where}{count_below}"

    def contents(level: Level, ident: str, pool: Sequence[Entry]) -> str:
        if level == "domain":
            n_standards = sum(1 for e in pool if e.level == "standard" and e.parent_also and e.where == ident)
            n_questions = sum(1 for e in pool if e.level == "question" and e.parent_also and e.where.startswith(ident))
            parts = [
                f"{n} {w}{'' if n == 1 else 's'}"
                for n, w in ((n_standards, "standard"), (n_questions, "question"))
                if n
            ]
            return f" (with its {' and '.join(parts)})" if parts else ""
        return ""

    lines.append(
        s.plain(f"From {diff.old} ({diff.old_title}) to {diff.new} ({diff.new_title}):")
        + " "
        + s.plain(_summary_line(diff))
        + "."
    )
    if diff.empty:
        return lines

    titles = {"domain": "Domains", "standard": "Standards", "question": "Questions"}
    # What a practice answers first: its questions and their answers, then the standards' and domains' text.
    order: tuple[Level, ...] = ("question", "domain", "standard")
    for level in order:
        parts: list[tuple[str, list[str]]] = []
        added = [e for e in diff.added if e.level == level]
        removed = [e for e in diff.removed if e.level == level]
        if level == "domain":
            parts.append(("Added", [entry(e, contents(level, e.title, diff.added)) for e in added]))
            parts.append(("Removed", [entry(e, contents(level, e.title, diff.removed)) for e in removed]))
        else:
            # What sits in an added (removed) domain or standard is counted there, not listed again.
            parts.append(("Added", [entry(e) for e in added if not e.parent_also]))
            parts.append(("Removed", [entry(e) for e in removed if not e.parent_also]))
        if level == "question":
            parts.append(
                (
                    "Replaced (a new id, as the meaning changed: check last year's answer again)",
                    [
                        f"{s.item}{s.code(r.question_id)} replaces {s.code(r.replaces)} — {s.plain(r.where)}{s.line_break}\n"
                        f"{s.indent}{_words(r.words, s)}"
                        for r in diff.replaced
                    ],
                )
            )
        parts.append(
            (
                "Moved",
                [
                    f"{s.item}{s.code(m.id)} {s.plain(m.title)}: {s.plain(m.before)} → {s.plain(m.after)}"
                    for m in diff.moved
                    if m.level == level
                ],
            )
        )
        parts.append(
            (
                "Reworded",
                [
                    f"{s.item}{s.code(r.id)} {_FIELD_NAMES.get(r.field, r.field)}"
                    + (f" — {s.plain(r.where)}" if r.where else "")
                    + f"{s.line_break}\n{s.indent}{_words(r.words, s)}"
                    for r in diff.reworded
                    if r.level == level
                ],
            )
        )
        body: list[str] = []
        for title, items in parts:
            if items:
                if body:
                    body.append("")
                body.extend(s.heading(3, title))
                body.append("")
                body.extend(items)
        section(2, titles[level], body)
        if level == "question":
            section(2, "Answer types, options and rules", _answer_lines(diff, s))

    regulation_lines = []
    for r in diff.regulations:
        name = f"{s.code(r.regulation_id)} {s.plain(r.title)}"
        if r.kind == "added":
            regulation_lines.append(f"{s.item}{name}: added")
        elif r.kind == "removed":
            regulation_lines.append(f"{s.item}{name}: removed")
        elif r.kind == "changed":
            regulation_lines.append(f"{s.item}{name}: changed ({', '.join(r.fields)})")
        elif r.kind == "linked":
            regulation_lines.append(f"{s.item}{name}: now evidenced by {s.plain(r.standard)}")
        else:
            regulation_lines.append(f"{s.item}{name}: no longer evidenced by {s.plain(r.standard)}")
    section(2, "Regulations", regulation_lines)
    return lines


_TEXT = _Style(
    heading=lambda level, title: [title, ("=" if level == 2 else "-") * len(title)],
    code=lambda t: t,
    plain=lambda t: t,
    strong=lambda t: t,
    removed=lambda t: f"[-{t}-]",
    added=lambda t: f"{{+{t}+}}",
    item="  ",
    indent="      ",
    line_break="",
)


def to_text(diff: EditionDiff) -> str:
    """The difference for a terminal: removed words as [-these-], added words as {+these+}."""
    return "\n".join(_render(diff, _TEXT)) + "\n"


_MARKDOWN_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: "\\" + c for c in "\\`*_[]~|{}"}})
"""Entities for the HTML characters, a backslash before the characters of inline markup and attribute lists."""
_MARKDOWN_LINE_START = re.compile(r"([0-9]+(?=[.)](?:\s|$))|)([-+#!.)])")


def markdown_escape(text: str) -> str:
    """Text shown as itself in Markdown: no markup, no HTML, no attributes, no line breaks.

    Angle brackets and ampersands become entities; the characters that make inline markup
    or attribute lists (``{: onclick=…}``) are escaped; so is a start that would make a
    list, heading, admonition or definition.
    """
    text = " ".join(text.split()).translate(_MARKDOWN_ESCAPES)
    if text.startswith(":"):
        return "&#58;" + text[1:]
    start = _MARKDOWN_LINE_START.match(text)
    if start is None:
        return text
    return f"{text[: start.start(2)]}\\{text[start.start(2) :]}"


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


_MARKDOWN = _Style(
    heading=lambda level, title: [f"{'#' * level} {markdown_escape(title)}"],
    code=_code,
    plain=markdown_escape,
    strong=lambda t: f"**{markdown_escape(t)}**",
    removed=lambda t: f"~~{markdown_escape(t)}~~",
    added=lambda t: f"**{markdown_escape(t)}**",
    item="- ",
    indent="    ",
    line_break="  ",
)


def to_markdown(diff: EditionDiff) -> str:
    """The difference as Markdown for the bulletin and the site: no raw HTML, headings from level 2.

    Removed words are ~~struck through~~ and added words **bold**; every piece of text from the
    standards is escaped, so nothing in it can become markup.
    """
    return "\n".join(_render(diff, _MARKDOWN)) + "\n"
