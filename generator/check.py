"""Checks of meaning on loaded editions: every problem gathered, each placed in its file.

The loader (``load.py``) catches what a file's shape gets wrong; these checks catch
what only makes sense across files: ids used twice, references to things that are
not defined, answer rules that do not fit the answer type, unsafe Markdown (in the
standards and in the hand-written pages of ``content/``), and questions whose id was
reused across editions for another answer type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import answertypes, markdown_safety, readability
from .answertypes import NOT_APPLICABLE
from .lineage import REWORDING_THRESHOLD, text_similarity
from .load import EditionSource, Loaded, display, load_library
from .model import Domain, Edition, Library, Question, Standard
from .problems import Problem, errors
from .yamldoc import MAX_BYTES, Document

RAW_HTML = markdown_safety.RAW_HTML
"""Where raw HTML may start (kept here for the checks of generated Markdown)."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

"""The answer a question may be given only where it says when it does not apply."""


def check_library(loaded: Loaded) -> list[Problem]:
    """Every problem of meaning in every edition, and across editions."""
    problems: list[Problem] = []
    followed = {e.info.follows for e in loaded.library.editions.values()}
    for edition_id, edition in loaded.library.editions.items():
        problems += check_edition(edition, loaded.sources[edition_id])
        if edition_id not in followed:  # an edition a later one follows is history: its wording stays as it was
            problems += _readability(edition, loaded.sources[edition_id])
    problems += _across_editions(loaded.library, loaded.sources)
    return problems


def check(standards: Path, content: Path | None = None) -> tuple[Library, list[Problem]]:
    """Load and check every edition under ``standards``, and the hand-written pages of ``content``
    (by default the ``content/`` folder beside ``standards``); problems sorted by file and line."""
    loaded = load_library(standards)
    pages = check_content(standards.parent / "content" if content is None else content)
    problems = loaded.problems + check_library(loaded) + pages
    return loaded.library, sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.message))


@dataclass(frozen=True)
class _Placed:
    """A question with the document and path it was written at."""

    question: Question
    doc: Document
    path: tuple[str | int, ...]


def _placed_questions(edition: Edition, source: EditionSource) -> Iterator[_Placed]:
    if source.places:  # an edition that builds on a core: each question where it was written, core or local
        for _, standard, question in edition.questions():
            if standard is not None:
                doc, path = source.places[question.id]
                yield _Placed(question, doc, path)
        return
    for domain in edition.domains:
        doc = source.domains[domain.id]
        for si, standard in enumerate(domain.standards):
            for qi, question in enumerate(standard.questions):
                yield _Placed(question, doc, ("standards", si, "questions", qi))


def check_edition(edition: Edition, source: EditionSource) -> list[Problem]:
    if edition.local is not None:
        return _overlay(edition, source)
    problems: list[Problem] = []
    problems += _references(edition, source)
    problems += _unique_ids(edition, source)
    for domain in edition.domains:
        problems += _domain(domain, source.domains[domain.id], edition, _contacts_written_in(source))
        problems += _no_namespace(domain, source.domains[domain.id])
    problems += _basis_and_severity(edition, source)
    problems += _not_applicable_explained(edition, source)
    return problems


def _readability(edition: Edition, source: EditionSource) -> list[Problem]:
    """Warnings of questions that are hard to read or answer, each placed at the field it is about (for an
    edition that sets 'reading_ease_below')."""
    threshold = edition.info.reading_ease_below
    if threshold is None:
        return []
    known = frozenset(edition.info.known_abbreviations)
    problems: list[Problem] = []
    for placed in _placed_questions(edition, source):
        if edition.local is not None and placed.question.id not in edition.local.ids:
            continue  # a core question: its wording is for the core's editors
        for found in readability.findings(placed.question, threshold, known):
            where = placed.doc.at(*placed.path, found.field)
            problems.append(placed.doc.problem(where, found.message, "warning"))
    return problems


