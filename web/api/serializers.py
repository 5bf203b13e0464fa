"""Every JSON shape /api/v1 sends (the schemas in web.api.schemas describe the same shapes)."""

from __future__ import annotations

from datetime import datetime

from search.model import Category, Entry
from web.accounts.models import User
from web.api.errors import API_PREFIX
from web.dialogs.models import CHANGE_STATUS, Attachment, Dialog, Message
from web.help.serializers import result_json  # noqa: F401  (the search body is /api/search's)

SUPPORT_LABEL = "Сотрудник поддержки"


def stamp(value: datetime | None) -> str | None:
    """A timestamp as RFC 3339 in UTC."""
    return value.isoformat() if value is not None else None


def me_json(user: User) -> dict:
    """GET /me."""
    return {"email": user.email, "role": user.role}


def categories_json(categories: list[Category]) -> dict:
    """GET /categories: categories with their topics and each topic's common FAQ ids."""
    return {
        "categories": [
            {
                "id": category.id,
                "name": category.name,
                "topics": [
                    {"id": topic.id, "name": topic.name, "faq": list(topic.faq_ids)}
                    for topic in category.topics
                ],
            }
            for category in categories
        ]
    }


def entry_json(entry: Entry, html: str) -> dict:
    """GET /entries/{category}/{slug}: one published entry with its sanitised HTML."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "html": html,
        "category": entry.category,
        "topic": entry.topic,
        "url": entry.url,
        "updated": entry.updated.isoformat() if entry.updated else None,
    }


# -- dialogs -----------------------------------------------------------------------------
def _dialog_head(dialog: Dialog) -> dict:
    """What every shape of a dialog starts with."""
    return {
        "number": dialog.number,
        "status": dialog.status,
        "status_label": dialog.status_name,
        "category": dialog.category,
        "topic": dialog.topic,
    }


def dialog_summary_json(dialog: Dialog) -> dict:
    """One row of GET /dialogs."""
    return {
        **_dialog_head(dialog),
        "created_at": stamp(dialog.created_at),
        "updated_at": stamp(dialog.updated_at),
        "unread": dialog.unread,
    }


def file_json(dialog: Dialog, attachment: Attachment) -> dict:
    """An attachment with the API address that downloads it."""
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "size": attachment.size,
        "type": attachment.content_type,
        "url": f"{API_PREFIX}/dialogs/{dialog.number}/files/{attachment.id}",
    }


def message_json(dialog: Dialog, message: Message) -> dict:
    """One message of the thread (`internal` is true only on agents' notes)."""
    return {
        "id": message.id,
        "author": "agent" if message.from_support else "seller",
        "text": message.body,
        "created_at": stamp(message.created_at),
        "files": [file_json(dialog, a) for a in message.attachments],
        "internal": bool(message.internal),
    }


def _history(dialog: Dialog) -> list[dict]:
    return [
        {"status": change.to_value, "at": stamp(change.created_at), "by": change.actor_role}
        for change in dialog.changes
        if change.kind == CHANGE_STATUS
    ]


def _rating(dialog: Dialog) -> dict | None:
    if dialog.helped is None:
        return None
    return {
        "helped": dialog.helped,
        "comment": dialog.rating_comment,
        "created_at": stamp(dialog.rated_at or dialog.updated_at),
    }


def dialog_json(dialog: Dialog, viewer: User) -> dict:
    """GET /dialogs/{number}: the thread as `viewer` may see it (notes only for agents)."""
    agent = viewer.role == "agent"
    messages = dialog.messages if agent else dialog.public_messages
    assignee = None
    if dialog.assignee is not None:
        # Sellers are told that someone holds it, not who (agents' addresses stay inside).
        assignee = dialog.assignee.email if agent else SUPPORT_LABEL
    return {
        **_dialog_head(dialog),
        "barcode": dialog.barcode,
        "created_at": stamp(dialog.created_at),
        "assignee": assignee,
        "messages": [message_json(dialog, m) for m in messages],
        "history": _history(dialog),
        "related": {
            "review_of": dialog.review_of.number if dialog.review_of else None,
            "reviews": [d.number for d in dialog.reviews],
        },
        "rating": _rating(dialog),
    }


def assigned_json(dialog: Dialog) -> dict:
    """POST /dialogs/{number}/assign."""
    return {
        "number": dialog.number,
        "status": dialog.status,
        "assignee": dialog.assignee.email if dialog.assignee else None,
    }
