"""The standards model: what the ICB's quality team writes in YAML, typed.

Each class here is one kind of YAML mapping. The field descriptions are the
documentation an editor sees: they are published in the JSON Schema under
``schema/`` so that an editor with the YAML language server shows them as
hover text and completion.

The model is frozen: once loaded and checked, nothing changes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import answertypes
from .answertypes import AnswerTypeName as AnswerType

KeyQuestionId = Literal["safe", "effective", "caring", "responsive", "well-led"]
"""CQC's five key questions."""

ANSWERS: dict[str, tuple[str, ...]] = answertypes.fixed_answers()
"""The fixed answers of the answer types that have them, as a return gives them."""

NAMESPACE = r"[A-Z][A-Z0-9]{2}"
"""An ICB's namespace for its local ids: its ODS code, such as QK1. Core ids never have one."""
_LOCAL = rf"(?:{NAMESPACE}-)?"
QUESTION_ID = rf"^{_LOCAL}[A-Z]{{2,4}}[0-9]{{1,2}}\.[0-9]{{1,2}}$"
STANDARD_ID = rf"^{_LOCAL}[A-Z]{{2,4}}[0-9]{{1,2}}$"
DOMAIN_CODE = rf"^{_LOCAL}[A-Z]{{2,4}}$"
CORE_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*/[0-9]{4}-[0-9]{2}$"
SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
EDITION_ID = r"^[0-9]{4}-[0-9]{2}$"

Text = Annotated[str, Field(min_length=1)]

BasisKind = Literal["law", "contract", "cqc-guidance", "national-guidance", "good-practice", "icb-choice"]
"""What an expectation rests on, from a legal duty down to the ICB's own choice."""

Severity = Literal["high", "medium", "low"]
"""How much a flagged answer weighs: one high-severity flag is enough to rate a domain red."""


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Link(_Node):
    """A link to national guidance that a practice would read."""

    title: Text = Field(description="The title of the page or document, as its publisher gives it.")
    url: Text = Field(
        description="Its address: an https:// URL.", examples=["https://www.cqc.org.uk/guidance-providers/gps"]
    )
    publisher: str = Field("", description="Who publishes it, such as 'NHS England' or 'UKHSA'.")


class Basis(_Node):
    """What an expectation rests on, so that a practice knows a legal duty from the ICB's own ask."""

    kind: BasisKind = Field(
        description=(
            "law (an Act or regulations), contract (the GP contract), cqc-guidance (such as a named GP mythbuster), "
            "national-guidance (NHS England, UKHSA, NICE, a royal college), good-practice (widely done, not required) "
            "or icb-choice (this ICB's own expectation)."
        )
    )
    source: Text = Field(
        description="Which law, contract clause or guidance, named so that a reader can find it.",
        examples=["Regulation 13 of the 2014 Regulations; Female Genital Mutilation Act 2003, section 5B"],
    )


class Question(_Node):
    """One question a practice answers in its self-assessment."""

    id: str = Field(
        pattern=QUESTION_ID,
        description="Stable id: the standard's id, a dot and a number. Kept from year to year while the question means the same.",
        examples=["SG1.2"],
    )
    text: Text = Field(description="The question, in plain English, answerable from what the practice knows or keeps.")
    type: AnswerType = Field(description=answertypes.schema_description())
    required: bool = Field(True, description="Whether a return must answer it.")
    help: str = Field(
        "", description="Help text shown beside the question: what counts as yes, where to find the answer."
    )
    options: tuple[Text, ...] = Field((), description="The answers to choose from (choice questions only).")
    minimum: float | None = Field(None, description="The smallest allowed answer (number questions only).")
    maximum: float | None = Field(None, description="The largest allowed answer (number questions only).")
    unit: str = Field("", description="What the number counts, such as '%' or 'days' (number questions only).")
    risk_answers: tuple[Text, ...] = Field(
        (),
        description="Answers that flag a risk and ask for an action plan (yes/no kinds and choice questions).",
    )
    risk_below: float | None = Field(None, description="A number below this flags a risk (number questions only).")
    risk_above: float | None = Field(None, description="A number above this flags a risk (number questions only).")
    risk_older_than_months: int | None = Field(
        None, description="A date more than this many months before the return flags a risk (date questions only)."
    )
    same_meaning: bool = Field(
        False,
        description=(
            "Set to true when the text was reworded a lot but the question still means what it did under the same id, "
            "so last year's answers still hold; this silences the check's warning about a likely change of meaning."
        ),
    )
    replaces: str | None = Field(
        None,
        pattern=QUESTION_ID,
        description="The id of the question from an earlier edition that this one replaces, when its meaning changed.",
    )
    required_for_every_icb: bool = Field(
        False,
        description=(
            "In a core edition: every ICB that builds on the core must ask this question, so an ICB's overlay "
            "cannot leave it out."
        ),
    )
    severity: Severity | None = Field(
        None,
        description=(
            "How much an answer that flags a risk weighs: high (a risk to patients' safety now, enough on its own "
            "to rate the domain red), medium or low. Only for questions that can flag a risk."
        ),
    )
    basis: Basis | None = Field(
        None, description="What this question's expectation rests on, where it differs from its standard's basis."
    )
    not_applicable_when: str = Field(
        "",
        description=(
            "When the question does not apply, in words a practice recognises, such as 'the practice does not "
            "dispense'. Only a question that says this should be answered 'not applicable', with the reason in the "
            "comment (questions whose answers include 'not applicable' only)."
        ),
    )

    @property
    def allowed_answers(self) -> tuple[str, ...]:
        """The fixed answers a return may give, or () where any value of the type will do."""
        return answertypes.of(self).allowed(self)

    @property
    def can_flag_risk(self) -> bool:
        return bool(
            self.risk_answers
            or self.risk_below is not None
            or self.risk_above is not None
            or self.risk_older_than_months is not None
        )


