"""toolkit remind: every practice hears back, one message per practice for each reason to write.

A reminder before the deadline to practices that have sent nothing; a reminder with the feedback
page attached to practices whose return needs correcting; an acknowledgement of each support
request, naming who will be in touch and by when; a thank-you for a valid return. Practices with
no email address in the register (its optional email columns) are listed, not skipped.

Without --send this is a dry run: it lists what would be sent and writes nothing. With --send
the messages are written as .eml files (open each in a mail client and send it) with a mail-merge
CSV into --out, or, with --smtp-host, sent over SMTP with STARTTLS (user name and password from
the environment variables TOOLKIT_SMTP_USER and TOOLKIT_SMTP_PASSWORD, never an option).
What is sent is recorded in the store: nothing is sent twice for the same reason and return.

Example:
    toolkit remind --edition 2025-26 --register practices.csv
    toolkit remind --edition 2025-26 --register practices.csv --send --out mail-2025-26
    TOOLKIT_SMTP_USER=quality TOOLKIT_SMTP_PASSWORD=... toolkit remind --edition 2025-26 \\
        --register practices.csv --send --smtp-host smtp.example.nhs.uk --from quality@icb.example.nhs.uk

Exit codes: 0 done (or nothing to send); 1 a message could not be sent or written; 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..mailmessages import Composed
    from ..remind import Planned, Unaddressed

KIND_CHOICES = ("reminder", "correction", "acknowledgement", "thanks")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", help="the edition, such as 2025-26 (default: the current published edition)")
    parser.add_argument("--store", type=Path, default=Path("store"), help="the store 'toolkit collect' wrote")
    parser.add_argument(
        "--standards", type=Path, default=Path("standards"), help="the standards folder (default: standards)"
    )
    parser.add_argument(
        "--register",
        type=Path,
        help="the practice register with its email columns (default: toolkit.yml's register)",
    )
    parser.add_argument("--icb", help="the ICB's code, to keep its practices from an epraccur register")
    parser.add_argument("--only", action="append", choices=KIND_CHOICES, help="only messages of this kind (repeatable)")
    parser.add_argument("--send", action="store_true", help="send (or write) the messages; without it, a dry run")
    parser.add_argument(
        "--out", type=Path, help="the folder for the .eml files and mail-merge CSV (default: <store>/mail/<edition>)"
    )
    parser.add_argument(
        "--from", dest="sender", metavar="ADDRESS", help="the From address (default: toolkit.yml's support email)"
    )
    parser.add_argument("--smtp-host", help="send over SMTP through this server, with STARTTLS")
    parser.add_argument("--smtp-port", type=int, default=587, help="the SMTP server's port (default: 587)")
    parser.add_argument(
        "--smtp-ca",
        type=Path,
        metavar="FILE",
        help="a certificate authority to trust, for a relay with a private certificate",
    )
    parser.add_argument(
        "--target-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="the ICB's target for first contact on a support request, in working days "
        "(default: toolkit.yml's support: target_working_days, else 10)",
    )
    parser.add_argument(
        "--summaries",
        type=Path,
        metavar="FOLDER",
        help="the folder 'toolkit summary' wrote: each practice's summary (<code>.pdf) goes with its thank-you",
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the date to act on, YYYY-MM-DD (default: today)")


def _fail(message: str, code: int = 2) -> int:
    print(f"toolkit remind: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .. import outputs
    from ..load import load_library
    from ..mailmessages import Sender, compose, folder_refused, write
    from ..remind import RemindError, plan
    from ..remind_record import record, sent
    from ..remind_smtp import SendError, Server, send_all
    from ..report.helpgiven import target_working_days
    from ..returns.register import RegisterError, read_register_file
    from ..settings import load_settings
    from ..support import SupportError, cases, sync

    project = args.standards.absolute().parent
    settings, _ = load_settings(project)
    if args.target_days is not None and args.target_days < 0:
        return _fail("--target-days must be 0 or more working days")
    register_path = args.register or (settings.register if settings else None)
    if register_path is None:
        return _fail("give --register: the practice register, with an email column for each practice's address")
    sender_address = args.sender or (settings.support.email if settings else None)
    if args.smtp_host and not sender_address:
        return _fail("give --from: the address the messages are sent from")
    if not (args.store / "ledger.sqlite").is_file():
        return _fail(f"{args.store}: no ledger here; run 'toolkit collect' first or give --store")
    try:
        register = read_register_file(register_path, args.icb or (settings.icb.ods_code if settings else None))
    except RegisterError as error:
        return _fail(str(error))
    library = load_library(args.standards).library
    current = library.current()
    edition_id = args.edition or (current.id if current else None)
    edition = library.editions.get(edition_id or "")
    if edition is None:
        known = ", ".join(sorted(library.editions)) or "none"
        return _fail(f"no edition '{edition_id}' could be loaded (editions loaded: {known})")
    out: Path = args.out or args.store / "mail" / edition.id
    if args.send and not args.smtp_host:
        around = outputs.places(args.standards, [args.store]) + outputs.store_parts(args.store)
        refused = folder_refused(out, around)
        if refused:
            return _fail(f"{'--out ' if args.out else 'the mail folder '}{out}: {refused}")
    target = target_working_days(project, args.target_days)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        sync(args.store, library)
        planned = plan(
            edition,
            args.store,
            register.practices,
            register.emails,
            cases(args.store, edition=edition.id),
            today=args.today or dt.date.today(),
            target_days=target,
            contacts=settings.contacts if settings else (),
            sent=sent(args.store, edition.id),
        )
    except (RemindError, SupportError) as error:
        return _fail(str(error), 1)
    sender = Sender(
        sender_address,
        icb_name=settings.icb.name if settings else "",
        team=settings.icb.team if settings else "Quality team",
        support_email=settings.support.email if settings else "",
        support_phone=settings.support.phone if settings else "",
        where_to_send=settings.where_to_send(edition) if settings else "",
    )
    chosen = [p for p in planned.messages if not args.only or p.kind in args.only]
    composed = [
        compose(
            p, sender, now=now, target_days=target, attachment=_summary(args.summaries, p), draft=not args.smtp_host
        )
        for p in chosen
    ]
    if not args.send:
        for one in composed:
            _listed("would send", one)
    _unaddressed(planned.unaddressed, args.only)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not args.send:
        print(
            f"{len(composed)} message{'' if len(composed) == 1 else 's'} to send, {len(planned.unaddressed)} practice"
            f"{'' if len(planned.unaddressed) == 1 else 's'} with no address; nothing sent (a dry run: give --send)",
            file=sys.stderr,
        )
        return 0
    if args.smtp_host:
        server = Server(args.smtp_host, args.smtp_port, args.smtp_ca)

        def done(index: int) -> None:
            record(args.store, [composed[index].planned], at=stamp, how="smtp")
            _listed("sent", composed[index])

        try:
            failed = send_all(server, [c.message for c in composed], os.environ, done)
        except SendError as error:
            return _fail(str(error), 1)
        for failure in failed:
            p = composed[failure.index].planned
            print(f"toolkit remind: {p.practice_code} ({p.kind}): not sent: {failure.why}", file=sys.stderr)
        print(f"{len(composed) - len(failed)} sent through {args.smtp_host}, {len(failed)} not sent", file=sys.stderr)
        return 1 if failed else 0
    written = write(out, composed, now)
    for one in composed:
        _listed("written", one)
    record(args.store, [one.planned for one in composed], at=stamp, how="eml file")
    print(
        f"{len(composed)} message{'' if len(composed) == 1 else 's'} written to {out} as .eml files, with "
        f"{written[-1].name}: open each in your mail client and send it (recorded: none will be prepared again)",
        file=sys.stderr,
    )
    return 0


def _listed(verb: str, one: Composed) -> None:
    extra = f"\t(attached: {one.attachment})" if one.attachment else ""
    p = one.planned
    print(f"{verb}\t{p.kind}\t{p.practice_code}\t{', '.join(p.to)}\t{one.subject}{extra}", flush=True)


def _unaddressed(practices: Sequence[Unaddressed], only: Sequence[str] | None) -> None:
    for practice in practices:
        if not only or set(practice.kinds) & set(only):
            print(f"no address\t{practice.format()}")


def _summary(folder: Path | None, planned: Planned) -> tuple[str, bytes, str] | None:
    """A thank-you's practice summary PDF from a report folder, when there is one."""
    from ..summary import summary_file

    if folder is None or planned.kind != "thanks":
        return None
    path = folder / summary_file(planned.practice_code, "pdf")
    if not path.is_file():
        return None
    return (path.name, path.read_bytes(), "application/pdf")
