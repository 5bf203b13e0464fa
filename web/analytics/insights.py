"""What the analytics say: content gaps, the deflection funnel, entry stats and trends.

Every table is a list of plain dicts with the same keys as its CSV export, so the page
and the export can never disagree.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from search.content import Content
from web.analytics.masking import mask
from web.analytics.recording import Event
from web.timestamps import utcnow

# Searches made by the new-dialog form while the seller describes the problem.
DIALOG_FORM_SOURCE = "dialog-form"

GAP_MATCHES = ("none", "weak")
PERIODS = (7, 30, 90, 365)


@dataclass(frozen=True)
class Table:
    """A named table: its column keys with Russian headings, and its rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict]


def since(days: int) -> datetime:
    """The start of a period of `days` days ending now."""
    return utcnow() - timedelta(days=days)


def _searches(start: datetime):
    return (Event.kind == "search", Event.created_at >= start)


def content_gaps(
    s: Session,
    start: datetime,
    limit: int = 100,
    order: str = "count",
    content: Content | None = None,
) -> Table:
    """Questions with no or weak answers, grouped by normalised form, most frequent first."""
    names = {c.id: c.name for c in content.categories.values()} if content else {}
    dialogs = func.count(Event.dialog_id)
    rows = s.execute(
        select(
            Event.normalized,
            func.count().label("searches"),
            dialogs.label("dialogs"),
            func.count(func.distinct(Event.visitor)).label("visitors"),
            func.max(Event.created_at).label("last"),
        )
        .where(*_searches(start), Event.match.in_(GAP_MATCHES), Event.normalized != "")
        .group_by(Event.normalized)
        .order_by((dialogs if order == "dialogs" else func.count()).desc(), Event.normalized)
        .limit(limit)
    ).all()
    groups = [r.normalized for r in rows]
    examples = _examples(s, start, groups)
    categories = _dialog_categories(s, start, groups)
    result = [
        {
            "normalized": mask(r.normalized),
            "searches": r.searches,
            "visitors": r.visitors,
            "dialogs": r.dialogs,
            "dialog_share": _share(r.dialogs, r.searches),
            "queries": "; ".join(examples.get(r.normalized, [])),
            "dialog_categories": ", ".join(
                f"{names.get(c, c)} ({n})"
                for c, n in categories.get(r.normalized, Counter()).most_common()
            ),
            "last": r.last.date().isoformat() if r.last else "",
        }
        for r in rows
    ]
    return Table("gaps", _GAP_COLUMNS, result)


_GAP_COLUMNS = (
    ("normalized", "Группа запросов"),
    ("queries", "Как спрашивали"),
    ("searches", "Поисков"),
    ("visitors", "Посетителей"),
    ("dialogs", "Закончились обращением"),
    ("dialog_share", "Доля обращений, %"),
    ("dialog_categories", "Категории обращений"),
    ("last", "Последний раз"),
)


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _examples(s: Session, start: datetime, groups: list[str]) -> dict[str, list[str]]:
    """The most frequent spellings in each group (so «djpdhfn» shows next to «возврат»)."""
    found: dict[str, list[str]] = defaultdict(list)
    if not groups:
        return found
    # What sellers typed into the dialog form is part of a letter to support, not a search:
    # it is counted in its group but never shown as typed (nor is anything unmasked).
    rows = s.execute(
        select(Event.normalized, Event.query, func.count().label("n"))
        .where(*_searches(start), Event.match.in_(GAP_MATCHES), Event.normalized.in_(groups))
        .where(or_(Event.source.is_(None), Event.source != DIALOG_FORM_SOURCE))
        .group_by(Event.normalized, Event.query)
        .order_by(func.count().desc(), Event.query)
    ).all()
    for row in rows:
        if len(found[row.normalized]) < 5:
            found[row.normalized].append(mask(row.query or ""))
    return found


def _dialog_categories(s: Session, start: datetime, groups: list[str]) -> dict[str, Counter]:
    if not groups:
        return {}
    dialog = select(Event.dialog_id, Event.category).where(Event.kind == "dialog").subquery()
    rows = s.execute(
        select(Event.normalized, dialog.c.category, func.count().label("n"))
        .join(dialog, dialog.c.dialog_id == Event.dialog_id)
        .where(*_searches(start), Event.match.in_(GAP_MATCHES), Event.normalized.in_(groups))
        .group_by(Event.normalized, dialog.c.category)
    ).all()
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row.normalized][row.category or "—"] += row.n
    return counts