def _overlay(edition: Edition, source: EditionSource) -> list[Problem]:
    """An ICB's edition that builds on a core: the core checked as it is, then what is local, each in its own file."""
    local, core, doc = edition.local, source.core_edition, source.overlay
    assert local is not None and core is not None and source.core is not None and doc is not None
    # The core's errors stop the build, so they are shown, in the core's files; its warnings are for its own editors.
    problems = errors(check_edition(core, source.core))
    data = doc.data if isinstance(doc.data, dict) else {}
    for index, contact in enumerate(data.get("contacts") or []):
        email = contact.get("email") if isinstance(contact, dict) else None
        if isinstance(email, str) and not EMAIL.match(email):
            problems.append(
                doc.problem(doc.at("contacts", index, "email"), f"'email' is not an email address: {email!r}")
            )
    for index, added in enumerate(data.get("standards") or []):
        at: tuple[str | int, ...] = ("standards", index)
        if not isinstance(added, dict):
            continue
        if isinstance(added.get("guidance"), str):
            problems += _markdown(doc, at, added["guidance"], "guidance")
        for ei, item in enumerate(added.get("evidence") or []):
            problems += _markdown(doc, (*at, "evidence"), str(item), ei)
        for li, link in enumerate(added.get("links") or []):
            if isinstance(link, dict):
                problems += _url(doc, (*at, "links", li, "url"), str(link.get("url", "")))
                problems += _markdown(doc, (*at, "links", li), str(link.get("title", "")), "title")
    contacts_in = f"toolkit.yml 'contacts' or {Path(doc.path).name} 'contacts'"
    for domain in edition.domains:
        if domain.id in local.ids:
            problems += _domain(domain, source.domains[domain.id], edition, contacts_in)
            continue
        for standard in domain.standards:
            if standard.id in local.ids:
                place, at = source.places[standard.id]
                problems += _standard(standard, place, at, domain, edition)
    # A local standard or question is held to the rules the core keeps: a basis, a severity where it can flag a risk,
    # and 'not applicable' only where it says when.
    core_files = {doc.path for doc in source.core.domains.values()}
    problems += [p for p in _basis_and_severity(edition, source) if p.path not in core_files]
    problems += [p for p in _not_applicable_explained(edition, source) if p.path not in core_files]
    problems += _unique_local_ids(edition, source)
    return problems


def _unique_local_ids(edition: Edition, source: EditionSource) -> list[Problem]:
    """Local ids given twice (a local id cannot match a core id: only local ids have a namespace)."""
    local = edition.local
    assert local is not None
    problems: list[Problem] = []
    seen: dict[str, tuple[Document, tuple[int, int]]] = {}
    for doc in source.domain_files:  # local domain codes, which the merged edition keeps only once
        code = doc.data.get("code") if isinstance(doc.data, dict) else None
        if isinstance(code, str):
            if code in seen:
                other, where = seen[code]
                problems.append(
                    doc.problem(
                        doc.at("code"),
                        f"duplicate domain code '{code}': already used at {other.path}:{where[0]}:{where[1]}",
                    )
                )
            seen.setdefault(code, (doc, doc.at("code")))
    claimed: dict[str, tuple[Document, tuple[int, int]]] = {}
    for domain in edition.domains:
        for standard in domain.standards:
            for ident, sub in ((standard.id, None), *((q.id, qi) for qi, q in enumerate(standard.questions))):
                if ident not in local.ids:
                    continue
                doc, at = source.places[standard.id]
                where = doc.at(*at, "id") if sub is None else doc.at(*at, "questions", sub, "id")
                if ident in claimed:
                    other, first = claimed[ident]
                    kind = "standard" if sub is None else "question"
                    problems.append(
                        doc.problem(
                            where, f"duplicate {kind} id '{ident}': already used at {other.path}:{first[0]}:{first[1]}"
                        )
                    )
                claimed.setdefault(ident, (doc, where))
    return problems


