"""The published Table Schema, compiled once into plain Python checks that give Frictionless's own verdicts.

The Table Schema (:func:`generator.returnformat.table_schema`) is the one source of the
rules it can express. :class:`CompiledSchema` turns the descriptor into checks once per
edition; ``tests/test_collect_schema.py`` holds them to Frictionless's verdicts on
generated tables (a property test). A type, format, constraint or schema key it does not
mirror makes compiling fail (:class:`UnsupportedSchema`), so the published schema can
never quietly say more than the collector checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class UnsupportedSchema(ValueError):
    """The Table Schema uses a type or constraint the compiled checks do not mirror."""


_DATE_FORMAT = "%Y-%m-%d"  # Frictionless's default date format


def _read_string(value: str) -> object | None:
    return value


def _read_date(value: str) -> object | None:
    try:
        return dt.datetime.strptime(value, _DATE_FORMAT).date()
    except ValueError:
        return None


_TYPES: dict[str, Callable[[str], object | None]] = {"string": _read_string, "date": _read_date}
_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    # the order Frictionless checks them in
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "date": ("required", "enum"),
}


@dataclass(frozen=True)
class SchemaError:
    """A cell (or a row, for the primary key) that breaks the Table Schema."""

    index: int
    """The row's position in the rows checked, from 0."""
    field: str
    constraint: str
    """'type', 'primaryKey', or the constraint broken: 'required', 'pattern', 'enum', 'minLength', 'maxLength'."""
    value: str
    first: int = -1
    """For 'primaryKey': the position of the earlier row with the same key."""


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    read: Callable[[str], object | None]
    checks: tuple[tuple[str, Callable[[Any], bool]], ...]
    constraints: Mapping[str, Any]


class CompiledSchema:
    """A Frictionless Table Schema as plain Python checks, compiled once.

    Mirrors Frictionless 5 on rows whose every field is present: a cell in
    ``missingValues`` is empty; a non-empty cell that cannot be read as its type is a
    type error (and its constraints are not checked); otherwise each constraint is
    checked; a primary key that is all empty or repeats an earlier row's is an error.
    """

    def __init__(self, descriptor: Mapping[str, Any]) -> None:
        self.descriptor = descriptor
        self.missing = frozenset(descriptor.get("missingValues", [""]))
        fields = []
        for spec in descriptor["fields"]:
            kind = spec.get("type", "any")
            if kind not in _TYPES or spec.get("format", "default") != "default":
                raise UnsupportedSchema(f"field {spec['name']!r}: type {kind!r} is not compiled")
            constraints = dict(spec.get("constraints", {}))
            unknown = set(constraints) - set(_CONSTRAINTS[kind])
            if unknown:
                raise UnsupportedSchema(f"field {spec['name']!r}: constraints {sorted(unknown)} are not compiled")
            checks = tuple(
                (name, _check(name, constraints[name], _TYPES[kind]))
                for name in _CONSTRAINTS[kind]
                if constraints.get(name) is not None
            )
            fields.append(_Field(spec["name"], kind, _TYPES[kind], checks, constraints))
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in self.fields}
        unknown_keys = set(descriptor) - {"$schema", "title", "description", "fields", "primaryKey", "missingValues"}
        if descriptor.get("fieldsMatch") == "partial":
            # Columns matched by name, missing ones empty, others ignored: what the return reader does.
            unknown_keys.discard("fieldsMatch")
        if unknown_keys:
            raise UnsupportedSchema(f"schema keys {sorted(unknown_keys)} are not compiled")
        key = descriptor.get("primaryKey", [])
        self.primary_key: tuple[str, ...] = (key,) if isinstance(key, str) else tuple(key)
        self._verdicts: dict[str, dict[str, tuple[str, ...]]] = {}

    def cell_errors(self, field_name: str, value: str) -> list[str]:
        """The constraints (or 'type') one cell breaks."""
        spec = self.by_name[field_name]
        if value in self.missing:
            typed: object | None = None
        else:
            typed = spec.read(value)
            if typed is None:
                return ["type"]
        return [name for name, check in spec.checks if not check(typed)]

    def errors(self, rows: Sequence[Mapping[str, str]], skip: frozenset[str] = frozenset()) -> list[SchemaError]:
        """Every error of ``rows``, in row order; fields in ``skip`` are not checked cell by cell.

        A cell's verdict depends on its value alone, so each distinct value is checked once
        (a return repeats its practice code and edition on every row), and a text field
        without constraints, which nothing can break, is not visited.
        """
        found: list[SchemaError] = []
        checked = [
            (f.name, self._verdicts.setdefault(f.name, {}))
            for f in self.fields
            if f.name not in skip and (f.checks or f.type != "string")
        ]
        missing = self.missing
        seen: dict[tuple[object, ...], int] = {}
        key = self.primary_key
        key_strings = all(self.by_name[k].type == "string" for k in key)
        single_string_key = key_strings and len(key) == 1
        for index, row in enumerate(rows):
            for name, verdicts in checked:
                value = row[name]
                broken = verdicts.get(value)
                if broken is None:
                    broken = tuple(self.cell_errors(name, value))
                    if len(verdicts) < 100_000:
                        verdicts[value] = broken
                for constraint in broken:
                    found.append(SchemaError(index, name, constraint, value))
            if key:
                if single_string_key:
                    value = row[key[0]]
                    cells: tuple[object, ...] = (None if value in missing else value,)
                elif key_strings:
                    cells = tuple(None if row[k] in missing else row[k] for k in key)
                else:
                    cells = tuple(None if row[k] in missing else self.by_name[k].read(row[k]) for k in key)
                if cells.count(None) == len(cells):
                    found.append(SchemaError(index, key[0], "primaryKey", ""))
                elif cells in seen:
                    found.append(SchemaError(index, key[0], "primaryKey", row[key[0]], seen[cells]))
                else:
                    seen[cells] = index
        return found


def _check(name: str, constraint: Any, read: Callable[[str], object | None]) -> Callable[[Any], bool]:
    if name == "required":
        return (lambda v: v is not None) if constraint else (lambda v: True)
    if name == "pattern":
        match = re.compile(f"^{constraint}$").match
        return lambda v: v is None or match(v) is not None
    if name == "enum":
        allowed = frozenset(read(str(c)) if isinstance(c, str) else c for c in constraint)
        return lambda v: v is None or v in allowed
    if name == "minLength":
        return lambda v: v is None or len(v) >= constraint
    if name == "maxLength":
        return lambda v: v is None or len(v) <= constraint
    raise UnsupportedSchema(f"constraint {name!r} is not compiled")  # pragma: no cover
