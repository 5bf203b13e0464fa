"""Help content as the new-dialog form shows it: category search, common answers, suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from search.model import Category, Entry, Hit, Topic
from web.rendering import render_markdown
from web.search_service import engine

SUGGESTIONS = 5
# Russian endings vary (возврат/возврата/возвратом): matching on a word's stem — the word
# minus its last two letters, never shorter than four — finds the category either way.
STEM_MIN = 4


@dataclass(frozen=True)
class CategoryChoice:
    """A category in the picker, with the text its filter box searches in."""

    category: Category
    haystack: str


@dataclass(frozen=True)
class CommonAnswer:
    """One of the topic's common answers, ready to expand in the form."""

    entry: Entry
    html: Markup


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _stem(word: str) -> str:
    return word if len(word) <= STEM_MIN else word[: max(STEM_MIN, len(word) - 2)]


def category_choices() -> list[CategoryChoice]:
    """Every category in content order, with its name, description and topic names to filter on."""
    choices = []
    for category in engine().content.categories.values():
        parts = [category.name, category.description, *(t.name for t in category.topics)]
        choices.append(CategoryChoice(category, _fold(" ".join(parts))))
    return choices


def filter_categories(find: str | None) -> list[CategoryChoice]:
    """The categories whose name, description or topics contain every word of `find`."""
    stems = [_stem(w) for w in _fold(find or "").split()]
    return [c for c in category_choices() if all(s in c.haystack for s in stems)]


def topic_answers(topic: Topic | None) -> list[CommonAnswer]:
    """The topic's common answers (its FAQ ids) that are published, in the editors' order."""
    if topic is None:
        return []
    answers = []
    for entry_id in topic.faq_ids:
        entry = engine().entry(entry_id)
        if entry is not None:
            answers.append(CommonAnswer(entry, render_markdown(entry.body)))
    return answers


def suggestions_for(description: str, category: Category | None) -> list[Hit]:
    """Help-center entries matching what the seller has written so far, in the category."""
    if len(description.strip()) < 3:
        return []
    result = engine().search(
        description, limit=SUGGESTIONS, category=category.id if category else None
    )
    return result.hits


def entry_json(entry: Entry, html: Markup) -> dict:
    """The JSON shape of an entry opened in place from a suggestion."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "url": entry.url,
        "category": entry.category,
        "html": str(html),
    }
