"""An ICB's returns as a bundle another body can read: a Frictionless Data Package, zipped (read unzipped too).

``datapackage.json`` describes every file with its Table Schema (so any Frictionless tool can
validate it) and says, under ``gp_quality_bundle``, whose it is: the ICB's code and name, the
edition and the core edition it builds on, the date of the register snapshot, and whether
practice-level detail was left out (``counts_only``).

Always present (counts, no practice named):

* ``places.csv``: per sub-ICB location, the active practices of the register and how many sent
  a valid return, an invalid one, or none (a return from outside the register: place ``""``);
* ``domains.csv``: per domain, whether it is core; on its core questions, the practices rated
  red, amber and green and the answers flagging a risk; and the support requests made in it;
* ``questions.csv``: every question id, whether it is core, its domain, and on core questions how
  many valid returns answered it and how many answers flag a risk;
* ``cqc_counts.csv`` (when the ICB keeps CQC ratings): practices by overall rating, for those that
  sent a valid return and those that did not.

Unless ``counts_only``, practice by practice:

* ``register.csv``: practice → sub-ICB location → ICB → region, as the snapshot had them;
* ``returns.csv``: each practice's status and when its return was received;
* ``answers.csv``: the answers of each valid return, keyed by practice code, edition and question id
  (answers only: comments and action plans stay with the ICB);
* ``cqc.csv`` (when the ICB keeps CQC ratings): each practice's CQC ratings.

Reading a bundle trusts nothing in it: every file is looked for by its fixed name (never by a
name the bundle gives), every row checked, and any problem raised as :class:`BundleError` in words.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIND = "gp-quality-returns-bundle"
VERSION = 1
DESCRIPTOR = "datapackage.json"
MAX_MEMBER = 512 * 1024 * 1024
"""The largest file a bundle may hold unpacked (the answers of every practice in England are far less)."""
STATUSES = ("valid", "invalid", "missing")
CQC_OVERALL = ("Outstanding", "Good", "Requires improvement", "Inadequate", "")
"""Overall ratings as counted; '' for no published rating."""
_ICB_CODE = re.compile(r"^[A-Z0-9]{3}$")
_EDITION = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class BundleError(Exception):
    """A bundle cannot be written or read; the message says why in words."""


@dataclass(frozen=True)
class PlaceCount:
    sub_icb: str
    """The sub-ICB location's code, or '' for returns from practices outside the register."""
    active: int
    valid: int
    invalid: int
    missing: int


@dataclass(frozen=True)
class DomainCount:
    domain_id: str
    title: str
    core: bool
    red: int
    amber: int
    green: int
    risks: int
    """Answers to the domain's core questions that flag a risk."""
    support: int
    """Support requests made in the domain."""


@dataclass(frozen=True)
class QuestionCount:
    question_id: str
    domain_id: str
    core: bool
    answered: int
    risks: int


@dataclass(frozen=True)
class CqcCount:
    overall: str
    """One of :data:`CQC_OVERALL`."""
    returned: int
    not_returned: int


@dataclass(frozen=True)
class RegisterEntry:
    practice_code: str
    practice_name: str
    sub_icb: str
    icb: str
    region: str


@dataclass(frozen=True)
class ReturnEntry:
    practice_code: str
    status: str
    received_at: str


@dataclass(frozen=True)
class AnswerEntry:
    practice_code: str
    edition: str
    question_id: str
    answer: str


CQC_COLUMNS = (
    "practice_code", "cqc_location_id", "overall", "safe", "effective", "caring", "responsive", "well_led",
    "published", "inherited",
)  # fmt: skip


@dataclass(frozen=True)
class Bundle:
    icb_code: str
    icb_name: str
    edition_id: str
    core_edition_id: str
    register_date: str
    """The date of the register snapshot, YYYY-MM-DD ('' when no register was given)."""
    exported_at: str
    counts_only: bool
    places: tuple[PlaceCount, ...]
    domains: tuple[DomainCount, ...]
    questions: tuple[QuestionCount, ...]
    cqc: tuple[CqcCount, ...] = ()
    register: tuple[RegisterEntry, ...] = ()
    returns: tuple[ReturnEntry, ...] = ()
    answers: tuple[AnswerEntry, ...] = ()
    cqc_ratings: tuple[tuple[str, ...], ...] = ()
    """Rows of :data:`CQC_COLUMNS`."""

    @property
    def core_ids(self) -> list[str]:
        return [q.question_id for q in self.questions if q.core]


