"""`spravka new article|faq`: a valid draft entry for editors who work in git."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from search.errors import ContentErrors
from web.editor.edits import (
    ArticleDraft,
    FaqDraft,
    article_change,
    article_path,
    faq_change,
    faq_path,
)
from web.editor.faq_yaml import find_faq
from web.editor.files import EditRefused, commit, editing_lock, validate
from web.editor.forms import SLUG, category_choices

ARTICLE_BODY = """Первый абзац — сразу ответ на вопрос продавца, одним-двумя предложениями.

## Как сделать

1. Первый шаг.
2. Второй шаг.

## Если не получилось

Что проверить и когда писать в поддержку.
"""
FAQ_ANSWER = "Ответ одним-двумя предложениями, затем шаги списком."


def _free_slug(root: Path, category: str, base: str) -> str:
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        entry_id = f"{category}/{slug}"
        if not (root / article_path(entry_id)).exists() and find_faq(root, entry_id) is None:
            return slug
    raise EditRefused("Не удалось подобрать свободный адрес; укажите --slug.")


def scaffold(
    root: Path,
    lock_dir: Path,
    kind: str,
    category: str,
    slug: str | None = None,
    title: str | None = None,
    topic: str | None = None,
) -> tuple[str, str]:
    """Create a draft article or FAQ entry; returns (entry id, file path relative to root)."""
    choices = {c.id: c for c in category_choices(root)}
    if category not in choices:
        known = ", ".join(choices) or "—"
        raise EditRefused(f"Нет категории «{category}». Есть: {known}.", "category")
    topics = [t.id for t in choices[category].topics]
    if topic is not None and topic not in topics:
        raise EditRefused(f"Нет темы «{topic}» в категории {category}. Есть: {', '.join(topics)}.")
    topic = topic or (topics[0] if topics else None)
    if slug is not None and not SLUG.match(slug):
        raise EditRefused("Адрес: только латинские строчные буквы, цифры и дефисы.", "slug")
    with editing_lock(lock_dir):
        slug = slug or _free_slug(root, category, "new-" + kind)
        entry_id = f"{category}/{slug}"
        if kind == "article":
            draft = ArticleDraft(
                id=entry_id,
                title=title or "Заголовок статьи в форме вопроса продавца?",
                category=category,
                body=ARTICLE_BODY,
                topics=[topic] if topic else [],
                summary="Одно-два предложения для результатов поиска.",
                updated=date.today(),
            )
            change, relpath = article_change(root, draft, None, ""), article_path(entry_id)
        else:
            if topic is None:
                raise EditRefused(f"В категории {category} нет тем, а вопросу нужна тема.")
            draft = FaqDraft(
                id=entry_id,
                question=title or "Вопрос так, как его задаёт продавец?",
                category=category,
                topic=topic,
                answer=FAQ_ANSWER,
                updated=date.today(),
                featured=False,
            )
            change, relpath = faq_change(root, draft, None, ""), faq_path(category)
        problems = validate(root, change)
        if problems:
            raise ContentErrors(problems)
        commit(root, change)
    return entry_id, relpath
