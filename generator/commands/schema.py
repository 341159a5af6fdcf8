"""toolkit schema: write the JSON Schema of the YAML files, so editors offer completion and inline errors.

Example:
    toolkit schema --out schema
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("schema"), help="where to write (default: schema)")


def run(args: argparse.Namespace) -> int:
    from ..schema import write

    written = write(args.out)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("schemas already up to date")
    return 0
