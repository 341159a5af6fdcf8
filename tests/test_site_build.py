"""toolkit build on small editions: the site it makes, what it refuses, atomicity and incremental builds."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_site_support import ROOT, add_edition, options, outside_requests, tree

from generator.cli import main
from generator.site.build import BuildResult, build

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a current edition (2030-31) and the one it follows (2029-30)."""
    add_edition(tmp_path / "standards", "2029-30")
    add_edition(tmp_path / "standards", "2030-31", follows="2029-30")
    return tmp_path


def _pages(project: Path, name: str) -> list[str]:
    """The HTML pages the edition built as ``name`` ('root' or an edition id) should have: one per page, and 404."""
    docs = project / "build" / "site" / name / "docs"
    return sorted([p.relative_to(docs).with_suffix(".html").as_posix() for p in docs.rglob("*.md")] + ["404.html"])


def _built(result: BuildResult) -> BuildResult:
    assert result.problems == [], [p.format() for p in result.problems]
    return result


def test_site_holds_every_page_of_the_current_edition_at_the_root(project: Path) -> None:
    _built(build(options(project)))
    site = project / "site"
    for page in (
        "index.html",
        "how-to-use.html",
        "domains/minimal/index.html",
        "standards.html",
        "key-questions.html",
        "regulations.html",
        "changes.html",
        "downloads.html",
        "editions.html",
        "accessibility.html",
        "about.html",
        "search/search_index.js",
        "assets/toolkit/iframe-worker-shim.js",
        "assets/toolkit/toolkit.css",
    ):
        assert (site / page).is_file(), page
    domain = (site / "domains/minimal/index.html").read_text()
    for anchor in ("mn1", "mn1-1", "mn1-2", "mn1-3", "mn1-4", "mn1-5", "mn0-1"):
        assert f'id="{anchor}"' in domain
    assert '<a href="../../downloads/2030-31/minimal.pdf">Form: A minimal domain</a>' in domain
    assert (site / "downloads/2030-31/minimal.pdf").is_file()
    assert (site / "downloads/2029-30/questions.csv").is_file()
    assert "Archived edition" not in (site / "index.html").read_text()


def test_earlier_edition_is_archived_with_a_banner_on_every_page(project: Path) -> None:
    _built(build(options(project)))
    archived = project / "site" / "2029-30"
    pages = sorted(archived.rglob("*.html"))
    assert [p.relative_to(archived).as_posix() for p in pages] == _pages(project, "2029-30")
    assert len(pages) >= 12
    for page in pages:
        text = page.read_text()
        if page.name != "404.html":
            assert "<strong>Archived edition.</strong> This is Test standards 2029-30" in text, page
            link = re.search(r'<a href="([^"]+)">Go to the current edition, Test standards 2030-31</a>', text)
            assert link is not None, page
            assert (page.parent / link.group(1)).resolve() == (project / "site" / "index.html").resolve()
        assert "<title>Archived: " in text, page
    assert '<a href="../../../downloads/2029-30/minimal.pdf">' in (archived / "domains/minimal/index.html").read_text()