def _no_namespace(domain: Domain, doc: Document) -> list[Problem]:
    """Ids with a namespace (QK1-LD1.2) are for an ICB's local additions, in an edition that builds on a core."""
    found: list[tuple[tuple[str | int, ...], str]] = [(("code",), domain.code)]
    for si, standard in enumerate(domain.standards):
        found.append((("standards", si, "id"), standard.id))
        found += [(("standards", si, "questions", qi, "id"), q.id) for qi, q in enumerate(standard.questions)]
    return [
        doc.problem(
            doc.at(*path),
            f"'{ident}' has an ICB's namespace, which only the local additions of an edition that builds on a core "
            "may have; core ids have none",
        )
        for path, ident in found
        if "-" in ident
    ]


def _not_applicable_explained(edition: Edition, source: EditionSource) -> list[Problem]:
    """Once an edition says of any question when it does not apply (``not_applicable_when``), every question that
    offers 'not applicable' must say when: otherwise any flag could be stepped round by answering it."""
    placed = list(_placed_questions(edition, source))
    if not any(p.question.not_applicable_when for p in placed):
        return []
    return [
        p.doc.problem(
            p.doc.at(*p.path, "type"),
            f"question '{p.question.id}' offers '{NOT_APPLICABLE}' but does not say when it does not apply: add "
            f"'not_applicable_when', or make it a {_without_not_applicable(p.question.type)} question",
        )
        for p in placed
        if NOT_APPLICABLE in p.question.allowed_answers and not p.question.not_applicable_when
    ]


def _without_not_applicable(type_name: str) -> str:
    """The answer type that takes the same answers as ``type_name`` but 'not applicable' (yes_no_partial)."""
    return next((t for t in answertypes.TYPES if answertypes.narrows(type_name, t)), type_name)


def _basis_and_severity(edition: Edition, source: EditionSource) -> list[Problem]:
    """Once an edition gives any standard a basis, every standard needs one; once it gives any question a
    severity, every question that can flag a risk needs one (and only those may have one)."""
    problems: list[Problem] = []
    standards = [(domain, si, standard) for domain in edition.domains for si, standard in enumerate(domain.standards)]
    if any(standard.basis is not None for _, _, standard in standards):
        for domain, si, standard in standards:
            if standard.basis is None:
                doc, at = source.places.get(standard.id) or (source.domains[domain.id], ("standards", si))
                problems.append(
                    doc.problem(
                        doc.at(*at, "id"),
                        f"standard '{standard.id}' has no 'basis': other standards of this edition say what their "
                        "expectation rests on, so every standard must",
                    )
                )
    placed = list(_placed_questions(edition, source))
    weighed = any(p.question.severity is not None for p in placed)
    for p in placed:
        q = p.question
        if q.severity is not None and not q.can_flag_risk:
            problems.append(
                p.doc.problem(
                    p.doc.at(*p.path, "severity"),
                    f"'severity' is given, but no answer to question '{q.id}' flags a risk; remove it",
                )
            )
        elif weighed and q.severity is None and q.can_flag_risk:
            problems.append(
                p.doc.problem(
                    p.doc.at(*p.path, "id"),
                    f"question '{q.id}' can flag a risk but has no 'severity' (high, medium or low): other questions "
                    "of this edition have one, so every question that can flag a risk must",
                )
            )
    return problems


