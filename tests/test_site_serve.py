"""toolkit serve's preview: the site served on this machine, built again when a source changes."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_site_support import ROOT, add_edition, options

from generator.site import mkdocs_build
from generator.site.build import BuildResult, build
from generator.site.serve import Preview, snapshot


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, list[BuildResult]]]:
    add_edition(tmp_path / "standards", "2030-31")
    results: list[BuildResult] = []
    served = Preview(options(tmp_path), port=0, on_build=results.append)
    yield served, results
    served.close()


def test_serves_the_built_site(preview: tuple[Preview, list[BuildResult]]) -> None:
    served, results = preview
    assert [r.ok for r in results] == [True]
    assert served.url.startswith("http://127.0.0.1:")
    assert '<h1 id="a-minimal-domain">A minimal domain</h1>' in _get(served.url + "domains/minimal/index.html")


def test_builds_again_when_a_standard_changes_and_keeps_the_last_good_site_on_a_problem(
    tmp_path: Path, preview: tuple[Preview, list[BuildResult]]
) -> None:
    served, results = preview
    assert served.poll() is None
    domain = tmp_path / "standards/2030-31/domains/minimal.yml"
    domain.write_text(domain.read_text().replace("title: A minimal domain", "title: A renamed domain"))
    result = served.poll()
    assert result is not None and result.ok
    assert "A renamed domain</h1>" in _get(served.url + "domains/minimal/index.html")
    domain.write_text(domain.read_text().replace("title: A renamed domain", "titel: A renamed domain"))
    result = served.poll()
    assert result is not None and not result.ok
    assert [p.message for p in result.problems] == [
        "missing required key 'title'",
        "unknown key 'titel' (did you mean 'title'?)",
    ]
    assert "A renamed domain</h1>" in _get(served.url + "domains/minimal/index.html")
    assert len(results) == 3


def test_watch_polls_until_stopped(tmp_path: Path, preview: tuple[Preview, list[BuildResult]]) -> None:
    served, results = preview
    stop = threading.Event()
    watcher = threading.Thread(target=served.watch, args=(stop, 0.05))
    watcher.start()
    (tmp_path / "standards/2030-31/domains/minimal.yml").touch()
    domain = tmp_path / "standards/2030-31/domains/minimal.yml"
    domain.write_text(domain.read_text() + "\n")
    for _ in range(200):
        if len(results) == 2:
            break
        stop.wait(0.05)
    stop.set()
    watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert len(results) == 2


def test_snapshot_sees_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.yml").write_text("x")
    (tmp_path / "mkdocs.yml").write_text("y")
    seen = snapshot([tmp_path / "a", tmp_path / "mkdocs.yml", tmp_path / "missing"])
    assert sorted(Path(p).name for p in seen) == ["mkdocs.yml", "one.yml"]


def test_builds_again_with_an_edited_content_page_and_template(tmp_path: Path) -> None:
    """The page templates and content are compiled once a process; an edit on disk still shows at the next build."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "site_templates", tmp_path / "site_templates")
    add_edition(tmp_path / "standards", "2030-31")
    served = Preview(options(tmp_path, content=tmp_path / "content", templates=tmp_path / "site_templates"), port=0)
    try:
        about = tmp_path / "content" / "about.md"
        about.write_text(about.read_text() + "\nA sentence added while previewing.\n")
        template = tmp_path / "site_templates" / "pages" / "standards.md.j2"
        template.write_text(template.read_text() + "\nA line added to the template.\n")
        result = served.poll()
        assert result is not None and result.ok
        assert "A sentence added while previewing." in _get(served.url + "about.html")
        assert "A line added to the template." in _get(served.url + "standards.html")
    finally:
        served.close()


def _digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _whole_build(served: Preview, place: Path) -> dict[str, str]:
    """The site a build from nothing makes of the sources as they are now: in a work folder of its own, so that no
    earlier build of its configuration is remembered."""
    whole = dataclasses.replace(served.options, site=place / "site", work=place / "work")
    result = build(whole)
    assert result.ok, [p.format() for p in result.problems]
    return _digests(place / "site")


def test_after_each_edit_the_site_served_is_what_a_whole_build_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit converts again only the pages whose Markdown it changed, and reuses the rest of the last build (in this
    process, or kept in the work folder by another): the site served is the same, byte for byte, as one built from
    nothing."""
    from mkdocs.structure.pages import Page

    converted: list[str] = []
    render = Page.render

    def counted(page: Page, *args: object) -> None:
        converted.append(page.file.src_uri)
        render(page, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Page, "render", counted)
    add_edition(tmp_path / "standards", "2029-30")
    add_edition(tmp_path / "standards", "2030-31", follows="2029-30")
    served = Preview(options(tmp_path), port=0)
    try:
        domain = tmp_path / "standards/2030-31/domains/minimal.yml"
        for number, (old, new) in enumerate(
            [
                ("Is there a policy?", "Is there a written policy?"),
                ("Anything else?", "Is there anything else?"),
                ("title: A minimal domain", "title: A renamed domain"),  # in every page's navigation
            ]
        ):
            if number == 2:
                mkdocs_build.forget_builds()  # as a new process: only what the last build kept in the work folder
            domain.write_text(domain.read_text().replace(old, new))
            converted.clear()
            result = served.poll()
            assert result is not None and result.ok, [p.format() for p in result.problems] if result else None
            assert [r.edition_id for r in result.editions if r.rebuilt] == ["2030-31"]
            assert 0 < len(converted) < sum(r.pages for r in result.editions if r.rebuilt)
            assert _digests(tmp_path / "site") == _whole_build(served, tmp_path / f"whole-{number}")
        assert "A renamed domain" in _get(served.url + "standards.html")
        assert "Is there anything else?" in _get(served.url + "domains/minimal/index.html")
    finally:
        served.close()
