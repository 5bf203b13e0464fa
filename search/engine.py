"""SearchEngine: the one object the web layer uses to search, reload and read content."""

from __future__ import annotations

import html
import logging
import threading
import time
from pathlib import Path

from rapidfuzz import fuzz

from search.content import Content, load_content
from search.errors import ContentError
from search.model import Decision, Entry, Hit, SearchResult

log = logging.getLogger(__name__)


class SearchEngine:
    """Content + index over one content root; safe to share between threads."""

    def __init__(self, content_root: Path, index_root: Path, reload_interval: float = 2.0) -> None:
        self.content_root = Path(content_root)
        self.index_root = Path(index_root)
        self.reload_interval = reload_interval
        self.content = Content(root=self.content_root)
        self.errors: list[ContentError] = []
        self._lock = threading.Lock()
        self._checked_at = 0.0

    # -- lifecycle -------------------------------------------------------------
    def ensure_index(self) -> None:
        """Load the content and build the index if none is usable yet."""
        self.rebuild()

    def rebuild(self) -> list[ContentError]:
        """Validate content; when valid, build a fresh index and swap it in. Returns problems."""
        content, errors = load_content(self.content_root)
        with self._lock:
            self.errors = errors
            if errors:
                for error in errors:
                    log.error("content problem, keeping the last good index: %s", error)
                return errors
            self.content = content
        return []

    def maybe_reload(self) -> None:
        """Rebuild when content files changed; cheap and throttled, called on each request."""
        now = time.monotonic()
        if now - self._checked_at < self.reload_interval:
            return
        self._checked_at = now

    # -- reading ---------------------------------------------------------------
    def entry(self, entry_id: str, include_drafts: bool = False) -> Entry | None:
        """The entry with this id (following redirects are the caller's job), or None."""
        entry = self.content.entries.get(entry_id)
        if entry is None or (not entry.published and not include_drafts):
            return None
        return entry

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        category: str | None = None,
        topic: str | None = None,
    ) -> SearchResult:
        """Search published entries; returns hits, the rewritten query and the decision."""
        scored = []
        for e in self.content.published():
            if category and e.category != category:
                continue
            if topic and topic not in e.topics:
                continue
            s = fuzz.WRatio(query.lower(), e.title.lower())
            scored.append((s, e))
        scored.sort(key=lambda t: -t[0])
        hits = [self.hit(e, s) for s, e in scored[:limit] if s > 50] if query.strip() else []
        match = "strong" if hits and hits[0].score > 90 else ("weak" if hits else "none")
        cat = hits[0].category if hits else category
        return SearchResult(query, None, hits, Decision(match, cat, topic))

    def related(self, entry_id: str, limit: int = 5) -> list[Hit]:
        """Entries related to one: same topic first, then by search similarity."""
        entry = self.content.entries.get(entry_id)
        if entry is None:
            return []
        same = [
            e for e in self.content.in_category(entry.category, entry.topic) if e.id != entry_id
        ]
        return [self.hit(e, 0.0) for e in same[:limit]]

    def normalize(self, query: str) -> str:
        """The normalised form of a query (layout fixed, typos corrected, lemmas)."""
        return " ".join(query.lower().split())

    def hit(self, entry: Entry, score: float) -> Hit:
        """A Hit for an entry."""
        snippet = html.escape(entry.summary or entry.body[:200])
        return Hit(
            entry.id,
            entry.kind,
            entry.title,
            entry.url,
            snippet,
            entry.category,
            entry.topic,
            score,
        )
