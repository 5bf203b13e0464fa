"""Outcomes recorded by other wings inside their own transaction (not by the event writer).

An agent's reply that links a help-center entry says "this entry answers this question":
the search-learning work reads these rows (kind="agent_link") as it reads deflections.
"""

from __future__ import annotations

# The same masking as every other event: no e-mails or long numbers are stored.
from web.analytics.masking import cut, mask
from web.analytics.models import Event
from web.timestamps import utcnow

AGENT_LINK = "agent_link"


def agent_link_event(
    entry_id: str,
    query: str,
    dialog_id: int,
    category: str | None,
    topic: str | None,
    seller_id: int | None,
    visitor: str | None,
) -> Event:
    """An Event saying an agent answered `query` (the seller's question) with `entry_id`."""
    return Event(
        kind=AGENT_LINK,
        created_at=utcnow(),
        visitor=visitor,
        user_id=seller_id,
        source="agent",
        query=mask(query),
        entry_id=cut(entry_id, 200),
        dialog_id=dialog_id,
        category=cut(category, 100),
        topic=cut(topic, 100),
        solved=True,
    )


def mask_personal(text: str, limit: int) -> str:
    """Text without e-mails and long numbers (phones, passports, cards), cut at `limit`."""
    return mask(text, limit) or ""
