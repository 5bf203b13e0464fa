"""Search analytics: one small `Event` row per search, click, vote, deflection or dialog.

Recording never breaks or slows a request: each call is one short session with one
commit, and every database error is logged and swallowed. Events carry a random
visitor id (kept in the Flask session) and a seller id at most — no other personal data.

Search-as-you-type (the search box, the dialog description) sends a search per pause
in typing; one visitor's rows of one query collapse into one (the last text wins), so
analytics count questions, not keystrokes. Later actions (opening a result, a vote,
«Это решило мой вопрос», a dialog) are attributed back to the visitor's latest search.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, has_app_context, has_request_context, session
from sqlalchemy import (
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from search.model import SearchResult
from web.analytics.masking import cut as _cut
from web.analytics.masking import mask as _text
from web.analytics.models import TEXT_MAX, Event  # noqa: F401  (TEXT_MAX: public)
from web.analytics.typing_rows import TYPING_WINDOW, write_search_row  # noqa: F401  (public)
from web.analytics.writer import EventWrite, writer_for
from web.timestamps import utcnow

log = logging.getLogger(__name__)

# Turns a query into its grouped form (the engine's `normalize`), handed in by the caller.
Normalizer = Callable[[str], str]

SOURCES = ("instant", "page", "dialog-form")
# Sources that search while the seller types (the search box, the dialog description).
TYPED_SOURCES = ("instant", "dialog-form")
KINDS = ("search", "click", "feedback", "deflection", "dialog")
# Where a question was asked: the help center, the mobile app's API, the bot, e-mail.
CHANNELS = ("web", "api", "telegram", "email")
# Actions this long after a search are still attributed to it.
ATTRIBUTION_WINDOW = timedelta(minutes=60)
PURGE_EVERY_SECONDS = 3600
COMMENT_MAX = 2000


@dataclass(frozen=True)
class SearchEventView:
    """A search a visitor made, as agents see it next to a dialog."""

    query: str
    used_query: str | None
    match: str | None
    top_ids: list[str]
    source: str | None
    created_at: datetime


def visitor_id() -> str:
    """A random id for this browser, kept in the Flask session (not tied to a person)."""
    vid = session.get("visitor")
    if not isinstance(vid, str) or len(vid) != 16:
        vid = secrets.token_hex(8)
        session["visitor"] = vid
    return vid


def _seller_id() -> int | None:
    user = g.get("user")
    if user is not None and getattr(user, "role", None) == "seller":
        return user.id
    return None


def _enabled(visitor: str | None) -> bool:
    # Channels without a browser (API, bot, mail) name their visitor.
    context = has_app_context() if visitor else has_request_context()
    return context and bool(current_app.config.get("ANALYTICS_ENABLED", True))


def _record(action, visitor: str | None = None) -> None:
    """Run `action(session, visitor, seller, now)` in one short transaction; never raise.

    With ANALYTICS_BACKGROUND the transaction runs on the analytics writer thread, after
    the response; the request only gathers who and when (`visitor`: a cookieless caller).
    """
    if not _enabled(visitor):
        return
    try:
        sessions = current_app.extensions["spravka.sessionmaker"]
        job = EventWrite(sessions, action, visitor or visitor_id(), _seller_id(), utcnow())
        if current_app.config["ANALYTICS_BACKGROUND"]:
            writer_for(current_app._get_current_object()).submit(job)
        else:
            job()
        _maybe_purge()
    except Exception:  # analytics must never break the seller's request
        log.exception("analytics: could not record an event")


def _normalize(query: str, result: SearchResult, normalize: Normalizer | None) -> str:
    scrubbed = _text(query) or ""
    # The engine's form splits an email into words; normalise the scrubbed text instead,
    # with the caller's normaliser (analytics does not reach for the engine itself).
    normalized = result.normalized if scrubbed == _cut(query) else ""
    query = scrubbed
    if not normalized:
        try:
            normalized = normalize(query) if normalize else ""
        except Exception:
            log.exception("analytics: normalize failed")
            normalized = " ".join(query.lower().split())
    return _text(normalized or " ".join(query.lower().split())) or ""


def _own(visitor: str, seller: int | None):
    """Filter: events of this browser, or of this seller from any browser."""
    if seller is None:
        return Event.visitor == visitor
    return or_(Event.visitor == visitor, Event.user_id == seller)


def record_search(
    query: str,
    result: SearchResult,
    source: str,
    normalize: Normalizer | None = None,
    *,
    channel: str = "web",
    visitor: str | None = None,
) -> None:
    """Record one search (collapsing a visitor's search-as-you-type into one row).

    `normalize` is used only when masking changed the query, so the engine's own form of
    the raw text (which may carry an e-mail's words) is not stored. `channel`: where it
    was asked; `visitor` names a cookieless caller (API token, chat).
    """
    if not query.strip():
        return
    source = source if source in SOURCES else "instant"
    channel = channel if channel in CHANNELS else "web"
    decision = result.decision
    top_hit = result.hits[0] if result.hits else None
    fields = {
        "query": _text(query),
        "used_query": _text(result.used_query),
        "normalized": _normalize(query, result, normalize),
        "match": result.match,
        "channel": channel,
        "top_ids": json.dumps([h.id for h in result.hits]),
        "result_count": len(result.hits),
        # The decision echoes the request's category/topic filter, which may be anything.
        "category": _cut(decision.category or (top_hit.category if top_hit else None), 100),
        "topic": _cut(decision.topic or (top_hit.topic if top_hit else None), 100),
    }

    def action(db_session: Session, visitor: str, seller: int | None, now: datetime) -> None:
        # Core on the session's connection (web/analytics/typing_rows.py): this runs on every
        # search. The flush first: what earlier writes of the batch changed must be visible.
        db_session.flush()
        values = {**fields, "user_id": seller, "created_at": now}
        typing = source in TYPED_SOURCES
        write_search_row(db_session.connection(), visitor, source, values, typing)

    _record(action, visitor)


def _latest_search(
    db_session: Session, visitor: str, seller: int | None, now: datetime, *conditions
) -> Event | None:
    return db_session.scalars(
        select(Event)
        .where(
            Event.kind == "search",
            _own(visitor, seller),
            Event.created_at >= now - ATTRIBUTION_WINDOW,
            *conditions,
        )
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(1)
    ).first()


def record_click(entry_id: str, query: str, position: int) -> None:
    """Record that a result was opened from a search (position counts from 1)."""

    def action(db_session: Session, visitor: str, seller: int | None, now: datetime) -> None:
        db_session.add(
            Event(
                kind="click",
                created_at=now,
                visitor=visitor,
                user_id=seller,
                query=_text(query),
                entry_id=_cut(entry_id, 200),
                position=position,
            )
        )
        search = _latest_search(db_session, visitor, seller, now, Event.query == _text(query))
        if search is not None and not search.opened_entry:
            search.opened_entry = _cut(entry_id, 200)

    _record(action)


def record_feedback(entry_id: str, helpful: bool, comment: str | None) -> None:
    """Record a helpful / not-helpful vote on an entry (a helpful vote counts as solved)."""

    def action(db_session: Session, visitor: str, seller: int | None, now: datetime) -> None:
        db_session.add(
            Event(
                kind="feedback",
                created_at=now,
                visitor=visitor,
                user_id=seller,
                entry_id=_cut(entry_id, 200),
                helpful=bool(helpful),
                comment=_text(comment, COMMENT_MAX) or None,
            )
        )
        if helpful:
            _mark_solved(db_session, visitor, seller, now, entry_id, None)

    _record(action)


def record_deflection(entry_id: str, query: str, category: str | None, topic: str | None) -> None:
    """Record «Это решило мой вопрос»: the seller found the answer instead of writing."""

    def action(db_session: Session, visitor: str, seller: int | None, now: datetime) -> None:
        db_session.add(
            Event(
                kind="deflection",
                created_at=now,
                visitor=visitor,
                user_id=seller,
                query=_text(query),
                entry_id=_cut(entry_id, 200),
                category=_cut(category, 100),
                topic=_cut(topic, 100),
            )
        )
        _mark_solved(db_session, visitor, seller, now, entry_id, query)

    _record(action)


def _mark_solved(
    db_session: Session,
    visitor: str,
    seller: int | None,
    now: datetime,
    entry_id: str,
    query: str | None,
) -> None:
    """Mark the search that led to `entry_id` solved (and opened, if it was not yet)."""
    search = _latest_search(db_session, visitor, seller, now, Event.opened_entry == entry_id)
    if search is None and query:
        search = _latest_search(db_session, visitor, seller, now, Event.query == _text(query))
    if search is None:
        shown = Event.top_ids.contains(json.dumps(entry_id))
        search = _latest_search(db_session, visitor, seller, now, shown)
    if search is not None:
        search.solved = True
        search.opened_entry = search.opened_entry or _cut(entry_id, 200)


def record_dialog_opened(
    dialog_id: int,
    category: str,
    topic: str | None,
    *,
    channel: str = "web",
    visitor: str | None = None,
) -> None:
    """Record a new dialog and link the searches the seller tried before writing it."""

    def action(db_session: Session, visitor: str, seller: int | None, now: datetime) -> None:
        db_session.add(
            Event(
                kind="dialog",
                created_at=now,
                visitor=visitor,
                user_id=seller,
                dialog_id=dialog_id,
                category=_cut(category, 100),
                topic=_cut(topic, 100),
                channel=channel if channel in CHANNELS else "web",
            )
        )
        db_session.execute(
            update(Event)
            .where(
                Event.kind == "search",
                _own(visitor, seller),
                Event.created_at >= now - ATTRIBUTION_WINDOW,
                Event.dialog_id.is_(None),
                Event.solved.is_(False),
            )
            .values(dialog_id=dialog_id)
        )

    _record(action, visitor)


def searches_before(
    user_id: int | None, visitor: str | None, until: datetime, limit: int = 20
) -> list[SearchEventView]:
    """The searches a seller (or browser) made up to `until`, newest first."""
    owners = []
    if user_id is not None:
        owners.append(Event.user_id == user_id)
    if visitor:
        owners.append(Event.visitor == visitor)
    if not owners:
        return []
    try:
        with current_app.extensions["spravka.sessionmaker"]() as db_session:
            rows = db_session.scalars(
                select(Event)
                .where(Event.kind == "search", or_(*owners), Event.created_at <= until)
                .order_by(Event.created_at.desc(), Event.id.desc())
                .limit(limit)
            ).all()
    except Exception:
        log.exception("analytics: could not read searches")
        return []
    return [
        SearchEventView(
            r.query or "", r.used_query, r.match, r.top_id_list(), r.source, r.created_at
        )
        for r in rows
    ]


def purge(db_session: Session, retention_days: int, now: datetime | None = None) -> int:
    """Delete events older than the retention period; returns how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    result = db_session.execute(delete(Event).where(Event.created_at < cutoff))
    db_session.commit()
    return result.rowcount or 0


def _maybe_purge() -> None:
    """Purge old events at most once an hour per process, piggybacking on recording."""
    state = current_app.extensions.setdefault("spravka.analytics", {"purged_at": None})
    now = time.monotonic()
    if state["purged_at"] is not None and now - state["purged_at"] < PURGE_EVERY_SECONDS:
        return
    state["purged_at"] = now
    with current_app.extensions["spravka.sessionmaker"]() as db_session:
        deleted = purge(db_session, current_app.config["ANALYTICS_RETENTION_DAYS"])
    if deleted:
        log.info("analytics: deleted %d events past retention", deleted)
