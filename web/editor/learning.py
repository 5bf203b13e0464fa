"""Learning from outcomes in the web app: analytics events → proposals → editor approval.

The logic is search.learning's; this module only reads the evidence out of the analytics
table, remembers the editors' rejections and writes approvals through the editor's
file-writing path (validated on a copy, then written, then the index rebuilt).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from search.askedas import phrasing_writes
from search.content import Content
from search.learning import MAX_AGE_DAYS, Evidence, Proposal, phrasing_key, propose
from web.analytics.models import Event
from web.analytics.outcomes import AGENT_LINK
from web.editor.files import Change, commit, editing_lock, validate
from web.timestamps import utcnow

# Rejected phrasings, per instance: {"<entry id>": ["<phrasing key>", ...]}.
REJECTED_FILE = "learning-rejected.json"


# Analytics event kind → evidence kind, for events that name the query and the entry.
_DIRECT_KINDS = {"deflection": "solved", AGENT_LINK: "agent_link"}


def evidence_from_events(s: Session, now: datetime | None = None) -> list[Evidence]:
    """Outcome evidence in the analytics table: «Это решило мой вопрос» (deflections), an
    agent's reply linking an entry to the seller's question, and searches marked solved by
    an open and a «Да» vote. Only signed-in sellers count: a guest's browser is no seller,
    and one person could be many guests."""
    since = (now or utcnow()) - timedelta(days=MAX_AGE_DAYS)
    found = []
    direct = select(Event).where(
        Event.kind.in_(list(_DIRECT_KINDS)),
        Event.created_at >= since,
        Event.user_id.is_not(None),
    )
    for ev in s.scalars(direct):
        if ev.query and ev.entry_id:
            kind = _DIRECT_KINDS[ev.kind]
            found.append(Evidence(ev.query, ev.entry_id, f"u{ev.user_id}", kind, ev.created_at))
    solved = select(Event).where(
        Event.kind == "search",
        Event.solved.is_(True),
        Event.created_at >= since,
        Event.user_id.is_not(None),
    )
    for ev in s.scalars(solved):
        if ev.query and ev.opened_entry:
            found.append(
                Evidence(ev.query, ev.opened_entry, f"u{ev.user_id}", "voted_yes", ev.created_at)
            )
    return found


def known_phrasings(content: Content, instance: Path) -> dict[str, list[str]]:
    """What each entry already has or was refused: never proposed again."""
    known = {e.id: [e.title, *e.asked_as] for e in content.entries.values()}
    for entry_id, keys in _rejected(instance).items():
        known.setdefault(entry_id, []).extend(keys)
    return known


def proposals(s: Session, content: Content, instance: Path) -> list[Proposal]:
    """Current proposals for published entries, best supported first."""
    found = propose(evidence_from_events(s), known_phrasings(content, instance))
    return [p for p in found if p.entry_id in content.entries]


def approve(root: Path, instance: Path, entry_id: str, phrasing: str) -> list:
    """Write the phrasing into the entry's asked_as; returns content problems (none = done)."""
    with editing_lock(instance):
        change = Change(writes=phrasing_writes(root, {entry_id: [phrasing]}))
        problems = validate(root, change)
        if not problems:
            commit(root, change)
    return problems


def reject(instance: Path, entry_id: str, phrasing: str) -> None:
    """Remember that this phrasing does not belong to this entry."""
    with editing_lock(instance):
        data = _rejected(instance)
        key = phrasing_key(phrasing)
        if key not in data.setdefault(entry_id, []):
            data[entry_id].append(key)
        path = instance / REJECTED_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


def _rejected(instance: Path) -> dict[str, list[str]]:
    try:
        data = json.loads((instance / REJECTED_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
