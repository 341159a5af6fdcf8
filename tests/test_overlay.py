"""An ICB's edition that builds on a core edition: merged at load time, every problem placed in its own file.

The core here is the small test edition 2030-31 (tests/editions/small), as the core 'mini' in the
ICB's ``cores/`` folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.check import check
from generator.overlay import TOOLKIT_CORE, core_folder
from generator.problems import Problem, errors

CORE = Path(__file__).parent / "editions" / "small" / "standards" / "2030-31"

EDITION = """id: 2030-31
title: Riverside standards 2030-31
status: published
builds_on: mini/2030-31
"""

OVERLAY = """namespace: QR9
leave_out:
  - AL1.3
contacts:
  - id: local-team
    name: Local Team
    role: Local lead
    email: local@icb.example.nhs.uk
domains:
  - id: alpha
    contact: local-team
    standards:
      - id: QR9-AL9
        title: Local policies
        guidance: The practice follows the ICB's own policy.
        evidence: [The local policy]
        regulations: [reg-12]
        questions:
          - id: QR9-AL9.1
            text: Has the practice adopted the ICB's local policy?
            type: yes_no
            risk_answers: [no]
standards:
  - id: AL1
    guidance: In this ICB, policies are shared on the ICB's portal.
    evidence: [A link to the portal]
"""

LOCAL_DOMAIN = """id: qr9-local
code: QR9-LO
title: Local matters
summary: What only this ICB asks.
why_it_matters: Local needs differ.
key_questions: [safe]
regulations: [reg-12]
contact: local-team
standards:
  - id: QR9-LO1
    title: A local standard
    guidance: Something local.
    evidence: [A record]
    regulations: [reg-12]
    questions:
      - id: QR9-LO1.1
        text: Does the practice take part in the local scheme?
        type: yes_no
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """An ICB's project: its standards/2030-31 overlay on the core 'mini' in cores/; the working folder is it."""
    shutil.copytree(CORE, tmp_path / "cores" / "mini" / "2030-31")
    folder = tmp_path / "standards" / "2030-31"
    (folder / "domains").mkdir(parents=True)
    (folder / "edition.yml").write_text(EDITION)
    (folder / "overlay.yml").write_text(OVERLAY)
    (folder / "domains" / "qr9-local.yml").write_text(LOCAL_DOMAIN)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def _load(project: Path) -> tuple[object, list[Problem]]:
    library, problems = check(project / "standards")
    return library.editions.get("2030-31"), problems


def test_the_combined_edition_has_the_core_less_what_is_left_out_and_the_local_additions(project: Path) -> None:
    library, problems = check(project / "standards")
    assert errors(problems) == []
    edition = library.editions["2030-31"]
    ids = [q.id for _, _, q in edition.questions()]
    assert "AL1.3" not in ids
    assert ids[:4] == ["AL1.1", "AL1.2", "AL1.4", "AL2.1"]  # core ids as the core has them
    assert ids.index("QR9-AL9.1") < ids.index("AL0.1")  # a local standard at the end of its core domain
    assert ids[-2:] == ["QR9-LO1.1", "QR9-LO0.1"]  # a local domain after the core's, with its support question
    assert [d.id for d in edition.domains] == ["alpha", "beta", "gamma", "qr9-local"]
    alpha = edition.domains[0]
    assert alpha.contact == "local-team"
    assert edition.contact("local-team") is not None
    al1 = alpha.standards[0]
    assert (
        al1.guidance
        == "The practice has written policies that staff can find.\n\nIn this ICB, policies are shared on the ICB's portal."
    )
    assert al1.evidence == ("A policy", "A link to the portal")
    local = edition.local
    assert local is not None and local.builds_on == "mini/2030-31" and local.namespace == "QR9"
    assert local.left_out == ("AL1.3",)
    assert {"QR9-AL9", "QR9-AL9.1", "qr9-local", "QR9-LO1", "QR9-LO1.1", "QR9-LO0.1"} == set(local.ids)
    assert not local.is_local("AL1.1")


def test_an_empty_overlay_is_the_core_itself(project: Path) -> None:
    folder = project / "standards" / "2030-31"
    (folder / "overlay.yml").write_text("namespace: QR9\n")
    (folder / "domains" / "qr9-local.yml").unlink()
    library, problems = check(project / "standards")
    assert errors(problems) == []
    core, _ = check(project / "cores" / "mini")
    merged = library.editions["2030-31"]
    assert merged.domains == core.editions["2030-31"].domains


def _problems(project: Path, overlay: str | None = None, domain: str | None = None) -> list[str]:
    folder = project / "standards" / "2030-31"
    if overlay is not None:
        (folder / "overlay.yml").write_text(overlay)
    if domain is not None:
        (folder / "domains" / "qr9-local.yml").write_text(domain)
    _, problems = check(project / "standards")
    return [p.format() for p in errors(problems)]


