"""Benchmark: reading CQC's "Latest ratings" file at its real size, as a stream.

The real monthly file is about 26 MB compressed and over 1 GB of XML unpacked. This script
writes a file of that shape (an .ods whose content.xml is ``--size-mb`` of XML: a cover sheet,
then the Locations sheet with one row per location, population group and domain, most of them
other services than GP practices, each row with its styles and a repeated empty tail, as a
spreadsheet saves it), then reads it with ``generator.cqc.read_ratings`` in a process of its own
and prints the wall time and that process's peak memory.

Goal (issue "Outcomes and spread"): a 1 GB-uncompressed file read in under 60 s and 300 MB.

Usage:
    .venv/bin/python bench/bench_cqc.py                 # 1,024 MB of XML
    .venv/bin/python bench/bench_cqc.py --size-mb 100   # a quicker look
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    '<table:table table:name="Cover"><table:table-row><table:table-cell office:value-type="string">'
    "<text:p>Latest ratings</text:p></table:table-cell></table:table-row></table:table>"
    '<table:table table:name="Locations">'
)
TAIL = (
    '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/>'
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
)
HEADER = [
    "Location ID", "Location ODS Code", "Location Name", "Location Street Address", "Location Post Code",
    "Location Local Authority", "Location Region", "Location Primary Inspection Category", "Location Type",
    "Service / Population Group", "Domain", "Latest Rating", "Publication Date", "Report Type",
    "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name",
]  # fmt: skip
GROUPS = ["Overall", "Older people", "People with long-term conditions", "Families, children and young people"]
DOMAINS = ["Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led"]
CATEGORIES = ["GP Practices", "Residential social care", "Community based adult social care services", "Dentists"]
RATINGS = ["Good", "Requires Improvement", "Outstanding", "Inadequate", "Inspected but not rated", ""]


def cell(value: str) -> str:
    if not value:
        return '<table:table-cell table:style-name="ce1"/>'
    return f'<table:table-cell table:style-name="ce1" office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def row(values: list[str]) -> str:
    cells = "".join(cell(v) for v in values)
    return f'<table:table-row table:style-name="ro1">{cells}<table:table-cell table:number-columns-repeated="16364"/></table:table-row>'


def write(path: Path, size: int) -> int:
    """Write an .ods of about ``size`` bytes of XML; how many data rows it holds."""
    rows = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        with archive.open("content.xml", "w", force_zip64=True) as content:
            written = 0
            for text in (HEAD, row(HEADER)):
                content.write(text.encode())
                written += len(text)
            location = 0
            while written < size:
                location += 1
                category = CATEGORIES[location % len(CATEGORIES)]
                batch = []
                for group in GROUPS if category == "GP Practices" else GROUPS[:1]:
                    for index, domain in enumerate(DOMAINS):
                        values = [
                            f"1-{location:09d}", f"Y{location % 100000:05d}", f"Location {location}",
                            f"{location} High Street", "AB1 2CD", "Somewhere", "North East", category, "Social Care Org",
                            group, domain, RATINGS[(location + index) % len(RATINGS)], "14/03/2029", "Location",
                            "N", f"https://www.cqc.org.uk/location/1-{location:09d}", f"1-{location // 3:09d}",
                            f"Provider {location // 3}", "-", "-",
                        ]  # fmt: skip
                        batch.append(row(values))
                        rows += 1
                text = "".join(batch)
                content.write(text.encode())
                written += len(text)
            content.write(TAIL.encode())
    return rows


READ = """
import sys, time
from pathlib import Path
from generator.cqc import read_ratings
start = time.perf_counter()
found = read_ratings(Path(sys.argv[1]))
print(f"{time.perf_counter() - start:.2f} {len(found.ratings)} {found.other_rows}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="megabytes of XML in the file (default: 1,024)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cqc-") as folder:
        path = Path(folder) / "latest-ratings.ods"
        started = time.perf_counter()
        rows = write(path, args.size_mb * 1024 * 1024)
        made = time.perf_counter() - started
        with zipfile.ZipFile(path) as archive:
            unpacked = archive.getinfo("content.xml").file_size
        print(f"CQC ratings file: {rows:,} rows, {unpacked / 1e6:,.0f} MB of XML, {path.stat().st_size / 1e6:.0f} MB "
              f"compressed (written in {made:.0f} s)")  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", READ, str(path)], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        reading, kept, other = done.stdout.split()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  read_ratings: {float(reading):.1f} s ({wall:.1f} s with start-up), peak memory {peak:.0f} MB")
        print(f"  kept {int(kept):,} ratings of GP practices as a whole; {int(other):,} other rows not kept")
        print(
            f"  goals: under 60 s ({'met' if wall < 60 else 'NOT met'}), under 300 MB ({'met' if peak < 300 else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
