"""toolkit.yml → the ICB's settings, typed, with every problem placed at its line and column.

Everything that names or brands the ICB (the site's header and footer, every PDF, the
workbook's Start sheet, the online form, feedback pages, status files and the report) takes
it from here; ``mkdocs.yml`` keeps only what is purely about the site. The return deadline
stays in each edition's ``edition.yml`` (``return_deadline``): one source.

An example ``toolkit.yml`` (every key shown; ``logo``, ``address``, ``returns.submission_url``,
``returns.phone``, ``support.target_working_days``, ``register`` and ``contacts`` may be left out)::

    icb:
      name: NHS Example Integrated Care Board
      ods_code: QXX                       # the ICB's ODS code (such as QK1)
      team: Primary Care Quality Team     # who runs the toolkit at the ICB
      address:
        - Example House
        - 1 Example Street
        - Exampleton EX1 1AA
      privacy_notice: https://www.icb.example.nhs.uk/privacy
      colour: "#005eb8"                   # brand colour, #rrggbb; white text on it must meet WCAG AA (4.5:1)
      logo: branding/logo.svg             # a .svg or .png inside the project folder
    returns:
      email: primarycare.quality@icb.example.nhs.uk    # email and/or submission_url
      submission_url: https://returns.icb.example.nhs.uk/self-assessment
      phone: 0300 000 0104
    support:
      email: primarycare.quality@icb.example.nhs.uk
      phone: 0300 000 0104
      target_working_days: 10             # first contact after a support request, in working days
    register: registers/practices.csv     # the practice register: simple CSV or NHS England's epraccur
    contacts:                             # the ICB's contacts for each domain, written once
      - id: safeguarding-team
        name: Safeguarding Team (Primary Care)
        role: Named GP and Designated Nurse for Safeguarding
        email: safeguarding.primarycare@icb.example.nhs.uk
        phone: 0300 000 0101

Load it with :func:`load_settings`, which never raises for bad content; commands that need the
settings to go on use :func:`require_settings`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .model import Contact, Edition
from .modelerrors import describe, display
from .problems import Problem, errors
from .yamldoc import Document, Location, read_file

SETTINGS_FILE = "toolkit.yml"

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ODS_CODE = re.compile(r"^[A-Z0-9]{3}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_SUFFIXES = (".svg", ".png")
MIN_CONTRAST = 4.5
"""WCAG 2.2 AA's least contrast for normal text (1.4.3)."""
DEFAULT_TARGET_WORKING_DAYS = 10


@dataclass(frozen=True)
class Icb:
    """Who the ICB is, as practices see it."""

    name: str
    """Its full name, such as 'NHS Example Integrated Care Board'."""
    ods_code: str
    """Its ODS code, such as 'QK1': keeps its own practices from an epraccur register."""
    team: str
    """The team that runs the toolkit, such as 'Primary Care Quality Team'."""
    address: tuple[str, ...]
    """Postal address, one line each."""
    privacy_notice: str
    """The address of the ICB's privacy notice (https://)."""
    colour: str
    """Brand colour, '#rrggbb', lower case; white text on it meets WCAG AA."""
    logo: Path | None
    """The logo file (resolved, inside the project folder), or None."""

    @property
    def owner(self) -> str:
        """The ICB and its team in one line, as forms print it."""
        return f"{self.name} · {self.team}"


@dataclass(frozen=True)
class Returns:
    """Where practices send their return. The deadline is each edition's ``return_deadline``."""

    email: str | None
    submission_url: str | None
    phone: str


@dataclass(frozen=True)
class Support:
    """How practices reach the ICB for support, and how soon the ICB answers."""

    email: str
    phone: str
    target_working_days: int
    """The ICB's target for first contact after a support request, in working days (Monday to Friday)."""


