"""Content warnings: valid content that a careful editor would still fix (`spravka check --strict`)."""

from __future__ import annotations

from search.content import Content
from search.errors import ContentError
from search.learning import phrasing_key


def lint_content(content: Content) -> list[ContentError]:
    """Warnings about otherwise valid content, each located by file and line."""
    warnings: list[ContentError] = []
    listed = {fid for cat in content.categories.values() for t in cat.topics for fid in t.faq_ids}
    for entry in content.entries.values():
        if not entry.tags:
            warnings.append(
                ContentError(entry.path, entry.line, "no tags: sellers' words help search")
            )
        if entry.kind == "faq" and entry.id not in listed and entry.published:
            warnings.append(
                ContentError(
                    entry.path, entry.line, f"FAQ '{entry.id}' is not listed under its topic"
                )
            )
        if entry.kind == "article" and not entry.summary:
            warnings.append(ContentError(entry.path, entry.line, "article has no summary"))
        if entry.updated is None:
            warnings.append(ContentError(entry.path, entry.line, "no 'updated' date"))
    warnings.extend(_glossary_overlaps(content))
    warnings.extend(_asked_as_overlaps(content))
    return warnings


def _asked_as_overlaps(content: Content) -> list[ContentError]:
    """An asked_as phrase that is also another entry's (asked_as or title) sends the same
    question two ways; the editor should say which entry answers it."""
    owners: dict[str, list[str]] = {}
    for entry in content.entries.values():
        for phrase in (entry.title, *entry.asked_as):
            key = phrasing_key(phrase)
            if key and entry.id not in owners.setdefault(key, []):
                owners[key].append(entry.id)
    found = []
    for entry in content.entries.values():
        for phrase in entry.asked_as:
            others = [o for o in owners.get(phrasing_key(phrase), []) if o != entry.id]
            if others:
                found.append(
                    ContentError(
                        entry.path,
                        entry.line,
                        f"asked_as '{phrase}' of '{entry.id}' is also {', '.join(others)}'s",
                    )
                )
    return found


def _glossary_overlaps(content: Content) -> list[ContentError]:
    seen: dict[str, int] = {}
    found = []
    for n, group in enumerate(content.glossary):
        for word in group:
            if word in seen and seen[word] != n:
                found.append(
                    ContentError("kb/glossary.yaml", None, f"'{word}' is in two glossary groups")
                )
            seen[word] = n
    return found
