"""The analytics table: one row per search, click, vote, deflection or dialog."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from web.database import Base
from web.timestamps import UTCDateTime

TEXT_MAX = 300


class Event(Base):
    """One analytics event; search rows also carry what happened after them."""

    __tablename__ = "analytics_events"
    __table_args__ = (
        Index("ix_analytics_events_kind_created", "kind", "created_at"),
        Index("ix_analytics_events_visitor_created", "visitor", "created_at"),
        Index("ix_analytics_events_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    visitor: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(Integer)  # a seller's id, nothing else
    source: Mapped[str | None] = mapped_column(String(16))
    # Where the query was asked: web, api (the mobile app), telegram or email.
    channel: Mapped[str | None] = mapped_column(String(16))
    query: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    used_query: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    normalized: Mapped[str | None] = mapped_column(String(TEXT_MAX), index=True)
    match: Mapped[str | None] = mapped_column(String(8))
    top_ids: Mapped[str | None] = mapped_column(Text)  # JSON list of entry ids, best first
    result_count: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[str | None] = mapped_column(String(200), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    topic: Mapped[str | None] = mapped_column(String(100))
    dialog_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # On search rows: what the visitor did next (filled in by later events).
    opened_entry: Mapped[str | None] = mapped_column(String(200))
    solved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def top_id_list(self) -> list[str]:
        """The ids shown for this search, best first."""
        try:
            return list(json.loads(self.top_ids or "[]"))
        except ValueError:
            return []