def test_leaving_out_a_question_the_core_requires_of_every_icb_is_placed_in_the_overlay(project: Path) -> None:
    alpha = project / "cores" / "mini" / "2030-31" / "domains" / "alpha.yml"
    alpha.write_text(
        alpha.read_text().replace(
            "        type: yes_no\n", "        type: yes_no\n        required_for_every_icb: true\n", 1
        )
    )
    assert _problems(project) == [
        "standards/2030-31/overlay.yml:3:5: 'AL1.3' cannot be left out: the core 2030-31 marks AL1.3 as required for every ICB"
    ]


def test_leaving_out_a_standard_holding_a_required_question_names_the_question(project: Path) -> None:
    alpha = project / "cores" / "mini" / "2030-31" / "domains" / "alpha.yml"
    alpha.write_text(
        alpha.read_text().replace(
            "risk_answers: [no]\n", "risk_answers: [no]\n        required_for_every_icb: true\n", 1
        )
    )
    found = _problems(project, OVERLAY.replace("  - AL1.3\n", "  - AL2\n"))
    assert found == [
        "standards/2030-31/overlay.yml:3:5: 'AL2' cannot be left out: the core 2030-31 marks AL2.1 as required for every ICB"
    ]


def test_naming_a_core_id_that_does_not_exist_is_placed_where_it_is_named(project: Path) -> None:
    overlay = OVERLAY.replace("  - AL1.3\n", "  - AL1.9\n").replace("  - id: AL1\n", "  - id: AL7\n")
    overlay = overlay.replace("  - id: alpha\n", "  - id: alpah\n")
    assert _problems(project, overlay) == [
        "standards/2030-31/overlay.yml:3:5: 'AL1.9' is no id of the core 2030-31 (did you mean 'AL1.4'?)",
        "standards/2030-31/overlay.yml:10:9: 'alpah' is no id of the core domain (did you mean 'alpha'?)",
        "standards/2030-31/overlay.yml:24:9: 'AL7' is no id of the core standard (did you mean 'AL2'?)",
    ]


def test_a_local_id_outside_the_namespace_is_placed_in_the_file_that_has_it(project: Path) -> None:
    overlay = OVERLAY.replace("id: QR9-AL9.1", "id: QR8-AL9.1")
    domain = LOCAL_DOMAIN.replace("code: QR9-LO", "code: LO").replace("id: QR9-LO1.1", "id: LO1.1")
    found = _problems(project, overlay, domain)
    assert (
        "standards/2030-31/overlay.yml:19:17: 'QR8-AL9.1' is not in the ICB's namespace: a local id starts with "
        "'QR9-' (the namespace 'QR9' of overlay.yml)" in found
    )
    assert (
        "standards/2030-31/domains/qr9-local.yml:2:7: 'LO' is not in the ICB's namespace: a local id starts with "
        "'QR9-' (the namespace 'QR9' of overlay.yml)" in found
    )
    assert (
        "standards/2030-31/domains/qr9-local.yml:16:13: 'LO1.1' is not in the ICB's namespace: a local id starts "
        "with 'QR9-' (the namespace 'QR9' of overlay.yml)" in found
    )


def test_a_problem_in_the_core_is_reported_in_the_core_file(project: Path) -> None:
    beta = project / "cores" / "mini" / "2030-31" / "domains" / "beta.yml"
    beta.write_text(beta.read_text().replace("type: date", "type: dated"))
    found = _problems(project)
    assert len(found) == 1
    assert found[0].startswith("cores/mini/2030-31/domains/beta.yml:18:15: 'type' must be one of")


def test_a_problem_in_a_local_standard_is_reported_in_the_overlay(project: Path) -> None:
    assert _problems(project, OVERLAY.replace("regulations: [reg-12]", "regulations: [reg-99]")) == [
        "standards/2030-31/overlay.yml:17:23: unknown regulation 'reg-99' (did you mean 'reg-9'?): define it in "
        "references.yml or use one that is there"
    ]


def test_a_core_that_is_not_there_is_named_at_builds_on(project: Path) -> None:
    folder = project / "standards" / "2030-31"
    (folder / "edition.yml").write_text(EDITION.replace("mini/2030-31", "mini/2040-41"))
    _, problems = check(project / "standards")
    assert [p.format() for p in errors(problems)] == [
        "standards/2030-31/edition.yml:4:12: no core edition 'mini/2040-41': cores/mini/2040-41 holds no edition.yml"
    ]


def test_builds_on_is_a_name_never_a_path(project: Path) -> None:
    folder = project / "standards" / "2030-31"
    (folder / "edition.yml").write_text(EDITION.replace("mini/2030-31", "../../etc/2030-31"))
    _, problems = check(project / "standards")
    assert [p.format() for p in errors(problems)] == [
        "standards/2030-31/edition.yml:4:12: 'builds_on' is not valid: got '../../etc/2030-31'; write it like "
        "'core/2025-26'"
    ]


def test_core_ids_have_no_namespace(tmp_path: Path) -> None:
    shutil.copytree(CORE, tmp_path / "standards" / "2030-31")
    gamma = tmp_path / "standards" / "2030-31" / "domains" / "beta.yml"
    gamma.write_text(gamma.read_text().replace("id: BE1.2", "id: QR9-BE1.2"))
    _, problems = check(tmp_path / "standards")
    assert [p.message for p in errors(problems)] == [
        "'QR9-BE1.2' has an ICB's namespace, which only the local additions of an edition that builds on a core may "
        "have; core ids have none",
        "question id 'QR9-BE1.2' must start with its standard's id 'BE1.'",
    ]


