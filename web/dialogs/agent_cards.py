"""What an agent sees of a dialog before opening it: names, the seller's searches, the SLA."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from web.analytics import recording as analytics
from web.dialogs.forms import find_category, find_topic
from web.dialogs.models import Dialog
from web.dialogs.sla import Sla, sla
from web.search_service import engine

SOURCE_NAMES = {
    "instant": "поиск в справке",
    "page": "страница поиска",
    "dialog-form": "форма диалога",
}
MATCH_NAMES = {"strong": "ответ найден", "weak": "слабое совпадение", "none": "ничего не найдено"}


@dataclass(frozen=True)
class SeenSuggestion:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class SellerSearch:
    """One search the seller made before writing, as the agent sees it."""

    query: str
    source: str
    match: str
    created_at: datetime
    suggestions: list[SeenSuggestion] = field(default_factory=list)


@dataclass(frozen=True)
class DialogCard:
    """A dialog with the names, the searches and the SLA an agent needs to pick it up."""

    dialog: Dialog
    category_name: str
    topic_name: str
    searches: list[SellerSearch]
    sla: Sla


def _suggestion(entry_id: str) -> SeenSuggestion:
    entry = engine().entry(entry_id, include_drafts=True)
    if entry is None:
        return SeenSuggestion(entry_id, entry_id, "")
    return SeenSuggestion(entry.id, entry.title, entry.url)


def seller_searches(dialog: Dialog, limit: int) -> list[SellerSearch]:
    """What the seller searched for (help center and dialog form) before opening the dialog."""
    events = analytics.searches_before(
        dialog.seller_id, dialog.visitor, until=dialog.created_at, limit=limit
    )
    return [
        SellerSearch(
            query=e.query,
            source=SOURCE_NAMES.get(e.source or "", e.source or ""),
            match=MATCH_NAMES.get(e.match or "", e.match or ""),
            created_at=e.created_at,
            suggestions=[_suggestion(i) for i in e.top_ids[:5]],
        )
        for e in events
    ]


def dialog_card(dialog: Dialog, searches: int) -> DialogCard:
    """A DialogCard for a dialog with up to `searches` of the seller's searches."""
    category = find_category(dialog.category)
    topic = find_topic(category, dialog.topic)
    return DialogCard(
        dialog,
        category.name if category else dialog.category,
        topic.name if topic else (dialog.topic or "—"),
        seller_searches(dialog, searches),
        sla(dialog, current_app.config["ANSWER_HOURS"]),
    )
