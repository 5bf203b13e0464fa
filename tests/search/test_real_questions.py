"""Ranking and deciding on questions as sellers write them: one test per failure class."""

from __future__ import annotations

from search.index import split_title
from search.query import parse_query
from tests.conftest import PROJECT  # noqa: F401  (the engine fixture indexes the shipped content)


def test_the_entry_about_changing_a_decision_beats_its_neighbour(engine):
    # Class 1: neighbours of one family share words (заявка, возврат, решение).
    result = engine.search("поменять ответ по заявке на возврат, я ошиблась")
    assert result.hits[0].id == "buyer-returns/change-decision"


def test_close_neighbours_give_weak_with_both_listed(engine):
    result = engine.search("решение по заявке покупателя")
    ids = [h.id for h in result.hits[:3]]
    assert {"buyer-returns/decision-options", "buyer-returns/change-decision"} <= set(ids)
    if result.match == "strong":  # strong only when the top stands clear of the other
        assert result.hits[0].score > 1.04 * result.hits[1].score


def test_a_chatty_question_with_a_link_still_finds_and_offers_the_answer(engine):
    # Class 2: greetings, apologies, a pasted link and thanks around the question.
    query = (
        "Добрый вечер, извините за беспокойство! Сегодня увидела, что кто-то чужой заходил "
        "в мой кабинет без спроса https://seller.wildberries.ru/login?from=mail спасибо"
    )
    result = engine.search(query)
    assert result.hits[0].id == "security/unauthorized-access"
    assert result.match != "none"


def test_links_are_not_searched(engine):
    parsed = engine._current().runner.parse("смотрите https://seller.example.ru/info/abc тут")
    assert not {"https", "seller", "example", "info", "abc"} & parsed.all_terms()


def test_one_unknown_word_never_empties_the_results(engine):
    # Class 3: slang or a word the index never saw, beside words it knows.
    result = engine.search("двухфакторка не включается пыщпыщ")
    assert result.hits and result.hits[0].id == "security/two-factor-auth"
    assert result.match != "none"


def test_unknown_words_weigh_less_than_rare_known_ones(engine):
    runner = engine._current().runner
    parsed = parse_query("пыщпыщ двухфакторка", runner.handle.vocabulary, runner.glossary)
    unknown, known = parsed.words
    assert unknown.weight < known.weight


def test_stop_words_twice_do_not_derail_the_query(engine):
    result = engine.search("смс код не приходит на на телефон при входе")
    assert "security/two-factor-auth" in [h.id for h in result.hits[:3]]


def test_a_generic_title_tail_is_not_title_text():
    # Class 4: «… — как его вернуть?» on one title must not pull every "get it back" question.
    assert split_title("Товар лежит на складе, но пропал из остатков — как его вернуть?") == (
        "Товар лежит на складе, но пропал из остатков",
        "как его вернуть?",
    )
    assert split_title("Можно ли так — или нет, и если да, то как именно это сделать?")[1] == ""


def test_a_get_it_back_question_goes_to_its_own_subject(engine):
    result = engine.search("как вернуть деньги с рекламного счета")
    assert result.hits[0].id == "promotion/money-not-returned"
