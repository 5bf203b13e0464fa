"""The Whoosh index: schema, building into a fresh folder, atomic swap, per-thread searchers.

Terms are analysed by search.analysis before they reach Whoosh (a whitespace tokenizer
only splits them), so indexing and querying share one Russian analysis. Each build goes
into its own folder; the CURRENT file names the live one and is replaced atomically, so
a search never sees a half-built index.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.scoring import BM25F, WeightingModel
from whoosh.searching import Searcher

from search.analysis import EMPTY_GLOSSARY, Glossary, index_terms, words
from search.errors import IndexUnavailable
from search.model import Entry
from search.plaintext import markdown_to_text
from search.semantic import SemanticIndex
from search.vectors import INLINE_TEXTS, build_vectors, load_vectors
from search.vocabulary import Vocabulary

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
VOCABULARY = "vocabulary.pickle"
META = "meta.json"
# Generations kept besides the live one, so a reader that just opened the previous one
# can finish; older ones are deleted.
KEEP_PREVIOUS = 1
# How often a generation whose vectors are still being embedded looks for them: a stat a
# second costs nothing, and a second is shorter than the pause before a settled query.
VECTORS_LOOK_SECONDS = 1.0


def _terms_field() -> TEXT:
    # No positions: queries are bags of lemmas, and positions would double index size.
    return TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    category=ID(stored=True),
    topics=KEYWORD(stored=True),
    title=_terms_field(),
    tags=_terms_field(),
    asked=_terms_field(),  # asked_as: the ways sellers phrase the question
    body=_terms_field(),
    display_title=STORED,
    url=STORED,
    text=STORED,  # plain text for snippets
    lemmas=STORED,  # every term of the document, for query coverage in re-ranking
    title_lemmas=STORED,
    head_lemmas=STORED,
    title_terms=STORED,  # title terms in order, for similarity to the query
    asked_terms=STORED,  # each asked_as phrase's terms, "|"-separated: coverage, similarity
)


# The analysed fields queries search; META records how many documents have each.
SEARCHED_FIELDS = ("title", "tags", "asked", "body")


@dataclass(frozen=True)
class IndexDoc:
    """One searchable document: a help-center entry or, in benchmarks, any passage."""

    id: str
    title: str
    body: str  # plain text
    kind: str = "article"
    category: str = ""
    topics: tuple[str, ...] = ()
    tags: str = ""
    url: str = ""
    asked_as: tuple[str, ...] = ()

    @classmethod
    def from_entry(cls, entry: Entry, topic_names: str = "") -> IndexDoc:
        """The searchable form of an entry (its topic names count as tags)."""
        body = markdown_to_text(entry.body)
        if entry.summary:
            body = entry.summary + "\n" + body
        tags = " ".join((*entry.tags, topic_names))
        return cls(
            entry.id,
            entry.title,
            body,
            entry.kind,
            entry.category,
            entry.topics,
            tags,
            entry.url,
            entry.asked_as,
        )


# A title's tail after a dash («… — что делать?», «… — как его вернуть?») is the same few
# words on many entries: it tells them apart by nothing, yet as title words it drew every
# "what do I do / how do I get it back" question. Tails up to this many words are indexed
# with the body instead of the title.
GENERIC_TAIL_WORDS = 4
_TAIL = re.compile(r"\s[—–-]\s")


def split_title(title: str) -> tuple[str, str]:
    """(head, generic tail) of a title; the tail is empty when there is none."""
    parts = _TAIL.split(title, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and len(words(parts[1])) <= GENERIC_TAIL_WORDS:
        return parts[0], parts[1]
    return title, ""


def _fields(doc: IndexDoc, glossary: Glossary) -> dict:
    head, tail = split_title(doc.title)
    title = index_terms(head, glossary)
    tags = index_terms(doc.tags, glossary)
    body = index_terms(tail + "\n" + doc.body, glossary)
    asked_phrases = [index_terms(p, glossary) for p in doc.asked_as]
    asked = [t for p in asked_phrases for t in p]
    return {
        "id": doc.id,
        "kind": doc.kind,
        "category": doc.category,
        "topics": " ".join(doc.topics),
        "title": " ".join(title),
        "tags": " ".join(tags),
        "asked": " ".join(asked),
        "body": " ".join(body),
        "display_title": doc.title,
        "url": doc.url,
        "text": doc.body,
        "lemmas": " ".join(sorted(set(title) | set(tags) | set(asked) | set(body))),
        "title_lemmas": " ".join(sorted(set(title))),
        "head_lemmas": " ".join(sorted(set(title) | set(tags))),
        "title_terms": " ".join(t for t in title if not t.startswith("g:")),
        "asked_terms": "|".join(" ".join(p) for p in asked_phrases),
    }


def build_index(
    directory: Path,
    docs: Iterable[IndexDoc],
    glossary: Glossary = EMPTY_GLOSSARY,
    meta: dict | None = None,
    extra_words: Iterable[str] = (),
    semantic: bool = False,
    reuse: Path | None = None,
    inline: int | None = INLINE_TEXTS,
) -> None:
    """Write a complete index (Whoosh segments, vocabulary, metadata) into `directory`.

    With `semantic`, sentence vectors too (those of unchanged texts taken from `reuse`),
    or, past `inline` new texts, the docs to embed once the index is live (search.vectors).
    """
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), SCHEMA)
    writer = ix.writer(limitmb=256)
    texts: list[str] = []
    embedded: list[tuple[str, str, str, tuple[str, ...]]] = []
    field_docs = dict.fromkeys(SEARCHED_FIELDS, 0)
    try:
        for doc in docs:
            fields = _fields(doc, glossary)
            writer.add_document(**fields)
            for name in SEARCHED_FIELDS:
                field_docs[name] += bool(fields[name])
            texts.append(f"{doc.title} {doc.tags} {' '.join(doc.asked_as)} {doc.body}")
            embedded.append((doc.id, doc.title, doc.body, doc.asked_as))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    Vocabulary.build(texts, extra_words).save(directory / VOCABULARY)
    meta = {**(meta or {}), "field_docs": field_docs}
    meta["semantic"] = semantic and build_vectors(directory, embedded, reuse, inline=inline)
    (directory / META).write_text(json.dumps(meta, ensure_ascii=False))


class IndexHandle:
    """One opened index generation: a pool of searchers, its vocabulary and metadata.

    A Whoosh searcher must not be used by two threads at once (shared ones returned
    results of the wrong query under load), and opening one per request costs more than
    the search itself at scale; so searchers are lent from a pool, one thread at a time.
    """

    def __init__(self, directory: Path, weighting: WeightingModel | None = None) -> None:
        self.directory = directory
        self.weighting = weighting or BM25F()
        self.ix = whoosh_index.open_dir(str(directory))
        self.vocabulary = Vocabulary.load(directory / VOCABULARY)
        self.meta = json.loads((directory / META).read_text())
        self._idle: queue.SimpleQueue[Searcher] = queue.SimpleQueue()
        self._field_terms: dict[str, frozenset[str]] = {}
        self._field_terms_lock = threading.Lock()
        # "pending": the vectors are embedded after the build (search.vectors); until the
        # file is there, searches rank by words. Looked for at most once a second.
        self.vectors_pending = self.meta.get("semantic") == "pending"
        self._semantic = load_vectors(directory) if self.meta.get("semantic") else None
        self._looked_at = time.monotonic()

    @property
    def semantic(self) -> SemanticIndex | None:
        """The generation's sentence vectors; None without them (or until they are in)."""
        if self._semantic is None and self.vectors_pending:
            now = time.monotonic()
            if now - self._looked_at >= VECTORS_LOOK_SECONDS:
                self._looked_at = now
                self._semantic = _loaded_or_none(self.directory)
        return self._semantic

    def look_for_vectors(self) -> None:
        """Load the vectors now (they were just written)."""
        self._semantic = _loaded_or_none(self.directory)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """Borrow a searcher for the duration of one search."""
        try:
            searcher = self._idle.get_nowait()
        except queue.Empty:
            searcher = self.ix.searcher(weighting=self.weighting)
        try:
            yield searcher
        finally:
            self._idle.put(searcher)

    def field_terms(self, field: str) -> frozenset[str]:
        """Every term indexed in a short field, read once per generation."""
        terms = self._field_terms.get(field)
        if terms is None:
            with self._field_terms_lock, self.searcher() as searcher:
                terms = frozenset(t.decode() for t in searcher.reader().lexicon(field))
                self._field_terms[field] = terms
        return terms

    def docs_with(self, field: str) -> int:
        """How many documents have any term in `field` (all of them when not recorded)."""
        return self.meta.get("field_docs", {}).get(field, self.vocabulary.doc_count)

    @property
    def doc_count(self) -> int:
        """Number of documents in the index."""
        return self.vocabulary.doc_count


