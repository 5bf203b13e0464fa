"""How support keeps its answer-time promise: first-response times, answers in time, ratings."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from web.dialogs.models import Dialog
from web.timestamps import utcnow

PERIODS = (7, 30, 90, 365)


@dataclass(frozen=True)
class Row:
    """One dialog, as the numbers need it."""

    category: str
    created_at: datetime
    first_response_at: datetime | None
    helped: bool | None


@dataclass(frozen=True)
class SupportStats:
    """The numbers of one category (or of all of them)."""

    key: str
    name: str
    dialogs: int
    median_first_response: timedelta | None
    in_time: int
    decided: int  # answered, or past due unanswered: the in-time share counts these
    rated: int
    helped: int

    @property
    def in_time_share(self) -> float | None:
        """Share answered within ANSWER_HOURS among dialogs whose outcome is known."""
        return self.in_time / self.decided if self.decided else None

    @property
    def helped_share(self) -> float | None:
        """Share of «Помогло» among rated dialogs."""
        return self.helped / self.rated if self.rated else None


def rows_since(session: Session, start: datetime) -> list[Row]:
    """Dialogs created since `start` (oldest first)."""
    query = (
        select(Dialog.category, Dialog.created_at, Dialog.first_response_at, Dialog.helped)
        .where(Dialog.created_at >= start)
        .order_by(Dialog.created_at)
    )
    return [Row(*r) for r in session.execute(query)]


def summarize(key: str, name: str, rows: list[Row], hours: int, now: datetime) -> SupportStats:
    """The SupportStats of `rows`."""
    limit = timedelta(hours=hours)
    waits = [r.first_response_at - r.created_at for r in rows if r.first_response_at]
    decided = [r for r in rows if r.first_response_at or now - r.created_at > limit]
    in_time = [
        r for r in decided if r.first_response_at and r.first_response_at - r.created_at <= limit
    ]
    rated = [r for r in rows if r.helped is not None]
    return SupportStats(
        key, name, len(rows), statistics.median(waits) if waits else None, len(in_time),
        len(decided), len(rated), sum(1 for r in rated if r.helped),
    )  # fmt: skip


def by_category(
    rows: list[Row], names: dict[str, str], hours: int, now: datetime | None = None
) -> tuple[SupportStats, list[SupportStats]]:
    """The totals and one SupportStats per category, the busiest first."""
    now = now or utcnow()
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.category].append(row)
    per = [summarize(k, names.get(k, k), v, hours, now) for k, v in groups.items()]
    per.sort(key=lambda s: (-s.dialogs, s.name))
    return summarize("", "Все категории", rows, hours, now), per


def daily(rows: list[Row], days: int, hours: int, now: datetime | None = None) -> tuple[list[str], dict[str, list[int]]]:  # fmt: skip
    """Per day (UTC): new dialogs, those answered within the promise, «Помогло» ratings."""
    now = now or utcnow()
    labels = [(now.date() - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
    index = {label: i for i, label in enumerate(labels)}
    series = {"Новые обращения": [0] * days, "Ответ в срок": [0] * days, "Помогло": [0] * days}
    limit = timedelta(hours=hours)
    for row in rows:
        i = index.get(date.isoformat(row.created_at.date()))
        if i is None:
            continue
        series["Новые обращения"][i] += 1
        if row.first_response_at and row.first_response_at - row.created_at <= limit:
            series["Ответ в срок"][i] += 1
        series["Помогло"][i] += bool(row.helped)
    return labels, series
