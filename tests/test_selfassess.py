"""The self-assessment section as files: its pages, the data its scripts read, and its place in the site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
import pytest

from generator.load import load_library
from generator.model import Library
from generator.returnformat import question_rules, table_schema
from generator.selfassess.data import carry_data, form_data, to_script
from generator.selfassess.messages import FORM_MESSAGES
from generator.selfassess.render import (
    SectionFile,
    SectionRefused,
    default_guidance_href,
    section_files,
)

ROOT = Path(__file__).parent.parent
STANDARDS = Path(__file__).parent / "selfassess" / "standards"
EDITION = "2031-32"


@pytest.fixture(scope="module")
def library() -> Library:
    loaded = load_library(STANDARDS)
    assert loaded.problems == []
    return loaded.library


@pytest.fixture(scope="module")
def files(library: Library) -> dict[str, SectionFile]:
    made = section_files(library.editions[EDITION], library, submission_url="https://returns.example.nhs.uk/in")
    return {f.path: f for f in made}


def data_of(script: str) -> dict[str, Any]:
    prefix = '"use strict";\nwindow.GPQS_SELFASSESS = '
    assert script.startswith(prefix) and script.endswith(";\n")
    loaded: dict[str, Any] = json.loads(script[len(prefix) : -2])
    return loaded


def html_of(page: SectionFile) -> str:
    """The page as the site builder turns it into HTML (front matter removed, as mkdocs does)."""
    body = page.text.split("\n---\n", 1)[1]
    return str(markdown.markdown(body, extensions=["toc", "attr_list", "admonition", "tables", "def_list"]))


def test_pages_in_navigation_order_then_the_files_they_load(files: dict[str, SectionFile]) -> None:
    assert [(f.path, f.kind, f.title) for f in files.values()] == [
        ("self-assessment/index.md", "start", "Self-assessment"),
        ("self-assessment/minimal.md", "domain", "A minimal domain"),
        ("self-assessment/premises.md", "domain", "Premises and fire safety"),
        ("self-assessment/check-answers.md", "check-answers", "Check your answers"),
        ("self-assessment/check-a-return.md", "check-a-return", "Check a return file"),
        ("self-assessment/assets/edition.js", "asset", ""),
        ("self-assessment/assets/selfassess.css", "asset", ""),
        ("self-assessment/assets/selfassess-rules.js", "asset", ""),
        ("self-assessment/assets/selfassess-core.js", "asset", ""),
        ("self-assessment/assets/selfassess-form.js", "asset", ""),
        ("self-assessment/assets/selfassess-read.js", "asset", ""),
        ("self-assessment/assets/selfassess-workbook.js", "asset", ""),
        ("self-assessment/assets/selfassess-check.js", "asset", ""),
    ]


def test_the_front_matter_is_yaml_with_the_title_escaped(files: dict[str, SectionFile]) -> None:
    import yaml

    page = files["self-assessment/minimal.md"]
    front = yaml.safe_load(page.text.split("---\n")[1])
    assert front == {"title": "A minimal domain", "hide": ["toc"], "search": {"exclude": True}}
    start = yaml.safe_load(files["self-assessment/index.md"].text.split("---\n")[1])
    assert start == {"title": "Self-assessment", "hide": ["toc"]}


def test_every_question_has_its_field_labelled_in_the_domain_page(files: dict[str, SectionFile]) -> None:
    html = html_of(files["self-assessment/minimal.md"])
    # radios and dates: a fieldset whose legend is the question
    for field, question in (("q-mn1-1", "MN1.1"), ("q-mn1-6", "MN1.6"), ("q-mn1-7", "MN1.7"), ("q-mn0-1", "MN0.1")):
        assert re.search(
            rf'<legend class="sa-fieldset__legend"><span class="sa-qid">{re.escape(question)}</span>', html
        )
        assert f'id="{field}"' in html
    # numbers and text: a label for the input
    assert '<label class="sa-label sa-question__label" for="q-mn1-2"><span class="sa-qid">MN1.2</span>' in html
    assert 'for="q-mn1-5"><span class="sa-qid">MN1.5</span> Anything else? (optional)</label>' in html
    # four answers to a yes/no/partial/not applicable question, the first with the field's own id
    assert html.count('name="q-mn1-1"') == 4
    assert '<input class="sa-radios__input" type="radio" id="q-mn1-1" name="q-mn1-1" value="yes"' in html
    # an action plan only for questions whose answer can flag a risk, asked for (not optional) in this edition
    assert 'id="q-mn1-1-plan" hidden' in html and 'id="q-mn1-5-plan"' not in html
    assert "What will the practice do?</label>" in html
    # every field id is used once
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    labelled = set(re.findall(r' for="([^"]+)"', html))
    inputs = set(re.findall(r'<(?:input|textarea)[^>]* id="([^"]+)"', html))
    assert inputs <= labelled


def test_text_of_the_standards_is_escaped(files: dict[str, SectionFile]) -> None:
    html = html_of(files["self-assessment/minimal.md"])
    assert "Count a policy &#34;in draft&#34; &amp; awaiting sign-off as partial." in html


def test_the_raw_html_survives_markdown_whole(files: dict[str, SectionFile]) -> None:
    for path in ("self-assessment/index.md", "self-assessment/minimal.md", "self-assessment/check-answers.md"):
        page = files[path]
        body = page.text.split("\n---\n", 1)[1]
        html = html_of(page)
        for tag in ("input", "textarea", "fieldset", "legend", "label", "button", "form", "script", "dl", "dt", "dd"):
            assert html.count(f"<{tag}") == body.count(f"<{tag}"), (path, tag)
        assert "<p><div" not in html and "<code>" not in html


def test_the_edition_data_comes_from_the_collectors_sources(library: Library, files: dict[str, SectionFile]) -> None:
    edition = library.editions[EDITION]
    data = data_of(files["self-assessment/assets/edition.js"].text)
    assert data == json.loads(
        json.dumps(
            form_data(edition, library, default_guidance_href, submission_url="https://returns.example.nhs.uk/in")
        )
    )
    assert data["schema"] == table_schema(edition)
    assert data["collector_messages"] == question_rules(edition)["messages"]
    rules = {q["question_id"]: q for q in question_rules(edition)["questions"]}
    for question in data["questions"]:
        assert {k: question[k] for k in rules[question["question_id"]]} == rules[question["question_id"]]
    assert data["editions"] == {
        "published": ["2030-31", "2031-32"],
        "drafts": ["2032-33"],
        "current": "2031-32",
        "check_pages": {},
    }


def test_the_data_script_cannot_close_its_element_or_name_an_outside_file() -> None:
    script = to_script({"text": "</script><script>alert(1)</script> & \u2028", "url": "https://x.example/a.json"})
    assert "</" not in script and "<" not in script and "\u2028" not in script
    assert not re.search(r"[\"'](?:https?:)?//[^\"']+\.(?:css|js(?:on)?)[\"']", script)
    assert data_of(script) == {"text": "</script><script>alert(1)</script> & \u2028", "url": "https://x.example/a.json"}


def test_guidance_links_are_files_because_the_site_works_from_disk() -> None:
    assert default_guidance_href("domains/safeguarding/#sg1-2") == "../domains/safeguarding/index.html#sg1-2"
    assert default_guidance_href("domains/safeguarding/") == "../domains/safeguarding/index.html"


def test_the_send_button_only_where_the_icb_names_a_submission_url(library: Library) -> None:
    edition = library.editions[EDITION]
    with_url = {f.path: f.text for f in section_files(edition, library, submission_url="https://icb.example/returns")}
    without = {f.path: f.text for f in section_files(edition, library)}
    assert 'id="sa-send"' in with_url["self-assessment/check-answers.md"]
    assert 'id="sa-send"' not in without["self-assessment/check-answers.md"]
    assert data_of(without["self-assessment/assets/edition.js"])["submission_url"] is None


def test_a_submission_url_that_is_no_web_address_is_refused(library: Library) -> None:
    with pytest.raises(SectionRefused) as refused:
        section_files(library.editions[EDITION], library, submission_url="ftp://icb.example/returns")
    assert str(refused.value) == (
        "extra: submission_url must start with https:// (or http://); it is 'ftp://icb.example/returns'"
    )


def test_a_domain_named_like_a_page_of_the_section_is_refused(library: Library) -> None:
    edition = library.editions[EDITION]
    renamed = edition.domains[0].model_copy(update={"id": "check-answers"})
    clash = type(edition)(edition.info, edition.references, (renamed, *edition.domains[1:]), edition.folder)
    with pytest.raises(SectionRefused) as refused:
        section_files(clash)
    assert str(refused.value) == (
        "the domain id 'check-answers' is the name of a self-assessment page: rename the domain"
    )


def test_an_archived_edition_keeps_only_its_check_a_return_page(library: Library) -> None:
    made = section_files(library.editions["2030-31"], library, form=False)
    assert [f.path for f in made if f.kind != "asset"] == ["self-assessment/check-a-return.md"]
    assert "Back to the self-assessment" not in made[0].text


def test_carry_data_traces_this_editions_questions_to_each_earlier_published_one(library: Library) -> None:
    carried = carry_data(library, library.editions[EDITION])
    assert [c["from"] for c in carried] == ["2030-31"]
    lineage = carried[0]
    assert {q: (v["kind"], v["from"], v["check_again"]) for q, v in lineage["questions"].items()} == {
        "MN1.1": ("unchanged", "MN1.1", False),
        "MN1.2": ("reworded", "MN1.2", True),
        "MN1.6": ("replaced", "MN1.4", True),
        "MN1.5": ("unchanged", "MN1.5", False),
        "MN1.7": ("new", None, False),
        "MN0.1": ("unchanged", "MN0.1", False),
        "PR1.1": ("new", None, False),
        "PR1.2": ("new", None, False),
        "PR1.3": ("new", None, False),
        "PR0.1": ("new", None, False),
    }
    assert lineage["removed"] == [{"question_id": "MN1.3", "text": "When was the policy reviewed?"}]
    assert lineage["reasons"] == {
        "MN1.2": "this question was reworded since 2030-31",
        "MN1.6": "this question replaces MN1.4 of 2030-31, which asked: How are concerns recorded?",
    }
    assert lineage["not_fitting"] == "; last year's answer '{answer}' is not an answer to it now"


def test_form_messages_use_only_the_placeholders_the_script_fills() -> None:
    for key, template in FORM_MESSAGES.items():
        assert set(re.findall(r"\{([a-z_]+)\}", template)) <= {"id", "minimum", "maximum", "parts", "when"}, key


def test_the_default_editions_render() -> None:
    loaded = load_library(ROOT / "standards")
    current = loaded.library.current()
    assert current is not None
    made = section_files(current, loaded.library)
    domains = [f for f in made if f.kind == "domain"]
    assert len(domains) == len(current.domains)
    data = data_of(next(f for f in made if f.path.endswith("edition.js")).text)
    assert len(data["questions"]) == sum(1 for _ in current.questions())
    assert [c["from"] for c in data["carry"]] == [e.id for e in loaded.library.published() if e.id < current.id]


def test_the_site_lists_the_section_and_gives_archived_editions_only_the_checker(library: Library) -> None:
    from generator.selfassess.site import self_assessment
    from generator.site.pages import BuiltEdition, PageContext, navigation
    from generator.site.templates import Templates

    current = BuiltEdition(library.editions[EDITION], "current", "")
    archived = BuiltEdition(library.editions["2030-31"], "archived", "2030-31/")
    context = PageContext(
        library=library,
        target=current,
        editions=(current, archived),
        extra={"submission_url": "https://icb.example/returns"},
    )
    pages = self_assessment(context, Templates(ROOT / "site_templates", ROOT / "content"))
    assert navigation(pages) == [
        {
            "Self-assessment": [
                {"Start": "self-assessment/index.md"},
                {"A minimal domain": "self-assessment/minimal.md"},
                {"Premises and fire safety": "self-assessment/premises.md"},
                {"Check your answers": "self-assessment/check-answers.md"},
                {"Check a return file": "self-assessment/check-a-return.md"},
            ]
        }
    ]
    script = next(p.markdown for p in pages if p.path.endswith("edition.js"))
    assert data_of(script)["editions"]["check_pages"] == {"2030-31": "../2030-31/self-assessment/check-a-return.html"}
    assert data_of(script)["submission_url"] == "https://icb.example/returns"

    old = PageContext(library=library, target=archived, editions=(current, archived))
    old_pages = self_assessment(old, Templates(ROOT / "site_templates", ROOT / "content"))
    assert navigation(old_pages) == [
        {"Self-assessment": [{"Check a return file": "self-assessment/check-a-return.md"}]}
    ]
    old_script = next(p.markdown for p in old_pages if p.path.endswith("edition.js"))
    assert data_of(old_script)["editions"]["check_pages"] == {"2031-32": "../../self-assessment/check-a-return.html"}


def test_the_site_registers_the_section() -> None:
    from generator.selfassess.site import self_assessment
    from generator.site.pages import RENDERERS

    assert self_assessment in RENDERERS
