"""YAML loading that remembers line numbers, so every content problem can name its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from search.errors import ContentError


class LineDict(dict):
    """A mapping from YAML that knows where it and each of its keys start (1-based lines)."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of `key` in the file, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int = 1
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds LineDict/LineList instead of dict/list."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain values", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text; a syntax error becomes a ContentError naming `path` and the line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote or bracket is reported at the end of the file; the context mark
        # points at where it was opened, which is the line an editor has to fix.
        mark = exc.context_mark or exc.problem_mark
        line = (mark.line + first_line) if mark else first_line
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise ContentError(path, line, f"invalid YAML: {problem}", code="invalid_yaml") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"invalid YAML: {exc}", code="invalid_yaml") from None


def shift_lines(data: Any, offset: int) -> None:
    """Add `offset` to every recorded line (front matter starts below the `---`)."""
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [n + offset for n in data.item_lines]
        for value in data:
            shift_lines(value, offset)


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file; undecodable bytes become a ContentError."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ContentError(shown, line, "file is not valid UTF-8") from None