def _field(name: str, kind: str = "string", required: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "type": kind}
    if required:
        found["constraints"] = {"required": True}
    return found


_YES_NO = {"name": "core", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
SCHEMAS: dict[str, list[dict[str, Any]]] = {
    "places": [_field("sub_icb_code", required=False)]
    + [_field(n, "integer") for n in ("active_practices", "valid", "invalid", "missing")],
    "domains": [_field("domain_id"), _field("domain_title"), _YES_NO]
    + [_field(n, "integer") for n in ("red", "amber", "green", "risks", "support_requests")],
    "questions": [_field("question_id"), _field("domain_id"), _YES_NO, _field("answered", "integer"),
                  _field("risks", "integer")],
    "cqc_counts": [_field("overall", required=False), _field("returned", "integer"),
                   _field("not_returned", "integer")],
    "register": [_field("practice_code"), _field("practice_name"), _field("sub_icb_code", required=False),
                 _field("icb_code"), _field("region_code", required=False)],
    "returns": [_field("practice_code"), _field("status"), _field("received_at", required=False)],
    "answers": [_field("practice_code"), _field("edition"), _field("question_id"), _field("answer", required=False)],
    "cqc": [_field(c, required=c in ("practice_code",)) for c in CQC_COLUMNS],
}  # fmt: skip
"""Each file's Table Schema fields, in column order."""
PRIMARY_KEYS = {"domains": ["domain_id"], "questions": ["question_id"],
                "register": ["practice_code"], "returns": ["practice_code"],
                "answers": ["practice_code", "edition", "question_id"], "cqc": ["practice_code"]}  # fmt: skip
PRACTICE_LEVEL = ("register", "returns", "answers", "cqc")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _tables(bundle: Bundle) -> dict[str, list[Sequence[object]]]:
    tables: dict[str, list[Sequence[object]]] = {
        "places": [(p.sub_icb, p.active, p.valid, p.invalid, p.missing) for p in bundle.places],
        "domains": [
            (d.domain_id, d.title, _yes(d.core), d.red, d.amber, d.green, d.risks, d.support) for d in bundle.domains
        ],
        "questions": [(q.question_id, q.domain_id, _yes(q.core), q.answered, q.risks) for q in bundle.questions],
    }
    if bundle.cqc:
        tables["cqc_counts"] = [(c.overall, c.returned, c.not_returned) for c in bundle.cqc]
    if not bundle.counts_only:
        tables["register"] = [(r.practice_code, r.practice_name, r.sub_icb, r.icb, r.region) for r in bundle.register]
        tables["returns"] = [(r.practice_code, r.status, r.received_at) for r in bundle.returns]
        tables["answers"] = [(a.practice_code, a.edition, a.question_id, a.answer) for a in bundle.answers]
        if bundle.cqc_ratings:
            tables["cqc"] = list(bundle.cqc_ratings)
    return tables


def _csv(fields: list[dict[str, Any]], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f["name"] for f in fields])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def descriptor(bundle: Bundle, names: Iterable[str]) -> dict[str, Any]:
    """The Data Package descriptor of ``bundle`` holding the tables ``names``."""
    return {
        "profile": "tabular-data-package",
        "name": f"gp-quality-returns-{bundle.icb_code.lower()}-{bundle.edition_id}",
        "title": f"{bundle.icb_name}: returns to the GP quality and safety self-assessment {bundle.edition_id}",
        "created": bundle.exported_at,
        "gp_quality_bundle": {
            "kind": KIND,
            "version": VERSION,
            "icb_code": bundle.icb_code,
            "icb_name": bundle.icb_name,
            "edition": bundle.edition_id,
            "core_edition": bundle.core_edition_id,
            "register_date": bundle.register_date,
            "counts_only": bundle.counts_only,
        },
        "resources": [
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": SCHEMAS[name]}
                | ({"primaryKey": PRIMARY_KEYS[name]} if name in PRIMARY_KEYS else {}),
            }
            for name in names
        ],
    }


