"""A regional roll-up of the example ICB (NHS Riverside, QR9, an overlay of the core) and an ICB on the plain core.

Both ICBs' practices give the same answers to the core questions both ask; Riverside's also answer
its local questions, every yes-no one with "no" (so its own report counts risks the region never sees) but
the support request of its own domain with "yes".
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.load import load_library
from generator.model import Edition
from generator.report.figures import Figures, compute
from generator.report.inputs import Returns, Submission
from generator.returns.register import Register
from generator.rollup.bundle import zipped
from generator.rollup.core import core_edition_id, is_core
from generator.rollup.export import bundle_of

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "riverside-icb" / "standards"
EDITION = "2025-26"
PRACTICES = 12


def edition_of(standards: Path) -> Edition:
    loaded = load_library(standards)
    return loaded.library.editions[EDITION]


def answer(question_id: str, kind: str, allowed: tuple[str, ...], practice: int) -> str:
    """A practice's answer: seeded by the question and practice, so both ICBs answer a core question alike."""
    rng = random.Random(f"{question_id}/{practice}")
    if question_id.startswith("QR9-") and "no" in allowed:
        return "yes" if re.search(r"[A-Z]0\.1$", question_id) else "no"  # support asked in its own domain
    if allowed:
        return rng.choice(allowed)
    return {"number": str(rng.randint(0, 100)), "date": "2025-06-01"}.get(kind, "Written answer")


def returns_of(edition: Edition, prefix: str) -> tuple[Returns, Register]:
    subs, answers = [], {}
    for i in range(PRACTICES):
        code = f"{prefix}{i:05d}"
        if i % 4 == 3:
            continue  # a quarter have not returned
        subs.append(Submission(i, code, "2025-07-01T09:00:00Z", f"{code}.csv", "inbox", i % 6 != 5))
        answers[i] = {q.id: answer(q.id, q.type, q.allowed_answers, i) for _, _, q in edition.questions()}
    register = Register(
        practices={f"{prefix}{i:05d}": f"Practice {i}" for i in range(PRACTICES)},
        places={f"{prefix}{i:05d}": f"{prefix[0]}{i % 2}X" for i in range(PRACTICES)},
    )
    return Returns(edition.id, tuple(subs), answers), register


@pytest.fixture(scope="module")
def icbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Edition, Figures, Path]]:
    root = tmp_path_factory.mktemp("overlay")
    made = {}
    for code, edition in (("QA1", edition_of(ROOT / "standards")), ("QR9", edition_of(EXAMPLE))):
        returns, register = returns_of(edition, code[1])
        own = compute(edition, returns, register.practices)
        path = root / f"{code}.zip"
        path.write_bytes(zipped(bundle_of(edition, returns, icb_code=code, icb_name=code, register=register)))
        made[code] = (edition, own, path)
    return made


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_example_is_an_overlay_of_the_core(icbs: dict[str, tuple[Edition, Figures, Path]]) -> None:
    riverside = icbs["QR9"][0]
    assert riverside.local is not None and core_edition_id(riverside) == EDITION
    local = [q.id for _, _, q in riverside.questions() if not is_core(riverside, q.id)]
    assert local and all(q.startswith("QR9-") for q in local)
    assert any(not is_core(riverside, d.id, namespaced=False) for d in riverside.domains)  # its local domain


def test_totals_are_the_sum_and_comparisons_use_core_questions_only(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--from", str(icbs["QA1"][2]), "--from", str(icbs["QR9"][2]), "--out",
                 str(tmp_path / "region")]) == 0  # fmt: skip
    capsys.readouterr()
    region = tmp_path / "region"
    returns = rows(region / "rollup_returns.csv")
    for code, (_, own, _) in icbs.items():
        mine = [r for r in returns if r["icb_code"] == code]
        for status in ("valid", "invalid", "missing"):
            assert sum(int(r[status]) for r in mine) == own.count(status), (code, status)
        assert sum(int(r["active_practices"]) for r in mine) == PRACTICES
    core, riverside = icbs["QA1"][0], icbs["QR9"][0]
    core_ids = [q.id for _, _, q in core.questions()]
    compared = rows(region / "rollup_questions.csv")
    assert [r["question_id"] for r in compared] == [q for q in core_ids if any(r["question_id"] == q for r in compared)]
    assert not any(r["question_id"].startswith("QR9-") or r["QR9_asked_as"].startswith("QR9-") for r in compared)
    asked = {q.id for _, _, q in riverside.questions()}
    left_out = [q for q in core_ids if q not in asked]
    assert left_out  # the example leaves core questions out: they are compared where asked
    for row in compared:
        if row["question_id"] in left_out:
            assert (row["QR9_asked_as"], row["QR9_answered"]) == ("", "0")
    # On the core questions both ask, both ICBs' counts agree (their practices answered alike).
    for row in compared:
        if row["question_id"] not in left_out:
            assert (row["QA1_answered"], row["QA1_risks"]) == (row["QR9_answered"], row["QR9_risks"])
    # Support requests and domains: the core's only, with each ICB's own report's numbers for QA1.
    domains = rows(region / "rollup_domains.csv")
    assert {d["domain_id"] for d in domains} == {d.id for d in core.domains}
    qa = icbs["QA1"][1]
    support = rows(region / "rollup_support.csv")
    for row in support[:-1]:
        assert int(row["QA1"]) == sum(1 for s in qa.support if s.domain.id == row["domain_id"])
    # The requests made in Riverside's own domain are in a row apart, so each column adds up to its own report.
    assert (support[-1]["domain_id"], support[-1]["QA1"]) == ("", "0")
    assert int(support[-1]["QR9"]) > 0
    assert int(support[-1]["QR9"]) == sum(1 for s in icbs["QR9"][1].support if s.domain.id.startswith("qr9-"))
    for code in ("QA1", "QR9"):
        assert sum(int(row[code]) for row in support) == len(icbs[code][1].support)
    assert sum(int(d["risks"]) for d in domains if d["icb_code"] == "QA1") == len(qa.risks)
    own_local = [r for r in icbs["QR9"][1].risks if r.question_id.startswith("QR9-")]
    assert own_local  # Riverside's own report counts its local risks …
    region_qr9 = sum(int(d["risks"]) for d in domains if d["icb_code"] == "QR9")
    own_core = [r for r in icbs["QR9"][1].risks if not r.question_id.startswith("QR9-")]
    assert region_qr9 == len(own_core)  # … the region, only its core ones
    for path in region.iterdir():
        assert "QR9-" not in path.read_text(encoding="utf-8-sig"), path.name
