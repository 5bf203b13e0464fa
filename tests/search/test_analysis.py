"""Russian analysis units: ё, lemmas, stop words, glossary, layout, typos, prefixes, numbers."""

from __future__ import annotations

import pytest

from search.analysis import Glossary, fold, index_terms, lemma, words
from search.layout import to_cyrillic, to_latin
from search.query import parse_query
from search.vocabulary import Vocabulary, max_edits

GLOSSARY = Glossary.from_groups(
    [["лк", "личный кабинет"], ["шк", "баркод", "штрихкод"], ["вб", "wb", "вайлдберриз"]]
)
VOCABULARY = Vocabulary.build(
    [
        "Возврат товара продавцу: пришла пустая коробка",
        "Товар вернулся с браком, бракованный товар и компенсация",
        "Карточку заблокировали: причина блокировки карточки",
        "Остатки на складе не совпадают, товар пропал из остатков",
        "Двухфакторная аутентификация в личном кабинете",
        "Ошибка 429 API: слишком частые запросы",
        "Поддержка не отвечает, написать в поддержку",
    ]
)


def test_fold_lowercases_and_replaces_yo():
    assert fold("Приёмка ЁЛКИ") == "приемка елки"


def test_words_keep_digits_and_latin():
    assert words("Ошибка 429 в API, 2FA!") == ["ошибка", "429", "в", "api", "2fa"]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("карточек", "карточка"),
        ("поставок", "поставка"),
        ("вернули", "вернуть"),
        ("приёмки", "приемка"),
    ],
)
def test_lemmas_join_word_forms(form, expected):
    assert lemma(form) == expected


def test_stop_words_and_long_numbers_do_not_become_terms():
    terms = index_terms("Как мой товар 4680012345678 вернуть что")
    assert terms == ["товар", "вернуть"]


def test_short_numbers_stay_meaningful():
    assert "429" in index_terms("ошибка 429")


def test_glossary_adds_one_shared_token_for_every_member():
    assert "g:лк" in index_terms("зайти в ЛК", GLOSSARY)
    assert "g:лк" in index_terms("зайти в личный кабинет", GLOSSARY)
    assert "g:шк" in index_terms("какой штрихкод", GLOSSARY)
    assert "g:лк" not in index_terms("личный помощник", GLOSSARY)


@pytest.mark.parametrize(
    ("latin", "russian"),
    [("djpdhfn njdfhf", "возврат товара"), (",jyecs", "бонусы"), ("gjllth;rf", "поддержка")],
)
def test_layout_conversion_latin_to_russian(latin, russian):
    assert to_cyrillic(latin) == russian


def test_layout_conversion_russian_to_latin():
    assert to_latin("фзш") == "api"


def test_query_typed_on_wrong_layout_is_searched_as_meant():
    parsed = parse_query("djpdhfn njdfhf ", VOCABULARY, GLOSSARY)
    assert parsed.used_text == "возврат товара"
    assert parsed.normalized == "возврат товар"


def test_typo_typed_on_wrong_layout_is_converted_and_corrected_entirely():
    # `ntdfh` is `тевар`: the line «Показаны результаты по запросу» must not keep it Latin.
    parsed = parse_query("ntdfh пропал из остатков ", VOCABULARY, GLOSSARY)
    assert parsed.used_text == "товар пропал из остатков"
    assert parsed.normalized.split()[0] == "товар"


def test_cyrillic_typed_latin_word_is_converted_back():
    parsed = parse_query("ошибка фзш ", VOCABULARY, GLOSSARY)
    assert parsed.used_text == "ошибка api"


def test_real_latin_words_are_not_converted():
    parsed = parse_query("ошибка api ", VOCABULARY, GLOSSARY)
    assert parsed.used_text is None


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("возрат", "возврат"),
        ("заблакировали", "заблокировали"),
        ("остаки", "остатки"),
        ("двухфакторна", "двухфакторная"),
        ("поддрежка", "поддержка"),
    ],
)
def test_typos_are_corrected_against_the_index_vocabulary(typo, meant):
    assert VOCABULARY.correct(typo) == meant
    parsed = parse_query(f"{typo} ", VOCABULARY, GLOSSARY)
    assert parsed.used_text == meant


def test_edit_budget_depends_on_length():
    assert max_edits("пвз") == 0
    assert max_edits("12345678") == 0
    assert max_edits("остаки") == 1
    assert max_edits("заблакировали") == 2


def test_short_words_and_numbers_are_never_corrected():
    assert VOCABULARY.correct("кот") is None
    assert parse_query("ошибка 428 ", VOCABULARY, GLOSSARY).used_text is None


def test_known_dictionary_words_are_not_corrected():
    # "погода" is a real word the index lacks: correcting it would invent a match.
    assert parse_query("погода ", VOCABULARY, GLOSSARY).used_text is None


def test_unfinished_last_word_matches_as_prefix():
    parsed = parse_query("возврат бра", VOCABULARY, GLOSSARY)
    last = parsed.words[-1]
    assert last.prefix
    assert "брак" in last.terms or "бракованный" in last.terms or "браковать" in last.terms


def test_earlier_words_match_whole():
    parsed = parse_query("бра возврат", VOCABULARY, GLOSSARY)
    assert not parsed.words[0].prefix
    assert parsed.words[0].terms == (lemma("бра"),)


def test_finished_query_has_no_prefix_word():
    parsed = parse_query("возврат брак ", VOCABULARY, GLOSSARY)
    assert not any(w.prefix for w in parsed.words)


def test_barcode_in_query_is_ignored_by_terms():
    parsed = parse_query("товар пропал шк 2039485716253 ", VOCABULARY, GLOSSARY)
    assert "2039485716253" not in parsed.all_terms()
    assert "g:шк" in parsed.all_terms()


def test_only_stop_words_leave_nothing_to_search():
    assert parse_query("как что мой", VOCABULARY, GLOSSARY).empty


def test_exact_mode_skips_layout_and_typo_fixes():
    parsed = parse_query("djpdhfn возрат ", VOCABULARY, GLOSSARY, exact=True)
    assert parsed.used_text is None


def test_corrections_are_put_back_in_their_own_places():
    # "ошибк" is also the start of the first word: only the second one may change.
    parsed = parse_query("ошибка ошибк ", VOCABULARY, GLOSSARY)
    assert parsed.used_text == "ошибка ошибка"
