"""Content warnings: valid content that a careful editor would still fix (`spravka check --strict`)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

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
    warnings.extend(_twin_titles(content))
    return warnings


# Two titles sharing this share of their meaningful lemmas (and at least two of them) ask
# the same question: search can only toss a coin between the entries, and the deflection
# decision then shows neither as the answer. On the Rutube help center (../shared) 65
# pairs of its 326 entries are such, 44 of them with the very same lemmas; the shipped
# content has none.
TWIN_TITLE_SHARE = 0.75
TWIN_MIN_SHARED = 2


def _twin_titles(content: Content) -> list[ContentError]:
    """Published entries whose titles ask the same question in nearly the same words."""
    keys = {
        e.id: set(phrasing_key(e.title).split()) for e in content.entries.values() if e.published
    }
    by_lemma: dict[str, list[str]] = {}
    for entry_id, lemmas in keys.items():
        for lemma_ in lemmas:
            by_lemma.setdefault(lemma_, []).append(entry_id)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in by_lemma.values():
        shared.update(combinations(sorted(ids), 2))
    found = []
    for (a, b), count in sorted(shared.items()):
        if count >= TWIN_MIN_SHARED and count / len(keys[a] | keys[b]) >= TWIN_TITLE_SHARE:
            entry = content.entries[a]
            message = f"titles of '{a}' and '{b}' ask nearly the same question: merge or tell apart"
            found.append(ContentError(entry.path, entry.line, message))
    return found


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
