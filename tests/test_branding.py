"""Changing the ICB in toolkit.yml changes it everywhere a practice or the ICB sees it, and nowhere else needs editing.

A copy of the project gets another ICB's name, email and colour in its toolkit.yml (and nothing else changed);
then the site and every form are built, two returns are collected and the report is made, and every output is
read as what it is (HTML and other text, the text of each PDF, every cell of each workbook) for the old name and
email, which must be gone, and the new ones, which must be there.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pypdf
import pytest

ROOT = Path(__file__).parent.parent
PROJECT = ("standards", "content", "site_templates", "mkdocs.yml", "toolkit.yml")

OLD_NAME = "NHS Example Integrated Care Board"
OLD_EMAIL = "primarycare.quality@icb.example.nhs.uk"
OLD_COLOUR = "#005eb8"
NEW_NAME = "NHS Riverside and Downs Integrated Care Board"
NEW_EMAIL = "gp.quality@riverside-downs.example.nhs.uk"
NEW_COLOUR = "#7a1f5c"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#7a1f5c"/></svg>\n'
)


def toolkit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", *args]
    env = {"PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "0"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def rebranded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with another ICB in toolkit.yml, built, with two returns collected and reported on."""
    project = tmp_path_factory.mktemp("rebranded")
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    settings = project / "toolkit.yml"
    text = settings.read_text(encoding="utf-8")
    assert OLD_NAME in text and OLD_EMAIL in text and OLD_COLOUR in text
    text = text.replace(OLD_NAME, NEW_NAME).replace(OLD_EMAIL, NEW_EMAIL).replace(OLD_COLOUR, NEW_COLOUR)
    text = text.replace("  # logo: branding/logo.svg", "  logo: branding/logo.svg")
    settings.write_text(text, encoding="utf-8")
    (project / "branding").mkdir()
    (project / "branding" / "logo.svg").write_text(LOGO, encoding="utf-8")

    built = toolkit(project, "build", "--site", "out/site")
    assert built.returncode == 0, built.stdout + built.stderr

    inbox = project / "inbox"
    inbox.mkdir()
    example = (project / "out/site/downloads/2025-26/example-return.csv").read_text(encoding="utf-8")
    (inbox / "Z99999.csv").write_text(example, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(example)))
    rows = [{**row, "practice_code": "Z99998"} for row in rows]
    first_fixed = next(i for i, row in enumerate(rows) if row["answer"] in ("yes", "no", "partial"))
    rows[first_fixed]["answer"] = "maybe"  # not an answer: the return is invalid and gets a feedback page
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (inbox / "Z99998.csv").write_text(out.getvalue(), encoding="utf-8")
    collected = toolkit(project, "collect", "--from", "inbox", "--store", "out/store", "--jobs", "1")
    assert collected.returncode in (0, 1), collected.stdout + collected.stderr
    reported = toolkit(project, "report", "--store", "out/store", "--out", "out/report")
    assert reported.returncode == 0, reported.stdout + reported.stderr
    return project / "out"