def test_current_edition_folder_leads_to_the_root(project: Path) -> None:
    _built(build(options(project)))
    stub = (project / "site" / "2030-31" / "domains" / "minimal" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../../../domains/minimal/index.html">' in stub
    assert 'location.replace("../../../domains/minimal/index.html" + location.hash)' in stub


def test_drafts_only_when_asked_each_page_with_a_draft_banner(project: Path) -> None:
    add_edition(project / "standards", "2031-32", status="draft", follows="2030-31")
    _built(build(options(project)))
    assert not (project / "site" / "2031-32").exists()
    _built(build(options(project, include_drafts=True)))
    pages = sorted((project / "site" / "2031-32").rglob("*.html"))
    assert [p.relative_to(project / "site" / "2031-32").as_posix() for p in pages] == _pages(project, "2031-32")
    for page in pages:
        assert "<title>Draft: " in page.read_text(), page
        if page.name != "404.html":
            assert "<strong>Draft edition.</strong> This is a draft of Test standards 2031-32." in page.read_text()


def test_nothing_is_loaded_from_another_site(project: Path) -> None:
    _built(build(options(project)))
    assert outside_requests(project / "site") == []
    index = (project / "site" / "index.html").read_text()
    assert "fonts.googleapis.com" not in index
    assert 'src="assets/toolkit/iframe-worker-shim.js"' in index


def test_refuses_to_build_on_check_problems_and_leaves_the_site_as_it_was(project: Path) -> None:
    _built(build(options(project)))
    before = tree(project / "site")
    shutil.copyfile(BROKEN / "domains" / "unknown_key_typo.yml", project / "standards/2030-31/domains/minimal.yml")
    result = build(options(project))
    assert [p.format() for p in result.problems] == [
        f"{project}/standards/2030-31/domains/minimal.yml:11:5: missing required key 'title'",
        f"{project}/standards/2030-31/domains/minimal.yml:12:5: unknown key 'titel' (did you mean 'title'?)",
    ]
    assert tree(project / "site") == before


def test_a_failing_site_build_leaves_the_site_as_it_was(project: Path) -> None:
    _built(build(options(project)))
    before = tree(project / "site")
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "about.md").write_text("# About\n\nSee [the old page](no-such-page.md).\n")
    result = build(options(project, content=content))
    assert not result.ok
    messages = [p.message for p in result.problems]
    assert messages[0] == (
        "Doc file 'about.md' contains a link 'no-such-page.md', but the target is not found among documentation files."
    )
    assert tree(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_content_page_with_a_template_error_is_refused_with_its_place(project: Path) -> None:
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "index.md").write_text("Welcome.\n\nDue by {{ deadline }.\n")
    result = build(options(project, content=content))
    assert [p.format() for p in result.problems] == [f"{content}/index.md:3:0: unexpected '}}'"]
    assert not (project / "site").exists()


def test_a_second_build_with_nothing_changed_rewrites_no_page_and_reuses_each_edition(project: Path) -> None:
    first = _built(build(options(project)))
    assert [(r.edition_id, r.rebuilt) for r in first.editions] == [("2030-31", True), ("2029-30", True)]
    assert all(r.pages_written == r.pages for r in first.editions)
    second = _built(build(options(project)))
    assert [(r.edition_id, r.pages_written, r.rebuilt) for r in second.editions] == [
        ("2030-31", 0, False),
        ("2029-30", 0, False),
    ]
    assert second.up_to_date
    assert list(second.seconds) == ["fingerprint"]
    assert (project / "site" / "domains" / "minimal" / "index.html").is_file()


def test_a_missing_site_is_put_together_again_from_the_editions_already_built(project: Path) -> None:
    _built(build(options(project)))
    before = tree(project / "site")
    shutil.rmtree(project / "site")
    again = _built(build(options(project)))
    assert not again.up_to_date
    assert [(r.edition_id, r.pages_written, r.rebuilt) for r in again.editions] == [
        ("2030-31", 0, False),
        ("2029-30", 0, False),
    ]
    assert tree(project / "site") == before


def test_a_change_to_the_templates_is_a_change(project: Path) -> None:
    templates = project / "site_templates"
    shutil.copytree(ROOT / "site_templates", templates)
    _built(build(options(project, templates=templates)))
    css = templates / "assets" / "toolkit.css"
    css.write_text(css.read_text() + "\n.toolkit-test { color: #000000; }\n")
    again = _built(build(options(project, templates=templates)))
    assert [(r.edition_id, r.pages_written, r.rebuilt) for r in again.editions] == [
        ("2030-31", 0, True),
        ("2029-30", 0, True),
    ]
    assert ".toolkit-test" in (project / "site/assets/toolkit/toolkit.css").read_text()


def test_a_change_to_one_edition_rebuilds_that_edition_only(project: Path) -> None:
    _built(build(options(project)))
    domain = project / "standards/2029-30/domains/minimal.yml"
    domain.write_text(domain.read_text().replace("Just enough to load.", "Just enough to load, reworded."))
    result = _built(build(options(project)))
    assert [(r.edition_id, r.pages_written, r.rebuilt) for r in result.editions] == [
        ("2030-31", 1, True),  # its changes page compares it with 2029-30
        ("2029-30", 2, True),  # the domain page and the home page
    ]
    assert "Just enough to load, reworded." in (project / "site/2029-30/domains/minimal/index.html").read_text()


def test_no_published_edition_is_a_clear_message(tmp_path: Path) -> None:
    add_edition(tmp_path / "standards", "2031-32", status="draft")
    result = build(options(tmp_path))
    assert [p.message for p in result.problems] == [
        "no published edition to build: publish one (status: published) or build drafts with --include-drafts"
    ]


