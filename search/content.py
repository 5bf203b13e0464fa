"""Loading and validating the help-center content: kb/*.yaml and articles/**/*.md.

Every problem is a ContentError naming the file and line. `load_content` returns the
content and the list of problems; callers decide whether problems are fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from search.errors import ContentError, ContentErrors
from search.model import Article, Category, Entry, FaqEntry, Topic
from search.references import check_references
from search.replies import Reply, load_replies
from search.yamlsource import LineDict, parse_yaml, read_text, shift_lines

ID_PART = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CATEGORY_ID = re.compile(rf"^{ID_PART}$")
ENTRY_ID = re.compile(rf"^({ID_PART})/({ID_PART})$")
STATUSES = ("draft", "published")


@dataclass
class Content:
    """Everything the help center shows, as loaded from one content root."""

    root: Path
    categories: dict[str, Category] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    glossary: list[tuple[str, ...]] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)  # agents' saved replies

    def published(self) -> list[Entry]:
        """Entries sellers may see, in a stable order."""
        return [e for e in self.entries.values() if e.published]

    def in_category(self, category: str, topic: str | None = None) -> list[Entry]:
        """Published entries of a category (and topic), FAQs in topic order first."""
        found = [
            e
            for e in self.published()
            if e.category == category and (topic is None or topic in e.topics)
        ]
        return sorted(found, key=lambda e: (e.kind != "faq", e.title))

    def resolve(self, entry_id: str) -> str | None:
        """Follow the redirect map from an old id to the current one (None if unknown)."""
        seen = set()
        while entry_id in self.redirects and entry_id not in seen:
            seen.add(entry_id)
            entry_id = self.redirects[entry_id]
        return entry_id if entry_id in self.entries else None


def load_content(root: Path | str) -> tuple[Content, list[ContentError]]:
    """Load and validate the content under `root`; return it with every problem found."""
    loader = _Loader(Path(root))
    content = loader.load()
    return content, loader.errors


def load_content_strict(root: Path | str) -> Content:
    """Load content, raising ContentErrors when anything is wrong."""
    content, errors = load_content(root)
    if errors:
        raise ContentErrors(errors)
    return content


def parse_front_matter(text: str, shown: str) -> tuple[Any, str, int]:
    """Split a Markdown file into (front matter data, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(shown, 1, "missing YAML front matter (the file must start with ---)")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            data = parse_yaml("\n".join(lines[1 : number - 1]), shown, first_line=2)
            shift_lines(data, 1)
            return data, "\n".join(lines[number:]), number + 1
    raise ContentError(shown, 1, "front matter is not closed with ---")


class _Loader:
    """One validation pass over a content root; collects errors instead of stopping."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[ContentError] = []
        self.content = Content(root=root)
        self._body_lines: dict[str, int] = {}
        self._topic_lines: dict[tuple[str, str], int] = {}
        self._unknown_reported: set[tuple[str, str]] = set()

    def load(self) -> Content:
        self._guard(self._load_categories)
        for path in sorted((self.root / "kb" / "faq").glob("*.yaml")):
            self._guard(self._load_faq_file, path)
        for path in sorted((self.root / "articles").glob("*/*.md")):
            self._guard(self._load_article, path)
        self._guard(self._load_glossary)
        self._guard(self._load_redirects)
        self.content.replies, problems = load_replies(self.root, self.content.categories)
        self.errors.extend(problems)
        self.errors.extend(check_references(self.content, self._topic_lines, self._body_lines))
        return self.content

    # -- helpers ---------------------------------------------------------------
    def _guard(self, func, *args) -> None:
        try:
            func(*args)
        except ContentError as exc:
            self.errors.append(exc)

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _error(self, path: str, line: int | None, message: str, **about: str | None) -> None:
        # `about`: field, code and value of the problem (see ContentError).
        self.errors.append(ContentError(path, line, message, **about))

    def _yaml_file(self, path: Path) -> Any:
        shown = self._shown(path)
        return parse_yaml(read_text(path, shown), shown)

    def _field(self, data: LineDict, key: str, kind: type, shown: str, *, required=True):
        """A typed field of a mapping; records an error and returns None when wrong."""
        if key not in data or data[key] is None:
            if required:
                self._error(shown, data.line, f"missing field '{key}'", field=key, code="missing")
            return None
        value = data[key]
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if kind is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, kind):
            message = f"field '{key}' must be {_kind_name(kind)}"
            self._error(shown, data.line_of(key), message, field=key, code="wrong_type")
            return None
        if kind is str and not value.strip() and required:
            self._error(
                shown, data.line_of(key), f"field '{key}' is empty", field=key, code="empty"
            )
            return None
        return value

    def _strings(self, data: LineDict, key: str, shown: str) -> tuple[str, ...]:
        values = self._field(data, key, list, shown, required=False) or []
        if not all(isinstance(v, str | int) for v in values):
            message = f"field '{key}' must be a list of strings"
            self._error(shown, data.line_of(key), message, field=key, code="wrong_type")
            return ()
        return tuple(str(v).strip() for v in values if str(v).strip())

    def _mapping(self, data: Any, shown: str, what: str) -> LineDict | None:
        if not isinstance(data, LineDict):
            line = getattr(data, "line", 1)
            self._error(shown, line, f"{what} must be a mapping")
            return None
        return data

    # -- categories ------------------------------------------------------------
    def _load_categories(self) -> None:
        path = self.root / "kb" / "categories.yaml"
        shown = self._shown(path)
        if not path.exists():
            raise ContentError(shown, None, "file is missing")
        data = self._mapping(self._yaml_file(path), shown, "the file")
        items = data and self._field(data, "categories", list, shown)
        for raw in items or []:
            item = self._mapping(raw, shown, "a category")
            if item is not None:
                self._add_category(item, shown)

    def _add_category(self, item: LineDict, shown: str) -> None:
        cid = self._field(item, "id", str, shown)
        name = self._field(item, "name", str, shown)
        if cid is None or name is None:
            return
        if not CATEGORY_ID.fullmatch(cid):
            self._error(
                shown,
                item.line_of("id"),
                f"category id '{cid}' must be lowercase latin with dashes",
            )
        if cid in self.content.categories:
            self._error(shown, item.line_of("id"), f"duplicate category id '{cid}'")
            return
        topics = []
        for raw in self._field(item, "topics", list, shown, required=False) or []:
            topic = self._topic(raw, cid, shown, [t.id for t in topics])
            if topic:
                topics.append(topic)
        description = self._field(item, "description", str, shown, required=False) or ""
        self.content.categories[cid] = Category(
            cid, name.strip(), description.strip(), tuple(topics)
        )
        for raw, topic in zip(item.get("topics") or [], topics, strict=False):
            line = raw.line_of("faq") if isinstance(raw, LineDict) else item.line
            self._topic_lines[(cid, topic.id)] = line

    def _topic(self, raw: Any, category: str, shown: str, seen: list[str]) -> Topic | None:
        item = self._mapping(raw, shown, "a topic")
        if item is None:
            return None
        tid = self._field(item, "id", str, shown)
        name = self._field(item, "name", str, shown)
        if tid is None or name is None:
            return None
        if not CATEGORY_ID.fullmatch(tid):
            self._error(
                shown, item.line_of("id"), f"topic id '{tid}' must be lowercase latin with dashes"
            )
        if tid in seen:
            self._error(
                shown, item.line_of("id"), f"duplicate topic id '{tid}' in category '{category}'"
            )
            return None
        return Topic(tid, name.strip(), category, self._strings(item, "faq", shown))

    # -- entries ---------------------------------------------------------------
    def _load_faq_file(self, path: Path) -> None:
        shown = self._shown(path)
        data = self._mapping(self._yaml_file(path), shown, "the file")
        if data is None:
            return
        category = self._field(data, "category", str, shown)
        for raw in self._field(data, "entries", list, shown) or []:
            item = self._mapping(raw, shown, "an entry")
            if item is not None and category is not None:
                self._add_faq(item, category, shown, data.line_of("category"))

    def _add_faq(self, item: LineDict, category: str, shown: str, category_line: int) -> None:
        common = self._common(item, shown, category, "question", category_line)
        answer = self._field(item, "answer", str, shown)
        topic = self._field(item, "topic", str, shown)
        if common is None or answer is None or topic is None:
            return
        self._check_topics(category, (topic,), shown, item.line_of("topic"))
        entry = FaqEntry(body=answer.strip(), topics=(topic,), **common)
        self._add_entry(entry, item.line_of("answer") + 1)

    def _load_article(self, path: Path) -> None:
        shown = self._shown(path)
        data, body, body_line = parse_front_matter(read_text(path, shown), shown)
        item = self._mapping(data, shown, "front matter")
        if item is None:
            return
        category = self._field(item, "category", str, shown)
        common = self._common(item, shown, category, "title", item.line_of("category"))
        if common is None or category is None:
            return
        expected = f"{path.parent.name}/{path.stem}"
        if common["id"] != expected:
            self._error(
                shown,
                item.line_of("id"),
                f"article id '{common['id']}' must match its path '{expected}'",
                field="id",
                code="bad_id",
                value=common["id"],
            )
        topics = self._strings(item, "topics", shown)
        self._check_topics(category, topics, shown, item.line_of("topics"))
        if not body.strip():
            self._error(shown, body_line, "article body is empty", field="body", code="empty_body")
            return
        summary = self._field(item, "summary", str, shown, required=False) or ""
        entry = Article(body=body.strip(), topics=topics, summary=summary.strip(), **common)
        self._add_entry(entry, body_line)

    def _common(
        self, item: LineDict, shown: str, category: str | None, title_key: str, category_line: int
    ) -> dict | None:
        """Fields every entry has; None when a required one is missing or wrong."""
        eid = self._field(item, "id", str, shown)
        title = self._field(item, title_key, str, shown)
        if eid is None or title is None or category is None:
            return None
        match = ENTRY_ID.fullmatch(eid)
        if not match:
            message = f"id '{eid}' must look like '<category>/<slug>'"
            self._error(shown, item.line_of("id"), message, field="id", code="bad_id", value=eid)
            return None
        if match.group(1) != category:
            message = f"id '{eid}' must start with its category '{category}/'"
            self._error(shown, item.line_of("id"), message, field="id", code="bad_id", value=eid)
        if (
            category not in self.content.categories
            and (shown, category) not in self._unknown_reported
        ):
            self._unknown_reported.add((shown, category))
            message = f"unknown category '{category}'"
            self._error(
                shown, category_line, message, field="category", code="unknown", value=category
            )
        status = self._field(item, "status", str, shown, required=False) or "published"
        if status not in STATUSES:
            self._error(
                shown,
                item.line_of("status"),
                f"status must be one of {', '.join(STATUSES)}",
                field="status",
                code="wrong_type",
            )
            status = "draft"
        updated = item.get("updated")
        if updated is not None and not isinstance(updated, date):
            message = "field 'updated' must be a date YYYY-MM-DD"
            self._error(shown, item.line_of("updated"), message, field="updated", code="wrong_type")
            updated = None
        return {
            "id": eid,
            "title": title.strip(),
            "category": category,
            "tags": self._strings(item, "tags", shown),
            "asked_as": self._strings(item, "asked_as", shown),
            "status": status,
            "updated": updated,
            "path": shown,
            "line": item.line,
        }

    def _check_topics(self, category: str, topics: tuple[str, ...], shown: str, line: int) -> None:
        cat = self.content.categories.get(category)
        for topic in topics:
            if cat is not None and cat.topic(topic) is None:
                message = f"unknown topic '{topic}' in category '{category}'"
                self._error(shown, line, message, field="topic", code="unknown", value=topic)

    def _add_entry(self, entry: Entry, body_line: int) -> None:
        if entry.id in self.content.entries:
            first = self.content.entries[entry.id]
            self._error(
                entry.path,
                entry.line,
                f"duplicate id '{entry.id}' (first defined in {first.path}:{first.line})",
                field="id",
                code="duplicate",
                value=entry.id,
            )
            return
        if not entry.body.strip():
            self._error(entry.path, body_line, "answer is empty", field="body", code="empty_body")
            return
        self.content.entries[entry.id] = entry
        self._body_lines[entry.id] = body_line

    # -- glossary and redirects --------------------------------------------
    def _load_glossary(self) -> None:
        path = self.root / "kb" / "glossary.yaml"
        if not path.exists():
            return
        shown = self._shown(path)
        data = self._mapping(self._yaml_file(path), shown, "the file")
        groups = data and self._field(data, "groups", list, shown)
        for line, group in zip(getattr(groups, "item_lines", []), groups or [], strict=False):
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(w, str) for w in group)
            ):
                self._error(shown, line, "a glossary group must be a list of at least two words")
                continue
            self.content.glossary.append(tuple(w.strip().lower() for w in group if w.strip()))

    def _load_redirects(self) -> None:
        path = self.root / "kb" / "redirects.yaml"
        if not path.exists():
            return
        shown = self._shown(path)
        data = self._mapping(self._yaml_file(path), shown, "the file")
        mapping = data and self._field(data, "redirects", dict, shown, required=False)
        for old, new in (mapping or {}).items():
            line = mapping.line_of(old)
            if not isinstance(new, str) or new not in self.content.entries:
                self._error(shown, line, f"redirect '{old}' points to unknown entry '{new}'")
            elif old in self.content.entries:
                self._error(shown, line, f"redirect '{old}' hides an existing entry")
            else:
                self.content.redirects[str(old)] = new


def _kind_name(kind: type) -> str:
    return {str: "a string", list: "a list", dict: "a mapping", int: "a number"}.get(
        kind, kind.__name__
    )