def funnel(s: Session, start: datetime, content: Content) -> Table:
    """Per category and topic: searched → saw a suggestion → opened → solved / wrote."""
    rows = s.execute(
        select(
            Event.category,
            Event.topic,
            func.count().label("searched"),
            func.sum(case((Event.result_count > 0, 1), else_=0)).label("suggested"),
            func.count(Event.opened_entry).label("opened"),
            func.sum(case((Event.solved.is_(True), 1), else_=0)).label("solved"),
            func.count(Event.dialog_id).label("dialogs"),
        )
        .where(*_searches(start))
        .group_by(Event.category, Event.topic)
        .order_by(func.count().desc())
    ).all()
    result = []
    for r in rows:
        cat = content.categories.get(r.category or "")
        topic = cat.topic(r.topic) if cat and r.topic else None
        result.append(
            {
                "category": cat.name if cat else (r.category or "без категории"),
                "topic": topic.name if topic else (r.topic or "—"),
                "searched": r.searched,
                "suggested": int(r.suggested or 0),
                "opened": r.opened,
                "solved": int(r.solved or 0),
                "dialogs": r.dialogs,
                "solved_share": _share(int(r.solved or 0), r.searched),
                "dialog_share": _share(r.dialogs, r.searched),
            }
        )
    return Table("funnel", _FUNNEL_COLUMNS, result)


CHANNEL_NAMES = {
    "web": "Сайт",
    "api": "Мобильное приложение",
    "telegram": "Telegram",
    "email": "Почта",
}


def channel_funnel(s: Session, start: datetime) -> Table:
    """The same funnel per channel the question was asked in (rows before channels: web)."""
    channel = func.coalesce(Event.channel, "web")
    rows = s.execute(
        select(
            channel.label("channel"),
            func.count().label("searched"),
            func.sum(case((Event.result_count > 0, 1), else_=0)).label("suggested"),
            func.count(Event.opened_entry).label("opened"),
            func.sum(case((Event.solved.is_(True), 1), else_=0)).label("solved"),
            func.count(Event.dialog_id).label("dialogs"),
        )
        .where(*_searches(start))
        .group_by(channel)
        .order_by(func.count().desc())
    ).all()
    result = [
        {
            "channel": CHANNEL_NAMES.get(r.channel, r.channel),
            "searched": r.searched,
            "suggested": int(r.suggested or 0),
            "opened": r.opened,
            "solved": int(r.solved or 0),
            "dialogs": r.dialogs,
            "solved_share": _share(int(r.solved or 0), r.searched),
            "dialog_share": _share(r.dialogs, r.searched),
        }
        for r in rows
    ]
    return Table("channels", (("channel", "Канал"), *_FUNNEL_COLUMNS[2:]), result)


_FUNNEL_COLUMNS = (
    ("category", "Категория"),
    ("topic", "Тема"),
    ("searched", "Искали"),
    ("suggested", "Увидели подсказку"),
    ("opened", "Открыли"),
    ("solved", "Решили сами"),
    ("dialogs", "Написали в поддержку"),
    ("solved_share", "Решили, %"),
    ("dialog_share", "Написали, %"),
)


def entry_votes(s: Session, start: datetime | None = None) -> dict[str, tuple[int, int]]:
    """Helpful and not-helpful votes per entry id."""
    conditions = [Event.kind == "feedback"]
    if start is not None:
        conditions.append(Event.created_at >= start)
    rows = s.execute(
        select(
            Event.entry_id,
            func.sum(case((Event.helpful.is_(True), 1), else_=0)),
            func.sum(case((Event.helpful.is_(False), 1), else_=0)),
        )
        .where(*conditions)
        .group_by(Event.entry_id)
    ).all()
    return {entry: (int(yes or 0), int(no or 0)) for entry, yes, no in rows}


def _counts(s: Session, start: datetime, kind: str) -> Counter:
    rows = s.execute(
        select(Event.entry_id, func.count())
        .where(Event.kind == kind, Event.created_at >= start)
        .group_by(Event.entry_id)
    ).all()
    return Counter({entry: n for entry, n in rows if entry})


def _shown(s: Session, start: datetime) -> Counter:
    shown: Counter = Counter()
    query = select(Event.top_ids).where(*_searches(start), Event.result_count > 0)
    for (top_ids,) in s.execute(query.execution_options(yield_per=2000)):
        try:
            shown.update(set(json.loads(top_ids or "[]")))
        except ValueError:
            continue
    return shown


