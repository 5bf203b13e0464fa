"""Markdown to plain text, for indexing and snippets (rendering HTML is the web layer's job)."""

from __future__ import annotations

import re

_RULES = [
    # Script and style bodies are never shown to sellers (rendering strips them), so they
    # must not be searchable or appear in snippets either.
    (re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I), " "),
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M), ""),
    (re.compile(r"^\s*>\s?", re.M), ""),
    (re.compile(r"(\*\*|__|\*|_|`)"), ""),
    (re.compile(r"^\s*\|?[-:| ]{3,}\|?\s*$", re.M), " "),
    (re.compile(r"\|"), " "),
]


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown body: markup removed, one space between words."""
    text = markdown
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
