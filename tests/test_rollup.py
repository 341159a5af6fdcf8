"""toolkit rollup: bundles of several ICBs → a regional report whose totals are the sum of the ICBs' own reports.

ICB QA answers the fixture's 2031-32 edition; ICB QK1 answers an overlay of it (a local standard
QK1-AL9 in domain Alpha, whose one question every practice answers no, flagging a risk) with the
same answers to the core, under other practice codes. So on core questions the two ICBs' counts are
equal, while QK1's own report has more risks than QA's.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest
import reportdata as data

from generator.cli import main
from generator.model import Edition, Question, Standard
from generator.report.figures import Figures, compute
from generator.report.inputs import Returns
from generator.report.ledger import read_returns
from generator.returns.register import Register
from generator.rollup import bundle as bundles
from generator.rollup.core import core_questions, is_core
from generator.rollup.export import bundle_of

LOCAL = "QK1-AL9.1"


def overlay(edition: Edition) -> Edition:
    """``edition`` with a local standard in its first domain, as an ICB's overlay edition adds one."""
    question = Question.model_construct(
        id=LOCAL, text="Is the local pathway followed?", type="yes_no", required=True, risk_answers=("no",)
    )
    standard = Standard.model_construct(
        id="QK1-AL9", title="Local pathway", guidance="Local.", evidence=("A log",), regulations=("reg-12",),
        questions=(question,),
    )  # fmt: skip
    first = edition.domains[0].model_copy(update={"standards": (*edition.domains[0].standards, standard)})
    return replace(edition, domains=(first, *edition.domains[1:]))


def renamed(returns: Returns, prefix: str, extra: Mapping[str, str] | None = None) -> Returns:
    """The same returns from practices whose codes start with ``prefix``; each valid return answers ``extra`` too."""
    subs = tuple(
        replace(s, practice_code=prefix + s.practice_code[1:] if s.practice_code else "") for s in returns.submissions
    )
    answers = {sid: {**given, **(extra or {})} for sid, given in returns.answers.items()}
    return Returns(returns.edition_id, subs, answers, returns.notes)


def register_of(prefix: str) -> Register:
    rows = data.register_rows()
    return Register(
        practices={prefix + code[1:]: name for code, name in rows},
        places={prefix + code[1:]: f"{prefix}{'1' if i < 20 else '2'}X" for i, (code, _) in enumerate(rows)},
    )


@pytest.fixture(scope="module")
def icbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Edition, Figures, Path]]:
    """Each ICB's edition, its own report's figures and its bundle file."""
    root = tmp_path_factory.mktemp("rollup")
    plain = data.library().editions[data.CURRENT]
    local = overlay(plain)
    returns = read_returns(data.collected(), data.CURRENT, notes=False)
    made = {}
    for code, edition, theirs in (
        ("QA1", plain, renamed(returns, "A")),
        ("QK1", local, renamed(returns, "K", {LOCAL: "no"})),
    ):
        register = register_of(code[1])
        own = compute(edition, theirs, register.practices)
        found = bundle_of(edition, theirs, icb_code=code, icb_name=f"ICB {code}", register=register,
                          register_date="2031-05-01", exported_at="2031-07-01T00:00:00Z")  # fmt: skip
        path = root / f"{code}.zip"
        path.write_bytes(bundles.zipped(found))
        made[code] = (edition, own, path)
    return made


def rollup(tmp_path: Path, *paths: Path, more: tuple[str, ...] = ()) -> int:
    args = ["rollup", *(a for p in paths for a in ("--from", str(p))), "--out", str(tmp_path / "region"), *more]
    return main(args)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_overlay_has_a_local_question_and_the_plain_edition_none(
    icbs: dict[str, tuple[Edition, Figures, Path]],
) -> None:
    plain, local = icbs["QA1"][0], icbs["QK1"][0]
    assert all(is_core(plain, q.id) for _, _, q in plain.questions())
    assert [q.id for _, _, q in local.questions() if not is_core(local, q.id)] == [LOCAL]
    assert [q.id for _, q in core_questions(local)] == [q.id for _, q in core_questions(plain)]


