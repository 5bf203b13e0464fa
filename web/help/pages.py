"""What the help-center pages show: categories with counts, topics with FAQs, entry pages.

Views stay thin: they parse the request, call one of these builders and render it.
Builders read the engine's already-loaded content and the cached Markdown rendering,
so a page costs a few dictionary lookups, not a parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from search.content import Content
from search.engine import SearchEngine
from search.model import Category, Entry, Hit, SearchResult, Topic
from web.help.serializers import handoff_url, result_json
from web.rendering import plain_text, render_entry, render_lead
from web.russian import KIND_LABELS, ru_date


@dataclass(frozen=True)
class CategoryCard:
    category: Category
    count: int


def category_cards(content: Content) -> list[CategoryCard]:
    """Every category with the number of published answers in it, in taxonomy order."""
    counts: dict[str, int] = {}
    for entry in content.published():
        counts[entry.category] = counts.get(entry.category, 0) + 1
    return [CategoryCard(c, counts.get(c.id, 0)) for c in content.categories.values()]


def category_names(content: Content) -> dict[str, str]:
    """Category id → name, for labelling instant results in the browser."""
    return {c.id: c.name for c in content.categories.values()}


@dataclass(frozen=True)
class TopicSection:
    topic: Topic
    faqs: list[Entry]
    articles: list[Entry]
    handoff: str


@dataclass(frozen=True)
class CategoryPage:
    category: Category
    sections: list[TopicSection]
    articles: list[Entry]
    handoff: str


def category_page(content: Content, category_id: str) -> CategoryPage | None:
    """A category's topics with their FAQs (taxonomy order first) and its articles."""
    category = content.categories.get(category_id)
    if category is None:
        return None
    published = content.in_category(category_id)
    sections = []
    for topic in category.topics:
        listed = [content.entries.get(fid) for fid in topic.faq_ids]
        faqs = [e for e in listed if e is not None and e.published and e.kind == "faq"]
        faqs += [e for e in published if e.kind == "faq" and e.topic == topic.id and e not in faqs]
        articles = [e for e in published if e.kind == "article" and topic.id in e.topics]
        sections.append(TopicSection(topic, faqs, articles, handoff_url("", category_id, topic.id)))
    # Articles already shown under one of the topics are not listed a second time.
    topic_ids = {t.id for t in category.topics}
    loose = [e for e in published if e.kind == "article" and not topic_ids & set(e.topics)]
    return CategoryPage(category, sections, loose, handoff_url("", category_id, None))


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    category: Category | None
    topic: Topic | None
    body: Markup
    related: list[Hit]
    handoff: str
    description: str
    draft: bool


def entry_page(eng: SearchEngine, entry: Entry, related_limit: int = 5) -> EntryPage:
    """Everything an article or FAQ page shows around the rendered entry."""
    category = eng.content.categories.get(entry.category)
    topic = category.topic(entry.topic) if category and entry.topic else None
    related = [h for h in eng.related(entry.id, related_limit) if eng.entry(h.id) is not None]
    return EntryPage(
        entry=entry,
        category=category,
        topic=topic,
        body=render_entry(entry),
        related=[h for h in related if h.id != entry.id],
        handoff=handoff_url("", entry.category, entry.topic),
        description=entry.summary or plain_text(entry.body),
        draft=not entry.published,
    )


@dataclass
class SearchPage:
    query: str
    result: SearchResult | None
    data: dict = field(default_factory=dict)
    best: Entry | None = None
    best_lead: Markup | None = None
    category: Category | None = None


def search_page(
    eng: SearchEngine, query: str, result: SearchResult | None, category: str | None
) -> SearchPage:
    """The server-rendered search page: the API's data plus the expanded best answer."""
    page = SearchPage(query, result, category=eng.content.categories.get(category or ""))
    if result is None:
        return page
    page.data = result_json(result)
    if result.match == "strong" and result.hits:
        best = eng.entry(result.hits[0].id)
        if best is not None:
            page.best, page.best_lead = best, render_lead(best)
    return page


def answer_json(entry: Entry) -> dict:
    """The best-answer preview the instant search expands at the top of the results."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "kind_label": KIND_LABELS[entry.kind],
        "title": entry.title,
        "url": entry.url,
        "lead_html": str(render_lead(entry)),
        "updated": ru_date(entry.updated),
    }
