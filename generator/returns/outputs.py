"""The ledger → what the ICB reads and sends back: status.csv, and for each return with problems a
feedback page (HTML) and a CSV of its problems.

All of it is made from the ledger alone, afresh on every run, each file written whole
(through a temporary file and a rename): the outputs always agree with the ledger.
Cells that a spreadsheet would take for a formula are written with a leading apostrophe
(:mod:`generator.cells`), so that opening a CSV never runs what a practice typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..cells import neutralised
from .counts import rank
from .messages import ReturnProblem, grouped
from .store import TMP_FOLDER, Store, Submission

STATUS_FILE = "status.csv"
FEEDBACK_FOLDER = "feedback"
STATUS_COLUMNS = ("edition", "practice_code", "practice_name", "status", "problems", "received_at", "source")
PROBLEM_COLUMNS = ("file_name", "where", "column", "value", "severity", "problem", "guidance")


def write_whole(path: Path, text: str, scratch: Path) -> None:
    """Write ``text`` to ``path`` through a temporary file in ``scratch``, so a reader never sees half of it.

    ``scratch`` is the store's ``tmp/`` folder, emptied at the start of every run: a run killed
    while writing leaves nothing behind beside the outputs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = scratch / f"{path.name}.{os.getpid()}.tmp"
    temporary.write_text(text, encoding="utf-8", newline="")
    temporary.replace(path)


def _csv_text(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralised(v) for k, v in row.items()})
    return out.getvalue()


_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")
"""What a part of a feedback file's name may be: an ODS code or an edition id, never a path."""


def _name_part(text: str, otherwise: str) -> str:
    return text if _NAME_PART.fullmatch(text) else otherwise


def feedback_path(sub: Submission) -> str:
    """Where a submission's feedback page is, relative to the store."""
    return feedback_file(sub.edition, sub.practice_code, sub.id)


def feedback_file(edition: str, practice_code: str, submission_id: int) -> str:
    """Where the feedback page of submission ``submission_id`` is, relative to the store.

    The edition and practice code come from what a return said: each is used only when it is a
    plain code (letters, digits, hyphens), so no text from a file can choose a folder.
    """
    folder = _name_part(edition, "no-edition")
    return f"{FEEDBACK_FOLDER}/{folder}/{_name_part(practice_code, 'unknown')}-{submission_id}.html"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts_text(sub: Submission) -> str:
    """'2 errors, 1 warning'."""
    return f"{_plural(sub.errors, 'error')}, {_plural(sub.warnings, 'warning')}"


# --- status.csv ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeStatus:
    edition: str
    practice_code: str
    practice_name: str
    status: str
    """'valid', 'invalid' or 'missing'."""
    problems: str
    received_at: str
    source: str


def chosen(subs: list[Submission]) -> Submission:
    """A practice's return that counts (see :mod:`.counts`): its newest valid one, else its newest one."""
    return max(subs, key=lambda s: rank(s.status == "valid", s.received_at, s.id))


def practice_statuses(
    submissions: Iterable[Submission], register: Mapping[str, str] | None, edition: str = ""
) -> list[PracticeStatus]:
    """One status per practice for ``edition``: every practice of the register (in its order) and any other that
    sent a return."""
    by_practice: dict[str, list[Submission]] = {}
    for sub in submissions:
        if sub.practice_code:
            by_practice.setdefault(sub.practice_code, []).append(sub)
    codes = list(register or {}) + sorted(c for c in by_practice if register is None or c not in register)
    statuses = []
    for code in codes:
        name = (register or {}).get(code, "")
        subs = by_practice.get(code)
        if not subs:
            statuses.append(PracticeStatus(edition, code, name, "missing", "", "", ""))
            continue
        sub = chosen(subs)
        notes = []
        if sub.errors or sub.warnings:
            first = next((p["message"] for p in sub.problems if p.get("severity") == "error"), "")
            notes.append(f"{counts_text(sub)}{': ' + first if first else ''} (see {feedback_path(sub)})")
        newer = [s for s in subs if s.status == "invalid" and (s.received_at, s.id) > (sub.received_at, sub.id)]
        if newer:
            last = newer[-1]
            notes.append(
                f"a newer return, {last.file_name}, has {counts_text(last)} and does not replace this one "
                f"(see {feedback_path(last)})"
            )
        statuses.append(PracticeStatus(edition, code, name, sub.status, "; ".join(notes), sub.received_at, sub.source))
    return statuses


def status_file(edition: str) -> str:
    """The status file kept for one edition: ``status-2025-26.csv``."""
    return f"status-{_name_part(edition, 'no-edition')}.csv"


def write_status(store: Store, edition: str, register: Mapping[str, str] | None) -> list[PracticeStatus]:
    """The edition's status, kept per edition (``status-<edition>.csv``) and as ``status.csv``, the edition
    collected last: collecting another edition no longer loses the first one's."""
    statuses = practice_statuses(store.submissions(edition), register, edition)
    rows = [{c: getattr(s, c) for c in STATUS_COLUMNS} for s in statuses]
    text = _csv_text(STATUS_COLUMNS, rows)
    for name in (status_file(edition), STATUS_FILE):
        write_whole(store.root / name, text, store.root / TMP_FOLDER)
    return statuses


# --- feedback --------------------------------------------------------------------------------------------


