"""Writing approved phrasings into an entry's `asked_as` in the content files.

Content stays files in git: an FAQ's `asked_as` lives in its item of kb/faq/<category>.yaml,
an article's in its front matter. Only the `asked_as` lines of that one entry change, so
comments, other entries and formatting stay byte-for-byte; the result is re-parsed and
refused unless it says exactly what was meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from search.content import load_content, parse_front_matter
from search.errors import ContentError
from search.model import Entry
from search.yamlsource import LineDict, parse_yaml

# Keys after which a new `asked_as` goes, first found wins: next to the other seller words.
ANCHOR_KEYS = ("tags", "topic", "topics", "question", "title")


def merged(existing: Iterable[str], new: Iterable[str]) -> list[str]:
    """Existing phrasings, then new ones not already there (compared case-insensitively)."""
    out: list[str] = []
    seen: set[str] = set()
    for phrase in [*existing, *new]:
        key = " ".join(phrase.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(" ".join(phrase.split()))
    return out


def add_phrasings(root: Path, phrasings: dict[str, list[str]]) -> list[str]:
    """Add phrasings to the entries' `asked_as` in their files; returns the files changed."""
    changed = phrasing_writes(root, phrasings)
    for path, text in changed.items():
        _write(root / path, text)
    return sorted(changed)


def phrasing_writes(root: Path, phrasings: dict[str, list[str]]) -> dict[str, str]:
    """The new text of each content file that adding these phrasings changes (nothing written)."""
    content, _ = load_content(root)
    changed: dict[str, str] = {}
    for entry_id, new in phrasings.items():
        entry = content.entries.get(entry_id)
        if entry is None:
            raise ContentError(None, None, f"unknown entry '{entry_id}'")
        wanted = merged(entry.asked_as, new)
        if wanted == list(entry.asked_as):
            continue
        path = entry.path
        text = changed.get(path) or (root / path).read_text(encoding="utf-8")
        changed[path] = set_asked_as(text, entry, wanted)
    return changed


def set_asked_as(text: str, entry: Entry, phrasings: list[str]) -> str:
    """The file text with this entry's `asked_as` replaced by `phrasings`."""
    if entry.kind == "article":
        return _set_in_front_matter(text, entry, phrasings)
    return _set_in_faq_file(text, entry, phrasings)


def _set_in_faq_file(text: str, entry: Entry, phrasings: list[str]) -> str:
    data = parse_yaml(text, entry.path)
    item = next(
        (
            i
            for i in data.get("entries") or []
            if isinstance(i, LineDict) and i.get("id") == entry.id
        ),
        None,
    )
    if item is None:
        raise ContentError(entry.path, None, f"entry '{entry.id}' not found")
    lines = text.split("\n")
    result = "\n".join(_replace_key(lines, item, phrasings, entry.path))
    reparsed = parse_yaml(result, entry.path)
    got = next(i for i in reparsed["entries"] if isinstance(i, dict) and i.get("id") == entry.id)
    _check(got, phrasings, entry)
    return result


def _set_in_front_matter(text: str, entry: Entry, phrasings: list[str]) -> str:
    data, _, _ = parse_front_matter(text, entry.path)
    lines = text.split("\n")
    result = "\n".join(_replace_key(lines, data, phrasings, entry.path))
    _check(parse_front_matter(result, entry.path)[0], phrasings, entry)
    return result


def _replace_key(lines: list[str], item: LineDict, phrasings: list[str], shown: str) -> list[str]:
    """Lines with the mapping's `asked_as` key (re)written as a block list."""
    if "asked_as" in item:
        start = item.line_of("asked_as") - 1
        column = _indent(lines[start])
        end = start + 1
        while end < len(lines) and lines[end].strip() and _indent(lines[end]) > column:
            end += 1
    else:
        anchor = next((k for k in ANCHOR_KEYS if k in item), None)
        if anchor is None:
            raise ContentError(shown, item.line, "no place to put asked_as")
        start = _value_end(lines, item.line_of(anchor) - 1)
        column = _indent(lines[item.line_of(anchor) - 1])
        end = start
    block = [" " * column + "asked_as:"]
    block += [" " * (column + 2) + "- " + json.dumps(p, ensure_ascii=False) for p in phrasings]
    return lines[:start] + block + lines[end:]


def _value_end(lines: list[str], key_line: int) -> int:
    """The line after a key's value (block scalars and lists run while more indented)."""
    column = _indent(lines[key_line])
    end = key_line + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > column):
        end += 1
    while end > key_line + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _indent(line: str) -> int:
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    # "  - id: x" : the mapping's keys sit after the dash
    return column + 2 if stripped.startswith("- ") else column


def _check(item: dict, phrasings: list[str], entry: Entry) -> None:
    got = [str(p) for p in item.get("asked_as") or []]
    if got != phrasings:
        raise ContentError(entry.path, entry.line, "could not write asked_as safely")


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".asked-as.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
