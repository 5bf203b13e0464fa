"""The two kinds of entry an editor writes, each with its form, file, parser and builder.

Views and the scaffold ask the kind instead of switching on "article"/"faq".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from web.editor.edits import (
    ArticleDraft,
    FaqDraft,
    article_change,
    article_path,
    faq_change,
    faq_path,
    load_article,
    load_faq,
)
from web.editor.files import Change, Snapshot
from web.editor.forms import CategoryChoice, FormErrors, parse_article, parse_faq

Draft = ArticleDraft | FaqDraft

# What `spravka new` puts in a new entry: the shape a good answer has.
ARTICLE_BODY = """Первый абзац — сразу ответ на вопрос продавца, одним-двумя предложениями.

## Как сделать

1. Первый шаг.
2. Второй шаг.

## Если не получилось

Что проверить и когда писать в поддержку.
"""
FAQ_ANSWER = "Ответ одним-двумя предложениями, затем шаги списком."


def _article_starter(entry_id: str, category: str, topic: str | None, title: str | None):
    return ArticleDraft(
        id=entry_id,
        title=title or "Заголовок статьи в форме вопроса продавца?",
        category=category,
        body=ARTICLE_BODY,
        topics=[topic] if topic else [],
        summary="Одно-два предложения для результатов поиска.",
        updated=date.today(),
    )


def _faq_starter(entry_id: str, category: str, topic: str | None, title: str | None):
    return FaqDraft(
        id=entry_id,
        question=title or "Вопрос так, как его задаёт продавец?",
        category=category,
        topic=topic or "",
        answer=FAQ_ANSWER,
        updated=date.today(),
        featured=False,
    )


@dataclass(frozen=True)
class EntryKind:
    """Everything that differs between articles and FAQ entries in the editor."""

    name: str
    template: str
    # Form field names: the title, the Markdown text and the topic choice.
    title_field: str
    body_field: str
    topic_field: str
    parse: Callable[[Any, list[CategoryChoice]], tuple[Draft, FormErrors]]
    load: Callable[[Path, str], tuple[Draft, str] | None]
    build: Callable[[Snapshot, Draft, str | None, str], Change]
    path_of: Callable[[Draft], str]
    blank: Callable[[str, str], Draft]
    starter: Callable[[str, str, str | None, str | None], Draft]
    # An FAQ entry belongs to exactly one topic; an article may have none.
    needs_topic: bool = False

    def body(self, draft: Draft) -> str:
        """The draft's Markdown text."""
        return getattr(draft, self.body_field)

    def form_field(self, name: str) -> str:
        """The form field for a generic name: title, body or topic."""
        return {"title": self.title_field, "body": self.body_field,
                "topic": self.topic_field}.get(name, name)  # fmt: skip


ARTICLE = EntryKind(
    name="article",
    template="editor/article.html",
    title_field="title",
    body_field="body",
    topic_field="topics",
    parse=parse_article,
    load=load_article,
    build=article_change,
    path_of=lambda draft: article_path(draft.id),
    blank=lambda category, _topic: ArticleDraft(id="", title="", category=category, body=""),
    starter=_article_starter,
)

FAQ = EntryKind(
    name="faq",
    template="editor/faq.html",
    title_field="question",
    body_field="answer",
    topic_field="topic",
    parse=parse_faq,
    load=load_faq,
    build=faq_change,
    path_of=lambda draft: faq_path(draft.category),
    blank=lambda category, topic: FaqDraft(
        id="", question="", category=category, topic=topic, answer=""
    ),
    starter=_faq_starter,
    needs_topic=True,
)

KINDS: dict[str, EntryKind] = {kind.name: kind for kind in (ARTICLE, FAQ)}