def problems_csv(sub: Submission) -> str:
    found = [ReturnProblem.from_json(p) for p in sub.problems]
    rows = [
        {
            "file_name": sub.file_name,
            "where": p.place,
            "column": p.column,
            "value": p.value,
            "severity": p.severity,
            "problem": p.message,
            "guidance": p.guidance,
        }
        for p in found
    ]
    return _csv_text(PROBLEM_COLUMNS, rows)


_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #212b32; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .4em .6em; border-bottom: 1px solid #d8dde0; }
th { background: #f0f4f5; } dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; } dt { font-weight: bold; }
a { color: var(--toolkit-brand, #005eb8); } .value { font-family: monospace; }
.from { border-left: .4em solid var(--toolkit-brand, #005eb8); padding-left: .6em; font-weight: bold; }
"""


def _day(received_at: str) -> str:
    try:
        day = dt.date.fromisoformat(received_at[:10])
    except ValueError:
        return received_at
    return f"{day.day} {day:%B %Y}"


def _table(problems: list[ReturnProblem]) -> str:
    rows = []
    for found, places in grouped(problems):
        link = (
            f'<br><a href="{html.escape(found.guidance)}">Guidance for {html.escape(found.question_id or "this question")}</a>'
            if found.guidance
            else ""
        )
        rows.append(
            "<tr>"
            f"<td>{html.escape(places or 'the whole return')}</td>"
            f"<td>{html.escape(found.column)}</td>"
            f'<td class="value">{html.escape(found.value)}</td>'
            f"<td>{html.escape(found.message)}{link}</td>"
            "</tr>"
        )
    return (
        "<table><thead><tr><th>Where</th><th>Column</th><th>Value</th><th>What to do</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def feedback_page(
    sub: Submission,
    practice_name: str,
    edition_title: str,
    icb: Mapping[str, object] | None = None,
    send: str = "",
) -> str:
    """The page the ICB sends back to a practice: every problem of its return, in words it can act on.

    ``icb`` is the ICB's settings as data (toolkit.yml, ``Settings.as_data``): the page says who it is from, in
    the ICB's colour, and whom to ask; ``send`` says how and by when to send the return again.
    """
    found = [ReturnProblem.from_json(p) for p in sub.problems]
    errors = [p for p in found if p.severity == "error"]
    warnings = [p for p in found if p.severity == "warning"]
    if sub.status == "invalid":
        title = "Your self-assessment return needs correcting"
        lead = (
            f"We received your return but cannot accept it yet: it has {_plural(len(errors), 'problem')} to correct. "
            "Please correct them and send the whole return again, the same way as before."
        )
    else:
        title = "Your self-assessment return: points to look at"
        lead = "We received your return and have accepted it. Please look at the points below."
    practice = " ".join(part for part in (sub.practice_code, practice_name and f"({practice_name})") if part)
    facts = [
        ("Practice", practice or "not given"),
        ("Standards", edition_title or sub.edition),
        ("File", sub.file_name),
        ("Received", _day(sub.received_at)),
    ]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}: {html.escape(sub.file_name)}</title>",
        f"<style>{_brand(icb)}{_STYLE}</style></head><body><main>",
        *_from(icb),
        f"<h1>{html.escape(title)}</h1>",
        "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts) + "</dl>",
        f"<p>{html.escape(lead)}</p>",
    ]
    if send and sub.status == "invalid":
        parts.append(f"<p>{html.escape(send)}</p>")
    if errors:
        parts += [f"<h2>To correct ({len(errors)})</h2>", _table(errors)]
    if warnings:
        parts += [f"<h2>Worth a look ({len(warnings)})</h2>", _table(warnings)]
    parts += _ask(icb)
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _brand(icb: Mapping[str, object] | None) -> str:
    colour = str((icb or {}).get("colour") or "")
    return f":root {{ --toolkit-brand: {colour}; }}" if _COLOUR.match(colour) else ""


def _from(icb: Mapping[str, object] | None) -> list[str]:
    if not icb:
        return []
    return [f'<p class="from">{html.escape(str(icb["team"]))}, {html.escape(str(icb["name"]))}</p>']


def _ask(icb: Mapping[str, object] | None) -> list[str]:
    if not icb:
        return []
    email = html.escape(str(icb["support_email"]))
    phone = f", telephone {html.escape(str(icb['support_phone']))}" if icb.get("support_phone") else ""
    return [
        "<h2>Questions</h2>",
        f"<p>Ask {html.escape(str(icb['team']))} at {html.escape(str(icb['name']))}: "
        f'<a href="mailto:{email}">{email}</a>{phone}.</p>',
    ]


def write_feedback(
    store: Store,
    register: Mapping[str, str] | None,
    titles: Mapping[str, str],
    new: Collection[int],
    icb: Mapping[str, object] | None = None,
    sending: Mapping[str, str] | None = None,
) -> int:
    """A feedback page and a problems CSV for each submission with problems: those in ``new`` and any whose page
    or CSV is missing (earlier ones stand: a submission never changes). How many were written.

    The CSV is written before the page, so a run killed between the two leaves the page missing,
    and the next run writes both.
    """
    written = 0
    scratch = store.root / TMP_FOLDER
    for sub in store.with_problems():
        page = store.root / feedback_path(sub)
        table = page.with_name(page.stem + "-problems.csv")
        if sub.id not in new and page.exists() and table.exists():
            continue
        write_whole(table, problems_csv(sub), scratch)
        name = (register or {}).get(sub.practice_code, "")
        send = (sending or {}).get(sub.edition, "")
        write_whole(page, feedback_page(sub, name, titles.get(sub.edition, ""), icb, send), scratch)
        written += 1
    return written
