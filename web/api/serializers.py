"""Every JSON shape /api/v1 sends (the schemas in web.api.schemas describe the same shapes)."""

from __future__ import annotations

from datetime import datetime

from search.model import Category, Entry
from web.accounts.models import User
from web.help.serializers import result_json  # noqa: F401  (the search body is /api/search's)


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
