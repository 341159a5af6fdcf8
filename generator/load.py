"""YAML files → the typed model, with every problem placed at its file, line and column.

``load_library`` reads every edition under ``standards/``; it never raises for bad
content: what cannot be read becomes a :class:`~generator.problems.Problem`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from . import numbering
from .model import Contact, Domain, Edition, EditionInfo, Library, Overlay, References
from .modelerrors import describe as describe
from .modelerrors import display as display
from .modelerrors import validate as validate
from .overlay import OVERLAY_FILE, core_folder, merge
from .problems import Problem
from .yamldoc import Document, PathKey, read_file

M = TypeVar("M", bound=BaseModel)

EDITION_FILE = "edition.yml"
REFERENCES_FILE = "references.yml"
DOMAINS_FOLDER = "domains"


@dataclass
class EditionSource:
    """The documents an edition was loaded from, so that checks can place what they find."""

    folder: Path
    edition: Document | None = None
    references: Document | None = None
    domains: dict[str, Document] = field(default_factory=dict)
    """Domain id → its document (for domains that loaded)."""
    domain_files: list[Document] = field(default_factory=list)
    """Every domain file read, loaded or not."""
    places: dict[str, tuple[Document, PathKey]] = field(default_factory=dict)
    """For an edition that builds on a core: domain, standard or question id → where it was written, core or local
    (see ``overlay.py``); empty for other editions, whose items are where ``domains`` says."""
    overlay: Document | None = None
    """For an edition that builds on a core: its overlay.yml."""
    core: EditionSource | None = None
    """For an edition that builds on a core: the core edition's documents."""
    core_edition: Edition | None = None
    """For an edition that builds on a core: the core edition, as loaded."""


@dataclass
class Loaded:
    library: Library
    sources: dict[str, EditionSource]
    problems: list[Problem]


def load_model(path: Path, model: type[M]) -> tuple[M | None, Document, list[Problem]]:
    """Read one YAML file as one model class."""
    doc, problems = read_file(path, display(path))
    if problems:
        return None, doc, problems
    return validate(doc, model)


def load_edition(
    folder: Path, contacts: tuple[Contact, ...] = (), *, as_core: bool = False
) -> tuple[Edition | None, EditionSource, list[Problem]]:
    """Load one edition folder: edition.yml, references.yml and domains/*.yml; ``contacts`` (the ICB's, from
    toolkit.yml) are the edition's when its references.yml lists none."""
    source = EditionSource(folder)
    problems: list[Problem] = []

    info: EditionInfo | None = None
    edition_path = folder / EDITION_FILE
    if edition_path.exists():
        info, source.edition, found = load_model(edition_path, EditionInfo)
        problems += found
    else:
        problems.append(Problem(display(edition_path), 0, 0, "missing: every edition folder needs an edition.yml"))

    if info is not None and source.edition is not None and info.builds_on is not None:
        if as_core:  # a core builds on nothing: so no chain of cores, and no core that builds on itself
            where = source.edition.at("builds_on")
            message = f"this edition is the core of another, so it cannot build on a core itself ('{info.builds_on}')"
            return None, source, [*problems, source.edition.problem(where, message)]
        edition, found = _load_overlay(folder, info, source, contacts)
        return edition, source, problems + found
    if source.edition is not None and isinstance(source.edition.data, dict) and "builds_on" in source.edition.data:
        return None, source, problems  # builds on a core, but edition.yml has errors: nothing more to read
    if info is not None and source.edition is not None and not info.domains:
        doc = source.edition
        message = "'domains' needs at least 1 item" if "domains" in doc.data else "missing required key 'domains'"
        problems.append(doc.problem(doc.at("domains"), message))

    references: References | None = None
    references_path = folder / REFERENCES_FILE
    if references_path.exists():
        references, source.references, found = load_model(references_path, References)
        problems += found
        if references is not None and not references.contacts:
            references = references.model_copy(update={"contacts": contacts})
    else:
        problems.append(Problem(display(references_path), 0, 0, "missing: every edition folder needs a references.yml"))

    domains: dict[str, Domain] = {}
    for path in sorted((folder / DOMAINS_FOLDER).glob("*.y*ml")):
        domain, doc, found = load_model(path, Domain)
        source.domain_files.append(doc)
        problems += found
        if domain is None:
            continue
        if path.stem != domain.id:
            problems.append(
                doc.problem(doc.at("id"), f"the domain id '{domain.id}' must match its file name '{path.stem}'")
            )
        if domain.id in domains:
            continue  # reported as a duplicate by the checks
        domains[domain.id] = domain
        source.domains[domain.id] = doc

    if info is not None and source.edition is not None:
        for index, domain_id in enumerate(info.domains):
            if domain_id not in domains and not any(Path(d.path).stem == domain_id for d in source.domain_files):
                problems.append(
                    source.edition.problem(
                        source.edition.at("domains", index),
                        f"no domain file {DOMAINS_FOLDER}/{domain_id}.yml for the domain '{domain_id}' listed here",
                    )
                )
        for doc in source.domain_files:
            stem = Path(doc.path).stem
            if stem not in info.domains:
                problems.append(
                    doc.problem((1, 1), f"this domain is not listed in {EDITION_FILE} 'domains'; add '{stem}' there")
                )

    if info is None or references is None or problems:
        return None, source, problems
    ordered = tuple(domains[d] for d in dict.fromkeys(info.domains) if d in domains)
    return Edition(info=info, references=references, domains=ordered, folder=folder), source, problems


