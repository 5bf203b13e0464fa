"""The layout of kb/faq/<category>.yaml and of the topic lists in kb/categories.yaml.

An FAQ edit replaces only the lines of its own item, so other entries, comments and
formatting stay byte-for-byte (small git diffs, no lost comments). Every surgical edit
is checked by re-parsing; if the result is not exactly what was meant, the file is
rewritten whole instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from search.errors import ContentError
from search.yamlsource import LineDict, LineList, parse_yaml
from web.editor.files import CATEGORIES, Snapshot, dump_yaml, rewrite_yaml


@dataclass
class FaqLocation:
    relpath: str
    text: str
    entries: LineList
    index: int

    @property
    def item(self) -> LineDict:
        return self.entries[self.index]


def find_faq(files: Snapshot, entry_id: str) -> FaqLocation | None:
    """Where the FAQ entry with this id is stored, or None."""
    category = entry_id.split("/")[0]
    paths = sorted((files.root / "kb" / "faq").glob("*.yaml"))
    paths.sort(key=lambda p: p.stem != category)  # its own category's file first
    for path in paths:
        relpath = str(path.relative_to(files.root))
        text = files.text(relpath)
        try:
            data = parse_yaml(text, relpath)
        except ContentError:
            continue
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, LineList):
            continue
        for index, item in enumerate(entries):
            if isinstance(item, dict) and item.get("id") == entry_id:
                return FaqLocation(relpath, text, entries, index)
    return None


def plain_item(item: dict) -> dict:
    return yaml.safe_load(dump_yaml(dict(item)))


def topic_faqs(files: Snapshot, category: str, topic: str) -> list[str]:
    """The FAQ ids listed as common answers of a topic."""
    data = yaml.safe_load(files.text(CATEGORIES)) or {}
    for cat in data.get("categories") or []:
        if cat.get("id") == category:
            for top in cat.get("topics") or []:
                if top.get("id") == topic:
                    return list(top.get("faq") or [])
    return []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_span(lines: list[str], entries: LineList, index: int) -> tuple[int, int]:
    start = entries.item_lines[index] - 1
    end = entries.item_lines[index + 1] - 1 if index + 1 < len(entries) else len(lines)
    column = _indent(lines[start])
    while end > start + 1:
        last = lines[end - 1]
        if last.strip() and not (last.lstrip().startswith("#") and _indent(last) <= column):
            break
        end -= 1  # blank lines and comments between items are not the item's
    return start, end


def _item_lines(item: dict, column: int) -> list[str]:
    dumped = dump_yaml([item]).rstrip("\n").split("\n")
    return [(" " * column + line) if line.strip() else "" for line in dumped]


def replace_item(text: str, entries: LineList, index: int, item: dict | None) -> str:
    """The FAQ file with one item replaced (or removed when `item` is None)."""
    lines = text.split("\n")
    start, end = _item_span(lines, entries, index)
    new = _item_lines(item, _indent(lines[start])) if item is not None else []
    if item is None and end < len(lines) and not lines[end].strip():
        end += 1
    result = "\n".join(lines[:start] + new + lines[end:])
    expected = [plain_item(e) for e in entries]
    if item is None:
        del expected[index]
    else:
        expected[index] = plain_item(item)
    return _checked(text, result, expected)


def append_item(text: str, category: str, item: dict) -> str:
    """The FAQ file with `item` added after its last entry (the file is created if empty)."""
    data = yaml.safe_load(text) if text.strip() else None
    entries = parse_yaml(text, "faq").get("entries") if data else None
    expected = [plain_item(e) for e in (data or {}).get("entries") or []] + [plain_item(item)]
    if isinstance(entries, LineList) and entries:
        lines = text.split("\n")
        _start, end = _item_span(lines, entries, len(entries) - 1)
        column = _indent(lines[entries.item_lines[0] - 1])
        result = "\n".join(lines[:end] + [""] + _item_lines(item, column) + lines[end:])
        return _checked(text, result, expected)
    return rewrite_yaml(text, {"category": category, "entries": expected})


def _checked(old_text: str, result: str, expected: list[dict]) -> str:
    """`result` if it parses to exactly `expected` entries, else a clean full rewrite."""
    if not result.endswith("\n"):
        result += "\n"
    try:
        parsed = yaml.safe_load(result)
        if parsed.get("entries") == expected:
            return result
    except (yaml.YAMLError, AttributeError):
        pass
    data = yaml.safe_load(old_text) or {}
    return rewrite_yaml(old_text, {**data, "entries": expected})


def topic_lists(
    text: str,
    entry_id: str,
    place: tuple[str, str] | None,
    original_id: str | None,
    old_category: str,
) -> str:
    """categories.yaml with the entry listed once under `place` (category, topic), or nowhere.

    An entry that stays in its topic keeps its position in the list; a moved one is appended.
    """
    data = yaml.safe_load(text) or {}
    old_ids = {original_id, entry_id} - {None}
    categories = {old_category, place[0] if place else old_category}
    for cat in data.get("categories") or []:
        if cat.get("id") not in categories:
            continue
        for topic in cat.get("topics") or []:
            ids = list(topic.get("faq") or [])
            kept = [i for i in ids if i not in old_ids]
            if place == (cat.get("id"), topic.get("id")):
                position = next((n for n, i in enumerate(ids) if i in old_ids), len(kept))
                kept.insert(min(position, len(kept)), entry_id)
            if kept != ids:
                topic["faq"] = kept
    return _rewrite_topic_lists(text, data)


def _rewrite_topic_lists(text: str, data: dict) -> str:
    """Change only the `faq: [...]` lines that differ; rewrite whole if that is not enough."""
    if yaml.safe_load(text) == data:
        return text
    lines = text.split("\n")
    parsed = parse_yaml(text, CATEGORIES)
    for cat, new_cat in zip(
        parsed.get("categories") or [], data.get("categories") or [], strict=False
    ):
        for topic, new_topic in zip(
            cat.get("topics") or [], new_cat.get("topics") or [], strict=False
        ):
            new_ids = new_topic.get("faq") or []
            if list(topic.get("faq") or []) == new_ids or "faq" not in topic:
                continue
            number = topic.line_of("faq") - 1
            line = lines[number]
            if line.rstrip().endswith("]") and "faq:" in line:
                lines[number] = line[: line.index("faq:")] + "faq: [" + ", ".join(new_ids) + "]"
    result = "\n".join(lines)
    try:
        if yaml.safe_load(result) == data:
            return result
    except yaml.YAMLError:
        pass
    return rewrite_yaml(text, data)