def test_the_name_core_is_the_core_that_comes_with_the_toolkit(tmp_path: Path) -> None:
    assert core_folder("core/2025-26", tmp_path / "standards") == TOOLKIT_CORE / "2025-26"
    assert core_folder("regional/2025-26", tmp_path / "standards") == tmp_path / "cores" / "regional" / "2025-26"


def test_a_build_reads_the_core_folders_the_editions_build_on(project: Path) -> None:
    from generator.overlay import core_folders
    from generator.site import uptodate

    standards = project / "standards"
    assert core_folders(standards) == [project / "cores" / "mini" / "2030-31"]
    before = uptodate.inputs([standards, *core_folders(standards)], [])
    beta = project / "cores" / "mini" / "2030-31" / "domains" / "beta.yml"
    beta.write_text(beta.read_text().replace("Clinical audit.", "Clinical audit and review."))
    assert uptodate.inputs([standards, *core_folders(standards)], []) != before  # a new core builds the site again


def test_local_links_are_added_or_replace_the_cores(project: Path) -> None:
    link = "    links: [{title: Local portal, url: 'https://portal.icb.example.nhs.uk/'}]\n"
    overlay = OVERLAY + link
    (project / "standards" / "2030-31" / "overlay.yml").write_text(overlay)
    library, problems = check(project / "standards")
    assert errors(problems) == []
    core_links = check(project / "cores" / "mini")[0].editions["2030-31"].domains[0].standards[0].links
    links = library.editions["2030-31"].domains[0].standards[0].links
    assert [link.title for link in links] == [*(link.title for link in core_links), "Local portal"]
    (project / "standards" / "2030-31" / "overlay.yml").write_text(overlay + "    replace_links: true\n")
    library, _ = check(project / "standards")
    assert [link.title for link in library.editions["2030-31"].domains[0].standards[0].links] == ["Local portal"]


def test_unsafe_markdown_in_local_guidance_is_placed_in_the_overlay(project: Path) -> None:
    overlay = OVERLAY.replace(
        "    guidance: In this ICB, policies are shared on the ICB's portal.",
        "    guidance: See <script>alert(1)</script> the portal.",
    )
    found = _problems(project, overlay)
    assert found and all(p.startswith("standards/2030-31/overlay.yml:25:15: ") for p in found)


def test_an_edition_that_builds_on_a_core_has_no_references_of_its_own(project: Path) -> None:
    (project / "standards" / "2030-31" / "references.yml").write_text("contacts: []\n")
    assert _problems(project) == [
        "standards/2030-31/references.yml:1:1: an edition that builds on a core takes its references from the core; "
        "put the ICB's contacts in toolkit.yml or overlay.yml, and remove this file"
    ]


def test_edition_yml_may_order_the_combined_domains(project: Path) -> None:
    folder = project / "standards" / "2030-31"
    (folder / "edition.yml").write_text(EDITION + "domains: [qr9-local, gamma]\n")
    library, problems = check(project / "standards")
    assert errors(problems) == []
    assert [d.id for d in library.editions["2030-31"].domains] == ["qr9-local", "gamma", "alpha", "beta"]
    (folder / "edition.yml").write_text(EDITION + "domains: [qr9-local, delta]\n")
    assert _problems(project) == [
        "standards/2030-31/edition.yml:5:22: 'delta' is no domain of this edition: neither a domain of the core "
        "2030-31 that is kept nor a local domain in domains/"
    ]


def test_a_local_id_given_twice_is_placed_at_the_second(project: Path) -> None:
    domain = LOCAL_DOMAIN.replace("id: QR9-LO1.1", "id: QR9-AL9.1").replace("id: QR9-LO1\n", "id: QR9-AL9\n")
    found = _problems(project, None, domain)
    assert (
        "standards/2030-31/domains/qr9-local.yml:16:13: duplicate question id 'QR9-AL9.1': already used at "
        in "\n".join(found)
    )


def test_a_core_never_builds_on_a_core_so_no_edition_builds_on_itself(project: Path) -> None:
    core_edition = project / "cores" / "mini" / "2030-31" / "edition.yml"
    core_edition.write_text(core_edition.read_text() + "builds_on: mini/2030-31\n")
    assert _problems(project) == [
        "cores/mini/2030-31/edition.yml:8:12: this edition is the core of another, so it cannot build on a core "
        "itself ('mini/2030-31')"
    ]


def test_reading_checks_of_an_icbs_edition_look_at_its_own_questions_only(project: Path) -> None:
    folder = project / "standards" / "2030-31"
    (folder / "edition.yml").write_text(EDITION + "reading_ease_below: 100\n")
    _, problems = check(project / "standards")
    warned = {p.path for p in problems if p.severity == "warning"}
    assert warned and all(path.startswith("standards/2030-31/") for path in warned)
