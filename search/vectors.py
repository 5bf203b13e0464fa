"""Sentence vectors of an index generation: embedded with the build, or after it.

A build embeds only texts it has no vector for (they are reused by text hash from the
previous generation and from the process's memory), so an editor's save embeds one entry.
A cold build of a large help center is another matter: 10k entries are ~60k texts, about
20 minutes on two cores. Past INLINE_TEXTS new texts the generation is published without
vectors, searching by words, and its vectors are embedded afterwards by whichever process
serving it takes the generation's lock (a killed process frees it; another takes over).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from search.semantic import Encoder, SemanticIndex, encoder, text_key

log = logging.getLogger(__name__)

VECTORS = "semantic.npz"
# The docs whose vectors are still to come, written by a build that left them for later.
PENDING = "semantic-pending.json"
LOCK = "semantic.lock"
# The passage is the title and the start of the text: the model reads 512 tokens, and the
# opening of an answer says what it is about; the rest would cost embedding time only.
PASSAGE_CHARS = 1200
# New texts a build embeds before it is published: the shipped content's ~250 take 7 s on
# this machine's two cores (27 ms a text), so 400 keep a cold start near 10 s; beyond
# that the help center opens by words first and gains the model when the vectors are in.
INLINE_TEXTS = 400
# Texts per call to the model when embedding after publishing: the model serves one call
# at a time, and a settled query waits at most one chunk (16 texts: ~0.4 s).
CHUNK = 16
# How often a process serving a generation whose vectors another one is embedding looks
# whether they are done (or whether that process died and the lock is free).
RETRY_SECONDS = 5.0

Doc = tuple[str, str, str, Sequence[str]]  # id, title, body, asked_as


def passage_text(title: str, body: str) -> str:
    """What an entry's passage vector is made of."""
    return f"{title}\n{body}"[:PASSAGE_CHARS]


def _texts(docs: Sequence[Doc]) -> tuple[list[str], list[str], list[int]]:
    """Passages, heads (titles and asked_as phrases) and each head's row."""
    passages = [passage_text(title, body) for _, title, body, _ in docs]
    heads, owners = [], []
    for row, (_, title, _, asked_as) in enumerate(docs):
        for text in (title, *asked_as):
            heads.append(text)
            owners.append(row)
    return passages, heads, owners


def build_vectors(
    directory: Path,
    docs: Sequence[Doc],
    reuse: Path | None = None,
    model: Encoder | None = None,
    inline: int | None = INLINE_TEXTS,
) -> bool | str:
    """Embed docs into `directory`: True, "pending" (left for later), or False (no model).

    Vectors of unchanged texts come from the `reuse` generation instead of the model; with
    more than `inline` new texts (None: no limit) the docs are written down for later.
    """
    model = model or encoder()
    if model is None:
        return False
    model.remember(_stored_vectors(reuse))
    passages, heads, owners = _texts(docs)
    new = model.unknown(passages, as_query=False) + model.unknown(heads, as_query=True)
    if inline is not None and new > inline:
        # Bodies cut to what a passage reads: the file is 1.5 KB an entry at most.
        rows = [[i, title, body[:PASSAGE_CHARS], list(asked)] for i, title, body, asked in docs]
        (directory / PENDING).write_text(json.dumps(rows, ensure_ascii=False))
        log.info("%d texts to embed: the index searches by words until they are in", new)
        return "pending"
    _write(directory, docs, model, passages, heads, owners)
    return True


def _write(directory: Path, docs, model: Encoder, passages, heads, owners) -> None:
    """Embed in chunks and write the vectors file whole (readers never see half of one)."""
    passage_vectors = _embed(model, passages, as_query=False)
    head_vectors = _embed(model, heads, as_query=True)
    keys = [text_key(t, False) for t in passages] + [text_key(t, True) for t in heads]
    partial = directory / f"{VECTORS}.{os.getpid()}.tmp"
    with open(partial, "wb") as handle:
        np.savez(
            handle,
            ids=np.array([doc[0] for doc in docs], dtype=str),
            passages=passage_vectors,
            heads=head_vectors,
            owners=np.array(owners, dtype=np.int64),
            keys=np.array(keys, dtype=str),
        )
    os.replace(partial, directory / VECTORS)


def _embed(model: Encoder, texts: list[str], as_query: bool) -> np.ndarray:
    chunks = [model.embed(texts[i : i + CHUNK], as_query) for i in range(0, len(texts), CHUNK)]
    return np.concatenate(chunks) if chunks else np.zeros((0, model.dim), dtype=np.float32)


def complete_vectors(directory: Path, wanted: Callable[[], bool] = lambda: True) -> bool:
    """Embed a generation's pending vectors unless another process is at it; True when
    they are in. Waits for that other process (or its death) while `wanted()`."""
    while wanted():
        if (directory / VECTORS).exists():
            return True
        if not directory.exists():  # the generation was removed
            return False
        with open(directory / LOCK, "a+") as lock:  # closing it (or dying) frees the lock
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            else:
                return _complete(directory)
        time.sleep(RETRY_SECONDS)
    return False


def complete_in_background(
    directory: Path, wanted: Callable[[], bool], done: Callable[[], None]
) -> threading.Thread:
    """complete_vectors on a daemon thread; `done()` once the vectors are in."""

    def run() -> None:
        try:
            if complete_vectors(directory, wanted):
                done()
        except Exception:  # a fault of the model costs semantic matching, not the index
            log.exception("sentence vectors of %s failed", directory.name)

    thread = threading.Thread(target=run, name="spravka-vectors", daemon=True)
    thread.start()
    return thread


def _complete(directory: Path) -> bool:
    """Under the generation's lock: embed what its build left pending."""
    if (directory / VECTORS).exists():
        return True
    model = encoder()
    if model is None:
        return False
    docs = [tuple(row) for row in json.loads((directory / PENDING).read_text())]
    started = time.monotonic()
    _write(directory, docs, model, *_texts(docs))
    log.info("sentence vectors of %s in after %.0f s", directory.name, time.monotonic() - started)
    return True


def load_vectors(directory: Path) -> SemanticIndex | None:
    """A generation's vectors, or None when it has none (yet)."""
    path = directory / VECTORS
    if not path.exists():
        return None
    with np.load(path) as data:
        return SemanticIndex(
            tuple(data["ids"].tolist()), data["passages"], data["heads"], data["owners"]
        )


def _stored_vectors(generation: Path | None) -> dict[str, np.ndarray]:
    if generation is None or not (generation / VECTORS).exists():
        return {}
    try:
        with np.load(generation / VECTORS) as data:
            vectors = np.concatenate([data["passages"], data["heads"]])
            return dict(zip(data["keys"].tolist(), vectors, strict=True))
    except (OSError, ValueError, KeyError):  # an unreadable cache is only a slower build
        return {}
