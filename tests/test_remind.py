"""toolkit remind against the report's population (tests/reportdata.py), acting on 1 July 2031.

2031-32's deadline is 30 September 2031. Practices 0–29 sent valid returns (thanks), 30–34
invalid ones (a correction, with the feedback page), 35–39 nothing (a reminder); practices 0, 7,
14, 21 and 28 asked for support in alpha and practice 1 in beta (an acknowledgement each). In
the register practice 4 and practice 35 have no address, and practice 7 has two.
"""

from __future__ import annotations

import csv
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import reportdata as data

from generator.cli import main
from generator.mailmessages import POLICY

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

USER = "quality-team"
PASSWORD = "s3cret-Pa55word-never-shown"
FROM = "quality@icb.example.nhs.uk"
TODAY = "2031-07-01"
NO_ADDRESS = (4, 35)
ASKED = (0, 1, 7, 14, 21, 28)


def address(i: int) -> str:
    return f"manager@{data.code(i).lower()}.nhs.example"


def addresses(i: int) -> list[str]:
    return [address(i), f"partner@{data.code(i).lower()}.nhs.example"] if i == 7 else [address(i)]


def expected() -> set[tuple[str, tuple[str, ...]]]:
    """(subject, recipients) of every message due."""
    title = "Test standards 2031-32"
    found = set()
    for i in range(data.REGISTER_SIZE):
        if i in NO_ADDRESS:
            continue
        to = tuple(addresses(i))
        code = data.code(i)
        if i < data.VALID_2031:
            found.add((f"{title}: thank you for your return ({code})", to))
        elif i < data.VALID_2031 + data.INVALID_2031:
            found.add((f"{title}: your return needs correcting ({code})", to))
        else:
            found.add((f"{title}: your practice's return is due by 30 September 2031", to))
        if i in ASKED:
            found.add((f"{title}: your request for support ({code})", to))
    return found


@pytest.fixture
def store(tmp_path: Path) -> Path:
    shutil.copytree(data.collected(), tmp_path / "store")
    return tmp_path / "store"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "practices.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["practice_code", "practice_name", "Email", "email_2"])
        for i, (code, name) in enumerate(data.register_rows()):
            mine = [] if i in NO_ADDRESS else addresses(i)
            writer.writerow([code, name, *[*mine, "", ""][:2]])
    return path


@dataclass
class Received:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    received: Received


