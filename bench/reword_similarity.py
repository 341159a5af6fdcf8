"""How well the word-level similarity tells a rewording from a change of meaning, on real editions.

Prints, for every question whose text changed between two editions, its similarity to the
question it continues, and how many of the kept-id rewordings and of the replacements fall
below the threshold ``toolkit check`` warns at.

    .venv/bin/python bench/reword_similarity.py [OLD NEW] [--standards standards]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.lineage import REWORDING_THRESHOLD, lineage_in, text_similarity
from generator.load import load_library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("old", nargs="?", default="2024-25")
    parser.add_argument("new", nargs="?", default="2025-26")
    parser.add_argument("--standards", type=Path, default=Path("standards"))
    args = parser.parse_args()
    library = load_library(args.standards).library
    traced = lineage_in(library, args.old, args.new)
    scored: dict[str, list[tuple[float, str]]] = {"reworded": [], "replaced": []}
    for q in traced.questions:
        if q.predecessor is None or "text" not in q.changes:
            continue
        kind = "replaced" if q.kind == "replaced" else "reworded"
        scored[kind].append((text_similarity(q.predecessor.text, q.question.text), q.id))
    for kind, rows in scored.items():
        below = [r for r in rows if r[0] < REWORDING_THRESHOLD]
        print(f"{kind}: {len(below)} of {len(rows)} below {REWORDING_THRESHOLD}")
        for similarity, question_id in sorted(rows):
            mark = "*" if similarity < REWORDING_THRESHOLD else " "
            print(f"  {mark} {similarity:.2f} {question_id}")


if __name__ == "__main__":
    main()
