"""Index lifecycle: atomic swap under running queries, last good index on broken content."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

from search.engine import SearchEngine
from tests.conftest import PROJECT

NEW_FAQ = """
  - id: support/reindex-probe
    question: Как работает зонд переиндексации?
    topic: {topic}
    tags: [зонд]
    answer: |
      Зонд переиндексации проверяет, что поиск видит новые записи.
"""


@pytest.fixture
def content_copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "kb", root / "kb")
    shutil.copytree(PROJECT / "articles", root / "articles")
    return root


@pytest.fixture
def live_engine(content_copy, tmp_path):
    engine = SearchEngine(content_copy, tmp_path / "index", reload_interval=0)
    engine.ensure_index()
    return engine


def _add_probe(root):
    path = root / "kb" / "faq" / "support.yaml"
    topic = next(
        line.split(":", 1)[1].strip()
        for line in path.read_text().splitlines()
        if line.strip().startswith("topic:")
    )
    with path.open("a", encoding="utf-8") as fh:
        fh.write(NEW_FAQ.format(topic=topic))
    _touch(path)


def _touch(path):
    # mtime resolution on some filesystems is coarse; make the change visible for sure.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def test_changed_content_is_picked_up_without_restart(live_engine, content_copy):
    ids = [h.id for h in live_engine.search("зонд переиндексации").hits]
    assert "support/reindex-probe" not in ids
    _add_probe(content_copy)
    live_engine.maybe_reload()
    assert live_engine.search("зонд переиндексации").hits[0].id == "support/reindex-probe"


def test_broken_content_keeps_the_last_good_index(live_engine, content_copy, caplog):
    before = [h.id for h in live_engine.search("возврат товара").hits]
    broken = content_copy / "kb" / "faq" / "support.yaml"
    broken.write_text(broken.read_text() + "\n  - id: [unclosed\n", encoding="utf-8")
    _touch(broken)
    live_engine.maybe_reload()
    assert live_engine.errors and live_engine.errors[0].path == "kb/faq/support.yaml"
    assert "last good index" in caplog.text
    assert [h.id for h in live_engine.search("возврат товара").hits] == before


def test_reindexing_while_queries_run(live_engine, content_copy):
    failures: list[BaseException] = []
    stop = threading.Event()

    def query_loop():
        while not stop.is_set():
            try:
                result = live_engine.search("возврат товара с браком")
                assert result.hits, "a search during reindexing found nothing"
            except BaseException as exc:  # noqa: BLE001 - collected and reported below
                failures.append(exc)
                return

    threads = [threading.Thread(target=query_loop) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        _add_probe(content_copy)
        for _ in range(3):
            assert live_engine.rebuild() == []
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[0]
    assert live_engine.search("зонд переиндексации").hits[0].id == "support/reindex-probe"


def test_current_pointer_names_a_complete_generation(live_engine):
    current = live_engine.store.current()
    assert current is not None and (current / "meta.json").exists()
    live_engine.rebuild()
    assert live_engine.store.current() != current
    generations = list(live_engine.store.root.glob("gen-*"))
    assert len(generations) <= 2  # the live one and one previous


def test_second_engine_reuses_an_up_to_date_index(live_engine, content_copy):
    current = live_engine.store.current()
    other = SearchEngine(content_copy, live_engine.store.root)
    other.ensure_index()
    assert other.store.current() == current


def test_first_start_with_broken_content_still_serves_valid_entries(content_copy, tmp_path):
    bad = content_copy / "kb" / "faq" / "cards.yaml"
    bad.write_text("category: cards\nentries: [\n", encoding="utf-8")
    engine = SearchEngine(content_copy, tmp_path / "fresh-index")
    engine.ensure_index()
    assert engine.errors
    assert engine.search("справочный центр").hits


def test_concurrent_searches_each_get_their_own_results(live_engine):
    runner = live_engine._live.runner
    queries = [
        "возврат товара",
        "ошибка 429",
        "двухфакторная аутентификация",
        "карточку заблокировали",
        "бонусы не вернулись",
        "пересорт при приемке",
    ]
    expected = {q: [h.id for h in runner._run(q, 5, None, None, False).hits] for q in queries}
    mismatches: list[str] = []

    def worker(offset: int):
        for i in range(30):
            q = queries[(i + offset) % len(queries)]
            got = [h.id for h in runner._run(q, 5, None, None, False).hits]
            if got != expected[q]:
                mismatches.append(q)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not mismatches
