"""A model read from YAML, its problems placed: a path as messages show it, and pydantic's errors turned into
messages an editor can act on, at the line and column of the value they are about.

Both the standards' loader (:mod:`generator.load`) and the settings (:mod:`generator.settings`) read YAML into
pydantic models through these, so neither needs the other.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .problems import Problem
from .yamldoc import Document

M = TypeVar("M", bound=BaseModel)


def display(path: Path) -> str:
    """A path as messages show it: relative to the working folder where it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (RuntimeError, OSError):  # a symbolic link loop: show the path as given
        return str(path)
    except ValueError:
        return str(path)


def validate(doc: Document, model: type[M]) -> tuple[M | None, Document, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, doc, [doc.problem(doc.at(), "the file must be a mapping of keys to values (key: value lines)")]
    try:
        return model.model_validate(doc.data), doc, []
    except ValidationError as error:
        details = error.errors(include_url=False)
        # A list whose item is wrong is also reported as too short; the item's own error says more.
        inner = [tuple(e["loc"]) for e in details]
        details = [
            e
            for e in details
            if not (
                e["type"] == "too_short"
                and any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == tuple(e["loc"]) for o in inner)
            )
        ]
        return None, doc, [describe(e, doc, model) for e in details]


# --- turning pydantic's errors into messages an editor can act on -------------------------------------


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as ``tuple[Standard, ...]`` or ``Link | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current


def _name(loc: tuple[int | str, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return "the file"
    if isinstance(loc[-1], int):
        return f"item {loc[-1] + 1} of '{names[-1]}'"
    return f"'{names[-1]}'"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def _example(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    parent = _model_at(model, loc[:-1])
    last = loc[-1]
    if parent is not None and isinstance(last, str) and last in parent.model_fields:
        examples = parent.model_fields[last].examples
        if examples:
            return f"; write it like '{examples[0]}'"
    return ""


def describe(error: ErrorDetails, doc: Document, model: type[BaseModel]) -> Problem:
    """One pydantic error as a placed problem in plain words."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = _name(loc)
    where = doc.at(*loc)

    if kind == "extra_forbidden":
        key = str(loc[-1])
        where = doc.key_at(*loc)
        parent = _model_at(model, loc[:-1])
        allowed = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f" (did you mean '{close[0]}'?)" if close else (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        )
        message = f"unknown key '{key}'{hint}"
    elif kind == "missing":
        where = doc.at(*loc[:-1])
        message = f"missing required key {name}"
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        message = f"{name} must be one of {expected}; got {_shown(value)}"
    elif kind in ("string_type",):
        message = f"{name} must be text; got {_shown(value)}" + (
            " (put it in quotes)" if isinstance(value, (int, float, bool)) else ""
        )
    elif kind == "string_too_short":
        message = f"{name} must not be empty"
    elif kind == "string_pattern_mismatch":
        message = f"{name} is not valid: got {_shown(value)}{_example(model, loc)}"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{name} must be true or false; got {_shown(value)}"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"{name} must be a whole number; got {_shown(value)}"
    elif kind in ("float_type", "float_parsing", "finite_number"):
        message = f"{name} must be a number; got {_shown(value)}"
    elif kind.startswith("date"):
        message = f"{name} must be a date written YYYY-MM-DD; got {_shown(value)}"
    elif kind in ("tuple_type", "list_type"):
        message = f"{name} must be a list; got {_shown(value)}"
    elif kind == "too_short":
        n = ctx.get("min_length", 1)
        message = f"{name} needs at least {n} item{'s' if n != 1 else ''}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"{name} must be a mapping of keys to values; got {_shown(value)}"
    else:
        message = f"{name}: {error['msg']}"
    return doc.problem(where, message)
