"""The answer-time promise (ANSWER_HOURS) as each dialog stands against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from web.dialogs.models import Dialog
from web.timestamps import utcnow


@dataclass(frozen=True)
class Sla:
    """How long the dialog exists, and by when support must answer (None: not waiting)."""

    age: timedelta
    due_at: datetime | None
    overdue: bool


def sla(dialog: Dialog, hours: int, now: datetime | None = None) -> Sla:
    """The dialog's SLA: due ANSWER_HOURS after the seller started waiting for support."""
    now = now or utcnow()
    waiting = dialog.awaiting_since if dialog.is_open else None
    due = waiting + timedelta(hours=hours) if waiting else None
    return Sla(now - dialog.created_at, due, due is not None and now > due)


def duration_text(delta: timedelta) -> str:
    """«3 дн 4 ч», «5 ч 12 мин», «7 мин» — short enough for a queue card."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} дн {hours} ч"
    if hours:
        return f"{hours} ч {minutes} мин"
    return f"{minutes} мин"
