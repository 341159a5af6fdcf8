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
    References,
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
    merging = _Merging(core, overlay, overlay_doc)
    merging.place_core(core_domains)
    merging.leave_out()
    merging.add_to_standards()
    merging.change_domains()
    merging.add_domains(local)
    domains = merging.combined(local)
    order = list(dict.fromkeys(info.domains))
    for index, domain_id in enumerate(info.domains):
        if domain_id not in domains:
            merging.problems.append(
                info_doc.problem(
                    info_doc.at("domains", index),
                    f"'{domain_id}' is no domain of this edition: neither a domain of the core {core.id} that is "
                    "kept nor a local domain in domains/",
                )
            )
    order += [d for d in domains if d not in order]
    if merging.problems:
        return None, merging.problems
    parts = LocalParts(
        builds_on=info.builds_on or "",
        namespace=overlay.namespace,
        ids=frozenset(merging.local_ids),
        guidance=merging.guidance,
        core_guidance=merging.core_guidance,
        evidence=merging.evidence,
        left_out=tuple(sorted(merging.left_out)),
    )
    edition = Edition(
        info=info,
        references=merging.references(),
        domains=tuple(domains[d] for d in order),
        folder=folder,
        local=parts,
    )
    return Merged(edition, merging.places, merging.local_domains), []


