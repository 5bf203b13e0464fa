"""Learning from outcomes: evidence → proposed phrasings, counted by distinct sellers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from search.learning import (
    MIN_SELLERS,
    Evidence,
    learn_pairs,
    mask,
    phrasing_key,
    phrasings_by_entry,
    propose,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_one_seller_repeating_a_query_a_hundred_times_teaches_nothing():
    evidence = [
        Evidence("карточка висит на модерации неделю", "cards/unblock", "seller-7", "solved")
        for _ in range(100)
    ]
    assert propose(evidence, now=NOW) == []


def test_two_sellers_make_a_proposal_with_count_and_examples():
    evidence = [
        Evidence("карточка висит на модерации неделю", "cards/unblock", "s1", "solved"),
        Evidence("Карточка висит на модерации неделю!", "cards/unblock", "s2", "voted_yes"),
        Evidence("неделю висит на модерации карточка", "cards/unblock", "s2", "solved"),
    ]
    [proposal] = propose(evidence, now=NOW)
    assert proposal.entry_id == "cards/unblock"
    assert proposal.sellers == MIN_SELLERS
    assert proposal.phrasing in proposal.examples
    assert len(proposal.examples) == 3  # word-order variants share one key


def test_the_same_words_for_different_entries_are_separate_proposals():
    evidence = [
        Evidence("где деньги", "promotion/money-not-returned", "a", "solved"),
        Evidence("где деньги", "promotion/money-not-returned", "b", "solved"),
        Evidence("где деньги", "buyer-chat/questions-outside-seller", "c", "solved"),
    ]
    assert [p.entry_id for p in propose(evidence, now=NOW)] == ["promotion/money-not-returned"]


def test_numbers_emails_and_phones_are_masked():
    text = mask("поставка 31807452 пишите ivan.petrov@mail.ru или +7 (912) 345-67-89 ошибка 500")
    assert "31807452" not in text and "ivan.petrov" not in text and "912" not in text
    assert "ошибка 500" in text  # short numbers name the problem and stay
    assert "https" not in mask("смотрите https://example.org/x?id=5 тут")
    assert mask("пишите на [email] про [номер]") == "пишите на … про …"


def test_old_evidence_decays_and_very_old_is_ignored():
    def two_sellers(days: int) -> list[Evidence]:
        at = NOW - timedelta(days=days)
        return [
            Evidence(
                "приложение не открывается на планшете", "technical/mobile-app", s, "solved", at
            )
            for s in ("a", "b")
        ]

    assert propose(two_sellers(10), now=NOW)
    assert propose(two_sellers(200), now=NOW) == []  # two faded votes are not enough
    assert propose(two_sellers(400), now=NOW) == []


def test_known_phrasings_are_not_proposed_again():
    evidence = [Evidence("включить двухфакторку", "security/two-factor-auth", s) for s in "ab"]
    known = {"security/two-factor-auth": ["Двухфакторку включить"]}
    assert propose(evidence, known, now=NOW) == []


def test_agent_links_are_evidence_too():
    evidence = [
        Evidence(
            "как вернуть деньги с продвижения", "promotion/money-not-returned", s, "agent_link"
        )
        for s in ("a", "b")
    ]
    assert propose(evidence, now=NOW)[0].sellers == 2


def test_imported_pairs_are_approved_one_by_one():
    pairs = [
        {
            "query": "бонусы пропали после удаления рекламы",
            "relevant_ids": ["promotion/bonuses-not-returned"],
        },
        {
            "query": "бонусы пропали после удаления рекламы",
            "relevant_ids": ["promotion/bonuses-not-returned"],
        },
        {"query": "", "relevant_ids": ["x/y"]},
        {"query": "без ответа", "relevant_ids": []},
    ]
    assert phrasings_by_entry(learn_pairs(pairs)) == {
        "promotion/bonuses-not-returned": ["бонусы пропали после удаления рекламы"]
    }


def test_phrasing_key_ignores_stop_words_order_and_forms():
    assert phrasing_key("Как включить двухфакторку?") == phrasing_key("двухфакторку включить")
    assert phrasing_key("как это") == ""
