"""Which dialogs GET /api/v1/dialogs lists: a seller's own, or the agents' queue; filters, pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from web.accounts.models import User
from web.dialogs.models import OPEN_STATUSES, Dialog, Message
from web.dialogs.store import MAX_NUMBER
from web.timestamps import utcnow

PAGE_SIZE = 20
TEXT_SEARCH_MAX = 200


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_filter(q: str, agent: bool):
    """A number finds that dialog; other text is looked up in the messages the viewer sees."""
    q = q.strip().lstrip("№").strip()[:TEXT_SEARCH_MAX]
    if q.isdigit() and len(q) <= 10 and int(q) <= MAX_NUMBER:
        return Dialog.number == int(q)
    condition = Message.body.ilike(_like(q), escape="\\")
    if not agent:
        condition = and_(condition, Message.internal.is_(False))
    return Dialog.messages.any(condition)


def list_dialogs(
    session: Session, user: User, status: str | None, q: str | None, page: int
) -> tuple[list[Dialog], bool]:
    """One page of dialogs for `user` and whether another page follows.

    Sellers see their own, newest first; agents see the queue (open dialogs, the longest
    waiting first) or, with a status, every dialog in it.
    """
    agent = user.role == "agent"
    query = select(Dialog).options(selectinload(Dialog.messages))
    if not agent:
        query = query.where(Dialog.seller_id == user.id)
    if status:
        query = query.where(Dialog.status == status)
    elif agent:
        query = query.where(Dialog.status.in_(OPEN_STATUSES))
    if q and q.strip():
        query = query.where(_text_filter(q, agent))
    if agent and not status:
        query = query.order_by(Dialog.awaiting_since.is_(None), Dialog.awaiting_since, Dialog.id)
    else:
        query = query.order_by(Dialog.created_at.desc(), Dialog.id.desc())
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def retry_after_seconds(session: Session, seller_id: int) -> int:
    """When the hourly dialog limit frees a place: the oldest dialog of the hour turns 1 h old."""
    now = utcnow()
    oldest = session.scalar(
        select(func.min(Dialog.created_at)).where(
            Dialog.seller_id == seller_id, Dialog.created_at >= now - timedelta(hours=1)
        )
    )
    if oldest is None:
        return 1
    if oldest.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(1, int((oldest + timedelta(hours=1) - now).total_seconds()) + 1)