def _references(edition: Edition, source: EditionSource) -> list[Problem]:
    doc = source.references
    assert doc is not None
    problems: list[Problem] = []
    refs = edition.references
    # Contacts are checked where they are written: here only when references.yml lists its own (else toolkit.yml's).
    own_contacts = refs.contacts if isinstance(doc.data, dict) and "contacts" in doc.data else ()
    lists: tuple[tuple[str, str, list[str]], ...] = (
        ("key question", "key_questions", [k.id for k in refs.key_questions]),
        ("quality statement", "quality_statements", [s.id for s in refs.quality_statements]),
        ("regulation", "regulations", [r.id for r in refs.regulations]),
        ("contact", "contacts", [c.id for c in own_contacts]),
    )
    for kind, field, ids in lists:
        seen: dict[str, int] = {}
        for index, ident in enumerate(ids):
            if ident in seen:
                first = doc.at(field, seen[ident], "id")[0]
                problems.append(
                    doc.problem(doc.at(field, index, "id"), f"duplicate {kind} id '{ident}' (first at line {first})")
                )
            seen.setdefault(ident, index)
    for index, regulation in enumerate(refs.regulations):
        problems += _url(doc, ("regulations", index, "url"), regulation.url)
    for index, contact in enumerate(own_contacts):
        if not EMAIL.match(contact.email):
            problems.append(
                doc.problem(doc.at("contacts", index, "email"), f"'email' is not an email address: {contact.email!r}")
            )
    key_questions = {k.id for k in refs.key_questions}
    for index, statement in enumerate(refs.quality_statements):
        if statement.key_question not in key_questions:
            problems.append(
                doc.problem(
                    doc.at("quality_statements", index, "key_question"),
                    f"unknown key question '{statement.key_question}'",
                )
            )
    return problems


def _unique_ids(edition: Edition, source: EditionSource) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[tuple[str, str], tuple[Document, tuple[int, int]]] = {}

    def claim(kind: str, ident: str, doc: Document, where: tuple[int, int]) -> None:
        key = (kind, ident)
        if key in first_seen:
            other_doc, other_where = first_seen[key]
            there = (
                f"line {other_where[0]}" if other_doc is doc else f"{other_doc.path}:{other_where[0]}:{other_where[1]}"
            )
            problems.append(doc.problem(where, f"duplicate {kind} id '{ident}': already used at {there}"))
        else:
            first_seen[key] = (doc, where)

    for domain in edition.domains:
        doc = source.domains[domain.id]
        claim("domain code", domain.code, doc, doc.at("code"))
        claim("question", domain.support_question.id, doc, doc.at("code"))
        for si, standard in enumerate(domain.standards):
            claim("standard", standard.id, doc, doc.at("standards", si, "id"))
            for qi, question in enumerate(standard.questions):
                claim("question", question.id, doc, doc.at("standards", si, "questions", qi, "id"))
    return problems


def _contacts_written_in(source: EditionSource) -> str:
    """Where an edition's contacts are written: its references.yml when it lists them, else toolkit.yml."""
    data = source.references.data if source.references is not None else None
    return "references.yml" if isinstance(data, dict) and "contacts" in data else "toolkit.yml 'contacts'"


def _domain(domain: Domain, doc: Document, edition: Edition, contacts_in: str = "references.yml") -> list[Problem]:
    problems: list[Problem] = []
    refs = edition.references
    regulations = {r.id for r in refs.regulations}
    key_questions = {k.id for k in refs.key_questions}

    for index, kq in enumerate(domain.key_questions):
        if kq not in key_questions:
            problems.append(
                doc.problem(doc.at("key_questions", index), f"key question '{kq}' is not defined in references.yml")
            )
    for index, reg in enumerate(domain.regulations):
        if reg not in regulations:
            problems.append(doc.problem(doc.at("regulations", index), _unknown("regulation", reg, regulations)))
    if edition.contact(domain.contact) is None:
        problems.append(
            doc.problem(
                doc.at("contact"),
                _unknown("contact", domain.contact, {c.id for c in refs.contacts}, contacts_in),
            )
        )
    problems += _markdown(doc, (), domain.why_it_matters, "why_it_matters")
    problems += _markdown(doc, (), domain.summary, "summary")
    problems += _markdown(doc, (), domain.title, "title")

    for si, standard in enumerate(domain.standards):
        problems += _standard(standard, doc, ("standards", si), domain, edition)
    return problems


