"""The JSON Schema of the YAML files, published under schema/ for editors' completion and inline errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import Domain, EditionInfo, Overlay, References

SCHEMAS: dict[str, type[BaseModel]] = {
    "domain.schema.json": Domain,
    "edition.schema.json": EditionInfo,
    "overlay.schema.json": Overlay,
    "references.schema.json": References,
}


def schema_of(model: type[BaseModel], name: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name, **schema}


def render() -> dict[str, str]:
    """File name → JSON text, deterministic: the standards' files, and toolkit.yml's (from :mod:`.settings`)."""
    from .settings import json_schema

    found = {name: schema_of(model, name) for name, model in SCHEMAS.items()}
    found["toolkit.schema.json"] = json_schema()
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in found.items()}


def write(folder: Path) -> list[Path]:
    """Write the schemas that differ from what is on disk; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