@dataclass(frozen=True)
class Settings:
    """The whole of toolkit.yml."""

    icb: Icb
    returns: Returns
    support: Support
    register: Path | None
    """The practice register (resolved, inside the project folder), or None."""
    contacts: tuple[Contact, ...]
    """The ICB's contacts for each domain; an edition whose references.yml has none uses these."""
    path: Path
    """The settings file itself."""

    def deadline(self, edition: Edition) -> dt.date | None:
        """When returns of ``edition`` are due: its ``return_deadline`` (edition.yml is the one source)."""
        return edition.info.return_deadline

    def where_to_send(self, edition: Edition | None = None) -> str:
        """One sentence: how and by when a practice sends its return, such as 'Send your return to NHS Example
        Integrated Care Board by email to x@y.nhs.uk by 30 September 2025.'"""
        return where_to_send(self.as_data(), self.deadline(edition) if edition is not None else None)

    def as_data(self) -> dict[str, Any]:
        """The settings practices may see, as plain data for templates and the online form."""
        return {
            "name": self.icb.name,
            "ods_code": self.icb.ods_code,
            "team": self.icb.team,
            "address": list(self.icb.address),
            "privacy_notice": self.icb.privacy_notice,
            "colour": self.icb.colour,
            "returns_email": self.returns.email,
            "returns_phone": self.returns.phone,
            "submission_url": self.returns.submission_url,
            "support_email": self.support.email,
            "support_phone": self.support.phone,
            "support_target_working_days": self.support.target_working_days,
        }


def where_to_send(icb: Mapping[str, Any], deadline: dt.date | None) -> str:
    """How and by when a practice sends its return, from the settings as data (:meth:`Settings.as_data`)."""
    ways = []
    if icb.get("returns_email"):
        ways.append(f"by email to {icb['returns_email']}")
    if icb.get("submission_url"):
        ways.append('with the online self-assessment\'s "Send to the ICB" button')
    when = f" by {deadline.day} {deadline:%B %Y}" if deadline else ""
    return f"Send your return to {icb['name']} {' or '.join(ways)}{when}."


class SettingsError(ValueError):
    """toolkit.yml is missing or has errors: the problems say where."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(p.format() for p in problems[:3]) + ("; …" if len(problems) > 3 else "")
        super().__init__(f"the ICB's settings cannot be used (run 'toolkit check'): {shown}")
        self.problems = problems


def settings_path(root: Path) -> Path:
    return root / SETTINGS_FILE


def load_settings(root: Path) -> tuple[Settings | None, list[Problem]]:
    """Read ``root``/toolkit.yml: the settings (None on any error) and every problem, placed."""

    path = settings_path(root)
    shown = display(path)
    if not path.is_file():
        message = (
            f"missing: the ICB's settings file {SETTINGS_FILE} (its name, ODS code, contacts and where returns go) "
            f"is not in {_folder(root)}; write one as the README's 'Settings' section shows"
        )
        return None, [Problem(shown, 0, 0, message)]
    doc, problems = read_file(path, shown)
    if problems:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [doc.problem(doc.at(), "the file must be a mapping of keys to values (key: value lines)")]
    reader = _Reader(doc, root)
    settings = reader.settings(path)
    problems = sorted(reader.problems, key=lambda p: (p.line, p.column, p.message))
    return (None if errors(problems) else settings), problems


def _folder(root: Path) -> str:

    shown = display(root.resolve())
    return "this folder" if shown in ("", ".") else shown


def require_settings(root: Path) -> Settings:
    """The settings, or :class:`SettingsError` with every problem."""
    settings, problems = load_settings(root)
    if settings is None:
        raise SettingsError(errors(problems))
    return settings


def icb_settings(root: Path) -> Settings | None:
    """The settings where ``root`` has a toolkit.yml, None where it has none; :class:`SettingsError` when it has
    errors. For commands that also work on returns outside a project (collect, report)."""
    return require_settings(root) if settings_path(root).is_file() else None


def contacts_of(root: Path) -> tuple[Contact, ...]:
    """The ICB's contacts from ``root``/toolkit.yml, or () when it has none or they cannot be read (``toolkit check``
    reports why). A mistake elsewhere in the file does not take the contacts away, so it is reported once, not
    again as every domain's unknown contact."""

    path = settings_path(root)
    if not path.is_file():
        return ()
    doc, problems = read_file(path, display(path))
    if problems or not isinstance(doc.data, dict):
        return ()
    reader = _Reader(doc, root)
    contacts = reader.contacts(doc.data)
    return () if errors(reader.problems) else contacts


