"""`spravka new article|faq`: a valid draft entry for editors who work in git."""

from __future__ import annotations

from pathlib import Path

from search.errors import ContentErrors
from web.editor.edits import id_taken
from web.editor.files import EditRefused, Snapshot, commit, editing_lock, validate
from web.editor.forms import SLUG, category_choices
from web.editor.kinds import KINDS


def _free_slug(files: Snapshot, category: str, base: str) -> str:
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        if not id_taken(files, f"{category}/{slug}"):
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
    entry_kind = KINDS[kind]
    if entry_kind.needs_topic and topic is None:
        raise EditRefused(f"В категории {category} нет тем, а вопросу нужна тема.")
    with editing_lock(lock_dir):
        files = Snapshot(root)
        slug = slug or _free_slug(files, category, "new-" + kind)
        draft = entry_kind.starter(f"{category}/{slug}", category, topic, title)
        change = entry_kind.build(files, draft, None, "")
        problems = validate(root, change)
        if problems:
            raise ContentErrors(problems)
        commit(root, change)
    return draft.id, entry_kind.path_of(draft)
