"""The public status page: for each practice in the register, whether its return was received and valid, and when.

Off by default; ``toolkit build --status-page`` puts it in the site at ``status/index.html``. It says
nothing of any answer, nor what was wrong with a return that needs correcting (a problem may quote an
answer): only received and valid, received and needing correction, or not received, with the day it
arrived. The NHS's own Data Security and Protection Toolkit publishes status in the same way.

The page is one self-contained HTML file (no script, no outside request), built from the collector's
ledger and the practice register; the site's up-to-date check fingerprints both, so a new return
rebuilds the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jinja2 import Environment, StrictUndefined, select_autoescape

from ..load import display
from ..model import Library
from ..problems import Problem
from ..settings import Settings

PAGE = Path("status") / "index.html"
Status = Literal["valid", "invalid", "missing"]
WORDS: dict[Status, str] = {
    "valid": "Received and valid",
    "invalid": "Received: needs correcting",
    "missing": "Not received",
}


@dataclass(frozen=True)
class StatusSource:
    """Where the page's facts come from."""

    store: Path
    """The store ``toolkit collect`` writes (its ledger)."""
    register: Path | None
    """The practice register (a simple CSV or epraccur); None: toolkit.yml's."""
    icb: str | None = None
    """The ICB's code, to keep its practices from an epraccur register; None: toolkit.yml's."""


@dataclass(frozen=True)
class PracticeStatus:
    practice_code: str
    practice_name: str
    place: str
    status: Status
    received: str
    """The day the return that counts arrived (YYYY-MM-DD), or ''."""


def inputs(source: StatusSource | None, register: Path | None = None) -> list[Path]:
    """The files the page is made from, for the build's fingerprint."""
    if source is None:
        return []
    from ..report.ledger import ledger_path

    listed = source.register or register
    return [ledger_path(source.store), *([listed] if listed is not None else [])]


_TEMPLATE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Returns received: {{ edition_title }} – {{ icb_name }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 960px; margin: 0 auto; padding: 0 16px 32px; line-height: 1.45; }
a { color: #0b4f9c; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #8a8a8a; padding: 4px 6px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; }
.valid { color: #1d6b40; font-weight: bold; }
.invalid { color: #8a4b00; font-weight: bold; }
.missing { color: #4a4a4a; }
</style>
</head>
<body>
<header>
  <p><a href="../">Back to the standards</a></p>
  <h1>Returns received: {{ edition_title }}</h1>
</header>
<main>
  <p>Whether each practice's self-assessment return to {{ icb_name }} has been received and is valid, and the day it arrived. Only the status is shown here: no answer, and nothing of what a return said.</p>
  <p>{{ counts.valid }} of {{ rows | length }} practices have sent a valid return; {{ counts.invalid }} sent a return that needs correcting; {{ counts.missing }} have not sent one.{% if newest %} Returns received up to {{ newest }}.{% endif %}</p>
  <table>
    <caption>Return status by practice</caption>
    <thead><tr><th scope="col">Practice code</th><th scope="col">Practice</th>{% if places %}<th scope="col">Sub-ICB location</th>{% endif %}<th scope="col">Status</th><th scope="col">Received</th></tr></thead>
    <tbody>
    {% for r in rows %}
      <tr><td>{{ r.practice_code }}</td><td>{{ r.practice_name }}</td>{% if places %}<td>{{ r.place }}</td>{% endif %}<td class="{{ r.status }}">{{ words[r.status] }}</td><td>{{ r.received }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</main>
</body>
</html>
"""


def render(rows: list[PracticeStatus], *, edition_title: str, icb_name: str, newest: str = "") -> str:
    env = Environment(
        autoescape=select_autoescape(default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    counts = {s: sum(1 for r in rows if r.status == s) for s in WORDS}
    return env.from_string(_TEMPLATE).render(
        rows=rows,
        counts=counts,
        words=WORDS,
        places=any(r.place for r in rows),
        edition_title=edition_title,
        icb_name=icb_name,
        newest=newest,
    )


def statuses(
    practices: dict[str, str], places: dict[str, str], chosen: dict[str, tuple[bool, str]]
) -> list[PracticeStatus]:
    """Each practice of the register, in its order: its status from its chosen return (valid?, received at)."""
    rows = []
    for code, name in practices.items():
        held = chosen.get(code)
        status: Status = "missing" if held is None else "valid" if held[0] else "invalid"
        rows.append(PracticeStatus(code, name, places.get(code, ""), status, held[1][:10] if held else ""))
    return rows


def write_into(site: Path, source: StatusSource | None, library: Library, icb: Settings) -> list[Problem]:
    """Write the status page into the built ``site`` when ``source`` is given; the problems that stop it."""
    if source is None:
        return []
    from ..report.inputs import read_register
    from ..report.ledger import LedgerError, ledger_path, read_returns
    from ..returns.register import RegisterError

    path = source.register or icb.register
    if path is None:
        message = "the status page lists the practices of the register: give --register, or name it in toolkit.yml"
        return [Problem("toolkit.yml", 0, 0, message)]
    edition = library.current()
    if edition is None:
        return []
    try:
        listed = read_register(path, source.icb or icb.icb.ods_code)
    except RegisterError as error:
        return [Problem(display(path), 0, 0, f"the status page cannot read the register: {error}")]
    chosen: dict[str, tuple[bool, str]] = {}
    if ledger_path(source.store).is_file():
        try:
            returns = read_returns(source.store, edition.id, notes=False)
        except LedgerError as error:
            return [Problem(display(source.store), 0, 0, f"the status page cannot read the store: {error}")]
        chosen = {code: (sub.valid, sub.received_at) for code, sub in returns.chosen().items()}
    rows = statuses(listed.practices, listed.places, chosen)
    newest = max((r.received for r in rows if r.received), default="")
    page = site / PAGE
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        render(rows, edition_title=edition.info.title, icb_name=icb.icb.name, newest=newest),
        encoding="utf-8",
    )
    return []
