"""Entry-level edits turned into file changes: articles, FAQ items, topic lists, renames.

A rename also adds old id → new id to kb/redirects.yaml and repoints internal links, so
old URLs keep working and `spravka check` finds no broken link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from search.content import CATEGORY_ID, ENTRY_ID, parse_front_matter
from search.errors import ContentError
from web.editor.faq_yaml import (
    append_item,
    find_faq,
    plain_item,
    replace_item,
    topic_faqs,
    topic_lists,
)
from web.editor.files import (
    CATEGORIES,
    REDIRECTS,
    Change,
    EditConflict,
    EditRefused,
    Snapshot,
    data_stamp,
    dump_yaml,
    linking_files,
    redirects_text,
    relink,
)

ARTICLE_KEYS = (
    "id",
    "title",
    "category",
    "topics",
    "tags",
    "asked_as",
    "summary",
    "status",
    "updated",
)
FAQ_KEYS = ("id", "question", "topic", "tags", "asked_as", "updated", "status", "answer")


@dataclass
class ArticleDraft:
    """An article as the editor's form holds it."""

    id: str
    title: str
    category: str
    body: str
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    asked_as: list[str] = field(default_factory=list)  # how sellers phrase the question
    summary: str = ""
    status: str = "draft"
    updated: date | None = None


@dataclass
class FaqDraft:
    """An FAQ entry as the editor's form holds it."""

    id: str
    question: str
    category: str
    topic: str
    answer: str
    tags: list[str] = field(default_factory=list)
    asked_as: list[str] = field(default_factory=list)  # how sellers phrase the question
    status: str = "draft"
    updated: date | None = None
    featured: bool = True  # listed among its topic's common answers


def article_path(entry_id: str) -> str:
    """articles/<category>/<slug>.md for an article id (never a path outside articles/)."""
    if not ENTRY_ID.fullmatch(entry_id):
        raise EditRefused(f"Неверный id «{entry_id}»: нужен вид категория/адрес.", "slug")
    return f"articles/{entry_id}.md"


def faq_path(category: str) -> str:
    """kb/faq/<category>.yaml for a category (never a path outside kb/faq/)."""
    if not CATEGORY_ID.fullmatch(category):
        raise EditRefused(f"Неверный id категории «{category}».", "category")
    return f"kb/faq/{category}.yaml"


# -- reading --------------------------------------------------------------------------
def load_article(root: Path, entry_id: str) -> tuple[ArticleDraft, str] | None:
    """The article as stored on disk, with its version stamp; None when missing."""
    files, relpath = Snapshot(root), article_path(entry_id)
    if not files.exists(relpath):
        return None
    text = files.text(relpath)
    try:
        data, body, _line = parse_front_matter(text, article_path(entry_id))
    except ContentError:
        data, body = {}, text
    data = data if isinstance(data, dict) else {}
    draft = ArticleDraft(
        id=entry_id,
        title=str(data.get("title") or ""),
        category=str(data.get("category") or entry_id.split("/")[0]),
        body=body.strip("\n"),
        topics=[str(t) for t in _as_list(data.get("topics"))],
        tags=[str(t) for t in _as_list(data.get("tags"))],
        asked_as=[str(t) for t in _as_list(data.get("asked_as"))],
        summary=str(data.get("summary") or ""),
        status=str(data.get("status") or "published"),
        updated=data.get("updated") if isinstance(data.get("updated"), date) else None,
    )
    return draft, files.stamp(relpath)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def load_faq(root: Path, entry_id: str) -> tuple[FaqDraft, str] | None:
    """The FAQ entry as stored on disk, with its version stamp; None when missing."""
    files = Snapshot(root)
    found = find_faq(files, entry_id)
    if found is None:
        return None
    item = found.item
    category = str(yaml.safe_load(found.text).get("category") or entry_id.split("/")[0])
    topic = str(item.get("topic") or "")
    draft = FaqDraft(
        id=entry_id,
        question=str(item.get("question") or ""),
        category=category,
        topic=topic,
        answer=str(item.get("answer") or "").strip("\n"),
        tags=[str(t) for t in _as_list(item.get("tags"))],
        asked_as=[str(t) for t in _as_list(item.get("asked_as"))],
        status=str(item.get("status") or "published"),
        updated=item.get("updated") if isinstance(item.get("updated"), date) else None,
        featured=entry_id in topic_faqs(files, category, topic),
    )
    return draft, data_stamp(plain_item(item))


# -- shared checks -------------------------------------------------------------------
def id_taken(files: Snapshot, entry_id: str) -> bool:
    """True when an article or an FAQ entry already has this id."""
    return files.exists(article_path(entry_id)) or find_faq(files, entry_id) is not None


def _check_new_id(files: Snapshot, entry_id: str, original_id: str | None) -> None:
    if entry_id == original_id:
        return
    if id_taken(files, entry_id):
        raise EditRefused(f"Запись с id «{entry_id}» уже есть — выберите другой.", "slug")