# --- colours -----------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of '#rrggbb'."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2.2's contrast ratio of two '#rrggbb' colours, from 1 to 21."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# --- reading -----------------------------------------------------------------------------------------

_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    (): ("icb", "returns", "support", "register", "contacts"),
    ("icb",): ("name", "ods_code", "team", "address", "privacy_notice", "colour", "logo"),
    ("returns",): ("email", "submission_url", "phone"),
    ("support",): ("email", "phone", "target_working_days"),
}


_FIELDS: dict[tuple[str, ...], tuple[dict[str, Any], str]] = {
    ("icb",): ({"type": "object"}, "Who the ICB is, as practices see it on the site, forms, feedback and report."),
    ("icb", "name"): (
        {"type": "string", "minLength": 1},
        "The ICB's full name, such as 'NHS Example Integrated Care Board'.",
    ),
    ("icb", "ods_code"): (
        {"type": "string", "pattern": ODS_CODE.pattern},
        "The ICB's ODS code, such as 'QK1': keeps its own active practices from an epraccur register.",
    ),
    ("icb", "team"): (
        {"type": "string", "minLength": 1},
        "The team that runs the toolkit, such as 'Primary Care Quality Team'.",
    ),
    ("icb", "address"): (
        {"type": "array", "items": {"type": "string", "minLength": 1}},
        "Postal address, one line each.",
    ),
    ("icb", "privacy_notice"): (
        {"type": "string", "pattern": "^https?://"},
        "The address of the ICB's privacy notice.",
    ),
    ("icb", "colour"): (
        {"type": "string", "pattern": COLOUR.pattern},
        "Brand colour, #rrggbb, for the site's header and links and the forms; white text on it must meet WCAG 2.2 AA (4.5:1).",
    ),
    ("icb", "logo"): (
        {"type": "string"},
        "The logo: a .svg or .png file inside the project folder, such as branding/logo.svg.",
    ),
    ("returns",): (
        {"type": "object"},
        "Where practices send their return (the deadline is each edition's return_deadline).",
    ),
    ("returns", "email"): ({"type": "string"}, "The email address returns are sent to."),
    ("returns", "submission_url"): (
        {"type": "string", "pattern": "^https?://"},
        "Where the online self-assessment's 'Send to the ICB' button posts a return as JSON; without it there is no button.",
    ),
    ("returns", "phone"): ({"type": "string"}, "A telephone number for questions about returns."),
    ("support",): ({"type": "object"}, "How practices reach the ICB for support."),
    ("support", "email"): ({"type": "string"}, "The email address practices write to for support."),
    ("support", "phone"): ({"type": "string"}, "The telephone number practices call for support."),
    ("support", "target_working_days"): (
        {"type": "integer", "minimum": 1, "maximum": 60},
        "The ICB's target for first contact after a support request, in working days (default 10).",
    ),
    ("register",): (
        {"type": "string"},
        "The practice register collect and report use without --register: a CSV practice_code,practice_name or "
        "NHS England's epraccur file, inside the project folder.",
    ),
}
"""Each setting's JSON Schema and description, for editors' completion and hover help (``schema/toolkit.schema.json``)."""

