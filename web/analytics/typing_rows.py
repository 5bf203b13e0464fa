"""Search rows as the analytics writer stores them: one visitor's keystrokes of one
question collapse into one row (the last text wins).

This runs for every search, so it is plain Core on the session's connection with
statements built once. Through the ORM (a statement built per write, the bulk UPDATE
evaluating its SET values against the identity map) a search row cost ~1.1 ms of CPU on
the writer thread — a fifth of what the whole search costs its worker, taken from the
same core; as Core it is ~0.3 ms.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from web.analytics.models import Event

# A visitor's instant searches this close together are one question being typed.
TYPING_WINDOW = timedelta(seconds=30)

_events = Event.__table__
_LAST = (
    select(
        _events.c.id,
        _events.c.kind,
        _events.c.source,
        _events.c.query,
        _events.c.opened_entry,
        _events.c.solved,
        _events.c.dialog_id,
    )
    .where(_events.c.visitor == bindparam("visitor"), _events.c.created_at >= bindparam("since"))
    .order_by(_events.c.created_at.desc(), _events.c.id.desc())
    .limit(1)
)
# Values come with each execution (the SET clause is the columns given), so the compiled
# statement is cached once per set of columns.
_UPDATE = update(_events).where(_events.c.id == bindparam("row_id"))
_INSERT = insert(_events)


def typing_row(
    connection: Connection, visitor: str, now: datetime, query: str, source: str
) -> int | None:
    """Id of the visitor's search row this (masked) query continues, typing on or back."""
    last = connection.execute(_LAST, {"visitor": visitor, "since": now - TYPING_WINDOW}).first()
    if last is None or last.kind != "search" or last.source != source:
        return None
    if last.opened_entry or last.solved or last.dialog_id:
        return None
    previous = (last.query or "").lower()
    current = (query or "").lower()
    return last.id if current.startswith(previous) or previous.startswith(current) else None


def write_search_row(
    connection: Connection, visitor: str, source: str, values: dict[str, Any], typing: bool
) -> None:
    """Update the row a typed query continues, or insert a new search row."""
    now = values["created_at"]
    row_id = typing_row(connection, visitor, now, values["query"], source) if typing else None
    if row_id is not None:
        connection.execute(_UPDATE, {"row_id": row_id, **values})
        return
    connection.execute(_INSERT, {"kind": "search", "visitor": visitor, "source": source, **values})
