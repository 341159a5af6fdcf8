"""The published JSON Schema matches the model, and accepts the default content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator.schema import render
from generator.yamldoc import read_file

ROOT = Path(__file__).parent.parent


def test_committed_schemas_match_the_model() -> None:
    for name, text in render().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, (
            f"run: toolkit schema (schema/{name} is stale)"
        )


@pytest.mark.parametrize(
    "path", sorted((ROOT / "standards").glob("*/**/*.yml")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_default_files_pass_their_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    schema = json.loads((path.parent / first.split("=", 1)[1]).read_text(encoding="utf-8"))
    doc, problems = read_file(path, str(path))
    assert problems == []
    data = json.loads(json.dumps(doc.data, default=str))
    jsonschema.validate(data, schema)


def test_schema_rejects_an_unknown_key() -> None:
    schema = json.loads(render()["edition.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"id": "2025-26", "title": "x", "status": "published", "domains": ["a"], "titel": "x"}, schema
        )