def _loaded_or_none(directory: Path) -> SemanticIndex | None:
    try:
        return load_vectors(directory)
    except (OSError, ValueError, KeyError):  # damaged: searching by words is what is left
        log.warning("cannot read sentence vectors of %s", directory.name, exc_info=True)
        return None


class IndexStore:
    """A folder of index generations with an atomically replaced CURRENT pointer."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current(self) -> Path | None:
        """The live generation's folder, or None when nothing was built yet."""
        try:
            name = (self.root / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if (path / META).exists() else None

    def pointer_stamp(self) -> tuple[int, int] | None:
        """A cheap identity of the CURRENT pointer (inode, mtime): changes on every publish."""
        try:
            st = os.stat(self.root / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """One build at a time across processes sharing this folder (a file lock: works
        wherever the index lives, SQLite deployments included)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_generation(self) -> Path:
        """A fresh, empty folder for the next build."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.time_ns()}-{os.getpid()}-{threading.get_ident() % 10000}"
        path.mkdir()
        return path

    def publish(self, generation: Path) -> None:
        """Make `generation` the live index (atomic rename), then drop old generations."""
        pointer = self.root / f"{CURRENT}.{os.getpid()}.{threading.get_ident()}.tmp"
        pointer.write_text(generation.name)
        os.replace(pointer, self.root / CURRENT)
        self._cleanup(keep=generation)

    def discard(self, generation: Path) -> None:
        """Remove a generation that failed to build."""
        shutil.rmtree(generation, ignore_errors=True)

    def open_current(self, weighting: WeightingModel | None = None) -> IndexHandle:
        """Open the live generation or raise IndexUnavailable."""
        path = self.current()
        if path is None:
            raise IndexUnavailable(f"no index in {self.root}")
        return IndexHandle(path, weighting)

    def _cleanup(self, keep: Path) -> None:
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.is_dir() and p != keep),
            key=lambda p: p.stat().st_mtime,
        )
        for old in gens[: max(0, len(gens) - KEEP_PREVIOUS)]:
            shutil.rmtree(old, ignore_errors=True)