def files(bundle: Bundle) -> dict[str, bytes]:
    """The bundle's files by name: its descriptor and a CSV file per table."""
    tables = _tables(bundle)
    found = {f"{name}.csv": _csv(SCHEMAS[name], rows) for name, rows in tables.items()}
    found[DESCRIPTOR] = (json.dumps(descriptor(bundle, tables), indent=2, ensure_ascii=False) + "\n").encode()
    return found


def zipped(bundle: Bundle) -> bytes:
    """The bundle as one zip file (the same bytes for the same bundle: members sorted, dates fixed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files(bundle).items()):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


# Reading ----------------------------------------------------------------------------------------


class _Source:
    """The files of a bundle, a zip or a folder, looked for by fixed names only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            return
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "it is not a zip file"
            raise BundleError(
                f"{path}: not a bundle made by toolkit export ({reason}); give the .zip file or the folder it wrote"
            ) from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def read(self, name: str) -> bytes | None:
        try:
            if self._zip is None:
                member = self.path / name
                if not member.is_file():
                    return None
                if member.stat().st_size > MAX_MEMBER:
                    raise BundleError(f"{self.path}: {name} is larger than a bundle's file may be")
                return member.read_bytes()
            try:
                info = self._zip.getinfo(name)
            except KeyError:
                return None
            if info.file_size > MAX_MEMBER:
                raise BundleError(f"{self.path}: {name} is larger than a bundle's file may be")
            with self._zip.open(info) as handle:
                data = handle.read(MAX_MEMBER + 1)
            if len(data) > MAX_MEMBER:
                raise BundleError(f"{self.path}: {name} is larger than a bundle's file may be")
            return data
        except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, ValueError) as error:
            raise BundleError(f"{self.path}: {name} cannot be read: the bundle is damaged ({error})") from None


def _rows(source: _Source, name: str, required: bool) -> list[dict[str, str]] | None:
    data = source.read(f"{name}.csv")
    if data is None:
        if required:
            raise BundleError(f"{source.path}: {name}.csv is missing: the bundle is incomplete or damaged")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BundleError(f"{source.path}: {name}.csv is not UTF-8 text: the bundle is damaged") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        wanted = [f["name"] for f in SCHEMAS[name]]
        if header != wanted:
            raise BundleError(
                f"{source.path}: {name}.csv has the columns {','.join(header or [])!r}, not {','.join(wanted)!r}"
            )
        found = []
        for number, row in enumerate(reader, start=2):
            if len(row) != len(wanted):
                raise BundleError(f"{source.path}: {name}.csv row {number} has {len(row)} values, not {len(wanted)}")
            found.append(dict(zip(wanted, row, strict=True)))
    except csv.Error as error:
        raise BundleError(f"{source.path}: {name}.csv cannot be read as CSV ({error})") from None
    return found


def _int(source: Path, name: str, row: Mapping[str, str], column: str) -> int:
    value = row[column].strip()
    if not value.isdigit() or len(value) > 9:
        raise BundleError(f"{source}: {name}.csv: {column} must be a whole number of 0 or more; got {value[:40]!r}")
    return int(value)


def _core(source: Path, name: str, value: str) -> bool:
    if value not in ("yes", "no"):
        raise BundleError(f"{source}: {name}.csv: core must be yes or no; got {value[:40]!r}")
    return value == "yes"


