"""A generated population of returns with known answers, collected by the toolkit's collector, for the report's tests.

Two small editions live in ``tests/fixtures/report``: 2030-31 and 2031-32, which follows
it (AL1.1 unchanged, AL1.2 reworded, BE1.1 replaces BE1.9, BE1.2 new, AL1.7 removed).

Practice ``i`` (0-based) of the 2031-32 population answers by a rule of ``i``, so that
every count can be worked out by hand; see :func:`answers_2031`.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import functools
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.load import load_library
from generator.model import Library

FIXTURE = Path(__file__).parent / "fixtures" / "report"
CURRENT = "2031-32"
PREVIOUS = "2030-31"

YNPN = ("yes", "partial", "no", "not applicable")


def library() -> Library:
    loaded = load_library(FIXTURE)
    assert not loaded.problems, loaded.problems
    return loaded.library


def code(i: int) -> str:
    return f"Y{i:05d}"


Row = dict[str, str]

COMMENTS = {0: '=HYPERLINK("http://x.example","click")', 5: "=1+1", 10: "<script>alert(1)</script> & more"}
"""Comments on AL1.2 (answered no by practices 0, 5, 10…): formulas a spreadsheet must not run, markup a page must not run."""


def _row(question_id: str, answer: str, comment: str = "", action: str = "", owner: str = "", due: str = "") -> Row:
    return {
        "question_id": question_id,
        "answer": answer,
        "comment": comment,
        "action": action,
        "action_owner": owner,
        "action_due": due,
    }


def answers_2031(i: int) -> list[Row]:
    """The answers of practice ``i`` to 2031-32 (received 2031-06-15).

    * AL1.1: yes / partial / no / not applicable by ``i % 4``;
    * AL1.2: no when ``i % 5 == 0``, else yes;
    * AL1.3: 50 when ``i % 10 == 3`` (below the limit of 80), else 95;
    * AL1.4: 2029-01-01 (too old) when ``i % 6 == 0``, else 2031-01-01;
    * AL1.5: Free text when ``i == 7``, else Coded;
    * AL1.2's comment: :data:`COMMENTS` for practices 0, 5 and 10;
    * AL1.6: left out when ``i`` is odd, else '+44 notes' (an answer that starts with '+');
    * BE1.1: no when ``i % 3 == 0``, else yes; BE1.2: yes, left out when ``i % 2``;
      BE1.3: yes (no risk rule);
    * AL0.1 (support): yes when ``i % 7 == 0``; BE0.1: yes when ``i == 1``; else no.
    """
    rows = [
        _row(
            "AL1.1",
            YNPN[i % 4],
            action="Review the policy" if i % 4 in (1, 2) else "",
            owner="Practice manager" if i % 4 == 1 else "",
        ),
        _row("AL1.2", "no" if i % 5 == 0 else "yes", comment=COMMENTS.get(i, "")),
        _row("AL1.3", "50" if i % 10 == 3 else "95"),
        _row("AL1.4", "2029-01-01" if i % 6 == 0 else "2031-01-01"),
        _row("AL1.5", "Free text" if i == 7 else "Coded"),
        _row(
            "BE1.1",
            "no" if i % 3 == 0 else "yes",
            comment="@SUM(1+1)" if i == 3 else "",
            due="2031-12-31" if i % 3 == 0 else "",
        ),
        _row("BE1.3", "yes"),
        _row("AL0.1", "yes" if i % 7 == 0 else "no", comment=f"Help with training {i}" if i % 7 == 0 else ""),
        _row("BE0.1", "yes" if i == 1 else "no", comment="-1 fire doors" if i == 1 else ""),
    ]
    if i % 2 == 0:
        rows.append(_row("AL1.6", "+44 notes", comment="plain"))
        rows.append(_row("BE1.2", "yes"))
    return rows


def answers_2030(i: int) -> list[Row]:
    """Last year's answers of practice ``i`` to 2030-31 (received 2030-06-15).

    AL1.1 no for every practice; AL1.2 yes; AL1.3 95; AL1.4 2030-01-01; AL1.5 Coded;
    AL1.7 no; BE1.9 no when ``i % 2 == 0``; BE1.3 yes; support no.
    """
    return [
        _row("AL1.1", "no"),
        _row("AL1.2", "yes"),
        _row("AL1.3", "95"),
        _row("AL1.4", "2030-01-01"),
        _row("AL1.5", "Coded"),
        _row("AL1.7", "no"),
        _row("BE1.9", "no" if i % 2 == 0 else "yes"),
        _row("BE1.3", "yes"),
        _row("AL0.1", "no"),
        _row("BE0.1", "no"),
    ]


@dataclass
class Sent:
    """One file a practice sent: its answers (a valid return), or a broken return or another file."""

    practice_code: str
    edition: str
    received_at: str
    """When it arrived: the file's modification time, which the collector records."""
    rows: list[Row] = field(default_factory=list)
    file_name: str = ""
    content: bytes = b""
    """The file's bytes when it is no return CSV."""


