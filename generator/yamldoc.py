"""Read a YAML file safely into plain data, keeping the line and column of every key and value.

PyYAML's composer gives every node its ``start_mark``; this module walks the node
tree itself instead of letting PyYAML construct objects, so that:

* only the plain YAML types are built (no object construction from tags);
* booleans are YAML 1.2's ``true`` and ``false`` only, so ``no`` and ``yes`` stay text
  (they are answers in these files, not booleans);
* anchors and aliases are refused, which also refuses alias-expansion bombs at once;
* a key given twice in one mapping is a problem, not silently the last one;
* every problem has a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 2_000_000
MAX_DEPTH = 40

Location = tuple[int, int]
PathKey = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it: the pure-Python scanner is most of the time a check takes.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type, misc]
    """A safe loader with YAML 1.2 booleans: only true/false, never yes/no/on/off."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_HINTS = (
    ("expected <block end>", "the indentation here does not line up with the lines above"),
    ("did not find expected '-' indicator", "the indentation here does not line up with the lines above"),
    ("did not find expected key", "the indentation here does not line up with the lines above"),
    ("exceeded maximum nesting depth", "nested too deeply"),
    ("mapping values are not allowed here", "a ':' inside text: put the text in quotes"),
    ("found character '\\t'", "a tab: indent with spaces only"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor '- item'"),
    ("found undefined alias", "an alias (*name) to nothing"),
)
"""PyYAML's words for common mistakes, and what they mean to a person editing the file."""

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Document:
    """A YAML file's data, with the location of each value and each mapping key, by path."""

    path: str
    data: Any = None
    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def at(self, *path: str | int) -> Location:
        """Where the value at ``path`` starts, or its nearest enclosing value."""
        key: PathKey = tuple(path)
        while key and key not in self.values:
            key = key[:-1]
        return self.values.get(key, (1, 1))

    def key_at(self, *path: str | int) -> Location:
        """Where the key naming ``path`` starts (falls back to the value's location)."""
        return self.keys.get(tuple(path)) or self.at(*path)

    def problem(self, where: Location, message: str, severity: str = "error") -> Problem:
        return Problem(self.path, where[0], where[1], message, "warning" if severity == "warning" else "error")


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.where = _loc(node)
        self.message = message


def _tag(node: yaml.Node) -> str:
    return "'" + str(node.tag).replace("tag:yaml.org,2002:", "!!") + "'"


def _loc(node: yaml.Node) -> Location:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_text(text: str, display_path: str) -> tuple[Document, list[Problem]]:
    """Parse YAML text; return the document and any problems (never raises for bad input)."""
    doc = Document(display_path)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return doc, [doc.problem((1, 1), "the file is empty")]
            doc.data = _Walker(loader, doc).walk(node, (), 0)
        finally:
            loader.dispose()
    except _Refused as refused:
        return doc, [doc.problem(refused.where, refused.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = error.problem or str(error)
        hint = next((h for pattern, h in _HINTS if pattern in message), None)
        if hint:
            message = f"{hint} ({message})"
        if error.context and error.context_mark and error.context_mark is not mark:
            message = f"{message} ({error.context} at line {error.context_mark.line + 1})"
        return doc, [doc.problem(where, f"YAML syntax: {message}")]
    except yaml.reader.ReaderError as error:
        return doc, [doc.problem((1, error.position + 1), f"YAML syntax: {error.reason}")]
    except yaml.YAMLError as error:
        return doc, [doc.problem((1, 1), f"YAML syntax: {error}")]
    except RecursionError:
        return doc, [doc.problem((1, 1), f"the file is nested too deeply (more than {MAX_DEPTH} levels)")]
    return doc, []


def read_file(path: Path, display_path: str) -> tuple[Document, list[Problem]]:
    """Read and parse a YAML file; unreadable or oversized files are problems, not exceptions."""
    doc = Document(display_path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return doc, [doc.problem((0, 0), f"cannot read the file: {error.strerror}")]
    if len(raw) > MAX_BYTES:
        return doc, [doc.problem((1, 1), f"the file is larger than {MAX_BYTES // 1_000_000} MB; split it")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return doc, [doc.problem((line, column), "the file is not UTF-8 text; save it as UTF-8")]
    return read_text(text, display_path)


class _Walker:
    def __init__(self, loader: _Loader, doc: Document) -> None:
        self.loader = loader
        self.doc = doc
        self.seen: set[int] = set()

    def walk(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        if id(node) in self.seen:
            raise _Refused(node, "YAML aliases (*name) are not allowed here; write the value out in full")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _Refused(node, f"nested too deeply (more than {MAX_DEPTH} levels)")
        self.doc.values[path] = _loc(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Refused(node, f"unsupported YAML tag {_tag(node)}")
            return [self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # most values are text: no constructor needed
        if node.tag not in _SCALAR_TAGS:
            raise _Refused(node, f"unsupported YAML tag {_tag(node)}")
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as error:
            kind = "date" if node.tag.endswith(":timestamp") else "value"
            raise _Refused(node, f"{node.value!r} is not a real {kind}: {error}") from None

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise _Refused(node, f"unsupported YAML tag {_tag(node)}")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
                raise _Refused(key_node, f"a key must be a plain word; got {shown!r}")
            key = key_node.value
            if key in result:
                first = self.doc.keys[(*path, key)]
                raise _Refused(key_node, f"the key '{key}' is given twice in this mapping (first at line {first[0]})")
            self.doc.keys[(*path, key)] = _loc(key_node)
            result[key] = self.walk(value_node, (*path, key), depth + 1)
        return result