def _load_overlay(
    folder: Path, info: EditionInfo, source: EditionSource, contacts: tuple[Contact, ...] = ()
) -> tuple[Edition | None, list[Problem]]:
    """Load the ICB's edition in ``folder`` (whose edition.yml names the core it builds on) as the combined edition.

    ``contacts`` (the ICB's, from toolkit.yml) replace the core's contacts of the same id; the overlay's own
    contacts replace both."""
    info_doc = source.edition
    assert info_doc is not None and info.builds_on is not None
    problems: list[Problem] = []
    core_path = core_folder(info.builds_on, folder.parent)
    if (folder / REFERENCES_FILE).exists():
        problems.append(
            Problem(
                display(folder / REFERENCES_FILE),
                1,
                1,
                f"an edition that builds on a core takes its references from the core; put the ICB's contacts in "
                f"toolkit.yml or {OVERLAY_FILE}, and remove this file",
            )
        )
    core: Edition | None = None
    if not (core_path / "edition.yml").is_file():
        problems.append(
            info_doc.problem(
                info_doc.at("builds_on"),
                f"no core edition '{info.builds_on}': {display(core_path)} holds no edition.yml",
            )
        )
    else:
        core, core_source, found = load_edition(core_path, contacts, as_core=True)
        source.core = core_source
        problems += found
        if core is None and not found:
            problems.append(
                info_doc.problem(info_doc.at("builds_on"), f"the core edition '{info.builds_on}' could not be loaded")
            )
        source.core_edition = core

    overlay: Overlay | None = None
    overlay_path = folder / OVERLAY_FILE
    if overlay_path.exists():
        overlay, source.overlay, found = load_model(overlay_path, Overlay)
        problems += found
    else:
        problems.append(
            Problem(
                display(overlay_path),
                0,
                0,
                f"missing: an edition that builds on a core needs an {OVERLAY_FILE}, with at least the ICB's namespace",
            )
        )

    local: list[tuple[Domain, Document]] = []
    for path in sorted((folder / DOMAINS_FOLDER).glob("*.y*ml")):
        domain, doc, found = load_model(path, Domain)
        source.domain_files.append(doc)
        problems += found
        if domain is None:
            continue
        if path.stem != domain.id:
            problems.append(
                doc.problem(doc.at("id"), f"the domain id '{domain.id}' must match its file name '{path.stem}'")
            )
            continue
        local.append((domain, doc))

    if core is None or overlay is None or source.overlay is None or source.core is None or problems:
        return None, problems
    if contacts:
        by_id = {c.id: c for c in core.references.contacts} | {c.id: c for c in contacts}
        core = Edition(
            core.info,
            core.references.model_copy(update={"contacts": tuple(by_id.values())}),
            core.domains,
            core.folder,
        )
    merged, found = merge(info, info_doc, folder, core, source.core.domains, overlay, source.overlay, local)
    if merged is None:
        return None, found
    source.places = merged.places
    source.domains = {**{d: doc for d, doc in source.core.domains.items()}, **merged.local_domains}
    return merged.edition, found


def load_library(standards: Path) -> Loaded:
    """Load every edition folder under ``standards``, with the ICB's contacts from toolkit.yml beside it."""
    from .settings import contacts_of

    contacts = contacts_of(standards.parent)
    editions: dict[str, Edition] = {}
    sources: dict[str, EditionSource] = {}
    problems: list[Problem] = []
    if not standards.is_dir():
        return Loaded(Library({}), {}, [Problem(display(standards), 0, 0, "no standards folder here")])
    folders = sorted(p for p in standards.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not folders:
        problems.append(Problem(display(standards), 0, 0, "no edition folders in the standards folder"))
    for folder in folders:
        edition, source, found = load_edition(folder, contacts)
        sources[folder.name] = source
        problems += found
        if edition is None:
            continue
        if edition.id != folder.name and source.edition is not None:
            problems.append(
                source.edition.problem(
                    source.edition.at("id"), f"the edition id '{edition.id}' must match its folder name '{folder.name}'"
                )
            )
            continue
        editions[edition.id] = edition
    return Loaded(_numbered(Library(editions)), sources, problems)


def _numbered(library: Library) -> Library:
    """The library with each edition's notes on the numbers a practice sees missing, from the editions before it."""
    return Library(
        {i: dataclasses.replace(e, numbering=numbering.notes(library, e)) for i, e in library.editions.items()}
    )
