"""Each practice's own summary of its valid return: names no other practice, prints on two A4 pages at most.

The population is tests/reportdata.py's: practices 0–29 sent valid returns to 2031-32, and are
named 'Practice <i>' with code Y0000<i> in the register of 40.
"""

from __future__ import annotations

import csv
import email
import email.policy
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
import reportdata as data

from generator.cli import main
from generator.report import figures, ledger
from generator.summary import (
    ASK_LIMIT,
    RISK_LIMIT,
    TEXT_LIMIT,
    RiskLine,
    next_steps,
    render_pdf,
    summaries,
)
from generator.support import cases, sync, update

A4 = (595, 842)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The store, with the cases opened and one contacted, and the summaries toolkit summary wrote from it."""
    root = tmp_path_factory.mktemp("summaries")
    store = root / "store"
    shutil.copytree(data.collected(), store)
    sync(store, data.library())
    beta = next(c.id for c in cases(store) if c.domain_id == "beta")
    update(store, beta, {"status": "contacted"}, "Rang the manager", at="2031-06-20T09:00:00Z")
    register = data.write_register(root / "practices.csv")
    out = root / "out"
    args = ["summary", "--store", str(store), "--standards", str(data.FIXTURE), "--register", str(register)]
    assert main([*args, "--edition", data.CURRENT, "--out", str(out)]) == 0
    return store, out


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))


def test_a_summary_for_each_valid_return_and_none_for_the_rest(written: tuple[Path, Path]) -> None:
    _, out = written
    codes = {p.stem for p in out.glob("*.html")}
    assert codes == {data.code(i) for i in range(data.VALID_2031)}
    assert codes == {p.stem for p in out.glob("*.pdf")}


def test_no_summary_names_another_practice(written: tuple[Path, Path]) -> None:
    _, out = written
    everyone = data.register_rows()
    for i in range(data.VALID_2031):
        own_code, own_name = everyone[i]
        for text in (
            visible((out / f"{own_code}.html").read_text(encoding="utf-8")),
            pdf_text(out / f"{own_code}.pdf"),
        ):
            assert own_code in text and re.search(rf"\b{own_name}\b", text)
            for code, name in everyone:
                if code != own_code:
                    assert code not in text, (own_code, code)
                    assert not re.search(rf"\b{re.escape(name)}\b", text), (own_code, name)


def test_each_summary_prints_on_at_most_two_a4_pages_in_the_shipped_fonts(written: tuple[Path, Path]) -> None:
    _, out = written
    for path in sorted(out.glob("*.pdf")):
        reader = pypdf.PdfReader(path)
        assert 1 <= len(reader.pages) <= 2, path.name
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
            resources: Any = page["/Resources"]
            fonts = {str(f["/BaseFont"]).split("+")[-1] for f in resources["/Font"].values()}
            assert fonts <= {"Form-Sans", "Form-Sans-Bold", "Form-Sans-Italic"}, fonts  # the shipped faces, by family


def test_a_summary_shows_the_practice_beside_the_icbs_spread_its_risks_help_and_next_steps(
    written: tuple[Path, Path],
) -> None:
    _, out = written
    text = " ".join(visible((out / f"{data.code(1)}.html").read_text(encoding="utf-8")).split())
    found = figures.compute(
        data.library().editions[data.CURRENT],
        ledger.read_returns(written[0], data.CURRENT),
        dict(data.register_rows()),
    )
    spread = [found.rating_counts(i) for i in range(2)]
    practice = next(p for p in found.practices if p.practice_code == data.code(1))
    assert f"ICB's {data.VALID_2031} practices with a valid return" in text
    for i, title in enumerate(("Alpha safety", "Beta premises")):
        counts = " ".join(str(spread[i][r]) for r in ("red", "amber", "green"))
        label = practice.ratings[i].capitalize()
        assert f"{title} {label} {practice.risks[i]} {counts}" in text
    assert "AL1.1 Is there a policy? partial Review the policy Practice manager" in text
    assert (
        "Beta premises -1 fire doors Pat Example, Estates adviser (estates@icb.example.nhs.uk, 0113 000 0000) Contacted"
        in text
    )
    assert "Pat Example (estates@icb.example.nhs.uk) is working with you on Beta premises." in text

    first = " ".join(visible((out / f"{data.code(0)}.html").read_text(encoding="utf-8")).split())
    assert "New: first contact by 27 June 2031" in first
    assert "Quality Team (quality@icb.example.nhs.uk) will be in touch about Alpha safety by 27 June 2031." in first


def test_a_long_plan_is_cut_to_fit_two_pages(written: tuple[Path, Path]) -> None:
    """The worst a summary can hold: many domains' worth of risks, each with the longest comment and action."""
    store, _ = written
    edition = data.library().editions[data.CURRENT]
    found = figures.compute(edition, ledger.read_returns(store, data.CURRENT), dict(data.register_rows()))
    one = summaries(found, edition, cases(store, edition=data.CURRENT), target_days=10)[0]
    long = "A long and careful explanation of what the practice found and what it will do about it. " * 10
    risk = RiskLine("Alpha safety", "AL1.2", long[:TEXT_LIMIT], "no", long[:TEXT_LIMIT], long[:TEXT_LIMIT],
                    "Practice manager", "2031-12-31")  # fmt: skip
    sixteen = (one.domains * 8)[:16]  # as many domains as the ICB's own edition
    asked = replace(one.help[0], asked=long[:ASK_LIMIT])
    helped = tuple(replace(asked, domain=f"Information governance and data security {i}") for i in range(16))
    fullest = replace(
        one, domains=sixteen, risks=(risk,) * RISK_LIMIT, risks_left_out=30, help=helped,
        next_steps=next_steps(sixteen, (risk,) * RISK_LIMIT, RISK_LIMIT + 30, helped),
    )  # fmt: skip
    reader = pypdf.PdfReader(__import__("io").BytesIO(render_pdf(fullest)))
    assert len(reader.pages) <= 2


def test_remind_attaches_each_practices_summary_to_its_thank_you(written: tuple[Path, Path], tmp_path: Path) -> None:
    store, out = written
    mine = tmp_path / "store"
    shutil.copytree(store, mine)
    register = tmp_path / "practices.csv"
    with register.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["practice_code", "practice_name", "email"])
        writer.writerows([code, name, f"manager@{code.lower()}.nhs.example"] for code, name in data.register_rows())
    mail = tmp_path / "mail"
    args = ["remind", "--store", str(mine), "--standards", str(data.FIXTURE), "--register", str(register)]
    rest = ["--edition", data.CURRENT, "--today", "2031-07-01", "--only", "thanks", "--summaries", str(out)]
    assert main([*args, *rest, "--send", "--out", str(mail)]) == 0
    for i in range(data.VALID_2031):
        (path,) = mail.glob(f"{data.code(i)}-thanks-*.eml")
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        (attached,) = message.iter_attachments()
        assert attached.get_filename() == f"{data.code(i)}.pdf"
        assert attached.get_content() == (out / f"{data.code(i)}.pdf").read_bytes()
        assert f"Your practice's own summary is attached ({data.code(i)}.pdf)" in " ".join(
            str(message.get_body(("plain",)).get_content()).split()  # type: ignore[union-attr]
        )
