"""Agent assist: help-center entries matching the dialog, saved replies, links in replies.

Suggestions come from the same engine sellers search, scoped to the dialog's category,
so the agent sees what the seller could have found; each is inserted into the reply as
a short answer plus its link. Links to entries in a sent reply are found again in its
text (pasted by hand or inserted), and become agent_link outcome events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

from search.model import Entry
from search.plaintext import markdown_to_text
from web.dialogs.models import Dialog
from web.search_service import engine

SUGGESTIONS = 5
# Enough for the gist of an answer; the link carries the rest.
SHORT_ANSWER_CHARS = 280
# /q/<category>/<slug> or /a/<category>/<slug>, alone or after the site's address.
ENTRY_LINK = re.compile(r"(?<![\w/])(?:https?://[^\s/]+)?/[aq]/([a-z0-9-]+/[a-z0-9-]+)")


@dataclass(frozen=True)
class Suggestion:
    """One entry beside the reply box and the text «Вставить» puts into the reply."""

    entry_id: str
    title: str
    url: str
    short: str
    insert: str


@dataclass(frozen=True)
class Macro:
    """A saved reply with its placeholders filled for this dialog."""

    id: str
    title: str
    text: str


def short_answer(entry: Entry) -> str:
    """The entry's summary, or the start of its text cut at a word."""
    text = entry.summary or markdown_to_text(entry.body).replace("\n", " ")
    if len(text) <= SHORT_ANSWER_CHARS:
        return text
    return text[:SHORT_ANSWER_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def entry_link(url: str) -> str:
    """An entry's address as the seller can open it (absolute when PUBLIC_URL is set)."""
    return current_app.config.get("PUBLIC_URL", "").rstrip("/") + url


def _query(dialog: Dialog) -> str:
    """What the seller wrote: the first message and the latest one, if it is another."""
    seller = [m.body for m in dialog.public_messages if not m.from_support and m.body]
    parts = seller[:1] + seller[-1:] if len(seller) > 1 else seller
    return " ".join(parts)[: current_app.config["QUERY_MAX_CHARS"]]


def suggestions(dialog: Dialog) -> list[Suggestion]:
    """Entries of the dialog's category that match what the seller wrote, best first."""
    query = _query(dialog)
    if len(query.strip()) < 3:
        return []
    result = engine().search(query, limit=SUGGESTIONS, category=dialog.category)
    found = []
    for hit in result.hits:
        entry = engine().entry(hit.id)
        if entry is None:
            continue
        short = short_answer(entry)
        link = entry_link(entry.url)
        found.append(
            Suggestion(entry.id, entry.title, entry.url, short, f"{short}\n\nПодробнее: {link}")
        )
    return found


def macros(dialog: Dialog, category_name: str) -> list[Macro]:
    """The saved replies offered in this dialog's category, filled in."""
    values = {
        "number": str(dialog.number),
        "seller": dialog.seller.email,
        "category": category_name,
    }
    return [
        Macro(r.id, r.title, r.fill(values))
        for r in engine().content.replies
        if r.fits(dialog.category)
    ]


def linked_entries(text: str) -> list[str]:
    """Ids of the help-center entries a reply links to, in order, once each."""
    return list(dict.fromkeys(m.group(1) for m in ENTRY_LINK.finditer(text)))
