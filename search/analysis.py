"""Russian text analysis: normalisation, tokens, lemmas, stop words and glossary synonyms.

The same `Analyzer` turns documents into index terms and queries into search terms, so
both sides always agree. Terms are pymorphy3 lemmas with ё folded to е; glossary groups
add one shared token (`g:<first member>`) wherever any member appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3

TOKEN = re.compile(r"[a-zа-я0-9]+(?:[.,][0-9]+)?")
# Numbers longer than this are identifiers (barcodes, supply and article numbers): they
# name one seller's item, never a help topic, so they must not steer ranking.
MAX_MEANINGFUL_DIGITS = 4

# Function words and seller small talk; lemmas. "не"/"нет" go too: the word they negate
# carries the topic ("не отвечает" → отвечать), and in a large index their posting lists
# cost more than everything else in the query. Kept: нельзя/после, which do tell topics apart.
STOP_LEMMAS = frozenset(
    """
    и в во что он на я с со как а то весь она так его но да ты к у же вы за бы по только
    её ее мне было вот от меня ещё еще о из ему теперь когда даже ну вдруг ли если уже или ни
    быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
    есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
    тогда кто этот того потому этого какой совсем ним здесь этом почти мой тем чтобы нее
    сейчас были куда зачем всех никогда можно при наконец об другой хоть над больше тот
    через эти нас про всего них какая много разве эту моя впрочем хорошо свой этой перед
    иногда лучше чуть том такой им более всегда конечно всю между это который наш ваш
    делать сделать здравствуйте добрый день пожалуйста подсказать помочь спасибо вообще
    очень просто почему зачем каков сколько какой-то что-то кто-то уже всё мочь хотеть не нет
    привет здравствовать уважаемый заранее благодарить ребята подскажите
    """.split()
)

_morph = pymorphy3.MorphAnalyzer()


def fold(text: str) -> str:
    """Lowercase and fold ё to е: the form every comparison uses."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """Folded word tokens of a text (letters and digits; `2fa`, `429`, `штрих`, `код`)."""
    return TOKEN.findall(fold(text))


@lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """The dictionary form of a folded word (Latin words and numbers stay as they are)."""
    if not word or not ("а" <= word[0] <= "я"):
        return word
    return fold(_morph.parse(word)[0].normal_form)


@lru_cache(maxsize=200_000)
def is_known_word(word: str) -> bool:
    """True when the Russian dictionary knows this word form."""
    return _morph.word_is_known(word)


def is_identifier(word: str) -> bool:
    """True for long numbers (barcodes, supply numbers): they never drive ranking."""
    return word.isdigit() and len(word) > MAX_MEANINGFUL_DIGITS


def is_stop(lemma_: str) -> bool:
    """True for function words that must not drive ranking."""
    return lemma_ in STOP_LEMMAS


@dataclass(frozen=True)
class Glossary:
    """Synonym groups as lemma sequences, each mapped to one shared token."""

    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first lemma -> (lemmas, token)

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]]) -> Glossary:
        """Build from groups of words/phrases (kb/glossary.yaml)."""
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group in groups:
            members = [tuple(lemma(w) for w in words(m)) for m in group]
            members = [m for m in members if m]
            if not members:
                continue
            token = "g:" + "_".join(members[0])
            for seq in members:
                by_first.setdefault(seq[0], []).append((seq, token))
        # Longest phrases first so "личный кабинет" wins over "кабинет".
        frozen = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in by_first.items()}
        return cls(frozen)

    def tokens_at(self, lemmas: list[str], start: int) -> list[tuple[str, int]]:
        """Glossary tokens whose phrase starts at `start`: (token, phrase length)."""
        found = []
        for seq, token in self.phrases.get(lemmas[start], ()):
            if tuple(lemmas[start : start + len(seq)]) == seq:
                found.append((token, len(seq)))
        return found

    def expand(self, lemmas: list[str]) -> list[str]:
        """The shared tokens of every glossary phrase found in a lemma sequence."""
        tokens: list[str] = []
        for i in range(len(lemmas)):
            tokens.extend(token for token, _ in self.tokens_at(lemmas, i))
        return tokens


EMPTY_GLOSSARY = Glossary({})


def index_terms(text: str, glossary: Glossary = EMPTY_GLOSSARY) -> list[str]:
    """Terms a document field is indexed under: content lemmas plus glossary tokens."""
    lemmas = [lemma(w) for w in words(text)]
    terms = [t for t in lemmas if not is_stop(t) and not is_identifier(t)]
    terms.extend(glossary.expand(lemmas))
    return terms