def _standard(
    standard: Standard, doc: Document, at: tuple[str | int, ...], domain: Domain, edition: Edition
) -> list[Problem]:
    """One standard of ``domain``, written at ``at`` in ``doc``."""
    problems: list[Problem] = []
    refs = edition.references
    regulations = {r.id for r in refs.regulations}
    statements = {s.id for s in refs.quality_statements}
    if re.fullmatch(r"(?:[A-Z][A-Z0-9]{2}-)?[A-Z]+0", standard.id):
        problems.append(
            doc.problem(doc.at(*at, "id"), f"'{standard.id}': number 0 is kept for the domain's support question")
        )
    for index, reg in enumerate(standard.regulations):
        if reg not in regulations:
            problems.append(doc.problem(doc.at(*at, "regulations", index), _unknown("regulation", reg, regulations)))
        elif reg not in domain.regulations:
            problems.append(
                doc.problem(
                    doc.at(*at, "regulations", index),
                    f"regulation '{reg}' is used by this standard but not listed in the domain's 'regulations'",
                    "warning",
                )
            )
    for index, qs in enumerate(standard.quality_statements):
        if qs not in statements:
            problems.append(
                doc.problem(doc.at(*at, "quality_statements", index), _unknown("quality statement", qs, statements))
            )
    for index, link in enumerate(standard.links):
        problems += _url(doc, (*at, "links", index, "url"), link.url)
        problems += _markdown(doc, (*at, "links", index), link.title, "title")
    problems += _markdown(doc, at, standard.guidance, "guidance")
    problems += _markdown(doc, at, standard.title, "title")
    if standard.basis is not None:
        problems += _markdown(doc, (*at, "basis"), standard.basis.source, "source")
    for index, item in enumerate(standard.evidence):
        problems += _markdown(doc, (*at, "evidence"), item, index)
    for qi, question in enumerate(standard.questions):
        qat = (*at, "questions", qi)
        if not question.id.startswith(standard.id + "."):
            problems.append(
                doc.problem(
                    doc.at(*qat, "id"),
                    f"question id '{question.id}' must start with its standard's id '{standard.id}.'",
                )
            )
        problems += _question(question, doc, qat)
    return problems


def _question(q: Question, doc: Document, at: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(doc.problem(doc.key_at(*at, field), message))

    for found in answertypes.of(q).rule_problems(q):
        where = doc.key_at(*at, *found.path) if found.at_key else doc.at(*at, *found.path)
        problems.append(doc.problem(where, found.message))
    if q.risk_older_than_months is not None and q.risk_older_than_months <= 0:
        bad("risk_older_than_months", "'risk_older_than_months' must be at least 1")
    allowed = q.allowed_answers
    for index, answer in enumerate(q.risk_answers):
        if allowed and answer not in allowed:
            problems.append(
                doc.problem(
                    doc.at(*at, "risk_answers", index),
                    f"'risk_answers' lists {answer!r}, which is not an answer to this question; give one of {', '.join(allowed)}",
                )
            )
    for field in ("text", "help"):
        problems += _markdown(doc, at, getattr(q, field), field)
    if q.basis is not None:
        problems += _markdown(doc, (*at, "basis"), q.basis.source, "source")
    if q.not_applicable_when:
        if NOT_APPLICABLE not in q.allowed_answers:
            bad(
                "not_applicable_when",
                f"'not_applicable_when' is given, but '{NOT_APPLICABLE}' is not an answer to this question",
            )
        problems += _markdown(doc, at, q.not_applicable_when, "not_applicable_when")
    return problems


def _unknown(kind: str, ident: str, known: set[str], where: str = "references.yml") -> str:
    import difflib

    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{ident}'{hint}: define it in {where} or use one that is there"


def _url(doc: Document, path: tuple[str | int, ...], url: str) -> list[Problem]:
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or "." not in parts.netloc
        or any(c.isspace() for c in url)
    ):
        return [doc.problem(doc.at(*path), f"malformed URL {url!r}: write it in full, starting https://")]
    if parts.scheme == "http":
        return [doc.problem(doc.at(*path), f"the link {url!r} is not secure; use its https:// address", "warning")]
    return []


def _markdown(doc: Document, at: tuple[str | int, ...], text: str, field: str | int) -> list[Problem]:
    """Markdown outside the allowed subset (see ``markdown_safety``), placed at the field's value."""
    where = doc.at(*at, field)
    return [doc.problem(where, found.message) for found in markdown_safety.findings(text)]