def _meta(source: _Source) -> dict[str, Any]:
    data = source.read(DESCRIPTOR)
    where = source.path
    if data is None:
        raise BundleError(f"{where}: not a bundle made by toolkit export (it holds no {DESCRIPTOR})")
    try:
        described = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{where}: {DESCRIPTOR} is not JSON: the bundle is damaged ({error})") from None
    meta = described.get("gp_quality_bundle") if isinstance(described, dict) else None
    if not isinstance(meta, dict) or meta.get("kind") != KIND:
        raise BundleError(
            f"{where}: a data package, but not a bundle of returns made by toolkit export (no gp_quality_bundle)"
        )
    if meta.get("version") != VERSION:
        raise BundleError(
            f"{where}: a bundle of version {meta.get('version')!r}; this toolkit reads version {VERSION}: "
            "make it again with this toolkit's export"
        )
    checks = {
        "icb_code": _ICB_CODE,
        "edition": _EDITION,
        "core_edition": _EDITION,
    }
    for key, pattern in checks.items():
        value = meta.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            raise BundleError(f"{where}: {DESCRIPTOR}: {key} is missing or not valid ({str(value)[:40]!r})")
    for key in ("icb_name", "register_date", "created"):
        value = meta.get(key, described.get(key, ""))
        if not isinstance(value, str) or len(value) > 300:
            raise BundleError(f"{where}: {DESCRIPTOR}: {key} must be text")
    if meta.get("register_date") and not _DATE.match(str(meta["register_date"])):
        raise BundleError(f"{where}: {DESCRIPTOR}: register_date must be YYYY-MM-DD")
    if not isinstance(meta.get("counts_only"), bool):
        raise BundleError(f"{where}: {DESCRIPTOR}: counts_only must be true or false")
    meta["created"] = str(described.get("created") or "")
    return meta


def read(path: Path, practices: bool = True) -> Bundle:
    """The bundle at ``path`` (a zip, or the folder ``toolkit export`` wrote); BundleError when it is not one.

    ``practices``: whether to read the practice-level tables too (a roll-up needs only the counts)."""
    source = _Source(path)
    try:
        meta = _meta(source)
        return _read(source, meta, practices)
    finally:
        source.close()


def _read(source: _Source, meta: dict[str, Any], practices: bool) -> Bundle:
    where = source.path

    def table(name: str, required: bool = True) -> list[dict[str, str]]:
        return _rows(source, name, required) or []

    def n(name: str, row: Mapping[str, str], column: str) -> int:
        return _int(where, name, row, column)

    places = tuple(
        PlaceCount(r["sub_icb_code"], *(n("places", r, c) for c in ("active_practices", "valid", "invalid", "missing")))
        for r in table("places")
    )
    domains = tuple(
        DomainCount(r["domain_id"], r["domain_title"], _core(where, "domains", r["core"]),
                    *(n("domains", r, c) for c in ("red", "amber", "green", "risks", "support_requests")))
        for r in table("domains")
    )  # fmt: skip
    questions = tuple(
        QuestionCount(r["question_id"], r["domain_id"], _core(where, "questions", r["core"]),
                      n("questions", r, "answered"), n("questions", r, "risks"))
        for r in table("questions")
    )  # fmt: skip
    cqc = tuple(
        CqcCount(r["overall"], n("cqc_counts", r, "returned"), n("cqc_counts", r, "not_returned"))
        for r in table("cqc_counts", required=False)
    )
    for count in cqc:
        if count.overall not in CQC_OVERALL:
            raise BundleError(f"{where}: cqc_counts.csv: {count.overall[:40]!r} is not a CQC rating")
    counts_only = bool(meta["counts_only"])
    practice: dict[str, list[dict[str, str]]] = {}
    if not counts_only and practices:
        for name in PRACTICE_LEVEL:
            practice[name] = table(name, required=name != "cqc")
    for r in practice.get("returns", []):
        if r["status"] not in STATUSES:
            raise BundleError(f"{where}: returns.csv: status must be one of {', '.join(STATUSES)}")
    return Bundle(
        icb_code=str(meta["icb_code"]),
        icb_name=str(meta.get("icb_name") or meta["icb_code"]),
        edition_id=str(meta["edition"]),
        core_edition_id=str(meta["core_edition"]),
        register_date=str(meta.get("register_date") or ""),
        exported_at=str(meta["created"]),
        counts_only=counts_only,
        places=places,
        domains=domains,
        questions=questions,
        cqc=cqc,
        register=tuple(
            RegisterEntry(r["practice_code"], r["practice_name"], r["sub_icb_code"], r["icb_code"], r["region_code"])
            for r in practice.get("register", [])
        ),
        returns=tuple(
            ReturnEntry(r["practice_code"], r["status"], r["received_at"]) for r in practice.get("returns", [])
        ),
        answers=tuple(
            AnswerEntry(r["practice_code"], r["edition"], r["question_id"], r["answer"])
            for r in practice.get("answers", [])
        ),
        cqc_ratings=tuple(tuple(r[c] for c in CQC_COLUMNS) for r in practice.get("cqc", [])),
    )
