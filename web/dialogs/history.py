"""A dialog's history as people read it: who changed what, when, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from web.dialogs.models import CHANGE_ASSIGN, CHANGE_REFILE, STATUS_NAMES, Dialog, DialogChange
from web.search_service import engine


@dataclass(frozen=True)
class HistoryRow:
    """One line of «История»: when, who, what changed, from and to (labels, not ids)."""

    when: datetime
    who: str
    what: str
    old: str
    new: str


def _place(value: str | None) -> str:
    """«Категория › Тема» for a stored "category/topic"."""
    if not value:
        return "—"
    category_id, _, topic_id = value.partition("/")
    category = engine().content.categories.get(category_id)
    if category is None:
        return value
    topic = category.topic(topic_id) if topic_id else None
    return category.name + (f" › {topic.name}" if topic else "")


def _who(change: DialogChange, viewer: str) -> str:
    if change.actor_role == "seller":
        return "Вы" if viewer == "seller" else "Продавец"
    if viewer == "seller":
        return "Поддержка"  # the seller is not told which employee it was
    return change.actor.email if change.actor else "поддержка"


def _row(change: DialogChange, viewer: str) -> HistoryRow:
    who = _who(change, viewer)
    if change.kind == CHANGE_REFILE:
        return HistoryRow(
            change.created_at, who, "Категория и тема", _place(change.from_value),
            _place(change.to_value),
        )  # fmt: skip
    if change.kind == CHANGE_ASSIGN:
        return HistoryRow(
            change.created_at, who, "Ответственный", change.from_value or "никто",
            change.to_value or "никто",
        )  # fmt: skip
    old = STATUS_NAMES.get(change.from_value or "", change.from_value or "—")
    return HistoryRow(change.created_at, who, "Статус", old, STATUS_NAMES.get(change.to_value, ""))


def history_rows(dialog: Dialog, viewer: str) -> list[HistoryRow]:
    """The dialog's changes for `viewer` ("seller" or "agent"); sellers do not see who holds it."""
    return [_row(c, viewer) for c in dialog.changes if viewer == "agent" or c.kind != CHANGE_ASSIGN]
