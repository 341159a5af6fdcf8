"""An ICB's edition that builds on a core edition: the core and the ICB's overlay merged at load time.

A regional or national body publishes a *core* edition: domains, standards and questions with
stable ids. An ICB's edition names the core it builds on and holds only what is local::

    standards/2025-26/
      edition.yml        id, title, status, dates as usual, and builds_on: core/2025-26
      overlay.yml        namespace (the ICB's ODS code), core ids left out, contacts replaced,
                         local standards in core domains, local guidance, evidence and links
      domains/           local domains only, each a domain file like the core's

``builds_on: <core name>/<edition>`` names the core: ``core`` is the one that comes with the
toolkit (its ``standards/`` folder); any other name is a folder ``cores/<name>/`` beside the
ICB's ``standards/``, holding that core's edition folders. The name is checked against a pattern
before it is used, so no text in a file chooses a path outside those folders.

Local ids live in the ICB's namespace: every local domain code, standard id and question id
starts with the namespace and a hyphen (``QK1-LD1.2``), and every local domain id with it in lower
case (``qk1-learning-disability``). Core ids never have a namespace, so a local id can never
collide with a core id, this year's or a later year's. Core question ids are the same in every
ICB's edition, so returns can be compared across ICBs.

The combined edition is an ordinary :class:`~generator.model.Edition`, so every medium (site,
forms, return format, collection, diff, carry-forward, report) works on it unchanged; its
``local`` field says which parts are the ICB's own. Every item keeps the file, line and column
it was written at (:attr:`~generator.load.EditionSource.places`), so a problem is reported in
the file where it is, core or local.

Moving to next year's core is changing ``builds_on``, never merging files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import (
    CORE_NAME,
    Contact,
    Domain,
    Edition,
    EditionInfo,
    LocalParts,
    Overlay,
    Standard,
)
from .problems import Problem
from .yamldoc import Document, PathKey

OVERLAY_FILE = "overlay.yml"
TOOLKIT_CORE = Path(__file__).resolve().parent.parent / "standards"
"""The core that comes with the toolkit: the name ``core`` in ``builds_on``."""
CORES_FOLDER = "cores"
"""The folder beside an ICB's ``standards/`` holding other cores, one folder per core name."""
SHIPPED_CORE_NAME = "core"

Place = tuple[Document, PathKey]
"""Where an item was written: its document and its path in it."""


def core_folder(builds_on: str, standards: Path) -> Path:
    """The folder of the core edition ``builds_on`` names (already checked against ``CORE_NAME``)."""
    name, edition_id = builds_on.split("/")
    base = TOOLKIT_CORE if name == SHIPPED_CORE_NAME else standards.parent / CORES_FOLDER / name
    return base / edition_id


def core_folders(standards: Path) -> list[Path]:
    """The core edition folders the editions under ``standards`` build on: what a build reads beyond them, so that
    a changed core (a new toolkit) builds the ICB's site again."""
    found: list[Path] = []
    try:
        folders = sorted(p for p in standards.iterdir() if p.is_dir())
    except OSError:
        return []
    for folder in folders:
        try:
            text = (folder / "edition.yml").read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        match = re.search(r"^builds_on:\s*['\"]?([^\s'\"#]+)", text, re.MULTILINE)
        if match and re.match(CORE_NAME, match.group(1)):
            found.append(core_folder(match.group(1), standards))
    return list(dict.fromkeys(found))


@dataclass
class Merged:
    """The combined edition and where each of its items was written."""

    edition: Edition
    places: dict[str, Place]
    """Domain id, standard id or question id → where it was written (core or local file)."""
    local_domains: dict[str, Document] = field(default_factory=dict)