class Standard(_Node):
    """A standard: what good looks like in one part of a domain, and the questions that test it."""

    id: str = Field(pattern=STANDARD_ID, description="Stable id: the domain's code and a number.", examples=["SG1"])
    title: Text = Field(description="A short title, such as 'Safeguarding leads and policies'.")
    guidance: Text = Field(description="What good looks like, in Markdown. No raw HTML.")
    evidence: tuple[Text, ...] = Field(
        min_length=1, description="Examples of evidence a practice would keep to show it meets the standard."
    )
    regulations: tuple[Text, ...] = Field(
        min_length=1, description="Ids of the regulations (from references.yml) this standard evidences."
    )
    quality_statements: tuple[Text, ...] = Field(
        (), description="Ids of CQC quality statements (from references.yml) this standard bears on."
    )
    links: tuple[Link, ...] = Field((), description="National guidance a practice would read.")
    basis: Basis | None = Field(
        None,
        description=(
            "What the standard's expectation rests on. Once any standard of an edition has one, every standard of "
            "that edition needs one."
        ),
    )
    questions: tuple[Question, ...] = Field(min_length=1, description="The questions a practice answers.")

    def basis_of(self, question: Question) -> Basis | None:
        """The basis of one of this standard's questions: its own, else the standard's."""
        return question.basis or self.basis


class SupportOffer(_Node):
    """How the domain's support-request question is worded."""

    text: Text | None = Field(None, description="The question, if the default wording will not do.")
    help: Text | None = Field(None, description="Help text for the question.")


class Domain(_Node):
    """A domain of the standards, such as safeguarding: one YAML file in the edition's domains/ folder."""

    id: str = Field(
        pattern=SLUG,
        description="Stable id, lower case with hyphens; the file is named <id>.yml.",
        examples=["safeguarding"],
    )
    code: str = Field(
        pattern=DOMAIN_CODE, description="Short capital code that starts its standard ids.", examples=["SG"]
    )
    title: Text = Field(description="The domain's title, such as 'Safeguarding children and adults'.")
    summary: Text = Field(description="One or two sentences on what the domain covers.")
    why_it_matters: Text = Field(description="Why it matters for patient safety, in Markdown.")
    key_questions: tuple[KeyQuestionId, ...] = Field(
        min_length=1, description="The CQC key questions it bears on: safe, effective, caring, responsive, well-led."
    )
    regulations: tuple[Text, ...] = Field(
        min_length=1, description="Ids of the regulations (from references.yml) the domain evidences."
    )
    contact: Text = Field(description="Id of the ICB contact (from references.yml) who supports practices in it.")
    support: SupportOffer = Field(
        SupportOffer(), description="Wording of the question by which a practice asks the ICB for support here."
    )
    standards: tuple[Standard, ...] = Field(min_length=1, description="The domain's standards.")

    @cached_property
    def support_question(self) -> Question:
        """The question by which a practice asks the ICB for support in this domain."""
        return Question(
            id=f"{self.code}0.1",
            text=self.support.text
            or f"Would your practice like support from the ICB with {self.title[0].lower()}{self.title[1:]}?",
            type="yes_no",
            required=True,
            help=self.support.help
            or "Answer yes if you would like the ICB to contact you. Use the comment to say what would help most.",
        )

    def questions(self) -> Iterator[Question]:
        """Every question of the domain, the support request last."""
        for standard in self.standards:
            yield from standard.questions
        yield self.support_question