def test_site_settings_are_plain_yaml_with_a_site_url_and_no_outside_fonts() -> None:
    settings = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert settings["site_url"] == "https://quality-toolkit.example.nhs.uk/"
    assert settings["theme"]["font"] is False
    assert settings["use_directory_urls"] is False
    assert settings["strict"] is True
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in settings["plugins"]]
    assert plugins == ["search", "offline", "privacy"]
    assert settings["extra"]["polyfills"] == ["assets/toolkit/iframe-worker-shim.js"]
    assert "navigation.prune" in settings["theme"]["features"]


def test_generated_configuration_builds_by_hand(project: Path) -> None:
    _built(build(options(project)))
    config = yaml.safe_load((project / "build/site/root/mkdocs.yml").read_text())
    assert config["nav"][:3] == [{"Home": "index.md"}, "how-to-use.md", {"Domains": ["domains/minimal/index.md"]}]
    assert "toolkit_banner" not in config["extra"]
    archived = yaml.safe_load((project / "build/site/2029-30/mkdocs.yml").read_text())
    assert archived["site_url"] == "https://quality-toolkit.example.nhs.uk/2029-30/"
    assert archived["extra"]["toolkit_banner"]["kind"] == "archived"


@pytest.fixture
def cli_project(standards: Path) -> Iterator[Path]:
    """The conftest's minimal project, with the repository's site settings, templates and content beside it."""
    for name in ("mkdocs.yml", "content", "site_templates"):
        (standards.parent / name).symlink_to(ROOT / name)
    yield standards.parent


def test_toolkit_build_command(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert re.fullmatch(
        r"built site/: 2030-31 \(current, at the root\); ([0-9]+) pages, \1 changed; site builder ran for 1 of 1; "
        r"[0-9.]+ s \(fingerprint [0-9.]+ s, check [0-9.]+ s, downloads [0-9.]+ s, pages [0-9.]+ s, mkdocs [0-9.]+ s, assemble [0-9.]+ s\)\n",
        err,
    ), err
    domain = (cli_project / "site/domains/minimal/index.html").read_text()
    assert re.search(
        r'<a href="../../downloads/2030-31/minimal.pdf">[^<]+</a> <span class="toolkit-download-meta">\(PDF, [0-9]+ KB\)</span>',
        domain,
    )
    downloads = (cli_project / "site/downloads.html").read_text()
    assert re.search(
        r'<a href="downloads/2030-31/return-template.csv">[^<]+</a> <span class="toolkit-download-meta">\(CSV, [0-9]+ (bytes|KB)\)</span>',
        downloads,
    )


def test_toolkit_build_command_with_nothing_changed(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    capsys.readouterr()
    assert main(["build"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert re.fullmatch(r"site/ is up to date: nothing has changed since it was built \([0-9.]+ s\)\n", err), err


def test_toolkit_build_command_refusing(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(BROKEN / "domains" / "malformed_url.yml", cli_project / "standards/2030-31/domains/minimal.yml")
    assert main(["build"]) == 1
    out, err = capsys.readouterr()
    assert (
        out
        == "standards/2030-31/domains/minimal.yml:18:32: malformed URL 'www.gov.uk/guidance': write it in full, starting https://\n"
    )
    assert err == "1 error, 0 warnings: site not built, site left as it was\n"
    assert not (cli_project / "site").exists()


def test_templates_compiled_by_one_build_are_loaded_by_the_next_and_compiled_again_when_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    from generator.site import templates as site_templates
    from generator.site.pages import render_pages

    shutil.copytree(ROOT / "site_templates" / "pages", tmp_path / "site_templates" / "pages")
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return compile_source(env, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    from test_site_pages import _context

    from generator.check import check

    add_edition(tmp_path / "standards", "2030-31")
    context = _context(check(tmp_path / "standards")[0])

    def render() -> str:
        site_templates._environment.cache_clear()  # as a new process would
        found = site_templates.Templates(tmp_path / "site_templates", ROOT / "content", tmp_path / "cache")
        return next(p.markdown for p in render_pages(context, found) if p.path == "standards.md")

    first = render()
    assert "standards.md.j2" in compiled
    compiled.clear()
    assert render() == first and [n for n in compiled if n and n.endswith(".md.j2")] == []
    standards = tmp_path / "site_templates" / "pages" / "standards.md.j2"
    standards.write_text(standards.read_text() + "\nA line added to the template.\n")
    assert "A line added to the template." in render()
    assert [n for n in compiled if n and n.endswith(".md.j2")] == ["standards.md.j2"]