def merge(
    info: EditionInfo,
    info_doc: Document,
    folder: Path,
    core: Edition,
    core_domains: dict[str, Document],
    overlay: Overlay,
    overlay_doc: Document,
    local: list[tuple[Domain, Document]],
) -> tuple[Merged | None, list[Problem]]:
    """Merge the ICB's overlay and local domains into the core edition; every problem placed where it is."""
    problems: list[Problem] = []
    ns = overlay.namespace
    prefix, slug_prefix = f"{ns}-", f"{ns.lower()}-"

    def outside(doc: Document, path: PathKey, ident: str, expected: str) -> None:
        problems.append(
            doc.problem(
                doc.at(*path),
                f"'{ident}' is not in the ICB's namespace: a local id starts with '{expected}' "
                f"(the namespace '{ns}' of {OVERLAY_FILE})",
            )
        )

    def local_standard(standard: Standard, doc: Document, at: PathKey) -> None:
        if not standard.id.startswith(prefix):
            outside(doc, (*at, "id"), standard.id, prefix)
        for qi, question in enumerate(standard.questions):
            if not question.id.startswith(prefix):
                outside(doc, (*at, "questions", qi, "id"), question.id, prefix)
            if question.required_for_every_icb:
                problems.append(
                    doc.problem(
                        doc.key_at(*at, "questions", qi, "required_for_every_icb"),
                        "'required_for_every_icb' is for core questions; a local question is the ICB's own",
                    )
                )

    # Where every core item was written.
    places: dict[str, Place] = {}
    core_standards: dict[str, Standard] = {}
    core_questions: dict[str, tuple[Domain, Standard | None]] = {}
    for domain in core.domains:
        doc = core_domains[domain.id]
        places[domain.id] = (doc, ())
        places[domain.support_question.id] = (doc, ("code",))
        core_questions[domain.support_question.id] = (domain, None)
        for si, standard in enumerate(domain.standards):
            places[standard.id] = (doc, ("standards", si))
            core_standards[standard.id] = standard
            for qi, question in enumerate(standard.questions):
                places[question.id] = (doc, ("standards", si, "questions", qi))
                core_questions[question.id] = (domain, standard)
    core_domain_ids = {d.id for d in core.domains}

    # What is left out, and whether it may be.
    left_out: set[str] = set()
    for index, ident in enumerate(overlay.leave_out):
        where = overlay_doc.at("leave_out", index)
        required = _required_within(core, ident)
        if ident in core_domain_ids or ident in core_standards or ident in core_questions:
            if ident in core_questions and core_questions[ident][1] is None:
                problems.append(
                    overlay_doc.problem(where, f"'{ident}' is a domain's support question, which every domain asks")
                )
            elif required:
                shown = ", ".join(required)
                problems.append(
                    overlay_doc.problem(
                        where,
                        f"'{ident}' cannot be left out: the core {core.id} marks {shown} as required for every ICB",
                    )
                )
            else:
                left_out.add(ident)
        else:
            problems.append(overlay_doc.problem(where, _unknown(f"core {core.id}", ident, core)))

    # Contacts: replaced by id, or added.
    contacts: dict[str, Contact] = {c.id: c for c in core.references.contacts}
    for contact in overlay.contacts:
        contacts[contact.id] = contact
    references = core.references.model_copy(update={"contacts": tuple(contacts.values())})

    # Local additions to core standards.
    guidance: dict[str, str] = {}
    core_guidance: dict[str, str] = {}
    evidence: dict[str, tuple[str, ...]] = {}
    changed: dict[str, Standard] = {}
    for index, add in enumerate(overlay.standards):
        if add.id not in core_standards:
            problems.append(
                overlay_doc.problem(overlay_doc.at("standards", index, "id"), _unknown("core standard", add.id, core))
            )
            continue
        if add.id in left_out:
            message = f"'{add.id}' is left out in 'leave_out'; additions to it would not be seen"
            problems.append(overlay_doc.problem(overlay_doc.at("standards", index, "id"), message))
            continue
        base = changed.get(add.id, core_standards[add.id])
        update: dict[str, object] = {}
        if add.guidance:
            core_guidance.setdefault(add.id, core_standards[add.id].guidance)
            guidance[add.id] = (guidance[add.id] + "\n\n" + add.guidance) if add.id in guidance else add.guidance
            update["guidance"] = core_guidance[add.id] + "\n\n" + guidance[add.id]
        if add.evidence:
            evidence[add.id] = evidence.get(add.id, ()) + add.evidence
            update["evidence"] = base.evidence + add.evidence
        if add.links or add.replace_links:
            update["links"] = add.links if add.replace_links else base.links + add.links
        changed[add.id] = base.model_copy(update=update)

    # Local changes to core domains.
    local_ids: set[str] = set()
    added_standards: dict[str, list[Standard]] = {}
    new_contact: dict[str, str] = {}
    for di, change in enumerate(overlay.domains):
        at: PathKey = ("domains", di)
        if change.id not in core_domain_ids:
            problems.append(overlay_doc.problem(overlay_doc.at(*at, "id"), _unknown("core domain", change.id, core)))
            continue
        if change.id in left_out:
            message = f"the domain '{change.id}' is left out in 'leave_out'; changes to it would not be seen"
            problems.append(overlay_doc.problem(overlay_doc.at(*at, "id"), message))
            continue
        if change.contact is not None:
            if change.contact not in contacts:
                problems.append(
                    overlay_doc.problem(
                        overlay_doc.at(*at, "contact"),
                        f"unknown contact '{change.contact}': add it to 'contacts' here or use one of the core's",
                    )
                )
            new_contact[change.id] = change.contact
        for si, standard in enumerate(change.standards):
            local_standard(standard, overlay_doc, (*at, "standards", si))
            added_standards.setdefault(change.id, []).append(standard)
            places[standard.id] = (overlay_doc, (*at, "standards", si))
            local_ids.add(standard.id)
            for qi, question in enumerate(standard.questions):
                places[question.id] = (overlay_doc, (*at, "standards", si, "questions", qi))
                local_ids.add(question.id)

    # Local domains.
    local_domains: dict[str, Document] = {}
    for domain, doc in local:
        if not domain.id.startswith(slug_prefix):
            outside(doc, ("id",), domain.id, slug_prefix)
        if not domain.code.startswith(prefix):
            outside(doc, ("code",), domain.code, prefix)
        for si, standard in enumerate(domain.standards):
            local_standard(standard, doc, ("standards", si))
        if domain.id in core_domain_ids or domain.id in local_domains:
            continue  # outside the namespace, reported above
        local_domains[domain.id] = doc
        places[domain.id] = (doc, ())
        places[domain.support_question.id] = (doc, ("code",))
        local_ids.update((domain.id, domain.support_question.id))
        for si, standard in enumerate(domain.standards):
            places[standard.id] = (doc, ("standards", si))
            local_ids.add(standard.id)
            for qi, question in enumerate(standard.questions):
                places[question.id] = (doc, ("standards", si, "questions", qi))
                local_ids.add(question.id)

    # The combined domains.
    merged: dict[str, Domain] = {}
    for domain in core.domains:
        if domain.id in left_out:
            continue
        standards: list[Standard] = []
        for standard in domain.standards:
            if standard.id in left_out:
                continue
            standard = changed.get(standard.id, standard)
            kept = tuple(q for q in standard.questions if q.id not in left_out)
            if kept:
                standards.append(
                    standard
                    if len(kept) == len(standard.questions)
                    else standard.model_copy(update={"questions": kept})
                )
        standards += added_standards.get(domain.id, [])
        if not standards:
            continue  # every standard left out: the domain goes too
        changes: dict[str, object] = {"standards": tuple(standards)}
        if domain.id in new_contact:
            changes["contact"] = new_contact[domain.id]
        merged[domain.id] = domain.model_copy(update=changes)
    for domain, _ in local:
        if domain.id in local_domains:
            merged[domain.id] = domain

    order = list(dict.fromkeys(info.domains))
    for index, domain_id in enumerate(info.domains):
        if domain_id not in merged:
            problems.append(
                info_doc.problem(
                    info_doc.at("domains", index),
                    f"'{domain_id}' is no domain of this edition: neither a domain of the core {core.id} that is "
                    "kept nor a local domain in domains/",
                )
            )
    order += [d for d in merged if d not in order]

    if problems:
        return None, problems
    parts = LocalParts(
        builds_on=info.builds_on or "",
        namespace=ns,
        ids=frozenset(local_ids),
        guidance=guidance,
        core_guidance=core_guidance,
        evidence=evidence,
        left_out=tuple(sorted(left_out)),
    )
    edition = Edition(
        info=info,
        references=references,
        domains=tuple(merged[d] for d in order if d in merged),
        folder=folder,
        local=parts,
    )
    return Merged(edition, places, local_domains), problems


def _required_within(core: Edition, ident: str) -> list[str]:
    """The questions the core marks required for every ICB in the domain, standard or question ``ident``."""
    found: list[str] = []
    for domain, standard, question in core.questions():
        inside = ident in (domain.id, question.id) or (standard is not None and standard.id == ident)
        if inside and question.required_for_every_icb:
            found.append(question.id)
    return found


def _unknown(kind: str, ident: str, core: Edition) -> str:
    import difflib

    known = {d.id for d in core.domains} | {s.id for d in core.domains for s in d.standards}
    known |= {q.id for _, _, q in core.questions()}
    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"'{ident}' is no id of the {kind}{hint}"