def test_totals_are_the_sum_of_each_icbs_own_report(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rollup(tmp_path, icbs["QA1"][2], icbs["QK1"][2]) == 0
    out = capsys.readouterr().out
    own = {code: figures for code, (_, figures, _) in icbs.items()}
    assert out.startswith(
        f"2 ICBs: {own['QA1'].count('valid') + own['QK1'].count('valid')} valid returns from 80 active"
    )
    region = tmp_path / "region"
    returns = rows(region / "rollup_returns.csv")
    for code, figures in own.items():
        mine = [r for r in returns if r["icb_code"] == code]
        assert [(r["sub_icb_code"], r["active_practices"]) for r in mine] == [
            (f"{code[1]}1X", "20"),
            (f"{code[1]}2X", "20"),
        ]
        for status in ("valid", "invalid", "missing"):
            assert sum(int(r[status]) for r in mine) == figures.count(status)
        assert sum(int(r["active_practices"]) for r in mine) == len(data.register_rows())
        assert sum(int(r["received"]) for r in mine) == figures.count("valid") + figures.count("invalid")
    # Support requests per domain per ICB: each ICB's own report's.
    for row in rows(region / "rollup_support.csv"):
        for code, figures in own.items():
            assert int(row[code]) == sum(1 for s in figures.support if s.domain.id == row["domain_id"])
        assert int(row["total"]) == int(row["QA1"]) + int(row["QK1"])
    # Ratings and risks on core questions: QA1's equal its own report's (a plain edition is all core) …
    domains = {(r["icb_code"], r["domain_id"]): r for r in rows(region / "rollup_domains.csv")}
    qa = own["QA1"]
    for i, d in enumerate(qa.domains):
        counted = qa.rating_counts(i)
        got = domains["QA1", d.id]
        assert (int(got["red"]), int(got["amber"]), int(got["green"])) == (
            counted["red"], counted["amber"], counted["green"]
        )  # fmt: skip
        assert int(got["risks"]) == sum(1 for r in qa.risks if r.domain.id == d.id)
    # … and QK1's, on the same core answers, are the same: its local question is not counted,
    # though its own report counts it.
    for d in qa.domains:
        assert {k: v for k, v in domains["QK1", d.id].items() if k != "icb_code"} == {
            k: v for k, v in domains["QA1", d.id].items() if k != "icb_code"
        }
    local_risks = sum(1 for r in own["QK1"].risks if r.question_id == LOCAL)
    assert local_risks == own["QK1"].count("valid")
    assert len(own["QK1"].risks) == len(qa.risks) + local_risks


def test_a_local_question_never_appears_in_the_comparison(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rollup(tmp_path, icbs["QA1"][2], icbs["QK1"][2]) == 0
    region = tmp_path / "region"
    compared = [r["question_id"] for r in rows(region / "rollup_questions.csv")]
    plain = icbs["QA1"][0]
    assert compared == [q.id for _, _, q in plain.questions()]
    for path in region.iterdir():
        assert "QK1-AL9" not in path.read_text(encoding="utf-8-sig"), path.name
    # The bundle itself says which questions are core.
    with zipfile.ZipFile(icbs["QK1"][2]) as z:
        core = {r["question_id"]: r["core"] for r in csv.DictReader(z.read("questions.csv").decode().splitlines())}
    assert core[LOCAL] == "no" and core["AL1.1"] == "yes"


def test_bundles_of_different_core_editions_are_matched_through_the_lineage(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QB1 sent 2030-31 returns: BE1.9 is compared as BE1.1, which replaces it; AL1.7, removed, is left out."""
    previous = data.library().editions[data.PREVIOUS]
    theirs = renamed(read_returns(data.collected(), data.PREVIOUS, notes=False), "B")
    register = register_of("B")
    older = bundle_of(previous, theirs, icb_code="QB1", icb_name="ICB QB1", register=register)
    path = tmp_path / "QB1.zip"
    path.write_bytes(bundles.zipped(older))
    assert rollup(tmp_path, icbs["QA1"][2], path) == 2  # the lineage needs the editions
    assert "is not among them" in capsys.readouterr().err
    assert rollup(tmp_path, icbs["QA1"][2], path, more=("--standards", str(data.FIXTURE))) == 0
    assert "QB1 answered core edition 2030-31" in capsys.readouterr().out
    compared = {r["question_id"]: r for r in rows(tmp_path / "region" / "rollup_questions.csv")}
    assert compared["BE1.1"]["QB1_asked_as"] == "BE1.9"
    before = compute(previous, theirs, register.practices)
    be19 = next(q for q in before.questions if q.question_id == "BE1.9")
    assert int(compared["BE1.1"]["QB1_risks"]) == be19.risks > 0
    assert "AL1.7" not in compared and all(r["QB1_asked_as"] != "AL1.7" for r in compared.values())
    assert compared["BE1.2"]["QB1_asked_as"] == ""  # new in 2031-32: QB1 was not asked it


def test_counts_only_bundles_roll_up_to_the_same_totals(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = bundles.read(icbs["QA1"][2])
    counts = replace(full, counts_only=True, register=(), returns=(), answers=())
    path = tmp_path / "counts.zip"
    path.write_bytes(bundles.zipped(counts))
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["datapackage.json", "domains.csv", "places.csv", "questions.csv"]
        assert not any(data.code(0)[1:] in z.read(n).decode() for n in z.namelist())  # no practice named
    assert rollup(tmp_path, path, icbs["QK1"][2]) == 0
    assert capsys.readouterr().out.startswith("2 ICBs:")


def _zip(path: Path, members: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return path


def test_a_foreign_or_damaged_bundle_is_one_clear_line(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = dict(bundles.files(bundles.read(icbs["QA1"][2])))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(icbs["QA1"][2].read_bytes()[:300])
    cases = {
        text: "not a bundle made by toolkit export (it is not a zip file)",
        truncated: "not a bundle made by toolkit export",
        _zip(tmp_path / "empty.zip", {}): "it holds no datapackage.json",
        _zip(tmp_path / "other.zip", {"datapackage.json": b'{"name": "x", "resources": []}'}): "not a bundle of returns",
        _zip(tmp_path / "json.zip", {"datapackage.json": b"{not json"}): "datapackage.json is not JSON",
        _zip(tmp_path / "count.zip", {**good, "places.csv": b"sub_icb_code,active_practices,valid,invalid,missing\r\nX,=1+1,1,0,0\r\n"}):
            "places.csv: active_practices must be a whole number",
        _zip(tmp_path / "cols.zip", {**good, "domains.csv": b"a,b\r\n1,2\r\n"}): "domains.csv has the columns",
        _zip(tmp_path / "gone.zip", {k: v for k, v in good.items() if k != "questions.csv"}): "questions.csv is missing",
        _zip(tmp_path / "path.zip", {**{k: v for k, v in good.items() if k != "places.csv"}, "../places.csv": b"x"}):
            "places.csv is missing",
    }  # fmt: skip
    for path, message in cases.items():
        assert rollup(tmp_path, path) == 2, path.name
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith(f"toolkit rollup: {path}: ") and message in err[0], (path, err)
    assert not (tmp_path / "region").exists()
    assert not (tmp_path.parent / "places.csv").exists()


def test_the_same_icb_twice_is_refused(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rollup(tmp_path, icbs["QA1"][2], icbs["QA1"][2]) == 2
    assert capsys.readouterr().err == "toolkit rollup: two bundles of QA1 for 2031-32: give each ICB's once\n"


def test_cqc_ratings_where_a_bundle_gives_them(
    icbs: dict[str, tuple[Edition, Figures, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA1 keeps CQC ratings (two practices rated, one that returned and one that did not); QK1 keeps none."""
    from generator.report.ratings import PracticeRatings

    edition = icbs["QA1"][0]
    returned, not_returned = "A" + data.code(0)[1:], "A" + data.code(36)[1:]
    ratings = {
        returned: PracticeRatings("1-0", {"overall": "Good"}, None, False, 1),
        not_returned: PracticeRatings("1-36", {"overall": "Inadequate"}, None, False, 1),
    }
    theirs = renamed(read_returns(data.collected(), data.CURRENT, notes=False), "A")
    rated = bundle_of(edition, theirs, icb_code="QA1", icb_name="ICB QA1", register=register_of("A"), ratings=ratings)
    path = tmp_path / "rated.zip"
    path.write_bytes(bundles.zipped(rated))
    assert rollup(tmp_path, path, icbs["QK1"][2]) == 0
    capsys.readouterr()
    cqc = {
        (r["icb_code"], r["overall"]): (r["returned"], r["not_returned"])
        for r in rows(tmp_path / "region" / "rollup_cqc.csv")
    }
    assert cqc[("QA1", "Good")] == ("1", "0") and cqc[("QA1", "Inadequate")] == ("0", "1")
    assert cqc[("QA1", "none published")] == (
        str(data.VALID_2031 - 1),
        str(len(data.register_rows()) - data.VALID_2031 - 1),
    )
    assert {icb for icb, _ in cqc} == {"QA1"}  # QK1 gave none
