"""The editor's forms: parse what an editor submitted, and place problems next to fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from search.content import ID_PART, STATUSES
from search.errors import ContentError
from web.editor.edits import ArticleDraft, FaqDraft
from web.editor.files import CATEGORIES, read

SLUG = re.compile(rf"^{ID_PART}$")
TITLE_MAX = 200
SUMMARY_MAX = 400
TAG_MAX = 60

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh sch - y - e yu ya".split(),
        strict=True,
    )
)


@dataclass
class FormErrors:
    """Problems by form field, plus those that belong to no field (other files)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        """Attach a message to a field (or to the form as a whole when name is None)."""
        if name is None:
            self.general.append(message)
        else:
            self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


@dataclass(frozen=True)
class TopicChoice:
    id: str
    name: str


@dataclass(frozen=True)
class CategoryChoice:
    id: str
    name: str
    topics: tuple[TopicChoice, ...]


def category_choices(root: Path) -> list[CategoryChoice]:
    """Categories and topics from kb/categories.yaml as it is on disk now."""
    try:
        data = yaml.safe_load(read(root, CATEGORIES)) or {}
    except yaml.YAMLError:
        return []
    choices = []
    for cat in data.get("categories") or []:
        if not isinstance(cat, dict) or not cat.get("id"):
            continue
        topics = tuple(
            TopicChoice(str(t.get("id")), str(t.get("name") or t.get("id")))
            for t in cat.get("topics") or []
            if isinstance(t, dict) and t.get("id")
        )
        choices.append(CategoryChoice(str(cat["id"]), str(cat.get("name") or cat["id"]), topics))
    return choices