VALID_2031 = 30
INVALID_2031 = 5
MISSING_2031 = 5
REGISTER_SIZE = VALID_2031 + INVALID_2031 + MISSING_2031
VALID_2030 = 20


def _maybe(rows: list[Row]) -> list[Row]:
    """The same answers with AL1.1 answered 'maybe', which makes the return invalid."""
    return [dict(r, answer="maybe") if r["question_id"] == "AL1.1" else r for r in rows]


def population() -> list[Sent]:
    """Practices 0–29 valid, 30–34 invalid, 35–39 missing for 2031-32; 0–19 valid for 2030-31.

    Practice 0 also sent an earlier valid return (AL1.1 'no', superseded by its later one,
    where it is 'yes') and practice 2 a later invalid one (its valid return still stands).
    One file, a PDF, is no return and names no practice.
    """
    sent: list[Sent] = []
    for i in range(VALID_2030):
        sent.append(Sent(code(i), PREVIOUS, "2030-06-15T09:00:00Z", answers_2030(i)))
    early = [dict(r, answer="no") if r["question_id"] == "AL1.1" else r for r in answers_2031(0)]
    sent.append(Sent(code(0), CURRENT, "2031-05-01T09:00:00Z", early, "Y00000-draft.csv"))
    for i in range(VALID_2031):
        sent.append(Sent(code(i), CURRENT, f"2031-06-15T09:{i:02d}:00Z", answers_2031(i)))
    for i in range(VALID_2031, VALID_2031 + INVALID_2031):
        sent.append(Sent(code(i), CURRENT, "2031-06-16T09:00:00Z", _maybe(answers_2031(i))))
    sent.append(Sent(code(2), CURRENT, "2031-07-01T09:00:00Z", _maybe(answers_2031(2)), "Y00002-again.csv"))
    sent.append(
        Sent("", CURRENT, "2031-06-20T09:00:00Z", file_name="scan.pdf", content=b"%PDF-1.4\n%\xe2\xe3 a scan\n")
    )
    return sent


def register_rows() -> list[tuple[str, str]]:
    return [(code(i), f"Practice {i}") for i in range(REGISTER_SIZE)]


def write_register(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["practice_code", "practice_name"])
        writer.writerows(register_rows())
    return path


COLUMNS = ("practice_code", "edition", "question_id", "answer", "comment", "action", "action_owner", "action_due")


def write_files(folder: Path, sent: list[Sent]) -> Path:
    """Each file into ``folder`` (one sub-folder per edition), dated as received."""
    for s in sent:
        path = folder / s.edition / (s.file_name or f"{s.practice_code}.csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        if s.content:
            path.write_bytes(s.content)
        else:
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(COLUMNS)
                for r in s.rows:
                    writer.writerow([s.practice_code, s.edition, *(r[c] for c in COLUMNS[2:])])
        stamp = dt.datetime.fromisoformat(s.received_at.replace("Z", "+00:00")).timestamp()
        os.utime(path, (stamp, stamp))
    return folder


def collect_into(store: Path, editions: tuple[str, ...] = (PREVIOUS, CURRENT)) -> Path:
    """The population's files to ``editions``, collected into ``store`` by the toolkit's collector."""
    from generator.returns.collect import Options, collect

    inbox = write_files(store.parent / f"{store.name}-inbox", [s for s in population() if s.edition in editions])
    register = write_register(store.parent / f"{store.name}-practices.csv")
    for edition in editions:
        outcome = collect(
            Options(
                sources=[str(inbox / edition)],
                store=store,
                edition=edition,
                standards=FIXTURE,
                register=register,
                jobs=1,
                site_url="https://standards.example.nhs.uk/",
            )
        )
        assert not outcome.failed, outcome.problems
    return store


@functools.cache
def collected(editions: tuple[str, ...] = (PREVIOUS, CURRENT)) -> Path:
    """A store holding the population, collected once per test run (read-only for the tests)."""
    root = Path(tempfile.mkdtemp(prefix="report-population-"))
    atexit.register(shutil.rmtree, root, True)
    return collect_into(root / "store", editions)
