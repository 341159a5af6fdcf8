"""The regional figures → ``report.html`` and one CSV file per table, written into place together.

The HTML is laid out by ``site_templates/report/rollup.html.j2`` with the ICB report's styles: no
script, no outside request, everything from a bundle escaped. The CSV files are neutralised for
spreadsheets as the ICB report's are (:mod:`generator.report.exports`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..report.exports import write_csv
from ..report.figures import percent
from ..report.tables import Column, Table
from .combine import Regional

TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates" / "report"
REPORT_HTML = "report.html"
STATUSES = ("valid", "invalid", "missing")


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def tables(regional: Regional) -> list[Table]:
    """The regional report's tables, in the order of its HTML."""
    icbs = [i.icb_code for i in regional.icbs]
    returns = Table(
        "rollup_returns",
        "Returns received against active practices, by ICB and sub-ICB location",
        (Column("icb_code", width=10), Column("icb_name", width=36), Column("edition", width=10),
         Column("sub_icb_code", width=12), Column("active_practices", "number", 10), Column("received", "number", 10),
         *(Column(s, "number", 9) for s in STATUSES)),
        [(i.icb_code, i.icb_name, i.edition_id, p.sub_icb, p.active, p.valid + p.invalid, p.valid, p.invalid, p.missing)
         for i in regional.icbs for p in i.places],
    )  # fmt: skip
    domains = Table(
        "rollup_domains",
        "Core domains: practices rated red, amber and green, and risks, by ICB",
        (Column("domain_id", width=24), Column("domain", width=36), Column("icb_code", width=10),
         *(Column(c, "number", 8) for c in ("red", "amber", "green")),
         *(Column(f"{c}_percent", "percent", 10) for c in ("red", "amber", "green")), Column("risks", "number", 8)),
        [(d.domain_id, d.title, d.icb_code, d.red, d.amber, d.green, _pct(d.share(d.red)), _pct(d.share(d.amber)),
          _pct(d.share(d.green)), d.risks) for d in regional.domains],
    )  # fmt: skip
    questions = Table(
        "rollup_questions",
        f"Core questions, by their ids in {regional.reference_edition}: answers and risks by ICB",
        (Column("question_id", width=11), Column("domain_id", width=24),
         *(c for icb in icbs for c in (Column(f"{icb}_asked_as", width=11), Column(f"{icb}_answered", "number", 10),
                                       Column(f"{icb}_risks", "number", 8))),
         Column("answered", "number", 10), Column("risks", "number", 8)),
        [(q.question_id, q.domain_id,
          *(v for k in range(len(icbs)) for v in (q.asked_as[k], q.answered[k], q.risks[k])),
          sum(q.answered), sum(q.risks)) for q in regional.questions],
    )  # fmt: skip
    support = Table(
        "rollup_support",
        "Support requests per core domain, by ICB",
        (Column("domain_id", width=24), Column("domain", width=36), *(Column(icb, "number", 8) for icb in icbs),
         Column("total", "number", 8)),
        [(s.domain_id, s.title, *s.requests, sum(s.requests)) for s in regional.support],
    )  # fmt: skip
    found = [returns, domains, questions, support]
    if regional.cqc:
        found.append(
            Table(
                "rollup_cqc",
                "CQC overall ratings, by ICB, for practices that sent a valid return and those that did not",
                (
                    Column("icb_code", width=10),
                    Column("overall", width=22),
                    Column("returned", "number", 10),
                    Column("not_returned", "number", 12),
                ),
                [(c.icb_code, c.overall or "none published", c.returned, c.not_returned) for c in regional.cqc],
            )
        )
    return found


def html(regional: Regional, generated_at: str) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["percent"] = lambda v: "–" if v is None else percent(v)
    by_domain: dict[str, list[object]] = {}
    for row in regional.domains:
        by_domain.setdefault(row.domain_id, []).append(row)
    cqc_by_icb: dict[str, list[object]] = {}
    for c in regional.cqc:
        cqc_by_icb.setdefault(c.icb_code, []).append(c)
    top = sorted(regional.questions, key=lambda q: (-sum(q.risks), q.question_id))[:15]
    return env.get_template("rollup.html.j2").render(
        r=regional, generated_at=generated_at, by_domain=by_domain, cqc_by_icb=cqc_by_icb, top=top, sum=sum
    )


def write(regional: Regional, out: Path, generated_at: str) -> list[Path]:
    """Write the regional report into ``out`` (made if need be): staged, then moved into place file by file."""
    staging = out / f".rollup-{os.getpid()}"
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        (staging / REPORT_HTML).write_text(html(regional, generated_at), encoding="utf-8")
        for table in tables(regional):
            write_csv(table, staging)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
            written.append(out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