class Regulation(_Node):
    """A regulation a standard evidences."""

    id: str = Field(pattern=SLUG, description="Id used to refer to it, such as 'reg-12'.", examples=["reg-12"])
    number: Text = Field(description="Its number in the instrument, such as '12' or '20A'.")
    title: Text = Field(description="Its title as the instrument gives it.")
    instrument: Text = Field(
        "The Health and Social Care Act 2008 (Regulated Activities) Regulations 2014",
        description="The statutory instrument it belongs to.",
    )
    url: Text = Field(description="Where it is published (legislation.gov.uk).")
    summary: Text = Field(description="What it requires, in a sentence a practice manager would follow.")


class KeyQuestion(_Node):
    """One of CQC's five key questions."""

    id: KeyQuestionId = Field(description="safe, effective, caring, responsive or well-led.")
    title: Text = Field(description="Its title, such as 'Safe'.")
    question: Text = Field(description="The question as CQC asks it.")


class QualityStatement(_Node):
    """A CQC quality statement, under one key question."""

    id: str = Field(pattern=SLUG, description="Id used to refer to it.", examples=["learning-culture"])
    key_question: KeyQuestionId = Field(description="The key question it sits under.")
    title: Text = Field(description="Its title as CQC gives it.")


class Contact(_Node):
    """A person or team at the ICB who supports practices."""

    id: str = Field(pattern=SLUG, description="Id used to refer to it from a domain.")
    name: Text = Field(description="Name of the person or team.")
    role: Text = Field(description="Their role, such as 'Designated Nurse, Safeguarding'.")
    email: Text = Field(description="Email address practices write to.")
    phone: str = Field("", description="Telephone number.")


class References(_Node):
    """references.yml: what domains and standards refer to by id, defined once per edition."""

    key_questions: tuple[KeyQuestion, ...] = Field(min_length=1, description="CQC's key questions.")
    quality_statements: tuple[QualityStatement, ...] = Field((), description="CQC's quality statements.")
    regulations: tuple[Regulation, ...] = Field(min_length=1, description="Regulations standards evidence.")
    contacts: tuple[Contact, ...] = Field(
        (),
        description="ICB contacts who support practices. Leave out to use the contacts written once in toolkit.yml.",
    )


class EditionInfo(_Node):
    """edition.yml: one yearly edition of the standards."""

    id: str = Field(
        pattern=EDITION_ID, description="The edition's id: the financial year, such as '2025-26'.", examples=["2025-26"]
    )
    title: Text = Field(description="The edition's title.")
    status: Literal["draft", "published"] = Field(
        description="draft while it is being written; published once issued to practices."
    )
    published: dt.date | None = Field(None, description="The date it was (or will be) published, YYYY-MM-DD.")
    return_deadline: dt.date | None = Field(
        None, description="The date by which practices send their return, YYYY-MM-DD."
    )
    follows: str | None = Field(None, pattern=EDITION_ID, description="The id of the edition this one follows.")
    builds_on: str | None = Field(
        None,
        pattern=CORE_NAME,
        description=(
            "For an ICB's edition: the core edition it builds on, as <core name>/<edition>; 'core' is the core that "
            "comes with the toolkit. The edition then holds only what is local, in overlay.yml and domains/."
        ),
        examples=["core/2025-26"],
    )
    action_plan_required: bool = Field(
        False, description="Whether an answer that flags a risk must come with an action plan (else it is asked for)."
    )
    reading_ease_below: float | None = Field(
        None,
        ge=0,
        le=100,
        description=(
            "Set it to have toolkit check read each question as a practice would: it warns of a question whose "
            "Flesch reading ease is below this (60 and above is plain English; below 30 is hard going even for "
            "graduates), a very long sentence, several asks in one question, an abbreviation not spelled out, and "
            "a question with no help text."
        ),
        examples=[50],
    )
    known_abbreviations: tuple[Text, ...] = Field(
        (),
        description=(
            "Abbreviations the edition's readers know without explanation, such as CQC or DBS; toolkit check "
            "warns of any other a question uses without spelling it out."
        ),
        examples=[["CQC", "ICB", "DBS"]],
    )
    domains: tuple[Text, ...] = Field(
        (),
        description=(
            "The ids of the edition's domains, in the order practices see them (required unless the edition builds "
            "on a core; then the core's order is kept, with local domains last, unless listed here)."
        ),
    )