def entry_stats(s: Session, start: datetime, content: Content, order: str = "unopened") -> Table:
    """Entries by helpfulness and by how often they were shown but not opened."""
    shown, clicks = _shown(s, start), _counts(s, start, "click")
    deflections, votes = _counts(s, start, "deflection"), entry_votes(s, start)
    result = []
    for entry_id in set(shown) | set(clicks) | set(votes) | set(deflections):
        yes, no = votes.get(entry_id, (0, 0))
        entry = content.entries.get(entry_id)
        result.append(
            {
                "id": entry_id,
                "title": entry.title if entry else "(удалена)",
                "shown": shown[entry_id],
                "opened": clicks[entry_id],
                "unopened": max(0, shown[entry_id] - clicks[entry_id]),
                "open_rate": _share(clicks[entry_id], shown[entry_id]),
                "helpful": yes,
                "not_helpful": no,
                "helpful_share": _share(yes, yes + no) if yes + no else "",
                "deflections": deflections[entry_id],
            }
        )
    if order == "helpful":
        result.sort(
            key=lambda r: (r["helpful_share"] == "", r["helpful_share"] or 0, -r["not_helpful"])
        )
    else:
        result.sort(key=lambda r: (-r["unopened"], r["id"]))
    return Table("entries", _ENTRY_COLUMNS, result)


_ENTRY_COLUMNS = (
    ("id", "Id"),
    ("title", "Заголовок"),
    ("shown", "Показано в поиске"),
    ("opened", "Открыто"),
    ("unopened", "Показано без открытия"),
    ("open_rate", "Открывают, %"),
    ("helpful", "Полезно"),
    ("not_helpful", "Не полезно"),
    ("helpful_share", "Полезно, %"),
    ("deflections", "«Решило вопрос»"),
)


def trend(s: Session, start: datetime) -> Table:
    """Per day (UTC): searches, unanswered searches, solved searches and dialogs."""
    day = func.date(Event.created_at)
    rows = s.execute(
        select(
            day.label("day"),
            func.sum(case((Event.kind == "search", 1), else_=0)).label("searches"),
            func.sum(
                case(((Event.kind == "search") & Event.match.in_(GAP_MATCHES), 1), else_=0)
            ).label("gaps"),
            func.sum(case(((Event.kind == "search") & Event.solved.is_(True), 1), else_=0)).label(
                "solved"
            ),
            func.sum(case((Event.kind == "dialog", 1), else_=0)).label("dialogs"),
        )
        .where(Event.created_at >= start)
        .group_by(day)
    ).all()
    by_day = {str(r.day): r for r in rows}
    result = []
    first = start.date()
    for offset in range((utcnow().date() - first).days + 1):
        key = (first + timedelta(days=offset)).isoformat()
        r = by_day.get(key)
        result.append(
            {
                "day": key,
                "searches": int(r.searches or 0) if r else 0,
                "gaps": int(r.gaps or 0) if r else 0,
                "solved": int(r.solved or 0) if r else 0,
                "dialogs": int(r.dialogs or 0) if r else 0,
            }
        )
    return Table("trend", _TREND_COLUMNS, result)


_TREND_COLUMNS = (
    ("day", "День (UTC)"),
    ("searches", "Поисков"),
    ("gaps", "Без хорошего ответа"),
    ("solved", "Решили сами"),
    ("dialogs", "Обращений"),
)

TABLES = ("gaps", "funnel", "channels", "entries", "trend")


def build(s: Session, name: str, days: int, content: Content, order: str = "") -> Table:
    """One insights table by name (the page and the CSV export share this)."""
    start = since(days)
    if name == "gaps":
        return content_gaps(s, start, limit=500, order=order or "count", content=content)
    if name == "funnel":
        return funnel(s, start, content)
    if name == "channels":
        return channel_funnel(s, start)
    if name == "entries":
        return entry_stats(s, start, content, order=order or "unopened")
    if name == "trend":
        return trend(s, start)
    raise KeyError(name)


def to_csv(table: Table) -> str:
    """The table as CSV with Russian headings (UTF-8 with BOM, so Excel reads Cyrillic)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([title for _key, title in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(key, "")) for key, _title in table.columns])
    return out.getvalue()


def _cell(value) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    # A cell starting with = + - @ would run as a formula when the CSV is opened in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
