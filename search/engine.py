"""SearchEngine: the one object the web layer uses to search, reload and read content.

It owns the live index generation and the content it was built from, and swaps both
together when the files change; a broken change is logged and the last good index keeps
serving.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from search.analysis import Glossary, words
from search.content import Content, load_content
from search.decision import RouteProfile, decide, route_profiles, suggest_route
from search.errors import ContentError, IndexUnavailable
from search.index import IndexDoc, IndexHandle, IndexStore, build_index
from search.model import Decision, Entry, Hit, SearchResult
from search.query import ParsedQuery, parse_query
from search.ranking import BM25, Candidate, fuse, offered, rerank, retrieve, scope_filter
from search.semantic import Similarity, encoder, query_text
from search.snippets import make_snippet
from search.vectors import INLINE_TEXTS, complete_in_background

log = logging.getLogger(__name__)

# Bump when analysis or the schema changes so old indexes are rebuilt, not misread.
INDEX_FORMAT = 10
# The content an index was built from, pickled beside it: another process opening the
# generation reads it in ~20 ms instead of parsing every YAML file again (~1 s).
CONTENT_PICKLE = "content.pickle"
# Recent results kept per index generation: as-you-type repeats queries (backspace,
# the debounce firing twice, the full search after the instant one).
CACHE_SIZE = 2048


class QueryRunner:
    """Runs queries against one opened index generation."""

    def __init__(
        self, handle: IndexHandle, glossary: Glossary, profiles: list[RouteProfile]
    ) -> None:
        self.handle = handle
        self.glossary = glossary
        self.profiles = profiles
        self._cache: OrderedDict[tuple, SearchResult] = OrderedDict()
        self._cache_lock = threading.Lock()

    def parse(self, query: str, exact: bool = False) -> ParsedQuery:
        """Analyse a query against this index's vocabulary."""
        return parse_query(query, self.handle.vocabulary, self.glossary, exact)

    def run(
        self,
        query: str,
        limit: int = 10,
        category: str | None = None,
        topic: str | None = None,
        exact: bool = False,
        semantic: bool = True,
    ) -> SearchResult:
        """Search; results for the same arguments come from a small cache.

        `semantic=False` ranks by words alone: as-you-type keystrokes, where embedding
        each prefix would cost more than the whole lexical search.
        """
        # Whether vectors were there is part of the key: results ranked by words while a
        # generation's vectors were still coming must not outlive their arrival.
        semantic = semantic and self.handle.semantic is not None
        key = (query, limit, category, topic, exact, semantic)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return replace(cached, hits=list(cached.hits))
        result = self._run(query, limit, category, topic, exact, semantic)
        with self._cache_lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return replace(result, hits=list(result.hits))

    def _run(self, query, limit, category, topic, exact, semantic=True) -> SearchResult:
        parsed = self.parse(query, exact)
        result = SearchResult(query, parsed.used_text, normalized=parsed.normalized)
        if parsed.empty:
            route = suggest_route(parsed, [], self.profiles, (category, topic))
            result.decision = Decision("none", *route)
            return result
        similarity = self._similarity(parsed, query) if semantic and not exact else None
        found = retrieve(self.handle, parsed, scope_filter(category, topic), offered(similarity))
        ranked = fuse(rerank(parsed, found), similarity)
        result.decision = decide(parsed, ranked, self.profiles, (category, topic))
        # Marked words are the same for every hit: work them out once per query.
        terms = parsed.all_terms()
        prefixes = tuple(w.typed for w in parsed.words if w.prefix and len(w.typed) >= 2)
        result.hits = [self._hit(c, terms, prefixes) for c in ranked[:limit]]
        return result

    def _similarity(self, parsed: ParsedQuery, query: str) -> Similarity | None:
        """The query's sentence similarity to every entry; None without vectors or model."""
        vectors = self.handle.semantic
        model = encoder() if vectors is not None else None
        if model is None:
            return None
        try:
            return vectors.compare(model.query(query_text(parsed, query)))
        except Exception:  # a fault in the model costs this query its semantic part only
            log.exception("sentence similarity failed; ranking by words")
            return None

    def _hit(self, c: Candidate, terms: set[str], prefixes: tuple[str, ...]) -> Hit:
        f = c.fields
        snippet = make_snippet(f.get("text", ""), terms, prefixes)
        topics = f.get("topics", "").split()
        return Hit(
            c.id,
            f.get("kind", "article"),
            f.get("display_title", ""),
            f.get("url", ""),
            snippet,
            f.get("category", ""),
            topics[0] if topics else None,
            c.score,
        )


