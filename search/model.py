"""Dataclasses shared by the search core and the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Kind = Literal["faq", "article"]
Match = Literal["strong", "weak", "none"]


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    category: str
    faq_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str = ""
    topics: tuple[Topic, ...] = ()

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, or None."""
        return next((t for t in self.topics if t.id == topic_id), None)


@dataclass(frozen=True, kw_only=True)
class Entry:
    """What articles and FAQ entries have in common; search indexes entries."""

    id: str
    kind: Kind
    title: str
    body: str  # Markdown
    category: str
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    asked_as: tuple[str, ...] = ()  # how sellers phrase this question, in their own words
    summary: str = ""
    status: Literal["draft", "published"] = "published"
    updated: date | None = None
    path: str = ""  # source file, relative to the content root
    line: int = 1  # line of the entry in that file

    @property
    def topic(self) -> str | None:
        """The entry's main topic (the first), or None."""
        return self.topics[0] if self.topics else None

    @property
    def url(self) -> str:
        """Public URL of the entry in the help center."""
        return ("/a/" if self.kind == "article" else "/q/") + self.id

    @property
    def published(self) -> bool:
        """True when sellers may see the entry."""
        return self.status == "published"


@dataclass(frozen=True, kw_only=True)
class Article(Entry):
    kind: Kind = "article"


@dataclass(frozen=True, kw_only=True)
class FaqEntry(Entry):
    kind: Kind = "faq"

    @property
    def question(self) -> str:
        """The FAQ question (its title)."""
        return self.title

    @property
    def answer(self) -> str:
        """The FAQ answer in Markdown (its body)."""
        return self.body


@dataclass(frozen=True)
class Hit:
    """One search result, ready for the API and the templates."""

    id: str
    kind: Kind
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    category: str
    topic: str | None
    score: float


@dataclass(frozen=True)
class Decision:
    """Whether to deflect: show the answer (strong), offer both (weak) or hand off (none)."""

    match: Match
    category: str | None = None  # suggested dialog category when not strong
    topic: str | None = None
    confidence: float = 0.0


@dataclass
class SearchResult:
    """What one search returns: the hits, the query used and the deflection decision."""

    query: str
    used_query: str | None
    hits: list[Hit] = field(default_factory=list)
    decision: Decision = field(default_factory=lambda: Decision("none"))
    normalized: str = ""  # lemmatised, corrected form; groups variants in analytics

    @property
    def match(self) -> Match:
        """Shortcut to the decision's match level."""
        return self.decision.match