def texts(out: Path) -> Iterator[tuple[Path, str]]:
    """Every output file as the text a person sees in it."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            yield path, "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
            yield path, "\n".join([*cells, book.properties.creator or "", str(book.properties.title or "")])
        elif path.suffix in (".html", ".js", ".json", ".csv", ".css", ".txt", ".xml"):
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_the_old_icb_is_named_nowhere(rebranded: Path) -> None:
    read = dict(texts(rebranded))
    assert len(read) > 100
    for path, text in read.items():
        # The search index escapes nothing in names or addresses, so a plain search finds what a reader would.
        assert OLD_NAME not in text, path
        assert OLD_EMAIL not in text, path


def test_the_new_icb_is_named_where_a_practice_or_the_icb_looks(rebranded: Path) -> None:
    read = {path.relative_to(rebranded).as_posix(): text for path, text in texts(rebranded)}
    site = "site/"
    downloads = f"{site}downloads/2025-26/"
    named = [
        f"{site}index.html",
        f"{site}about.html",
        f"{site}domains/safeguarding/index.html",
        f"{site}self-assessment/index.html",
        f"{site}self-assessment/check-answers.html",
        f"{site}self-assessment/assets/edition.js",
        f"{downloads}self-assessment-2025-26.pdf",
        f"{downloads}self-assessment-2025-26.xlsx",
        "report/report.html",
    ]
    named += [name for name in read if name.startswith(downloads) and name.endswith(".pdf")]
    feedback = [name for name in read if name.startswith("store/feedback/") and name.endswith(".html")]
    assert len(feedback) == 2  # the invalid return's, and the example's (its answers ask for a look)
    named += feedback
    for name in named:
        assert NEW_NAME in read[name], name
    for name in (f"{site}self-assessment/index.html", f"{downloads}self-assessment-2025-26.xlsx", *feedback):
        assert NEW_EMAIL in read[name], name
    assert "by 30 September 2025" in read[f"{downloads}self-assessment-2025-26.xlsx"]


def test_the_new_colour_is_the_sites_and_the_feedbacks(rebranded: Path) -> None:
    brand = (rebranded / "site/assets/toolkit/brand.css").read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {NEW_COLOUR};" in brand
    assert OLD_COLOUR not in brand
    page = (rebranded / "site/index.html").read_text(encoding="utf-8")
    assert "assets/toolkit/brand.css" in page
    feedback = next((rebranded / "store/feedback").rglob("*.html")).read_text(encoding="utf-8")
    assert f"--toolkit-brand: {NEW_COLOUR};" in feedback
    downloads = rebranded / "site/downloads/2025-26"
    cover = pypdf.PdfReader(downloads / "self-assessment-2025-26.pdf").pages[0].get_contents()
    assert cover is not None
    red, green, blue = (int(NEW_COLOUR[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert f"{red:.6f} {green:.6f} {blue:.6f} rg" in cover.get_data().decode("latin-1")  # the cover's band
    start = openpyxl.load_workbook(downloads / "self-assessment-2025-26.xlsx")["Start"]
    assert start["B1"].font.color.rgb == "FF" + NEW_COLOUR[1:].upper()


def test_the_logo_is_in_the_sites_header(rebranded: Path) -> None:
    assert (rebranded / "site/assets/toolkit/logo.svg").read_text(encoding="utf-8") == LOGO
    page = (rebranded / "site/index.html").read_text(encoding="utf-8")
    assert f'<img src="assets/toolkit/logo.svg" alt="{NEW_NAME} logo">' in page


def test_the_logo_and_colour_reach_the_site_configuration(tmp_path: Path) -> None:
    """A logo in toolkit.yml goes into the site under the toolkit's own name, and the theme shows it."""
    from generator.settings import require_settings
    from generator.site.config import BRAND_CSS, brand_assets, with_icb

    (tmp_path / "branding").mkdir()
    (tmp_path / "branding" / "Our Logo.SVG").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    text = (ROOT / "tests/fixtures/toolkit.yml").read_text(encoding="utf-8")
    text = text.replace('  colour: "#005eb8"\n', '  colour: "#7A1F5C"\n  logo: branding/Our Logo.SVG\n')
    (tmp_path / "toolkit.yml").write_text(text, encoding="utf-8")
    icb = require_settings(tmp_path)

    config = with_icb(
        {"theme": {"name": "material"}, "copyright": "Open Government Licence.", "extra_css": ["a.css"]}, icb
    )
    assert config["theme"] == {"name": "material", "logo": "assets/toolkit/logo.svg"}
    assert config["copyright"] == "© NHS Test Integrated Care Board. Open Government Licence."
    assert config["extra_css"] == ["a.css", BRAND_CSS]
    assert config["extra"]["icb_name"] == "NHS Test Integrated Care Board"
    assert config["extra"]["icb_email"] == "support@icb.example.nhs.uk"
    assets = brand_assets(icb)
    assert assets["assets/toolkit/logo.svg"] == b'<svg xmlns="http://www.w3.org/2000/svg"/>\n'
    assert b"--md-primary-fg-color: #7a1f5c;" in assets[BRAND_CSS]