@dataclass
class _Live:
    """What is served now: an index generation and the content it was built from."""

    content: Content
    runner: QueryRunner
    fingerprint: str
    generation: str  # folder name of the index generation
    pointer: tuple[int, int] | None  # CURRENT's stamp when this generation was installed


class SearchEngine:
    """Content + index over one content root; safe to share between threads."""

    def __init__(
        self,
        content_root: Path,
        index_root: Path,
        reload_interval: float = 2.0,
        semantic: bool = True,
        inline_texts: int | None = INLINE_TEXTS,
    ) -> None:
        self.content_root = Path(content_root)
        self.semantic = semantic  # build sentence vectors (search/semantic.py)
        # New texts a build embeds before publishing; None: all (the CLI, which waits).
        self.inline_texts = inline_texts
        self.store = IndexStore(Path(index_root))
        self.reload_interval = reload_interval
        self.errors: list[ContentError] = []
        self._live: _Live | None = None
        self._build_lock = threading.Lock()
        self._checked_at = 0.0
        self._failed_fingerprint: str | None = None

    # -- lifecycle -------------------------------------------------------------
    def ensure_index(self) -> None:
        """Open the current index if it matches the content, else build one.

        With broken content and an index already built, the last good index is served
        (its own content with it); with nothing built yet the valid part is indexed.
        """
        fingerprint = self.fingerprint()
        current = self.store.current()
        if current is not None and self._open_if_fresh(current, fingerprint):
            return
        self.rebuild(allow_partial=current is None)
        if self._live is None and current is not None:
            self._open_last_good(current)

    def rebuild(self, allow_partial: bool = False) -> list[ContentError]:
        """Validate content; when valid, build a fresh index and swap it in. Returns problems.

        With `allow_partial` (nothing built yet), valid entries are indexed despite errors.
        Builds are serialised across processes sharing the index folder; a process that
        waited finds the generation another one just built and opens it instead.
        """
        with self._build_lock, self.store.build_lock():
            fingerprint = self.fingerprint()
            current = self.store.current()
            live = self._live
            moved = current is not None and (live is None or live.generation != current.name)
            if moved and self._open_if_fresh(current, fingerprint):
                self._failed_fingerprint = None
                return self.errors
            content, errors = load_content(self.content_root)
            self.errors = errors
            for error in errors:
                log.error("content problem: %s", error)
            if errors and not allow_partial:
                self._failed_fingerprint = fingerprint
                log.error("content has %d problems; the last good index keeps serving", len(errors))
                return errors
            self._install(content, fingerprint, self._build(content, errors, fingerprint))
            self._failed_fingerprint = None
            return errors

    def maybe_reload(self) -> None:
        """Pick up a new index or changed content files; cheap, called on each request.

        The CURRENT pointer is checked every time (one stat): another worker or node that
        rebuilt is followed at once. The content files are walked once per reload_interval.
        """
        live = self._live
        if live is not None and self.store.pointer_stamp() != live.pointer:
            self.reload_now()
            return
        now = time.monotonic()
        if now - self._checked_at < self.reload_interval:
            return
        self._checked_at = now
        self.reload_now()

    def reload_now(self) -> None:
        """Follow a new CURRENT generation or rebuild for changed content, without waiting."""
        live = self._live
        fingerprint = self.fingerprint()
        if live is not None:
            live.pointer = self.store.pointer_stamp()  # this publish is handled now
        current = self.store.current()
        if not self._build_lock.acquire(blocking=False):
            return  # another thread is rebuilding; keep serving the current index
        try:
            moved = current is not None and (live is None or current.name != live.generation)
            if moved and self._open_if_fresh(current, fingerprint):
                return
        finally:
            self._build_lock.release()
        if live is None or fingerprint not in (live.fingerprint, self._failed_fingerprint):
            self.rebuild()

    def fingerprint(self) -> str:
        """A hash of every content file's name, size and modification time."""
        h = hashlib.sha256(f"{INDEX_FORMAT}|{self.semantic}".encode())
        for folder, pattern in (("kb", "**/*.yaml"), ("articles", "*/*.md")):
            for path in sorted((self.content_root / folder).glob(pattern)):
                st = path.stat()
                h.update(
                    f"{path.relative_to(self.content_root)}|{st.st_size}|{st.st_mtime_ns}".encode()
                )
        return h.hexdigest()

    def _build(self, content: Content, errors: list[ContentError], fingerprint: str) -> Path:
        generation = self.store.new_generation()
        try:
            glossary_words = [w for group in content.glossary for m in group for w in words(m)]
            docs = [
                IndexDoc.from_entry(e, self._topic_names(content, e)) for e in content.published()
            ]
            glossary = Glossary.from_groups(content.glossary)
            meta = {"fingerprint": fingerprint, "format": INDEX_FORMAT}
            previous = self.store.current()
            build_index(
                generation, docs, glossary, meta, glossary_words,
                self.semantic, previous, self.inline_texts,
            )  # fmt: skip
            with open(generation / CONTENT_PICKLE, "wb") as handle:
                pickle.dump((content, errors), handle, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            self.store.discard(generation)
            raise
        self.store.publish(generation)
        return generation

    def _open(self, generation: Path) -> IndexHandle | None:
        try:
            return IndexHandle(generation, BM25)
        except Exception:  # a damaged or foreign folder: rebuild instead
            log.warning("cannot open index %s; rebuilding", generation, exc_info=True)
            return None

    def _open_if_fresh(self, generation: Path, fingerprint: str) -> bool:
        handle = self._open(generation)
        if handle is None or handle.meta.get("fingerprint") != fingerprint:
            return False
        content, errors = self._built_content(generation)
        self.errors = errors
        self._install_handle(content, fingerprint, handle)
        return True

    def _open_last_good(self, generation: Path) -> None:
        """Serve `generation` although the files changed since (they are broken now)."""
        handle = self._open(generation)
        if handle is None:
            return
        errors = self.errors
        content, _ = self._built_content(generation)
        self._install_handle(content, handle.meta.get("fingerprint", ""), handle)
        self.errors = errors  # the current files' problems, which the editor must show
        self._failed_fingerprint = self.fingerprint()
        log.error("content has %d problems; serving the last good index", len(errors))

    def _built_content(self, generation: Path) -> tuple[Content, list[ContentError]]:
        try:
            with open(generation / CONTENT_PICKLE, "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:  # built before the pickle existed
            return load_content(self.content_root)

    def _install(self, content: Content, fingerprint: str, generation: Path) -> None:
        self._install_handle(content, fingerprint, IndexHandle(generation, BM25))

    def _install_handle(self, content: Content, fingerprint: str, handle: IndexHandle) -> None:
        glossary = Glossary.from_groups(content.glossary)
        runner = QueryRunner(handle, glossary, route_profiles(content, glossary))
        pointer = self.store.pointer_stamp()
        # One assignment: readers see the old or the new generation, never a mix.
        self._live = _Live(content, runner, fingerprint, handle.directory.name, pointer)
        log.info("serving index %s (%d documents)", handle.directory.name, handle.doc_count)
        if handle.vectors_pending and handle.semantic is None:
            self._embed_later(handle)

    def _embed_later(self, handle: IndexHandle) -> None:
        """Embed the live generation's pending vectors in the background (search.vectors)."""

        def wanted() -> bool:
            live = self._live
            return live is not None and live.generation == handle.directory.name

        complete_in_background(handle.directory, wanted, handle.look_for_vectors)

    @staticmethod
    def _topic_names(content: Content, entry: Entry) -> str:
        cat = content.categories.get(entry.category)
        return " ".join(t.name for t in cat.topics if t.id in entry.topics) if cat else ""

    # -- reading ---------------------------------------------------------------
    def _current(self) -> _Live:
        if self._live is None:
            raise IndexUnavailable("the index has not been built")
        return self._live

    @property
    def content(self) -> Content:
        """The content the live index was built from."""
        return self._current().content

    def entry(self, entry_id: str, include_drafts: bool = False) -> Entry | None:
        """The entry with this id (None if unknown, or a draft and drafts are not asked for)."""
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
        exact: bool = False,
        semantic: bool = True,
    ) -> SearchResult:
        """Search published entries: hits, the rewritten query and the deflection decision.

        `semantic=False` for keystrokes: words only, without embedding the query.
        """
        return self._current().runner.run(query, limit, category, topic, exact, semantic)

    def related(self, entry_id: str, limit: int = 5) -> list[Hit]:
        """Entries related to one: the same topic first, then similar by search."""
        live = self._current()
        entry = live.content.entries.get(entry_id)
        if entry is None:
            return []
        hits: dict[str, Hit] = {}
        for other in live.content.in_category(entry.category, entry.topic):
            if other.id != entry_id:
                hits[other.id] = Hit(
                    other.id,
                    other.kind,
                    other.title,
                    other.url,
                    "",
                    other.category,
                    other.topic,
                    0.0,
                )
        for hit in live.runner.run(entry.title + " ", limit + 1).hits:
            if hit.id != entry_id and hit.id not in hits:
                hits[hit.id] = hit
        return list(hits.values())[:limit]

    def normalize(self, query: str) -> str:
        """The normalised form of a query: layout fixed, typos corrected, lemmas."""
        return self._current().runner.parse(query).normalized
