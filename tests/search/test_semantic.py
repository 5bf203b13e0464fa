"""Semantic matching: the sentence model beside BM25F (search/semantic.py), on real vectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from search.engine import SearchEngine
from search.index import IndexDoc, IndexHandle, build_index
from search.semantic import BATCH_OF_BUILD, MODEL_THREADS, Encoder, query_text
from search.vectors import VECTORS, build_vectors, load_vectors

PROJECT = Path(__file__).resolve().parents[2]

# Asked in other words: "days given to react to a customer's request to take a thing
# back" shares no lemma with «Сколько времени есть на ответ по заявке на возврат».
OTHER_WORDS = "сколько дней даётся, чтобы среагировать на просьбу клиента вернуть вещь"


@pytest.fixture(scope="module")
def model() -> Encoder:
    """A model of this module's own, so its `embedded` count is this module's."""
    return Encoder()


def test_question_in_other_words_is_found_by_meaning(engine):
    by_words = [h.id for h in engine.search(OTHER_WORDS, semantic=False).hits]
    by_meaning = [h.id for h in engine.search(OTHER_WORDS).hits]
    assert by_words[0] != "buyer-returns/deadline"
    assert by_meaning[0] == "buyer-returns/deadline"


def test_keystrokes_rank_by_words_alone(engine, tmp_path, content_root):
    lexical = SearchEngine(content_root, tmp_path / "index", semantic=False)
    lexical.ensure_index()
    assert not (lexical.store.current() / VECTORS).exists()
    for query in (OTHER_WORDS, "поддержка не отвечает", "ошибка 42"):
        fast = engine.search(query, semantic=False)
        plain = lexical.search(query)
        assert [h.id for h in fast.hits] == [h.id for h in plain.hits]
        assert fast.match == plain.match


def test_entries_found_by_meaning_stay_inside_the_scope(engine):
    hits = engine.search(OTHER_WORDS, category="security", limit=20).hits
    assert hits and all(h.category == "security" for h in hits)


def test_unfinished_last_word_is_completed_for_the_model(engine):
    runner = engine._current().runner
    assert query_text(runner.parse("ошибка 42"), "ошибка 42") == "ошибка 429"
    # A finished word, a known word or a closed query is left as typed.
    assert query_text(runner.parse("ошибка 42 "), "ошибка 42 ") == "ошибка 42 "
    assert query_text(runner.parse("меня взломали"), "меня взломали") == "меня взломали"
    assert engine.search("ошибка 42").hits[0].id == "api/error-429"


def test_similar_texts_score_above_unrelated_ones(model):
    query = model.query("не могу войти в личный кабинет")
    near, far = model.embed(["Вход в личный кабинет не работает", "Как упаковать поставку"], False)
    assert float(near @ query) > float(far @ query)
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)


def test_rebuild_embeds_only_what_changed(tmp_path, model):
    docs = [
        IndexDoc("a/one", "Как вернуть товар", "Оформите заявку на возврат.", asked_as=("верну",)),
        IndexDoc("a/two", "Как упаковать поставку", "Коробки по правилам склада."),
    ]
    first = tmp_path / "first"
    first.mkdir()
    assert build_vectors(first, [(d.id, d.title, d.body, d.asked_as) for d in docs], None, model)
    # A new process (a fresh model) rebuilding after one edit: one passage to embed.
    fresh = Encoder()
    edited = [(d.id, d.title, d.body, d.asked_as) for d in docs]
    edited[1] = ("a/two", "Как упаковать поставку", "Коробки и паллеты по правилам.", ())
    second = tmp_path / "second"
    second.mkdir()
    assert build_vectors(second, edited, first, fresh)
    assert fresh.embedded == 1
    old, new = load_vectors(first), load_vectors(second)
    assert np.array_equal(old.passages[0], new.passages[0])
    assert not np.array_equal(old.passages[1], new.passages[1])
    assert new.ids == ("a/one", "a/two") and new.owners.tolist() == [0, 0, 1]


def test_an_index_without_vectors_searches_by_words(tmp_path):
    docs = [IndexDoc("a/one", "Как вернуть товар", "Оформите заявку на возврат.")]
    build_index(tmp_path / "ix", docs, semantic=True)
    (tmp_path / "ix" / VECTORS).unlink()
    handle = IndexHandle(tmp_path / "ix")
    assert handle.semantic is None


def test_unreadable_previous_vectors_only_cost_time(tmp_path, model):
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / VECTORS).write_bytes(b"not a numpy archive")
    target = tmp_path / "target"
    target.mkdir()
    assert build_vectors(target, [("a/one", "Заголовок", "Текст", ())], previous, model)
    assert load_vectors(target).ids == ("a/one",)


def test_learned_phrasing_is_embedded_with_its_entry(tmp_path):
    for folder in ("kb", "articles"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    engine = SearchEngine(tmp_path, tmp_path / "index")
    engine.ensure_index()
    vectors = engine._current().runner.handle.semantic
    heads = {vectors.ids[o] for o in vectors.owners.tolist()}
    entries = engine.content.published()
    assert heads == {e.id for e in entries}
    assert len(vectors.owners) == sum(1 + len(e.asked_as) for e in entries)


def test_a_help_center_with_nothing_published_searches_without_errors(tmp_path, model):
    build_index(tmp_path / "ix", [], semantic=True)
    handle = IndexHandle(tmp_path / "ix")
    assert handle.semantic is not None and handle.semantic.ids == ()
    similarity = handle.semantic.compare(model.query("как вернуть товар"))
    assert similarity.raw.size == 0 and similarity.standard.size == 0


def test_strong_needs_the_sentence_model_to_agree(engine):
    # Words alone are sure; the model puts «товар пропал из остатков» first: two close
    # neighbours, so both are shown and the seller picks.
    query = "товар утерен на приемке"
    assert engine.search(query, semantic=False).match == "strong"
    result = engine.search(query)
    assert result.match == "weak"
    assert result.hits[0].id == "acceptance/lost-at-acceptance"


def test_a_close_neighbour_after_fusion_makes_the_answer_weak(engine):
    # Words alone lead clearly; the model finds «как создать обращение» nearly as close as
    # «способы связи», and with both similarities added the lead is a coin toss.
    query = "как связаться с поддержкой"
    words = engine.search(query, semantic=False)
    assert words.match == "strong" and words.hits[0].id == "support/contact-channels"
    fused = engine.search(query)
    assert fused.match == "weak"
    assert [h.id for h in fused.hits[:2]] == [
        "support/contact-channels",
        "support/how-to-create-dialog",
    ]


def test_an_entry_that_holds_every_word_needs_no_model_agreement(engine):
    # «как написать в поддержку»: every word is in the entry's own phrasing; the model
    # prefers the rules of writing to support, but the words have said what is asked.
    result = engine.search("как написат в подержку")
    assert result.match == "strong" and result.hits[0].id == "support/how-to-create-dialog"


def test_queries_run_on_one_thread_after_a_build_batch(model):
    assert model._openmp is not None, "the wheel's OpenMP runtime was not found"
    texts = [f"Поставка номер {n} не принята складом" for n in range(BATCH_OF_BUILD)]
    assert model.embed(texts, as_query=False).shape == (BATCH_OF_BUILD, model._model.dim)
    assert model._openmp.omp_get_max_threads() == MODEL_THREADS


def test_vectors_of_another_model_cost_the_semantic_part_only(tmp_path):
    """A vectors file that does not fit the model (another dimension) ranks by words."""
    from search.analysis import Glossary
    from search.engine import QueryRunner

    docs = [
        IndexDoc("a/one", "Как вернуть товар", "Оформите заявку на возврат."),
        IndexDoc("a/two", "Как упаковать поставку", "Коробки по правилам склада."),
    ]
    build_index(tmp_path / "ix", docs, semantic=True)
    with np.load(tmp_path / "ix" / VECTORS) as data:
        stored = dict(data)
    stored["passages"] = np.ones((2, 10), dtype=np.float32)
    np.savez(tmp_path / "ix" / VECTORS, **stored)
    runner = QueryRunner(IndexHandle(tmp_path / "ix"), Glossary({}), [])
    assert [h.id for h in runner.run("вернуть товар").hits][:1] == ["a/one"]