_REQUIRED: dict[tuple[str, ...], list[str]] = {
    (): ["icb", "returns", "support"],
    ("icb",): ["name", "ods_code", "team", "privacy_notice", "colour"],
    ("support",): ["email", "phone"],
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of toolkit.yml (what :func:`load_settings` reads; it gives the placed messages)."""

    def node(path: tuple[str, ...]) -> dict[str, Any]:
        kind, description = _FIELDS[path] if path else ({"type": "object"}, "toolkit.yml: the ICB's settings.")
        found: dict[str, Any] = {**kind, "description": description}
        if path in _KEYS:
            found["properties"] = {key: node((*path, key)) for key in _KEYS[path] if (*path, key) in _FIELDS}
            found["additionalProperties"] = False
            if path in _REQUIRED:
                found["required"] = _REQUIRED[path]
        return found

    schema = node(())
    schema["properties"]["contacts"] = {
        "type": "array",
        "description": "The ICB's contacts, each domain naming one by id; written once for every edition.",
        "items": Contact.model_json_schema(),
    }
    schema["properties"]["returns"]["anyOf"] = [{"required": ["email"]}, {"required": ["submission_url"]}]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "toolkit.schema.json", **schema}


class _ContactList(BaseModel):
    """The contacts, checked by the standards model's own Contact (so messages match references.yml's)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    contacts: tuple[Contact, ...] = ()


