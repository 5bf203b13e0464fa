"""Cross-references between loaded entries: topics' FAQ lists and internal links."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from search.errors import ContentError

if TYPE_CHECKING:  # content.py imports this module to run the checks after loading
    from search.content import Content

INTERNAL_LINK = re.compile(r"\]\((/(?:a|q|c)/[^)\s#?]+)")


def check_references(
    content: Content,
    topic_lines: dict[tuple[str, str], int],
    body_lines: dict[str, int],
) -> list[ContentError]:
    """Unknown FAQs listed under topics and broken internal links, each with its line."""
    return _topic_faqs(content, topic_lines) + _links(content, body_lines)


def _topic_faqs(content: Content, topic_lines: dict[tuple[str, str], int]) -> list[ContentError]:
    errors = []
    for cat in content.categories.values():
        for topic in cat.topics:
            line = topic_lines.get((cat.id, topic.id))
            for fid in topic.faq_ids:
                entry = content.entries.get(fid)
                if entry is None or entry.kind != "faq":
                    message = f"topic '{cat.id}/{topic.id}' lists unknown FAQ '{fid}'"
                    errors.append(ContentError("kb/categories.yaml", line, message))
    return errors


def _links(content: Content, body_lines: dict[str, int]) -> list[ContentError]:
    errors = []
    for entry in content.entries.values():
        for match in INTERNAL_LINK.finditer(entry.body):
            link = match.group(1)
            if link_ok(content, link):
                continue
            line = body_lines[entry.id] + entry.body.count("\n", 0, match.start())
            errors.append(
                ContentError(
                    entry.path,
                    line,
                    f"broken internal link '{link}'",
                    field="body",
                    code="broken_link",
                    value=link,
                )
            )
    return errors


def link_ok(content: Content, url: str) -> bool:
    """True when an internal link (/a/…, /q/…, /c/…) names an existing target."""
    kind, _, target = url[1:].partition("/")
    target = target.rstrip("/")
    if kind == "c":
        return target in content.categories
    entry = content.entries.get(target)
    return entry is not None and entry.kind == ("article" if kind == "a" else "faq")
