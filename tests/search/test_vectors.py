"""Sentence vectors embedded after the index is live (search/vectors.py), on the real model:
a large cold build opens the help center by words and gains the model once they are in."""

from __future__ import annotations

import fcntl
import shutil
import time
import uuid
from pathlib import Path

from search.analysis import Glossary
from search.engine import QueryRunner, SearchEngine
from search.index import META, IndexDoc, IndexHandle, build_index
from search.ranking import BM25
from search.vectors import LOCK, PENDING, VECTORS, complete_in_background

PROJECT = Path(__file__).resolve().parents[2]
# Shares no lemma with «Сколько времени есть на ответ по заявке на возврат»: words alone
# do not find it, the model does.
OTHER_WORDS = "сколько дней даётся, чтобы среагировать на просьбу клиента вернуть вещь"
RIGHT = "buyer-returns/deadline"


def _docs() -> list[IndexDoc]:
    """Two entries with texts no other test embeds (so the model must embed them here)."""
    marker = uuid.uuid4().hex[:8]
    return [
        IndexDoc(RIGHT, "Сколько времени есть на ответ по заявке на возврат", f"Три дня. {marker}"),
        IndexDoc("stock/pack", "Как упаковать поставку", f"Коробки по правилам склада. {marker}"),
    ]


def _wait(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_past_the_inline_limit_the_build_leaves_vectors_for_later(tmp_path):
    build_index(tmp_path / "ix", _docs(), semantic=True, inline=0)
    assert (tmp_path / "ix" / PENDING).exists() and not (tmp_path / "ix" / VECTORS).exists()
    assert '"semantic": "pending"' in (tmp_path / "ix" / META).read_text()
    handle = IndexHandle(tmp_path / "ix")
    assert handle.vectors_pending and handle.semantic is None
    # Searching works meanwhile, by words.
    result = QueryRunner(handle, Glossary({}), []).run("как упаковать поставку")
    assert result.hits[0].id == "stock/pack"


def test_vectors_come_in_when_the_process_holding_the_lock_lets_go(tmp_path):
    directory = tmp_path / "ix"
    build_index(directory, _docs(), semantic=True, inline=0)
    handle = IndexHandle(directory, BM25)
    runner = QueryRunner(handle, Glossary({}), [])
    # Another process is embedding: it holds the generation's lock.
    with open(directory / LOCK, "a+") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        thread = complete_in_background(directory, lambda: True, handle.look_for_vectors)
        time.sleep(0.5)
        assert not (directory / VECTORS).exists() and handle.semantic is None
        before = runner.run(OTHER_WORDS)
    # ...and dies (closing the file is what its death does to the lock): this one takes over.
    thread.join(timeout=60)
    assert handle.semantic is not None and handle.semantic.ids == (RIGHT, "stock/pack")
    after = runner.run(OTHER_WORDS)  # not the cached words-only answer
    assert after.hits[0].id == RIGHT
    assert [h.score for h in after.hits] != [h.score for h in before.hits]


def test_an_engine_serves_at_once_and_embeds_in_the_background(tmp_path):
    root = tmp_path / "content"
    for folder in ("kb", "articles"):
        shutil.copytree(PROJECT / folder, root / folder)
    # One passage no process has embedded: the body's opening is what a passage reads.
    article = next((root / "articles").glob("*/*.md"))
    head, _, body = article.read_text().partition("\n---\n")
    article.write_text(f"{head}\n---\nПримечание {uuid.uuid4().hex[:8]}.\n{body}")
    engine = SearchEngine(root, tmp_path / "index", inline_texts=0)
    engine.ensure_index()
    handle = engine._current().runner.handle
    assert handle.vectors_pending
    assert _wait(lambda: handle.semantic is not None)
    assert engine.search(OTHER_WORDS).hits[0].id == RIGHT
    # A new process opening the generation finds it complete.
    again = SearchEngine(root, tmp_path / "index", inline_texts=0)
    again.ensure_index()
    assert again._current().runner.handle.semantic is not None


def test_a_removed_generation_stops_the_wait(tmp_path):
    directory = tmp_path / "ix"
    build_index(directory, _docs(), semantic=True, inline=0)
    shutil.rmtree(directory)
    thread = complete_in_background(directory, lambda: True, lambda: None)
    thread.join(timeout=10)
    assert not thread.is_alive() and not directory.exists()