class _Merging:
    """The steps of one merge, in order, and what they have found so far."""

    def __init__(self, core: Edition, overlay: Overlay, doc: Document) -> None:
        self.core, self.overlay, self.doc = core, overlay, doc
        self.prefix, self.slug_prefix = f"{overlay.namespace}-", f"{overlay.namespace.lower()}-"
        self.problems: list[Problem] = []
        self.places: dict[str, Place] = {}
        self.local_ids: set[str] = set()
        self.left_out: set[str] = set()
        self.standards: dict[str, Standard] = {s.id: s for d in core.domains for s in d.standards}
        """Core standard id → the standard with the ICB's additions."""
        self.guidance: dict[str, str] = {}
        self.core_guidance: dict[str, str] = {}
        self.evidence: dict[str, tuple[str, ...]] = {}
        self.added: dict[str, list[Standard]] = {}
        """Core domain id → the local standards added at its end."""
        self.contact: dict[str, str] = {}
        """Core domain id → the contact replacing the core's."""
        self.local_domains: dict[str, Document] = {}
        self.contacts: dict[str, Contact] = {c.id: c for c in core.references.contacts}
        self.contacts.update((c.id, c) for c in overlay.contacts)

    def references(self) -> References:
        """The core's references, with the contacts replaced by id or added."""
        return self.core.references.model_copy(update={"contacts": tuple(self.contacts.values())})

    def _outside(self, doc: Document, path: PathKey, ident: str, expected: str) -> None:
        self.problems.append(
            doc.problem(
                doc.at(*path),
                f"'{ident}' is not in the ICB's namespace: a local id starts with '{expected}' "
                f"(the namespace '{self.overlay.namespace}' of {OVERLAY_FILE})",
            )
        )

    def _local_standard(self, standard: Standard, doc: Document, at: PathKey) -> None:
        """Place a local standard and its questions, each id in the namespace."""
        if not standard.id.startswith(self.prefix):
            self._outside(doc, (*at, "id"), standard.id, self.prefix)
        self.places[standard.id] = (doc, at)
        self.local_ids.add(standard.id)
        for qi, question in enumerate(standard.questions):
            if not question.id.startswith(self.prefix):
                self._outside(doc, (*at, "questions", qi, "id"), question.id, self.prefix)
            if question.required_for_every_icb:
                self.problems.append(
                    doc.problem(
                        doc.key_at(*at, "questions", qi, "required_for_every_icb"),
                        "'required_for_every_icb' is for core questions; a local question is the ICB's own",
                    )
                )
            self.places[question.id] = (doc, (*at, "questions", qi))
            self.local_ids.add(question.id)

    def place_core(self, core_domains: dict[str, Document]) -> None:
        """Where every core item was written."""
        for domain in self.core.domains:
            doc = core_domains[domain.id]
            self.places[domain.id] = (doc, ())
            self.places[domain.support_question.id] = (doc, ("code",))
            for si, standard in enumerate(domain.standards):
                self.places[standard.id] = (doc, ("standards", si))
                for qi, question in enumerate(standard.questions):
                    self.places[question.id] = (doc, ("standards", si, "questions", qi))

    def leave_out(self) -> None:
        """The core questions, standards and domains the ICB does not ask, where the core allows it."""
        support = {d.support_question.id for d in self.core.domains}
        known = set(self.places)
        for index, ident in enumerate(self.overlay.leave_out):
            where = self.doc.at("leave_out", index)
            required = _required_within(self.core, ident)
            if ident not in known:
                self.problems.append(self.doc.problem(where, _unknown(f"core {self.core.id}", ident, self.core)))
            elif ident in support:
                message = f"'{ident}' is a domain's support question, which every domain asks"
                self.problems.append(self.doc.problem(where, message))
            elif required:
                message = (
                    f"'{ident}' cannot be left out: the core {self.core.id} marks {', '.join(required)} as required "
                    "for every ICB"
                )
                self.problems.append(self.doc.problem(where, message))
            else:
                self.left_out.add(ident)

    def add_to_standards(self) -> None:
        """Local guidance, evidence examples and links added to core standards."""
        for index, add in enumerate(self.overlay.standards):
            where = self.doc.at("standards", index, "id")
            if add.id not in self.standards:
                self.problems.append(self.doc.problem(where, _unknown("core standard", add.id, self.core)))
                continue
            if add.id in self.left_out:
                message = f"'{add.id}' is left out in 'leave_out'; additions to it would not be seen"
                self.problems.append(self.doc.problem(where, message))
                continue
            base = self.standards[add.id]
            update: dict[str, object] = {}
            if add.guidance:
                core = self.core_guidance.setdefault(add.id, base.guidance)
                self.guidance[add.id] = "\n\n".join(filter(None, (self.guidance.get(add.id), add.guidance)))
                update["guidance"] = core + "\n\n" + self.guidance[add.id]
            if add.evidence:
                self.evidence[add.id] = self.evidence.get(add.id, ()) + add.evidence
                update["evidence"] = base.evidence + add.evidence
            if add.links or add.replace_links:
                update["links"] = add.links if add.replace_links else base.links + add.links
            self.standards[add.id] = base.model_copy(update=update)

    def change_domains(self) -> None:
        """A new contact for a core domain, and local standards added at its end."""
        core_domains = {d.id for d in self.core.domains}
        for di, change in enumerate(self.overlay.domains):
            at: PathKey = ("domains", di)
            if change.id not in core_domains:
                self.problems.append(
                    self.doc.problem(self.doc.at(*at, "id"), _unknown("core domain", change.id, self.core))
                )
                continue
            if change.id in self.left_out:
                message = f"the domain '{change.id}' is left out in 'leave_out'; changes to it would not be seen"
                self.problems.append(self.doc.problem(self.doc.at(*at, "id"), message))
                continue
            if change.contact is not None:
                if change.contact not in self.contacts:
                    message = f"unknown contact '{change.contact}': add it to 'contacts' here or use one of the core's"
                    self.problems.append(self.doc.problem(self.doc.at(*at, "contact"), message))
                self.contact[change.id] = change.contact
            for si, standard in enumerate(change.standards):
                self._local_standard(standard, self.doc, (*at, "standards", si))
                self.added.setdefault(change.id, []).append(standard)

    def add_domains(self, local: list[tuple[Domain, Document]]) -> None:
        """The ICB's own domains, each in its file, with ids in the namespace."""
        core_domains = {d.id for d in self.core.domains}
        for domain, doc in local:
            if not domain.id.startswith(self.slug_prefix):
                self._outside(doc, ("id",), domain.id, self.slug_prefix)
            if not domain.code.startswith(self.prefix):
                self._outside(doc, ("code",), domain.code, self.prefix)
            if domain.id in core_domains:
                continue  # outside the namespace, reported above
            self.local_domains[domain.id] = doc
            self.places[domain.id] = (doc, ())
            self.places[domain.support_question.id] = (doc, ("code",))
            self.local_ids.update((domain.id, domain.support_question.id))
            for si, standard in enumerate(domain.standards):
                self._local_standard(standard, doc, ("standards", si))

    def combined(self, local: list[tuple[Domain, Document]]) -> dict[str, Domain]:
        """Domain id → the combined domain: the core's less what is left out, with the local additions; then the
        local domains. A core standard whose questions are all left out goes, and a domain with no standard left."""
        merged: dict[str, Domain] = {}
        for domain in self.core.domains:
            if domain.id in self.left_out:
                continue
            standards: list[Standard] = []
            for core_standard in domain.standards:
                if core_standard.id in self.left_out:
                    continue
                standard = self.standards[core_standard.id]
                kept = tuple(q for q in standard.questions if q.id not in self.left_out)
                if kept:
                    standards.append(standard.model_copy(update={"questions": kept}))
            standards += self.added.get(domain.id, [])
            if standards:
                changes: dict[str, object] = {"standards": tuple(standards)}
                if domain.id in self.contact:
                    changes["contact"] = self.contact[domain.id]
                merged[domain.id] = domain.model_copy(update=changes)
        for domain, _ in local:
            if domain.id in self.local_domains:
                merged[domain.id] = domain
        return merged


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
