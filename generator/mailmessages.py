"""Planned messages → standard email messages (RFC 5322), as .eml files with a mail-merge CSV, or to send.

The text of each kind of message is a plain-text template in ``site_templates/mail/``. A message
written as an ``.eml`` file carries ``X-Unsent: 1``, so that a mail client opens it as a draft to
send; any attachment (a correction's feedback page, a thank-you's practice summary) is in the
message itself. File names are made from the practice's code, its kind and what it is about,
never from a file's text.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.policy
import functools
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import marked_folders, outputs
from .cells import neutralised
from .remind import Planned

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates" / "mail"
MARKER = ".toolkit-mail"
MARKER_TEXT = "Made by toolkit remind (GP Quality and Safety Toolkit): messages to practices, one .eml file each.\n"
MERGE_COLUMNS = ("practice_code", "practice_name", "to", "kind", "subject", "body", "attachment", "eml_file")
_PLAIN = re.compile(r"[^A-Za-z0-9-]+")

POLICY = email.policy.SMTP.clone(max_line_length=998)
"""RFC 5322 with CRLF line ends; a header is folded only past the 998 characters the standard allows, since
Python's folding of a shorter one can move a whole subject onto a line of its own (read back with a space)."""

SUBJECTS = {
    "reminder": "{title}: your practice's return is due by {deadline}",
    "correction": "{title}: your return needs correcting ({code})",
    "acknowledgement": "{title}: your request for support ({code})",
    "thanks": "{title}: thank you for your return ({code})",
}


@dataclass(frozen=True)
class Sender:
    """Who the messages are from, and what they sign with (from toolkit.yml where it is there)."""

    address: str | None
    icb_name: str = ""
    team: str = "Quality team"
    support_email: str = ""
    support_phone: str = ""
    where_to_send: str = ""


@dataclass(frozen=True)
class Composed:
    planned: Planned
    message: EmailMessage
    attachment: str
    """The attachment's file name, or ''."""
    body: str

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


def day(value: dt.date | str | None) -> str:
    """'30 September 2031' for a date or an ISO date-time; '' for none."""
    if value is None or value == "":
        return ""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{date.day} {date:%B %Y}"


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # plain-text email: nothing here is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = day
    return env


def _header_text(text: str) -> str:
    """Text for a header: on one line, whatever a register held."""
    return " ".join(text.split())


def compose(
    planned: Planned,
    sender: Sender,
    *,
    now: dt.datetime,
    target_days: int,
    attachment: tuple[str, bytes, str] | None = None,
    draft: bool = False,
) -> Composed:
    """The message for ``planned``; ``attachment`` is (file name, bytes, MIME type), such as a summary PDF;
    a ``draft`` is marked unsent, for an .eml file a mail client sends."""
    if planned.feedback is not None:
        attachment = (
            f"{_plain(planned.practice_code)}-feedback.html",
            planned.feedback.read_bytes(),
            "text/html",
        )
    name = attachment[0] if attachment else ""
    body = (
        _environment()
        .get_template(f"{planned.kind}.txt.j2")
        .render(
            m=planned,
            attachment=name,
            target_days=target_days,
            icb_name=sender.icb_name,
            team=sender.team,
            support_email=sender.support_email,
            support_phone=sender.support_phone,
            where_to_send=sender.where_to_send,
        )
    )
    message = EmailMessage(policy=POLICY)
    if sender.address:
        message["From"] = sender.address
    message["To"] = ", ".join(planned.to)
    message["Subject"] = _header_text(
        SUBJECTS[planned.kind].format(
            title=planned.edition_title, deadline=day(planned.deadline), code=planned.practice_code
        )
    )
    message["Date"] = format_datetime(now)
    domain = sender.address.rpartition("@")[2] if sender.address else "gp-quality-toolkit.invalid"
    message["Message-ID"] = make_msgid(f"{planned.kind}.{_plain(planned.practice_code)}", domain=domain)
    if draft:
        message["X-Unsent"] = "1"
    message.set_content(body)
    if attachment:
        maintype, _, subtype = attachment[2].partition("/")
        message.add_attachment(attachment[1], maintype=maintype, subtype=subtype, filename=attachment[0])
    return Composed(planned, message, name, body)


def _plain(text: str) -> str:
    return _PLAIN.sub("-", text).strip("-")[:40] or "practice"


def eml_name(planned: Planned) -> str:
    """'Y00003-thanks-return-12.eml': the practice, the kind and what it is about, in plain characters."""
    return f"{_plain(planned.practice_code)}-{planned.kind}-{_plain('-'.join(planned.keys))}.eml"


def eml_bytes(composed: Composed) -> bytes:
    """The message as an .eml file (compose it with ``draft=True``: a mail client opens it ready to send)."""
    return composed.message.as_bytes()


def folder_refused(folder: Path, around: Sequence[outputs.Place]) -> str | None:
    """Why ``folder`` may not hold the messages; None when it may (new, empty, or one toolkit remind made)."""
    return marked_folders.refused(folder, around, MARKER, "toolkit remind")


def write(folder: Path, composed: Sequence[Composed], stamp: dt.datetime) -> list[Path]:
    """Each message as an .eml file, and a mail-merge CSV of them all, into ``folder`` (made and marked)."""
    marked_folders.mark(folder, MARKER, MARKER_TEXT)
    written: list[Path] = []
    rows: list[Mapping[str, str]] = []
    for one in composed:
        path = folder / eml_name(one.planned)
        outputs.write_file(path, eml_bytes(one), force=True)
        written.append(path)
        rows.append(
            {
                "practice_code": one.planned.practice_code,
                "practice_name": one.planned.practice_name,
                "to": "; ".join(one.planned.to),
                "kind": one.planned.kind,
                "subject": one.subject,
                "body": one.body,
                "attachment": one.attachment,
                "eml_file": path.name,
            }
        )
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=MERGE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralised(v) for k, v in row.items()})
    merge = folder / f"mail-merge-{stamp:%Y%m%d-%H%M%S}.csv"
    outputs.write_file(merge, text.getvalue().encode("utf-8-sig"), force=True)
    written.append(merge)
    return written