def check_content(content: Path) -> list[Problem]:
    """Markdown outside the allowed subset in the hand-written pages (``content/**/*.md``), each at its line and column.

    The pages are Jinja2 templates: their expressions and statements are blanked out first (what they
    give is escaped when the page is rendered)."""
    if not content.is_dir():
        return []
    try:
        pages = sorted(content.rglob("*.md"))
    except OSError as error:  # a symbolic link loop, or a folder that cannot be listed
        return [Problem(display(content), 0, 0, f"cannot list the pages: {error.strerror or error}")]
    problems: list[Problem] = []
    for page in pages:
        shown = display(page)
        try:
            raw = page.read_bytes()
            if len(raw) > MAX_BYTES:
                problems.append(Problem(shown, 0, 0, f"the page is larger than {MAX_BYTES // 1_000_000} MB; split it"))
                continue
            text = raw.decode("utf-8-sig")
        except OSError as error:
            problems.append(Problem(shown, 0, 0, f"cannot read the page: {error.strerror}"))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(shown, 0, 0, "the page is not UTF-8 text; save it as UTF-8"))
            continue
        blanked = markdown_safety.without_templates(text)
        for found in markdown_safety.findings(blanked):
            line, column = markdown_safety.line_and_column(blanked, found.offset)
            problems.append(Problem(shown, line, column, found.message))
    return problems


def _across_editions(library: Library, sources: dict[str, EditionSource]) -> list[Problem]:
    """Ids kept across editions keep their answer type and, likely, their meaning; 'follows' and 'replaces' point somewhere."""
    problems: list[Problem] = []
    ordered = sorted(library.editions.values(), key=lambda e: e.id)
    all_ids = set(sources)
    for position, edition in enumerate(ordered):
        source = sources[edition.id]
        doc = source.edition
        assert doc is not None
        follows = edition.info.follows
        if follows is not None:
            if follows not in all_ids:
                problems.append(
                    doc.problem(
                        doc.at("follows"), f"'follows' names the edition '{follows}', which is not in standards/"
                    )
                )
            elif follows >= edition.id:
                problems.append(
                    doc.problem(doc.at("follows"), f"'follows' must name an earlier edition than '{edition.id}'")
                )
        earlier = ordered[:position]
        earlier_questions: dict[str, tuple[str, Question]] = {}
        for older in earlier:
            for _, _, question in older.questions():
                earlier_questions[question.id] = (older.id, question)
        for placed in _placed_questions(edition, source):
            q = placed.question
            if edition.local is not None and q.id not in edition.local.ids:
                continue  # a core question: its history is checked with the core's own editions
            if q.id in earlier_questions:
                older_id, old = earlier_questions[q.id]
                if old.type != q.type and not answertypes.narrows(old.type, q.type):  # fewer of the same: same id
                    problems.append(
                        placed.doc.problem(
                            placed.doc.at(*placed.path, "type"),
                            f"question '{q.id}' was a {old.type} question in {older_id}; a changed answer type needs a "
                            f"new id (with 'replaces: {q.id}')",
                        )
                    )
                similarity = text_similarity(old.text, q.text)
                if similarity < REWORDING_THRESHOLD and not q.same_meaning:
                    problems.append(
                        placed.doc.problem(
                            placed.doc.at(*placed.path, "text"),
                            f"question '{q.id}' shares only {similarity:.0%} of its words with its text in {older_id}, "
                            f"so its meaning has likely changed: if it has, give it a new id with 'replaces: {q.id}'; "
                            "if it has not, add 'same_meaning: true'",
                            "warning",
                        )
                    )
            if q.replaces is not None and q.replaces not in earlier_questions:
                problems.append(
                    placed.doc.problem(
                        placed.doc.at(*placed.path, "replaces"),
                        f"'replaces' names '{q.replaces}', which is no question of an earlier edition",
                        "warning",
                    )
                )
    return problems
