"""Nothing the toolkit writes can destroy what it did not make: every command's output paths and numbers.

Each case runs the command as the console script does (``main`` with its arguments, or a real
process where a limit on the process is needed) and holds the exact message and exit code;
after a refusal the target is compared, every entry of its tree, with what it was before.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from test_site_support import ROOT, add_edition, options

from generator import outputs
from generator.cli import main
from generator.site import files
from generator.site.build import build

HERE = Path(__file__).parent
SMALL = HERE / "editions" / "small" / "standards"
RETURNS = HERE / "editions" / "small" / "returns"
SITE_WHY = "the site folder is replaced whole on every build"
STORE_WHY = "the store must stay apart from the project's sources and outputs"
REPORT_WHY = "a report names practices and must stay apart from the project's sources and outputs"


# --- helpers ----------------------------------------------------------------------------------------------


def snapshot(path: Path) -> dict[str, str]:
    """Every entry at and under ``path``, links not followed: its kind and its bytes' hash or link target."""
    seen: dict[str, str] = {}

    def one(entry: Path, name: str) -> None:
        mode = os.lstat(entry).st_mode
        if stat.S_ISLNK(mode):
            seen[name] = f"link {os.readlink(entry)}"
        elif stat.S_ISREG(mode):
            seen[name] = f"file {hashlib.sha256(entry.read_bytes()).hexdigest()}"
        elif stat.S_ISDIR(mode):
            seen[name] = "folder"
            for child in sorted(entry.iterdir()):
                one(child, f"{name}/{child.name}")
        else:
            seen[name] = f"special {stat.S_IFMT(mode)}"

    if os.path.lexists(path):
        one(path, ".")
    return seen


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command's exit code, standard output and standard error, as the console script gives them."""
    try:
        code = main(args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def refused(args: list[str], target: Path, capsys: pytest.CaptureFixture[str], code: int = 2) -> str:
    """Run a command that must be refused; check its code, that it left ``target`` exactly as it was; its message."""
    before = snapshot(target)
    got, out, err = run(args, capsys)
    assert (got, out) == (code, "")
    assert snapshot(target) == before
    return err


def in_a_process(
    args: list[str], cwd: Path, file_size_limit: int | None = None, stdout: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``toolkit ARGS`` in its own process, with a file-size limit (a full disk, to the writer) if given."""

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    with open(stdout, "w") if stdout else nullcontext(subprocess.PIPE) as out:
        return subprocess.run(
            [sys.executable, "-m", "generator", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            preexec_fn=limit,
            timeout=300,
        )


@pytest.fixture
def project(standards: Path) -> Path:
    """The minimal project (standards/2030-31) as the working folder, with content/ holding hand-written pages."""
    root = standards.parent
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("# Our pages\n\nWritten by hand.\n")
    return root


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe: stands in for a device such as /dev/null (neither a folder nor a file)."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


# --- build --site ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "message"),
    [
        ("content", f"is the hand-written pages (content/); {SITE_WHY}, so give a folder of its own"),
        ("content/../content", f"is the hand-written pages (content/); {SITE_WHY}, so give a folder of its own"),
        ("standards", f"is the standards (standards/); {SITE_WHY}, so give a folder of its own"),
        ("standards/2030-31", f"is inside the standards (standards/); {SITE_WHY}, so give a folder outside it"),
        (".", f"is the current folder (./); {SITE_WHY}, so give a folder of its own"),
        ("", f"is the current folder (./); {SITE_WHY}, so give a folder of its own"),
        ("/", f"holds the standards (standards/); {SITE_WHY}, so give a folder of its own"),
        ("build/site", f"is inside the build's work folder (build/); {SITE_WHY}, so give a folder outside it"),
        ("site/preview", f"is inside the published site (site/); {SITE_WHY}, so give a folder outside it"),
        ("store", f"is the returns store (store/); {SITE_WHY}, so give a folder of its own"),
        ("site_templates", f"is the site's templates (site_templates/); {SITE_WHY}, so give a folder of its own"),
    ],
)
def test_build_site_among_the_projects_folders_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], site: str, message: str
) -> None:
    err = refused(["build", "--site", site], project, capsys)
    assert err == f"toolkit build: --site {Path(site)}: {message}\n"


def test_build_site_is_refused_whatever_the_spelling(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "link").symlink_to(project)
    monkeypatch.chdir(elsewhere)
    standards = str(project / "standards")
    content = project / "content"
    for spelling in (str(content), "link/content", "link/standards/../content", os.path.relpath(content)):
        err = refused(["build", "--standards", standards, "--site", spelling], project, capsys)
        assert err == (
            f"toolkit build: --site {spelling}: is the hand-written pages ({content}/); {SITE_WHY}, "
            "so give a folder of its own\n"
        )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("notes\n"), "is a file, not a folder"),
        (lambda p: os.mkfifo(p), "is a named pipe, not a folder"),
        (lambda p: (p.mkdir(), (p / "mine.txt").write_text("mine\n")), "is not empty and was not made by toolkit build; give a new or empty folder"),
        (lambda p: p.symlink_to(p), "is a symbolic link loop, not a folder"),
        (lambda p: (p.with_name("elsewhere").mkdir(), p.symlink_to("elsewhere")), f"is a symbolic link (to elsewhere); {SITE_WHY}, so give the folder itself"),
        (lambda p: (p.mkdir(), (p / "ledger.sqlite").write_bytes(b"")), "is the toolkit's returns store, made by toolkit collect; give a folder of its own"),
    ],
)  # fmt: skip
def test_build_site_that_is_not_the_toolkits_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object], message: str
) -> None:
    target = project / "out" / "target"
    target.parent.mkdir()
    make(target)
    message = message.replace("(to target)", f"(to {target})")
    err = refused(["build", "--site", "out/target"], target.parent, capsys)
    assert err == f"toolkit build: --site out/target: {message}\n"


def test_a_device_stand_in_stays_what_it_was(project: Path, fifo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat(fifo)
    err = refused(["build", "--site", str(fifo)], fifo, capsys)
    assert err == f"toolkit build: --site {fifo}: is a named pipe, not a folder\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.stat(fifo).st_ino == before.st_ino


@pytest.fixture
def cli_project(project: Path) -> Iterator[Path]:
    """The minimal project with the repository's site settings and templates (content/ is the fixture's own)."""
    shutil.rmtree(project / "content")
    shutil.copytree(ROOT / "content", project / "content")
    for name in ("mkdocs.yml", "site_templates"):
        (project / name).symlink_to(ROOT / name)
    yield project


def test_a_built_site_carries_its_marker_and_an_earlier_unmarked_site_is_still_replaced(
    cli_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["build"], capsys)[0] == 0
    marker = cli_project / "site" / ".toolkit-site"
    assert marker.read_text() == (
        "Made by toolkit build (GP Quality and Safety Toolkit): the next build replaces this whole folder.\n"
    )
    # A site built before markers existed: index.html beside assets/toolkit/.
    marker.unlink()
    (cli_project / "standards/2030-31/domains/minimal.yml").write_text(
        (cli_project / "standards/2030-31/domains/minimal.yml").read_text() + "\n# changed\n"
    )
    assert run(["build"], capsys)[0] == 0
    assert marker.is_file()


def test_the_atomic_swap_refuses_a_site_that_is_not_the_toolkits(tmp_path: Path) -> None:
    staging, site = tmp_path / ".site-new", tmp_path / "site"
    staging.mkdir()
    site.mkdir()
    (site / "letter.docx").write_bytes(b"mine")
    with pytest.raises(
        files.NotReplaced, match=r"^is not empty and was not made by toolkit build; give a new or empty folder$"
    ):
        files.swap_into_place(staging, site)
    assert snapshot(site) == {".": "folder", "./letter.docx": f"file {hashlib.sha256(b'mine').hexdigest()}"}
    outputs.mark(site, "site")
    files.swap_into_place(staging, site)
    assert not staging.exists() and list(site.iterdir()) == []


def test_build_refuses_a_foreign_site_as_a_problem(tmp_path: Path) -> None:
    add_edition(tmp_path / "standards", "2030-31")
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine\n")
    before = snapshot(site)
    result = build(options(tmp_path))
    assert [p.format() for p in result.problems] == [
        f"{site}:0:0: is not empty and was not made by toolkit build; give a new or empty folder"
    ]
    assert snapshot(site) == before


# --- the build's work folder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "becomes"),
    [
        ("root/mkdocs.yml", "folder"),
        ("root/out.fingerprint", "folder"),
        ("last-build.json", "folder"),
        ("root/docs", "file"),
        ("root/out", "file"),
    ],
)
def test_a_work_folder_holding_the_wrong_kind_of_thing_is_rebuilt(tmp_path: Path, relative: str, becomes: str) -> None:
    add_edition(tmp_path / "standards", "2030-31")
    assert build(options(tmp_path)).ok
    work = tmp_path / "build" / "site"
    files.clear(work / relative)
    if becomes == "folder":
        (work / relative / "inside").mkdir(parents=True)
    else:
        (work / relative).write_text("not a folder")
    (tmp_path / "standards/2030-31/domains/minimal.yml").write_text(
        (tmp_path / "standards/2030-31/domains/minimal.yml").read_text() + "\n# changed\n"
    )
    result = build(options(tmp_path))
    assert result.problems == []
    assert (tmp_path / "site" / "index.html").is_file()
    assert (work / "root" / "mkdocs.yml").is_file()


def test_toolkit_build_mends_its_work_folder(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["build"], capsys)[0] == 0
    config = cli_project / "build" / "site" / "root" / "mkdocs.yml"
    config.unlink()
    (config / "a folder where a file was").mkdir(parents=True)
    domain = cli_project / "standards/2030-31/domains/minimal.yml"
    domain.write_text(domain.read_text() + "\n# changed\n")
    code, out, err = run(["build"], capsys)
    assert (code, out) == (0, "")
    assert err.startswith("built site/: 2030-31 (current, at the root)")
    assert config.is_file()


def test_a_work_folder_that_cannot_be_made_is_a_problem(tmp_path: Path) -> None:
    add_edition(tmp_path / "standards", "2030-31")
    (tmp_path / "build").write_text("a file where the build keeps its work\n")
    result = build(options(tmp_path))
    assert [p.format() for p in result.problems] == [
        f"{tmp_path}/build/site/last-build.json:0:0: cannot be written by the build: Not a directory"
    ]
    assert not (tmp_path / "site").exists()
    assert (tmp_path / "build").read_text() == "a file where the build keeps its work\n"


# --- collect --store ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("site/store", f"is inside the published site (site/); {STORE_WHY}, so give a folder outside it"),
        ("site", f"is the published site (site/); {STORE_WHY}, so give a folder of its own"),
        ("content/store", f"is inside the hand-written pages (content/); {STORE_WHY}, so give a folder outside it"),
        ("standards/store", f"is inside the standards (standards/); {STORE_WHY}, so give a folder outside it"),
        ("build/store", f"is inside the build's work folder (build/); {STORE_WHY}, so give a folder outside it"),
        (".", f"is the current folder (./); {STORE_WHY}, so give a folder of its own"),
        ("..", f"holds the standards (standards/); {STORE_WHY}, so give a folder of its own"),
    ],
)
def test_collect_store_among_the_projects_folders_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], store: str, message: str
) -> None:
    (project / "site").mkdir()
    err = refused(["collect", "--from", "inbox", "--store", store], project, capsys)
    assert err == f"toolkit collect: --store {store}: {message}\n"


def test_collect_store_in_the_site_from_another_folder_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "published").symlink_to(project / "site", target_is_directory=True)
    (project / "site").mkdir()
    monkeypatch.chdir(elsewhere)
    args = ["collect", "--from", "inbox", "--standards", str(project / "standards"), "--store"]
    for spelling in (str(project / "site" / "store"), "published/store", "published/../site/returns"):
        err = refused([*args, spelling], project, capsys)
        assert err == (
            f"toolkit collect: --store {spelling}: is inside the published site ({project}/site/); "
            f"{STORE_WHY}, so give a folder outside it\n"
        )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x"), "is a file, not a folder"),
        (lambda p: os.mkfifo(p), "is a named pipe, not a folder"),
        (lambda p: (p.mkdir(), (p / "letter.docx").write_bytes(b"mine")), "is not empty and was not made by toolkit collect; give a new or empty folder"),
        (lambda p: (p.mkdir(), (p / ".toolkit-site").write_text("x"), (p / "index.html").write_text("x")), "is the toolkit's site, made by toolkit build; give a folder of its own"),
        (lambda p: p.symlink_to(p), "is a symbolic link loop, not a folder"),
    ],
)  # fmt: skip
def test_collect_store_that_is_not_a_store_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object], message: str
) -> None:
    target = project / "returns"
    make(target)
    err = refused(["collect", "--from", "inbox", "--store", "returns"], project, capsys)
    assert err == f"toolkit collect: --store returns: {message}\n"


def test_a_store_is_marked_and_a_store_from_before_markers_is_still_used(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "inbox").mkdir()
    (project / "inbox" / "scan.pdf").write_bytes(b"%PDF-1.4 not a return")
    assert run(["collect", "--from", "inbox", "--quiet"], capsys)[0] == 0
    marker = project / "store" / ".toolkit-store"
    assert marker.read_text() == (
        "Made by toolkit collect (GP Quality and Safety Toolkit): the returns store, every return received.\n"
    )
    marker.unlink()  # a store an earlier version made: ledger.sqlite and raw/
    assert (project / "store" / "ledger.sqlite").is_file()
    assert run(["collect", "--from", "inbox", "--quiet"], capsys)[0] == 0
    assert marker.is_file()
    # and the site refuses it
    err = refused(["build", "--site", "store"], project / "store", capsys)
    assert (
        err == f"toolkit build: --site store: is the returns store (store/); {SITE_WHY}, so give a folder of its own\n"
    )


# --- report --out ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("store", f"is the returns store (store/); {REPORT_WHY}, so give a folder of its own"),
        ("store/raw/report", f"is inside the store's raw folder (store/raw/); {REPORT_WHY}, so give a folder outside it"),
        ("standards/report", f"is inside the standards (standards/); {REPORT_WHY}, so give a folder outside it"),
        ("site_templates/r", f"is inside the site's templates (site_templates/); {REPORT_WHY}, so give a folder outside it"),
        (".", f"is the current folder (./); {REPORT_WHY}, so give a folder of its own"),
        ("mine", "is not empty and was not made by toolkit report; give a new or empty folder"),
        ("mine/letter.docx", "is a file, not a folder"),
        ("mine/letter.docx/report", "is a path through a file, not a folder"),
    ],
)  # fmt: skip
def test_report_out_among_the_projects_folders_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], out: str, message: str
) -> None:
    (project / "mine").mkdir()
    (project / "mine" / "letter.docx").write_bytes(b"mine")
    err = refused(["report", "--out", out], project, capsys)
    assert err == f"toolkit report: --out {out}: {message}\n"


def test_report_out_in_the_site_from_another_folder_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "proj").symlink_to(project, target_is_directory=True)
    (project / "site").mkdir()
    monkeypatch.chdir(elsewhere)
    args = ["report", "--standards", str(project / "standards"), "--store", str(project / "store"), "--out"]
    for spelling in (str(project / "site" / "r"), "proj/site/r", "proj/content/../site/r"):
        err = refused([*args, spelling], project, capsys)
        assert err == (
            f"toolkit report: --out {spelling}: is inside the published site ({project}/site/); "
            f"{REPORT_WHY}, so give a folder outside it\n"
        )


# --- carry-forward --out and diff --out ------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SMALL, tmp_path / "standards")
    shutil.copy(RETURNS / "P12345-2030-31.csv", tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "site").mkdir()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "kept.csv").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


CARRY = ["carry-forward", "P12345-2030-31.csv", "--to", "2031-32", "--out"]
DIFF = ["diff", "2030-31", "2031-32", "--markdown", "--out"]
OUT_CASES = [
    ("kept.csv", 1, "already exists (a file); give --force to replace it, or another name"),
    ("folder", 2, "is a folder; give the name of a file to write ('-' writes to the terminal)"),
    ("pipe", 2, "is a named pipe; give the name of a file to write ('-' writes to the terminal)"),
    ("no-such-folder/new.csv", 2, "the folder no-such-folder does not exist; make it first or give another"),
    ("kept.csv/new.csv", 2, "the folder kept.csv does not exist; make it first or give another"),
    ("site/new.csv", 2, "is inside the published site (site/), which toolkit build replaces; give a file outside it"),
]


@pytest.mark.parametrize("command", [CARRY, DIFF], ids=["carry-forward", "diff"])
@pytest.mark.parametrize(("out", "code", "message"), OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_out_file_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str], command: list[str], out: str, code: int, message: str
) -> None:
    err = refused([*command, out], workspace, capsys, code)
    assert err == f"toolkit {command[0]}: --out {out}: {message}\n"


@pytest.mark.parametrize("command", [CARRY, DIFF], ids=["carry-forward", "diff"])
def test_force_replaces_the_out_file(workspace: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run([*command, "kept.csv", "--force"], capsys)
    assert (code, out) == (0, "")
    assert (workspace / "kept.csv").read_text() != "mine\n"
    assert sorted(p.name for p in workspace.iterdir() if p.name.startswith(".")) == []


def test_diff_out_dash_is_the_terminal(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*DIFF, "-"], capsys)
    assert code == 0 and out.startswith("From 2030-31 (Test standards 2030-31) to 2031-32") and err == ""
    assert not (workspace / "-").exists()


@pytest.mark.parametrize("command", [CARRY, DIFF], ids=["carry-forward", "diff"])
def test_a_full_disk_is_a_message_and_leaves_nothing_half_written(workspace: Path, command: list[str]) -> None:
    before = snapshot(workspace)
    result = in_a_process([*command, "new.md"], workspace, file_size_limit=100)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"toolkit {command[0]}: cannot write new.md: File too large"
    assert "Traceback" not in result.stderr
    assert snapshot(workspace) == before
    # with --force, the file being replaced is kept whole
    result = in_a_process([*command, "kept.csv", "--force"], workspace, file_size_limit=100)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"toolkit {command[0]}: cannot write kept.csv: File too large"
    assert snapshot(workspace) == before


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("command", [CARRY, DIFF], ids=["carry-forward", "diff"])
def test_a_full_disk_behind_standard_output_is_a_message(workspace: Path, command: list[str]) -> None:
    # Standard output only is the full device: the toolkit is never given its path.
    result = in_a_process([*command, "-"], workspace, stdout=Path("/dev/full"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"toolkit {command[0]}: standard output: No space left on device"
    assert "Traceback" not in result.stderr


def test_write_file_never_replaces_without_force(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("mine")
    with pytest.raises(OSError) as raised:
        outputs.write_file(target, b"new", force=False)
    assert (raised.value.errno, raised.value.filename) == (errno.EEXIST, str(target))
    assert target.read_text() == "mine"
    outputs.write_file(target, b"new", force=True)
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


# --- edition new -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.symlink_to("nowhere"),
        lambda p: p.write_text("notes\n"),
        lambda p: p.mkdir(),
        lambda p: os.mkfifo(p),
    ],
    ids=["broken-link", "file", "empty-folder", "pipe"],
)
def test_edition_new_never_replaces_what_is_there(
    standards: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object]
) -> None:
    make(standards / "2031-32")
    err = refused(["edition", "new", "2031-32", "--from", "2030-31"], standards, capsys, 1)
    assert err == "standards/2031-32 already exists; edit it, or remove it to start again\n"


# --- a symbolic link loop in the standards --------------------------------------------------------------------


def test_a_symlink_loop_in_the_standards_is_a_problem_with_its_place(
    cli_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    domains = cli_project / "standards" / "2030-31" / "domains"
    (domains / "a.yml").symlink_to("b.yml")
    (domains / "b.yml").symlink_to("a.yml")
    (cli_project / "standards" / "loop").symlink_to("loop")
    expected = [
        "standards/2030-31/domains/a.yml:0:0: cannot read the file: Too many levels of symbolic links",
        "standards/2030-31/domains/a.yml:1:1: this domain is not listed in edition.yml 'domains'; add 'a' there",
        "standards/2030-31/domains/b.yml:0:0: cannot read the file: Too many levels of symbolic links",
        "standards/2030-31/domains/b.yml:1:1: this domain is not listed in edition.yml 'domains'; add 'b' there",
    ]
    code, out, err = run(["check"], capsys)
    assert (code, out.splitlines()) == (1, expected)
    code, out, err = run(["build"], capsys)
    assert (code, out.splitlines()) == (1, expected)
    assert err == "4 errors, 0 warnings: site not built, site left as it was\n"


# --- numbers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["collect", "--from", "in", "--max-size", "nan"], "argument --max-size: 'nan' is not a number from 0 to 1024"),
        (["collect", "--from", "in", "--max-size", "inf"], "argument --max-size: 'inf' is not a number from 0 to 1024"),
        (["collect", "--from", "in", "--max-size", "-1"], "argument --max-size: '-1' is not a number from 0 to 1024"),
        (["collect", "--from", "in", "--max-size", "1e9"], "argument --max-size: '1e9' is not a number from 0 to 1024"),
        (["collect", "--from", "in", "--max-size", "lots"], "argument --max-size: 'lots' is not a number from 0 to 1024"),
        (["collect", "--from", "in", "--timeout", "nan"], "argument --timeout: 'nan' is not a number from 0 to 3600"),
        (["collect", "--from", "in", "--timeout", "-5"], "argument --timeout: '-5' is not a number from 0 to 3600"),
        (["collect", "--from", "in", "--timeout", "1e300"], "argument --timeout: '1e300' is not a number from 0 to 3600"),
        (["collect", "--from", "in", "--retries", "15"], "argument --retries: '15' is not a whole number from 0 to 10"),
        (["collect", "--from", "in", "--retries", "-1"], "argument --retries: '-1' is not a whole number from 0 to 10"),
        (["collect", "--from", "in", "--retries", "2.5"], "argument --retries: '2.5' is not a whole number from 0 to 10"),
        (["collect", "--from", "in", "--jobs", "100000"], "argument --jobs: '100000' is not a whole number from 0 to 256"),
        (["serve", "--port", "99999"], "argument --port: '99999' is not a whole number from 0 to 65535"),
        (["serve", "--port", "-1"], "argument --port: '-1' is not a whole number from 0 to 65535"),
    ],
)  # fmt: skip
def test_numbers_out_of_range_are_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = snapshot(project)
    code, out, err = run(args, capsys)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == f"toolkit {args[0]}: error: {message}"
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("option", "message"),
    [("--max-size", "--max-size must be more than 0"), ("--timeout", "--timeout must be more than 0")],
)
def test_zero_is_refused_too(project: Path, capsys: pytest.CaptureFixture[str], option: str, message: str) -> None:
    err = refused(["collect", "--from", "inbox", option, "0"], project, capsys)
    assert err == f"toolkit collect: {message}\n"


# --- the last guard ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "store/ledger.sqlite"), "store/ledger.sqlite: No space left on device"),
        (PermissionError(errno.EACCES, "Permission denied", "site"), "site: Permission denied"),
        (OSError(errno.EROFS, "Read-only file system", "a", None, "b"), "a → b: Read-only file system"),
        (OSError(errno.EFBIG, "File too large"), "File too large"),
    ],
)  # fmt: skip
def test_a_failing_machine_is_one_line_and_exit_1(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: OSError, message: str
) -> None:
    import generator.commands.check as command

    def fail(args: object) -> int:
        raise error

    monkeypatch.setattr(command, "run", fail)
    assert run(["check"], capsys) == (1, "", f"toolkit check: {message}\n")


def test_interrupted_is_130_without_a_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import generator.commands.check as command

    def stop(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "run", stop)
    assert run(["check"], capsys) == (130, "", "interrupted\n")


def test_a_file_size_limit_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = in_a_process(["schema", "--out", "schema"], tmp_path, file_size_limit=64)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("toolkit schema: ") and lines[0].endswith(": File too large")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--site", "loop"], "toolkit build: --site loop: is a symbolic link loop, not a folder"),
        (["collect", "--from", "inbox", "--store", "loop"], "toolkit collect: --store loop: is a symbolic link loop, not a folder"),
        (["report", "--out", "loop"], "toolkit report: --out loop: is a symbolic link loop, not a folder"),
        (["report", "--store", "loop"], "toolkit report: the report folder loop/report: is a symbolic link loop, not a folder"),
        (["diff", "2030-31", "2031-32", "--out", "loop"], "toolkit diff: --out loop: is a symbolic link loop, not a file"),
        (["carry-forward", "x.csv", "--to", "2031-32", "--out", "loop"], "toolkit carry-forward: --out loop: is a symbolic link loop, not a file"),
    ],
)  # fmt: skip
def test_an_output_that_is_a_symlink_loop_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (project / "loop").symlink_to("loop")
    assert refused(args, project, capsys) == message + "\n"


def test_the_console_script_refuses_without_a_traceback(workspace: Path) -> None:
    for args, code, message in [
        (["build", "--site", "."], 2, f"toolkit build: --site .: is the current folder (./); {SITE_WHY}, so give a folder of its own"),
        (["diff", "2030-31", "2031-32", "--out", "folder"], 2, "toolkit diff: --out folder: is a folder; give the name of a file to write ('-' writes to the terminal)"),
        ([*CARRY, "no-such-folder/x.csv"], 2, "toolkit carry-forward: --out no-such-folder/x.csv: the folder no-such-folder does not exist; make it first or give another"),
        (["collect", "--from", "inbox", "--max-size", "nan"], 2, "toolkit collect: error: argument --max-size: 'nan' is not a number from 0 to 1024"),
    ]:  # fmt: skip
        result = in_a_process(args, workspace)
        assert (result.returncode, result.stdout, result.stderr.splitlines()[-1]) == (code, "", message)
        assert "Traceback" not in result.stderr


def test_an_output_inside_another_output_wherever_it_is_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "elsewhere" / "returns").mkdir(parents=True)
    outputs.mark(project / "elsewhere" / "returns", "store")
    (project / "elsewhere" / "public").mkdir()
    outputs.mark(project / "elsewhere" / "public", "site")
    cases = [
        (["build", "--site", "elsewhere/returns/site"], 2, f"toolkit build: --site elsewhere/returns/site: is inside the toolkit's returns store elsewhere/returns/; {SITE_WHY}, so give a folder outside it"),
        (["build", "--site", "elsewhere/public/2030-31"], 2, f"toolkit build: --site elsewhere/public/2030-31: is inside the toolkit's site elsewhere/public/; {SITE_WHY}, so give a folder outside it"),
        (["collect", "--from", "inbox", "--store", "elsewhere/public/store"], 2, f"toolkit collect: --store elsewhere/public/store: is inside the toolkit's site elsewhere/public/; {STORE_WHY}, so give a folder outside it"),
        (["collect", "--from", "inbox", "--store", "elsewhere/returns/inner"], 2, f"toolkit collect: --store elsewhere/returns/inner: is inside the toolkit's returns store elsewhere/returns/; {STORE_WHY}, so give a folder outside it"),
        (["diff", "2030-31", "2031-32", "--out", "elsewhere/public/bulletin.md"], 2, "toolkit diff: --out elsewhere/public/bulletin.md: is inside the toolkit's site elsewhere/public/, which toolkit build replaces; give a file outside it"),
    ]  # fmt: skip
    for args, code, message in cases:
        assert refused(args, project, capsys, code) == message + "\n"


def test_serve_refuses_a_preview_folder_that_is_not_the_toolkits(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "build" / "preview").mkdir(parents=True)
    (project / "build" / "preview" / "site").write_text("a file where the preview goes\n")
    err = refused(["serve", "--port", "0"], project, capsys, 1)
    assert err == "toolkit serve: build/preview/site: is a file, not a folder\n"


def test_a_source_file_whose_name_is_not_utf8_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    folder = add_edition(tmp_path / "standards", "2030-31")
    open(os.fsencode(folder / "domains") + b"/r\xe9sum\xe9.yml", "wb").close()  # a Latin-1 name
    result = build(options(tmp_path))
    assert [p.message for p in result.problems] == [
        "the file is empty",
        "this domain is not listed in edition.yml 'domains'; add 'r\udce9sum\udce9' there",
    ]
    assert not (tmp_path / "site").exists()


def test_a_name_too_long_for_the_system_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = "a" * 300
    cases = [
        (["build", "--site", long], "toolkit build: --site {}: is a path that cannot be looked at (File name too long), not a folder"),
        (["collect", "--from", "inbox", "--store", long], "toolkit collect: --store {}: is a path that cannot be looked at (File name too long), not a folder"),
        (["diff", "2030-31", "2031-32", "--out", long], "toolkit diff: --out {}: is a path that cannot be looked at (File name too long); give the name of a file to write ('-' writes to the terminal)"),
    ]  # fmt: skip
    for args, message in cases:
        assert refused(args, project, capsys) == message.format(long) + "\n"
