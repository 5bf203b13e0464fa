"""The search engine over the shipped content: hits, snippets, scope, decision, related."""

from __future__ import annotations

from search.decision import decide
from search.query import ParsedQuery


def test_clear_question_is_a_strong_match(engine):
    result = engine.search("какой максимальный размер файла можно прикрепить к обращению")
    assert result.match == "strong"
    assert result.hits[0].id == "support/attachments"


def test_no_answer_query_is_handed_off_with_a_category(engine):
    result = engine.search("сколько стоит подписка джем в месяц")
    assert result.match != "strong"
    assert result.decision.category == "subscription"


def test_nonsense_gives_none(engine):
    result = engine.search("ывапролджэ")
    assert result.match == "none"


def test_greeting_alone_finds_nothing(engine):
    result = engine.search("здравствуйте")
    assert result.hits == [] and result.match == "none"


def test_wrong_layout_reports_the_query_used(engine):
    result = engine.search("gjllth;rf yt jndtxftn")
    assert result.used_query == "поддержка не отвечает"
    assert "support/no-answer" in [h.id for h in result.hits[:3]]


def test_typo_reports_the_query_used(engine):
    result = engine.search("заблакировали карточку")
    assert result.used_query == "заблокировали карточку"
    assert result.hits[0].category == "cards"


def test_prefix_of_last_word(engine):
    ids = [h.id for h in engine.search("возврат бра").hits[:3]]
    assert "returns-to-seller/defective-item" in ids


def test_barcode_does_not_derail_ranking(engine):
    plain = engine.search("товар пропал из остатков").hits[0].id
    with_number = engine.search("товар 2039485716253 пропал из остатков 31807452").hits[0].id
    assert plain == with_number


def test_snippets_mark_matched_words_and_escape_html(engine):
    hit = engine.search("<b>возврат</b> товара").hits[0]
    assert "<mark>" in hit.snippet
    assert "<b>" not in hit.snippet


def test_category_scope(engine):
    hits = engine.search("возврат", category="buyer-returns", limit=20).hits
    assert hits and {h.category for h in hits} == {"buyer-returns"}


def test_topic_scope(engine):
    topic = engine.content.categories["support"].topics[0]
    hits = engine.search("обращение", category="support", topic=topic.id, limit=20).hits
    assert all(topic.id in engine.content.entries[h.id].topics for h in hits)


def test_scoped_handoff_suggests_the_scope(engine):
    result = engine.search("непонятная проблема с чем-то", category="stock")
    assert result.decision.category == "stock"


def test_unknown_category_gives_no_results_not_an_error(engine):
    assert engine.search("возврат", category="no-such").hits == []


def test_limit(engine):
    assert len(engine.search("товар", limit=2).hits) == 2


def test_drafts_are_not_searchable(engine):
    assert all(
        engine.content.entries[h.id].published for h in engine.search("товар", limit=50).hits
    )


def test_related_entries_exclude_the_entry_itself(engine):
    related = engine.related("support/attachments")
    assert related and "support/attachments" not in [h.id for h in related]


def test_normalize_groups_typo_and_layout_variants(engine):
    assert (
        engine.normalize("возрат ") == engine.normalize("возврат ") == engine.normalize("djpdhfn ")
    )


def test_empty_query_decides_none():
    decision = decide(ParsedQuery(text=""), [], [])
    assert decision.match == "none" and decision.category is None


def test_absent_terms_are_left_out_without_changing_results(engine):
    """Terms a short field lacks are not searched there, and the ranking is the same."""
    from search.ranking import CANDIDATES, SHORT_FIELDS, build_query, skipped_pairs

    runner = engine._live.runner
    for text in ("как вернуть деньги за бракованный товар", "шк не сканируется на пв", "отзыв"):
        parsed = runner.parse(text)
        with runner.handle.searcher() as searcher:
            absent = skipped_pairs(runner.handle, searcher, parsed)
            full, pruned = build_query(parsed), build_query(parsed, absent)
            assert absent and len(list(pruned.leaves())) < len(list(full.leaves()))
            assert all((leaf.fieldname, leaf.text) not in absent for leaf in pruned.leaves())
            assert all(searcher.doc_frequency(f, t) == 0 for f, t in absent if f in SHORT_FIELDS)
            before = [(h["id"], round(h.score, 6)) for h in searcher.search(full, limit=CANDIDATES)]
            after = [
                (h["id"], round(h.score, 6)) for h in searcher.search(pruned, limit=CANDIDATES)
            ]
        assert before == after
