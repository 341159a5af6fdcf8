"""The `toolkit` command: a thin argparse front over the modules.

Each subcommand lives in ``generator/commands/<name>.py`` with two functions,
``add_arguments(parser)`` and ``run(args) -> int``, and is imported only when it runs,
so that a quick command never pays for a heavy one's imports.

Exit codes: 0 done, 1 problems found (or a source could not be read, or a file could not be
written: a full disk, no permission), 2 usage error. No command shows a Python traceback for a
failure of the machine around it: the last guard in ``main`` prints what failed and why.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

# name → (module, one-line help). The module is imported lazily.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "generator.commands.check",
        "Check every edition of the standards and report each problem with its place.",
    ),
    "schema": ("generator.commands.schema", "Write the JSON Schema of the YAML files into schema/ for editors."),
    "init": (
        "generator.commands.init",
        "Start a new ICB's project that builds on the core edition shipped with the toolkit.",
    ),
    "build": ("generator.commands.build", "Check the standards, then build the guidance site into site/."),
    "serve": (
        "generator.commands.serve",
        "Preview the site on this machine, rebuilding it when a source file changes.",
    ),
    "edition": (
        "generator.commands.edition",
        "Start next year's edition as a draft, or publish one that checks clean.",
    ),
    "diff": ("generator.commands.diff", "Show what changed between two editions, for the terminal or as Markdown."),
    "carry-forward": (
        "generator.commands.carry_forward",
        "Carry a practice's return forward to a later edition, marking answers to check again.",
    ),
    "collect": (
        "generator.commands.collect",
        "Collect practices' returns from folders and URLs, store every byte, check each and write status.csv.",
    ),
    "report": ("generator.commands.report", "Report on an edition's returns for the ICB: HTML, CSV and Excel."),
    "export": (
        "generator.commands.export",
        "Export an ICB's returns to an edition as a bundle for the region (a Frictionless Data Package zip).",
    ),
    "rollup": ("generator.commands.rollup", "Combine several ICBs' bundles into a regional report: HTML and CSV."),
    "support": (
        "generator.commands.support",
        "Work the practices' support requests as cases: list them, move one on with a note, see its history.",
    ),
    "remind": (
        "generator.commands.remind",
        "Write to each practice: reminders, corrections, acknowledgements of support requests and thanks.",
    ),
    "summary": (
        "generator.commands.summary",
        "Write each practice's own one-page summary of its valid return, HTML and PDF, to send back.",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="toolkit",
        description="GP Quality and Safety Toolkit: standards in YAML, turned into a site, forms and checked returns.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        code = int(module.run(args))
        _flush_stdout(args.command)
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of standard output went away (toolkit diff | head): nothing to say
        _quiet_stdout()
        return 1
    except (OSError, sqlite3.Error) as error:  # the last guard: a full disk, no permission, a read-only folder
        print(f"toolkit {args.command}: {failed(error)}", file=sys.stderr)
        return 1


def failed(error: OSError | sqlite3.Error) -> str:
    """What failed and why, in one line without Python's decoration: 'store/ledger.sqlite: No space left on device'."""
    if isinstance(error, sqlite3.Error):
        return f"the ledger: {error}"
    why = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        return why
    where = os.fsdecode(error.filename)
    if error.filename2 is not None:
        where += f" → {os.fsdecode(error.filename2)}"
    return f"{where}: {why}"


def _flush_stdout(command: str) -> None:
    """Write out what is left of standard output, so that a full disk there is reported, not ignored at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        _quiet_stdout()
        raise OSError(error.errno, error.strerror, "standard output") from None


def _quiet_stdout() -> None:
    """Point standard output at nothing, so Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