class StandardAdditions(_Node):
    """An ICB's local additions to one standard of the core."""

    id: str = Field(pattern=STANDARD_ID, description="The core standard's id.", examples=["SG1"])
    guidance: str = Field(
        "", description="Local guidance in Markdown, shown after the core's guidance as the ICB's own. No raw HTML."
    )
    evidence: tuple[Text, ...] = Field((), description="Local examples of evidence, listed after the core's.")
    links: tuple[Link, ...] = Field((), description="Local links, listed after the core's (or instead of them).")
    replace_links: bool = Field(False, description="Whether the local links replace the core standard's links.")


class DomainAdditions(_Node):
    """An ICB's local changes to one domain of the core."""

    id: str = Field(pattern=SLUG, description="The core domain's id.", examples=["safeguarding"])
    contact: Text | None = Field(
        None, description="Id of the contact (from the core's references.yml or this overlay) who replaces the core's."
    )
    standards: tuple[Standard, ...] = Field(
        (), description="Local standards added at the end of the domain, with ids in the ICB's namespace (QK1-SG9)."
    )


class Overlay(_Node):
    """overlay.yml: what an ICB's edition changes in the core edition it builds on; only what is local."""

    namespace: str = Field(
        pattern=f"^{NAMESPACE}$",
        description=(
            "The ICB's ODS code, such as QK1. Every local domain code, standard id and question id starts with it "
            "and a hyphen (QK1-LD1.2), and every local domain id with it in lower case (qk1-learning-disability), "
            "so local ids never collide with the core's."
        ),
        examples=["QK1"],
    )
    leave_out: tuple[Text, ...] = Field(
        (),
        description=(
            "Ids of core questions, standards or domains the ICB does not ask; not those the core marks "
            "'required_for_every_icb'."
        ),
    )
    contacts: tuple[Contact, ...] = Field(
        (), description="Contacts replacing the core's contacts of the same id, or new ones for local domains."
    )
    domains: tuple[DomainAdditions, ...] = Field((), description="Local changes to core domains.")
    standards: tuple[StandardAdditions, ...] = Field((), description="Local additions to core standards.")


@dataclass(frozen=True)
class LocalParts:
    """What an ICB's edition adds to or takes from the core edition it builds on."""

    builds_on: str
    """The core edition, as <core name>/<edition>."""
    namespace: str
    """The ICB's namespace (its ODS code)."""
    ids: frozenset[str]
    """Ids of the local domains, standards and questions."""
    guidance: dict[str, str]
    """Core standard id → the ICB's own guidance, shown after the core's."""
    core_guidance: dict[str, str]
    """Core standard id → the core's guidance alone, for standards with local guidance."""
    evidence: dict[str, tuple[str, ...]]
    """Core standard id → the ICB's own evidence examples, listed after the core's."""
    left_out: tuple[str, ...]
    """Ids of the core questions, standards and domains the ICB does not ask."""

    def is_local(self, ident: str) -> bool:
        return ident in self.ids


@dataclass(frozen=True)
class Edition:
    """A loaded edition: its edition.yml, its references and its domains in order.

    An ICB's edition that builds on a core is the combined edition: the core's domains, standards
    and questions with the ICB's local changes merged in; ``local`` says which parts are the ICB's.
    """

    info: EditionInfo
    references: References
    domains: tuple[Domain, ...]
    folder: Path = field(compare=False)
    local: LocalParts | None = field(default=None, compare=False)
    numbering: Mapping[str, str] = field(default_factory=dict, compare=False)
    """What a practice reads where numbers skip, by standard id (its questions) or domain id (its standards):
    worked out from the library's editions when it is loaded (``generator/numbering.py``)."""

    @property
    def id(self) -> str:
        return self.info.id

    def questions(self) -> Iterator[tuple[Domain, Standard | None, Question]]:
        """Every question in order, with its domain and standard (None for a support request)."""
        for domain in self.domains:
            for standard in domain.standards:
                for question in standard.questions:
                    yield domain, standard, question
            yield domain, None, domain.support_question

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for _, _, question in self.questions()}

    def regulation(self, regulation_id: str) -> Regulation | None:
        return next((r for r in self.references.regulations if r.id == regulation_id), None)

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.references.contacts if c.id == contact_id), None)


@dataclass(frozen=True)
class Library:
    """Every edition under standards/, by id."""

    editions: dict[str, Edition]

    def published(self) -> list[Edition]:
        """Published editions, newest first."""
        return sorted(
            (e for e in self.editions.values() if e.info.status == "published"), key=lambda e: e.id, reverse=True
        )

    def current(self) -> Edition | None:
        """The newest published edition: the one practices answer this year."""
        published = self.published()
        return published[0] if published else None
