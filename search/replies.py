"""Saved replies (macros) for support agents: kb/replies.yaml, validated with file:line errors.

    replies:
      - id: ask-barcode                 # lowercase latin, digits and dashes; unique
        title: Попросить штрихкод         # what the agent picks from
        categories: [returns-to-seller]  # optional: offered only in these categories
        text: |
          Здравствуйте! Пришлите, пожалуйста, штрихкод товара по обращению № {number}.

Placeholders: {number} (the dialog's number), {seller} (the seller's e-mail), {category}
(the category's name). Anything else in braces is an error, so a typo never reaches a seller.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from search.errors import ContentError
from search.yamlsource import LineDict, LineList, parse_yaml, read_text

PATH = "kb/replies.yaml"
PLACEHOLDERS = ("number", "seller", "category")
REPLY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Reply:
    """One saved reply; `text` holds placeholders until `fill` is called."""

    id: str
    title: str
    text: str
    categories: tuple[str, ...] = ()

    def fits(self, category: str) -> bool:
        """True when the reply is offered in `category` (no categories: everywhere)."""
        return not self.categories or category in self.categories

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with every placeholder replaced (validated ones only exist)."""
        return self.text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


def _placeholder_problem(text: str) -> str | None:
    """Why the text's braces are wrong, or None."""
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
        specs = [(spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f]
    except ValueError as exc:
        return f"broken braces in 'text' ({exc}); write {{{{ and }}}} for literal braces"
    unknown = [f for f in fields if f not in PLACEHOLDERS]
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        return f"unknown placeholder {{{unknown[0]}}} in 'text' (known: {known})"
    if any(spec or conv for spec, conv in specs):
        return "placeholders take no format or conversion (write {number}, not {number:>5})"
    return None


class _RepliesLoader:
    def __init__(self, categories: Mapping[str, object]) -> None:
        self.categories = categories
        self.errors: list[ContentError] = []
        self.replies: list[Reply] = []
        self.seen: set[str] = set()

    def error(self, line: int | None, message: str, field: str | None = None) -> None:
        self.errors.append(ContentError(PATH, line, message, field=field))

    def _string(self, item: LineDict, key: str) -> str | None:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error(item.line_of(key), f"field '{key}' must be non-empty text", key)
            return None
        return value.strip()

    def _categories(self, item: LineDict) -> tuple[str, ...]:
        raw = item.get("categories") or []
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            self.error(item.line_of("categories"), "field 'categories' must be a list of ids")
            return ()
        for category in raw:
            if category not in self.categories:
                self.error(item.line_of("categories"), f"unknown category '{category}'")
        return tuple(raw)

    def add(self, item: object, line: int) -> None:
        if not isinstance(item, LineDict):
            self.error(line, "a reply must be a mapping with id, title and text")
            return
        reply_id, title, text = (self._string(item, k) for k in ("id", "title", "text"))
        categories = self._categories(item)
        if reply_id and not REPLY_ID.fullmatch(reply_id):
            self.error(item.line_of("id"), f"reply id '{reply_id}' must be lowercase latin, digits and dashes", "id")  # fmt: skip
            reply_id = None
        elif reply_id in self.seen:
            self.error(item.line_of("id"), f"duplicate reply id '{reply_id}'", "id")
            reply_id = None
        if text and (problem := _placeholder_problem(text)):
            self.error(item.line_of("text"), problem, "text")
            text = None
        if reply_id and title and text:
            self.seen.add(reply_id)
            self.replies.append(Reply(reply_id, title, text.rstrip() + "\n", categories))


def load_replies(
    root: Path, categories: Mapping[str, object]
) -> tuple[list[Reply], list[ContentError]]:
    """The saved replies of a content root (none when the file is absent) and their problems."""
    path = root / PATH
    if not path.exists():
        return [], []
    loader = _RepliesLoader(categories)
    try:
        data = parse_yaml(read_text(path, PATH), PATH)
    except ContentError as exc:
        return [], [exc]
    items = data.get("replies") if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        return [], [ContentError(PATH, getattr(data, "line", 1), "expected 'replies:' with a list")]
    for item, line in zip(items, items.item_lines, strict=True):
        loader.add(item, line)
    return loader.replies, loader.errors