def slugify(title: str) -> str:
    """A latin slug for a Russian title («Как вернуть товар» → kak-vernut-tovar)."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in title.lower())
    text = text.replace("-", " ")
    # Prepositions and conjunctions (в, на, о, и…) only lengthen the address.
    words = [w for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2 or w.isdigit()]
    return "-".join(words[:5])[:60].strip("-")


def _tags(raw: str) -> list[str]:
    seen: list[str] = []
    for tag in raw.replace("\n", ",").split(","):
        tag = " ".join(tag.split()).lower()[:TAG_MAX]
        if tag and tag not in seen:
            seen.append(tag)
    return seen


# An asked_as phrase is one seller question; longer than this is a story, not a phrasing.
ASKED_AS_MAX = 160


def _asked_as(raw: str) -> list[str]:
    """One phrasing per line, spaces collapsed, repeats dropped (case-insensitively)."""
    seen: list[str] = []
    for line in raw.split("\n"):
        phrase = " ".join(line.split())[:ASKED_AS_MAX]
        if phrase and phrase.lower() not in [s.lower() for s in seen]:
            seen.append(phrase)
    return seen


def _line(raw: str | None) -> str:
    return " ".join((raw or "").split())


def _common(form, errors: FormErrors, categories: list[CategoryChoice], title_key: str):
    """Category, slug, title and status checked the way sellers would need them."""
    category = (form.get("category") or "").strip()
    cat = next((c for c in categories if c.id == category), None)
    if cat is None:
        errors.add("category", "Выберите категорию из списка.")
    title = _line(form.get(title_key))
    if not title:
        errors.add(title_key, "Заполните заголовок.")
    elif len(title) > TITLE_MAX:
        errors.add(title_key, f"Не длиннее {TITLE_MAX} символов (сейчас {len(title)}).")
    slug = (form.get("slug") or "").strip().lower() or slugify(title)
    if not SLUG.match(slug):
        errors.add(
            "slug", "Только латинские строчные буквы, цифры и дефисы, например kak-vernut-tovar."
        )
    status = form.get("status") or "draft"
    if status not in STATUSES:
        errors.add("status", "Выберите статус.")
        status = "draft"
    return cat, f"{category}/{slug}", title, status


def _topic_ids(cat: CategoryChoice | None) -> set[str]:
    return {t.id for t in cat.topics} if cat else set()


def parse_article(form, categories: list[CategoryChoice]) -> tuple[ArticleDraft, FormErrors]:
    """An ArticleDraft from the submitted form, with the problems found in it."""
    errors = FormErrors()
    cat, entry_id, title, status = _common(form, errors, categories, "title")
    topics = [t for t in form.getlist("topics") if t]
    unknown = [t for t in topics if cat and t not in _topic_ids(cat)]
    if unknown:
        errors.add("topics", f"Этих тем нет в категории: {', '.join(unknown)}.")
    summary = _line(form.get("summary"))
    if len(summary) > SUMMARY_MAX:
        errors.add("summary", f"Не длиннее {SUMMARY_MAX} символов (сейчас {len(summary)}).")
    body = _text(form, "body", errors, "Текст статьи не может быть пустым.")
    draft = ArticleDraft(
        **_shared(form, entry_id, status), title=title, body=body, topics=topics, summary=summary
    )
    return draft, errors


def parse_faq(form, categories: list[CategoryChoice]) -> tuple[FaqDraft, FormErrors]:
    """A FaqDraft from the submitted form, with the problems found in it."""
    errors = FormErrors()
    cat, entry_id, question, status = _common(form, errors, categories, "question")
    topic = (form.get("topic") or "").strip()
    if cat and topic not in _topic_ids(cat):
        errors.add("topic", "Выберите тему этой категории.")
    answer = _text(form, "answer", errors, "Ответ не может быть пустым.")
    draft = FaqDraft(
        **_shared(form, entry_id, status),
        question=question,
        topic=topic,
        answer=answer,
        featured=bool(form.get("featured")),
    )
    return draft, errors


def _text(form, name: str, errors: FormErrors, empty_message: str) -> str:
    """A Markdown field with Windows line ends made plain; empty is an error."""
    text = (form.get(name) or "").replace("\r\n", "\n")
    if not text.strip():
        errors.add(name, empty_message)
    return text


def _shared(form, entry_id: str, status: str) -> dict:
    """The draft fields articles and FAQ entries have alike."""
    return {
        "id": entry_id,
        "category": (form.get("category") or "").strip(),
        "tags": _tags(form.get("tags") or ""),
        "asked_as": _asked_as(form.get("asked_as") or ""),
        "status": status,
        "updated": date.today(),
    }


# -- content problems → fields ----------------------------------------------------------
# The loader names the key a problem is about; the form calls some keys by other names.
_FORM_NAMES = {"title": "title", "question": "title", "answer": "body", "body": "body",
               "topics": "topic", "topic": "topic", "id": "slug", "tags": "tags",
               "asked_as": "asked_as",
               "summary": "summary", "status": "status", "category": "category"}  # fmt: skip
# Russian wording by (problem code, generic field); None as field matches any field.
_MESSAGES = {
    ("broken_link", None): "Ссылка {value} ведёт на несуществующую страницу.",
    ("duplicate", None): "Запись с id «{value}» уже есть.",
    ("unknown", "topic"): "Темы «{value}» нет в этой категории.",
    ("unknown", "category"): "Категории «{value}» нет.",
    ("bad_id", None): "Неверный id «{value}».",
    ("empty_body", None): "Текст не может быть пустым.",
}


def place_errors(
    problems: list[ContentError], own_files: set[str], errors: FormErrors, form_field
) -> None:
    """Attach content problems to the form fields they concern (others stay general).

    `form_field` turns a generic name (title, body, topic) into this form's field name.
    """
    for problem in problems:
        name = _generic_field(problem) if problem.path in own_files else None
        if name is None:
            errors.add(None, f"{problem.path}, строка {problem.line or '?'}: {problem.message}")
            continue
        template = _MESSAGES.get((problem.code, name)) or _MESSAGES.get((problem.code, None))
        message = template.format(value=problem.value) if template else problem.message
        errors.add(form_field(name), message)


def _generic_field(problem: ContentError) -> str | None:
    if problem.code == "invalid_yaml":
        return "body"  # the front matter or the item cannot be read: the text is at fault
    return _FORM_NAMES.get(problem.field or "")