class _Reader:
    """Reads each setting from the document, noting a placed problem for anything missing or malformed."""

    def __init__(self, doc: Document, root: Path) -> None:
        self.doc = doc
        self.root = root
        self.problems: list[Problem] = []
        self.absent: set[tuple[str, ...]] = set()
        """Sections missing or not mappings: their keys are not reported again one by one."""

    def _problem(self, where: Location, message: str, severity: str = "error") -> None:
        self.problems.append(self.doc.problem(where, message, severity))

    def _mapping(self, *path: str) -> dict[str, Any]:
        value: Any = self.doc.data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None and path:
            self._problem(self.doc.at(*path[:-1]), f"missing required key '{path[-1]}'")
            self.absent.add(tuple(path))
            return {}
        if not isinstance(value, dict):
            self._problem(self.doc.at(*path), f"'{path[-1]}' must be a mapping of keys to values")
            self.absent.add(tuple(path))
            return {}
        allowed = _KEYS[tuple(path)]
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed keys: {', '.join(allowed)}"
                self._problem(self.doc.key_at(*path, key), f"unknown key '{key}'{hint}")
        return value

    def _text(self, mapping: dict[str, Any], *path: str, required: bool = True) -> str | None:
        value = mapping.get(path[-1])
        if value is None:
            if required and tuple(path[:-1]) not in self.absent:
                self._problem(self.doc.at(*path[:-1]), f"missing required key '{path[-1]}'")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self._problem(self.doc.at(*path), f"'{path[-1]}' must be text")
            return None
        text = str(value).strip()
        if not text:
            self._problem(self.doc.at(*path), f"'{path[-1]}' must not be empty")
            return None
        return text

    def _email(self, mapping: dict[str, Any], *path: str, required: bool = True) -> str | None:
        text = self._text(mapping, *path, required=required)
        if text is not None and not EMAIL.match(text):
            self._problem(self.doc.at(*path), f"'{path[-1]}' is not an email address: {text!r}")
            return None
        return text

    def _url(self, mapping: dict[str, Any], *path: str, required: bool = True) -> str | None:
        text = self._text(mapping, *path, required=required)
        if text is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
            self._problem(self.doc.at(*path), f"'{path[-1]}' must be a web address starting https://; got {text!r}")
            return None
        return text

    def _file(self, mapping: dict[str, Any], *path: str, suffixes: tuple[str, ...] = ()) -> Path | None:
        text = self._text(mapping, *path, required=False)
        if text is None:
            return None
        where = self.doc.at(*path)
        candidate = Path(text)
        if candidate.is_absolute():
            self._problem(where, f"'{path[-1]}' must be a path inside the project folder, relative to it; got {text!r}")
            return None
        root = self.root.resolve()
        try:
            resolved = (root / candidate).resolve()
            resolved.relative_to(root)
        except (ValueError, OSError, RuntimeError):
            self._problem(where, f"'{path[-1]}' must be a path inside the project folder; got {text!r}")
            return None
        if suffixes and resolved.suffix.lower() not in suffixes:
            self._problem(where, f"'{path[-1]}' must be a {' or '.join(suffixes)} file; got {text!r}")
            return None
        if not resolved.is_file():
            self._problem(where, f"'{path[-1]}': no file {text!r} in the project folder")
            return None
        return resolved

    def _colour(self, mapping: dict[str, Any]) -> str:
        path = ("icb", "colour")
        text = self._text(mapping, *path)
        if text is None:
            return "#005eb8"
        if not COLOUR.match(text):
            self._problem(self.doc.at(*path), f"'colour' must be written #rrggbb (such as \"#005eb8\"); got {text!r}")
            return "#005eb8"
        ratio = contrast(text.lower(), "#ffffff")
        if ratio < MIN_CONTRAST:
            self._problem(
                self.doc.at(*path),
                f"'colour' {text} is too light: white text on it has a contrast of {ratio:.1f}:1, "
                f"and WCAG 2.2 AA needs at least {MIN_CONTRAST}:1; choose a darker colour",
            )
        return text.lower()

    def settings(self, path: Path) -> Settings:
        self._mapping()
        icb_map = self._mapping("icb")
        name = self._text(icb_map, "icb", "name") or ""
        code = self._text(icb_map, "icb", "ods_code") or ""
        if code and not ODS_CODE.match(code):
            self._problem(
                self.doc.at("icb", "ods_code"),
                f"'ods_code' must be the ICB's 3-character ODS code, such as 'QK1'; got {code!r}",
            )
        address = icb_map.get("address", [])
        lines: tuple[str, ...] = ()
        if isinstance(address, list) and all(isinstance(line, str) and line.strip() for line in address):
            lines = tuple(line.strip() for line in address)
        else:
            self._problem(self.doc.at("icb", "address"), "'address' must be a list of lines of text")
        icb = Icb(
            name=name,
            ods_code=code,
            team=self._text(icb_map, "icb", "team") or "",
            address=lines,
            privacy_notice=self._url(icb_map, "icb", "privacy_notice") or "",
            colour=self._colour(icb_map),
            logo=self._file(icb_map, "icb", "logo", suffixes=LOGO_SUFFIXES),
        )

        returns_map = self._mapping("returns")
        returns = Returns(
            email=self._email(returns_map, "returns", "email", required=False),
            submission_url=self._url(returns_map, "returns", "submission_url", required=False),
            phone=self._text(returns_map, "returns", "phone", required=False) or "",
        )
        if ("returns",) not in self.absent and not {"email", "submission_url"} & set(returns_map):
            self._problem(
                self.doc.at("returns"), "'returns' must say where returns go: an 'email', a 'submission_url' or both"
            )

        support_map = self._mapping("support")
        days = support_map.get("target_working_days", DEFAULT_TARGET_WORKING_DAYS)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
            self._problem(
                self.doc.at("support", "target_working_days"),
                f"'target_working_days' must be a whole number of working days from 1 to 60; got {days!r}",
            )
            days = DEFAULT_TARGET_WORKING_DAYS
        support = Support(
            email=self._email(support_map, "support", "email") or "",
            phone=self._text(support_map, "support", "phone") or "",
            target_working_days=days,
        )

        top = self.doc.data if isinstance(self.doc.data, dict) else {}
        register = self._file(top, "register")
        return Settings(icb, returns, support, register, self.contacts(top), path)

    def contacts(self, top: dict[str, Any]) -> tuple[Contact, ...]:

        if "contacts" not in top:
            return ()
        try:
            contacts = _ContactList.model_validate({"contacts": top["contacts"]}).contacts
        except ValidationError as error:
            self.problems += [describe(e, self.doc, _ContactList) for e in error.errors(include_url=False)]
            return ()
        seen: dict[str, int] = {}
        for index, contact in enumerate(contacts):
            if contact.id in seen:
                first = self.doc.at("contacts", seen[contact.id], "id")[0]
                self._problem(
                    self.doc.at("contacts", index, "id"), f"duplicate contact id '{contact.id}' (first at line {first})"
                )
            seen.setdefault(contact.id, index)
            if not EMAIL.match(contact.email):
                self._problem(
                    self.doc.at("contacts", index, "email"), f"'email' is not an email address: {contact.email!r}"
                )
        return contacts