def start(certificate: tuple[Path, Path], *, tls: bool = True) -> Iterator[Server]:
    received = Received()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> AuthResult:
        assert isinstance(auth, LoginPassword)
        received.logins.append((auth.login, auth.password))
        return AuthResult(success=auth.login == USER.encode() and auth.password == PASSWORD.encode(), handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    port = free_port()
    extra: dict[str, Any] = {"tls_context": context, "require_starttls": True} if tls else {}
    controller = Controller(
        received, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=True, **extra
    )
    controller.start()
    try:
        yield Server(port, received)
    finally:
        controller.stop()


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[Server]:
    yield from start(certificate)


def remind(store: Path, register: Path, *rest: str) -> list[str]:
    return [
        "remind", "--store", str(store), "--standards", str(data.FIXTURE), "--register", str(register),
        "--edition", data.CURRENT, "--today", TODAY, *rest,
    ]  # fmt: skip


def over(server: Server, certificate: tuple[Path, Path]) -> list[str]:
    return ["--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-ca", str(certificate[0]), "--from", FROM]  # fmt: skip


def test_sent_over_smtp_exactly_once_with_the_password_never_shown(
    store: Path,
    register: Path,
    smtp: Server,
    certificate: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOOLKIT_SMTP_USER", USER)
    monkeypatch.setenv("TOOLKIT_SMTP_PASSWORD", PASSWORD)
    assert main(remind(store, register, *over(smtp, certificate))) == 0
    out, err = capsys.readouterr()
    got = smtp.received.messages
    assert {(str(m["Subject"]), tuple(to)) for to, m in got} == expected()
    assert len(got) == len(expected()) == 29 + 5 + 4 + 6  # thanks (not 4), corrections, reminders (not 35), acks
    assert {str(m["From"]) for _, m in got} == {FROM}
    assert all("X-Unsent" not in m for _, m in got)
    assert smtp.received.logins == [(USER.encode(), PASSWORD.encode())]

    attached = {str(m["Subject"]): [(p.get_filename(), p.get_content()) for p in m.iter_attachments()] for _, m in got}
    for i in range(data.VALID_2031, data.VALID_2031 + data.INVALID_2031):
        (name, content), *more = attached[f"Test standards 2031-32: your return needs correcting ({data.code(i)})"]
        page = next((store / "feedback" / data.CURRENT).glob(f"{data.code(i)}-*.html"))
        assert not more and name == f"{data.code(i)}-feedback.html" and content == page.read_text(encoding="utf-8")
    assert all(not a for s, a in attached.items() if "correcting" not in s)

    body = next(m for _, m in got if str(m["Subject"]).endswith(f"request for support ({data.code(1)})"))
    text = body.get_content()
    assert "You asked: -1 fire doors" in text
    assert "Who will be in touch: Pat Example, Estates adviser (estates@icb.example.nhs.uk, 0113 000 0000)" in text
    assert "By: 27 June 2031 (10 working days from your return)" in text

    listed = out.splitlines()
    assert f"no address\t{data.code(4)} Practice 4: no email address in the register; not written to (thanks)" in listed
    assert (
        f"no address\t{data.code(35)} Practice 35: no email address in the register; not written to (reminder)"
        in listed
    )
    assert err.splitlines()[-1] == "44 sent through 127.0.0.1, 0 not sent"

    assert main(remind(store, register, *over(smtp, certificate))) == 0  # again: nothing sent twice
    again_out, again_err = capsys.readouterr()
    assert len(got) == 44
    assert again_err.splitlines()[-1] == "0 sent through 127.0.0.1, 0 not sent"
    for shown in (out, err, again_out, again_err):
        assert PASSWORD not in shown
    for path in store.rglob("*"):
        assert not path.is_file() or PASSWORD.encode() not in path.read_bytes()


def test_a_refused_password_is_said_in_words_and_never_shown(
    store: Path,
    register: Path,
    smtp: Server,
    certificate: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOOLKIT_SMTP_USER", USER)
    monkeypatch.setenv("TOOLKIT_SMTP_PASSWORD", PASSWORD + "-wrong")
    assert main(remind(store, register, *over(smtp, certificate))) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == (
        f"toolkit remind: 127.0.0.1:{smtp.port}: the server refused the user name and password given in "
        "TOOLKIT_SMTP_USER and TOOLKIT_SMTP_PASSWORD"
    )
    assert PASSWORD not in out + err and not smtp.received.messages
    monkeypatch.setenv("TOOLKIT_SMTP_PASSWORD", PASSWORD)
    assert main(remind(store, register, *over(smtp, certificate))) == 0  # nothing was recorded as sent
    assert len(smtp.received.messages) == 44


def test_a_server_without_starttls_is_refused(
    store: Path, register: Path, certificate: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for server in start(certificate, tls=False):
        assert main(remind(store, register, *over(server, certificate))) == 1
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"toolkit remind: 127.0.0.1:{server.port}: the server does not offer STARTTLS; practices' mail is never "
            "sent unencrypted"
        )
        assert not server.received.messages


def test_eml_files_read_back_identically_and_are_not_prepared_twice(
    store: Path, register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mail"
    assert main(remind(store, register, "--send", "--out", str(out), "--from", FROM)) == 0
    capsys.readouterr()
    files = sorted(out.glob("*.eml"))
    assert len(files) == 44
    seen = set()
    for path in files:
        raw = path.read_bytes()
        parsed = email.message_from_bytes(raw, policy=POLICY)
        assert isinstance(parsed, EmailMessage)
        assert parsed.as_bytes() == raw
        plain = email.message_from_bytes(raw, policy=email.policy.default)
        assert [(k, str(v)) for k, v in plain.items()] == [(k, str(v)) for k, v in parsed.items()]
        assert parsed["X-Unsent"] == "1" and parsed["From"] == FROM
        seen.add((str(parsed["Subject"]), tuple(a.strip() for a in str(parsed["To"]).split(","))))
    assert seen == expected()
    (merge,) = out.glob("mail-merge-*.csv")
    with merge.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["eml_file"] for r in rows) == [p.name for p in files]
    assert {r["subject"] for r in rows} == {s for s, _ in expected()}

    assert main(remind(store, register, "--send", "--out", str(out), "--from", FROM)) == 0
    assert capsys.readouterr().err.startswith("0 messages written")
    assert len(list(out.glob("*.eml"))) == 44  # the earlier files stay


def test_a_dry_run_lists_and_writes_nothing(
    store: Path, register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(remind(store, register, "--out", str(tmp_path / "mail"))) == 0
    out, err = capsys.readouterr()
    assert len([line for line in out.splitlines() if line.startswith("would send\t")]) == 44
    assert err == "44 messages to send, 2 practices with no address; nothing sent (a dry run: give --send)\n"
    assert not (tmp_path / "mail").exists() and not (store / "reminders.sqlite").exists()


def test_after_the_deadline_no_reminder(store: Path, register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = remind(store, register, "--only", "reminder")
    args[args.index(TODAY)] = "2031-10-01"
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "would send" not in out


def test_a_folder_it_did_not_make_is_refused(
    store: Path, register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(remind(store, register, "--send", "--out", str(out))) == 2
    assert "was not made by toolkit remind" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_no_server_there_is_said_and_nothing_is_listed_as_sent(
    store: Path, register: Path, certificate: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    args = ["--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--from", FROM]
    assert main(remind(store, register, *args)) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == f"toolkit remind: 127.0.0.1:{port}: cannot connect (Connection refused)"
    assert not [line for line in out.splitlines() if line.startswith("sent\t")]
    assert main(remind(store, register)) == 0  # nothing was recorded as sent
    assert len([line for line in capsys.readouterr().out.splitlines() if line.startswith("would send\t")]) == 44


def test_a_bad_address_or_a_practice_missing_from_the_register_is_listed(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Practice 3's address is not one; practice 5 sent a return but is not in this register."""
    path = tmp_path / "short.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["practice_code", "practice_name", "email"])
        for i in (3, 6):
            writer.writerow([data.code(i), f"Practice {i}", "reception at the practice" if i == 3 else address(i)])
    assert main(remind(store, path, "--only", "thanks")) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        f"no address\t{data.code(3)} Practice 3: 'reception at the practice' in the register is not an email address; not written to (thanks)"
        in out
    )
    assert f"no address\t{data.code(5)}: not in the register; not written to (thanks)" in out
    assert [line.split("\t")[2] for line in out if line.startswith("would send")] == [data.code(6)]