def _rename(files: Snapshot, change: Change, kind: str, old_id: str, new_id: str) -> None:
    change.writes[REDIRECTS] = redirects_text(files, old_id, new_id)
    overlay = _Overlay(files, change)
    candidates = set(linking_files(files.root)) | {
        p for p in change.writes if p.startswith(("kb/faq/", "articles/"))
    }
    for relpath in sorted(candidates - change.deletes):
        text = overlay.read(relpath)
        new_text = relink(text, kind, old_id, new_id)
        if new_text != text:
            change.writes[relpath] = new_text


class _Overlay:
    """Reads files as the change so far would leave them."""

    def __init__(self, files: Snapshot, change: Change) -> None:
        self.files, self.change = files, change

    def read(self, relpath: str) -> str:
        if relpath in self.change.writes:
            return self.change.writes[relpath]
        return "" if relpath in self.change.deletes else self.files.text(relpath)


# -- articles -------------------------------------------------------------------------
def article_text(draft: ArticleDraft, extra: dict | None = None) -> str:
    """The article file: YAML front matter between --- lines, then the Markdown body."""
    data: dict[str, Any] = {
        "id": draft.id,
        "title": draft.title,
        "category": draft.category,
        "topics": list(draft.topics),
        "tags": list(draft.tags),
        "asked_as": list(draft.asked_as) or None,
        "summary": draft.summary,
        "status": draft.status,
        "updated": draft.updated,
    }
    data = {k: v for k, v in data.items() if v not in (None, "")}
    for key, value in (extra or {}).items():
        data.setdefault(key, value)
    body = "\n".join(line.rstrip() for line in draft.body.strip("\n").split("\n"))
    return "---\n" + dump_yaml(data) + "---\n" + body + "\n"


def article_change(
    files: Snapshot, draft: ArticleDraft, original_id: str | None, version: str
) -> Change:
    """The files to write for saving an article (new, edited, renamed or moved)."""
    extra: dict = {}
    if original_id:
        relpath = article_path(original_id)
        if not files.exists(relpath):
            raise EditConflict("Статью удалили или переименовали, пока вы её редактировали.")
        if files.stamp(relpath) != version:
            raise EditConflict("Статью изменили после того, как вы открыли её.")
        try:
            old, _body, _line = parse_front_matter(files.text(relpath), "")
            extra = {k: v for k, v in dict(old or {}).items() if k not in ARTICLE_KEYS}
        except ContentError:
            extra = {}
    _check_new_id(files, draft.id, original_id)
    change = Change(writes={article_path(draft.id): article_text(draft, extra)})
    if original_id and original_id != draft.id:
        change.deletes.add(article_path(original_id))
        _rename(files, change, "article", original_id, draft.id)
    return change


# -- FAQ entries ----------------------------------------------------------------------
def _faq_item(draft: FaqDraft, extra: dict) -> dict:
    data: dict[str, Any] = {
        "id": draft.id,
        "question": draft.question,
        "topic": draft.topic,
        "tags": list(draft.tags),
        "asked_as": list(draft.asked_as) or None,
        "updated": draft.updated,
        "status": draft.status,
        "answer": draft.answer.strip("\n") + "\n",
    }
    data = {k: v for k, v in data.items() if v not in (None, "")}
    for key, value in extra.items():
        data.setdefault(key, value)
    return data


def faq_change(files: Snapshot, draft: FaqDraft, original_id: str | None, version: str) -> Change:
    """The files to write for saving an FAQ entry (and its topic list, redirects, links)."""
    found = find_faq(files, original_id) if original_id else None
    if original_id and found is None:
        raise EditConflict("Вопрос удалили или переименовали, пока вы его редактировали.")
    if found is not None and data_stamp(plain_item(found.item)) != version:
        raise EditConflict("Этот вопрос изменили после того, как вы открыли его.")
    _check_new_id(files, draft.id, original_id)
    extra = {k: v for k, v in dict(found.item).items() if k not in FAQ_KEYS} if found else {}
    item = _faq_item(draft, extra)
    change = Change()
    target = faq_path(draft.category)
    if found is not None and found.relpath == target:
        change.writes[target] = replace_item(found.text, found.entries, found.index, item)
    else:
        if found is not None:
            change.writes[found.relpath] = replace_item(
                found.text, found.entries, found.index, None
            )
        change.writes[target] = append_item(
            _Overlay(files, change).read(target), draft.category, item
        )
    old_category = original_id.split("/")[0] if original_id else draft.category
    place = (draft.category, draft.topic) if draft.featured else None
    change.writes[CATEGORIES] = topic_lists(
        files.text(CATEGORIES), draft.id, place, original_id, old_category
    )
    if original_id and original_id != draft.id:
        _rename(files, change, "faq", original_id, draft.id)
    return change
