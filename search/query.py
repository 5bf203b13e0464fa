"""From what the seller typed to search terms: layout fix, typo correction, lemmas, prefix.

The query is built in code (not by a query parser), word by word, against the index's
own vocabulary: a Latin chunk is retyped in Cyrillic only when that gives real words, a
word is corrected only when neither the index nor the dictionary knows it, and the
unfinished last word expands to the indexed words it begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.analysis import (
    TOKEN,
    Glossary,
    fold,
    is_identifier,
    is_known_word,
    is_stop,
    lemma,
    words,
)
from search.layout import looks_cyrillic_typed, looks_latin_typed, to_cyrillic, to_latin
from search.vocabulary import Vocabulary

# A word nobody indexed still says something about the question; count it like a rare
# word (df = 1) so that answers covering only part of the question rank lower...
UNKNOWN_DF = 1
# ...but only half as much: slang, diminutives and rare forms the index never saw would
# otherwise make every answer look like it misses most of the question (one unknown
# word turned a right top answer into `none`). Relaxing it keeps the known words in charge.
UNKNOWN_SHARE = 0.5
# Pasted links say where the seller was, not what they ask; their pieces (https, ru,
# info) would match at random.
LINK = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)


@dataclass
class QueryWord:
    """One meaningful word of the query with the index terms that stand for it."""

    typed: str  # folded, after layout fix
    used: str  # after typo correction
    terms: tuple[str, ...]  # lemmas and glossary tokens, searched as alternatives
    weight: float  # idf: how much matching this word says
    prefix: bool = False


@dataclass
class ParsedQuery:
    """A query ready to search: its words, the text actually searched, a normalised key."""

    text: str
    used_text: str | None = None
    words: list[QueryWord] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing searchable is left (only stop words, numbers or nothing)."""
        return not self.words

    @property
    def normalized(self) -> str:
        """Lemmas of the meaningful words: one key for `возрат`, `возврат` and `djpdhfn`."""
        return " ".join(w.terms[0] for w in self.words if w.terms)

    def all_terms(self) -> set[str]:
        """Every term any word stands for."""
        return {t for w in self.words for t in w.terms}


def parse_query(
    text: str, vocabulary: Vocabulary, glossary: Glossary, exact: bool = False
) -> ParsedQuery:
    """Analyse raw query text against the index vocabulary (`exact`: no layout/typo fixes)."""
    open_end = bool(text) and not text[-1].isspace() and text[-1] not in ".?!"
    text = " ".join(LINK.sub(" ", text).split())
    fixed = text if exact else fix_layout(text, vocabulary, open_end)
    tokens = words(fixed)
    used = list(tokens)
    for i, token in enumerate(tokens):
        # The unfinished last word is a prefix; correct it only when nothing starts so.
        last_open = open_end and i == len(tokens) - 1 and vocabulary.has_prefix(token)
        if not exact and not last_open and _needs_correction(token, vocabulary, glossary):
            used[i] = vocabulary.correct(token) or token
    parsed = ParsedQuery(text=text)
    parsed.words = _query_words(tokens, used, open_end, vocabulary, glossary)
    rewritten = _rewrite(fixed, tokens, used)
    if fold(rewritten) != fold(text):
        parsed.used_text = rewritten
    return parsed


def fix_layout(text: str, vocabulary: Vocabulary, open_end: bool) -> str:
    """Retype chunks typed on the wrong keyboard layout, when that gives real words."""
    chunks = text.split(" ")
    for i, chunk in enumerate(chunks):
        last_open = open_end and i == len(chunks) - 1
        chunks[i] = _fix_chunk(chunk, vocabulary, last_open)
    return " ".join(chunks)


def _fix_chunk(chunk: str, vocabulary: Vocabulary, last_open: bool) -> str:
    raw = words(chunk)
    if not raw or all(w in vocabulary or w.isdigit() for w in raw):
        return chunk
    if looks_latin_typed(chunk):
        candidate = to_cyrillic(chunk)
    elif looks_cyrillic_typed(chunk) and not all(is_known_word(w) for w in raw):
        candidate = to_latin(chunk)
    else:
        return chunk
    converted = words(candidate)
    if converted and all(_real_word(w, vocabulary, last_open) for w in converted):
        return candidate
    # `ntdfh` is `тевар`: a typo typed on the wrong layout. Retype it when every word is
    # then a typo of an indexed word, so the line «Показаны результаты по запросу» shows
    # the whole query converted and corrected, never a Latin word left in a Russian query.
    if (
        looks_latin_typed(chunk)
        and converted
        and all(_typo_of_word(w, vocabulary) for w in converted)
    ):
        return candidate
    return chunk


def _typo_of_word(word: str, vocabulary: Vocabulary) -> bool:
    return "а" <= word[:1] <= "я" and vocabulary.correct(word) is not None


def _real_word(word: str, vocabulary: Vocabulary, last_open: bool) -> bool:
    if word in vocabulary or word.isdigit():
        return True
    if last_open and len(word) >= 3 and vocabulary.has_prefix(word):
        return True
    return "а" <= word[:1] <= "я" and len(word) > 2 and is_known_word(word)


def _needs_correction(word: str, vocabulary: Vocabulary, glossary: Glossary) -> bool:
    if word in vocabulary or word.isdigit() or is_identifier(word):
        return False
    if lemma(word) in glossary.phrases:
        return False
    return not is_known_word(word)


def _query_words(
    typed: list[str], used: list[str], open_end: bool, vocabulary: Vocabulary, glossary: Glossary
) -> list[QueryWord]:
    lemmas = [lemma(w) for w in used]
    result = []
    for i, word in enumerate(used):
        if is_identifier(word) or is_stop(lemmas[i]):
            continue
        prefix = open_end and i == len(used) - 1
        terms = [lemmas[i]]
        if prefix:
            terms += [t for t in vocabulary.complete(word) if t != lemmas[i]]
        glossary_terms = [tok for tok, _ in glossary.tokens_at(lemmas, i)]
        for t in terms[1:]:
            glossary_terms += [tok for tok, n in glossary.tokens_at([t], 0) if n == 1]
        terms += [t for t in dict.fromkeys(glossary_terms) if t not in terms]
        result.append(QueryWord(typed[i], word, tuple(terms), _weight(terms, vocabulary), prefix))
    return result


def _weight(terms: list[str], vocabulary: Vocabulary) -> float:
    known = [vocabulary.idf(t) for t in terms if t in vocabulary.lemma_df]
    return max(known) if known else UNKNOWN_SHARE * vocabulary.idf_for_df(UNKNOWN_DF)


def _rewrite(fixed: str, tokens: list[str], used: list[str]) -> str:
    """The fixed text with corrected words put back in their places."""
    out = fold(fixed)
    matches = list(TOKEN.finditer(out))
    for match, typed, corrected in reversed(list(zip(matches, tokens, used, strict=True))):
        if typed != corrected:
            out = out[: match.start()] + corrected + out[match.end() :]
    return out
