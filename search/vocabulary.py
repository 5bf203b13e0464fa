"""The index's own word list: prefix completion and typo correction against real words.

Whoosh's FuzzyTerm walks the whole term dictionary (p95 over 500 ms at 10k documents),
so typos are corrected here instead: rapidfuzz compares the unknown word with indexed
words of similar length only, a few milliseconds even at 100k documents.
"""

from __future__ import annotations

import bisect
import math
import pickle
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.analysis import is_identifier, lemma, words

# Allowed edits by word length: short words have too many neighbours to guess safely
# ("пол"/"поле"), mid-length words tolerate one slip, long words two.
MIN_TYPO_LENGTH = 4
TWO_EDITS_FROM = 8
# How many lemmas one unfinished word may expand to; more only adds noise and time.
PREFIX_EXPANSIONS = 12
MIN_PREFIX = 2
MEMO_SIZE = 50_000


def max_edits(word: str) -> int:
    """How many edits a typo in `word` may be away from the meant word."""
    if word.isdigit() or len(word) < MIN_TYPO_LENGTH:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM else 1


@dataclass
class Vocabulary:
    """Surface words of the index with document frequencies and lemmas."""

    doc_count: int = 0
    word_df: dict[str, int] = field(default_factory=dict)
    word_lemma: dict[str, str] = field(default_factory=dict)
    lemma_df: dict[str, int] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)
    # (length, first letter) -> words: a typo seldom hits the first letter, and this cuts
    # the words compared per correction about thirtyfold.
    by_shape: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    _memo: dict[tuple[str, str], object] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, documents: Iterable[str], extra_words: Iterable[str] = ()) -> Vocabulary:
        """Count words over documents (one string per document)."""
        word_df: Counter[str] = Counter()
        count = 0
        for text in documents:
            count += 1
            word_df.update({w for w in words(text) if not is_identifier(w)})
        for w in extra_words:
            word_df[w] += 0 if w in word_df else 1
        return cls.from_counts(count, dict(word_df))

    @classmethod
    def from_counts(cls, doc_count: int, word_df: dict[str, int]) -> Vocabulary:
        """Derive the lookup tables from word document frequencies."""
        word_lemma = {w: lemma(w) for w in word_df}
        lemma_df: Counter[str] = Counter()
        for w, df in word_df.items():
            lemma_df[word_lemma[w]] = max(lemma_df[word_lemma[w]], df)
        by_shape: dict[tuple[int, str], list[str]] = {}
        for w in word_df:
            by_shape.setdefault((len(w), w[0]), []).append(w)
        return cls(doc_count, word_df, word_lemma, dict(lemma_df), sorted(word_df), by_shape)

    def _remember(self, kind: str, key: str, compute):
        """Memoise per-word look-ups: as-you-type repeats the same words on every key."""
        found = self._memo.get((kind, key), self)
        if found is self:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            found = self._memo[(kind, key)] = compute(key)
        return found

    def save(self, path: Path) -> None:
        """Write the vocabulary with its derived tables (deriving lemmas again is slow)."""
        tables = (self.doc_count, self.word_df, self.word_lemma, self.lemma_df, self.sorted_words)
        with path.open("wb") as fh:
            pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        """Read a vocabulary written by `save`."""
        with path.open("rb") as fh:
            doc_count, word_df, word_lemma, lemma_df, sorted_words = pickle.load(fh)  # noqa: S301
        by_shape: dict[tuple[int, str], list[str]] = {}
        for w in sorted_words:
            by_shape.setdefault((len(w), w[0]), []).append(w)
        return cls(doc_count, word_df, word_lemma, lemma_df, sorted_words, by_shape)

    def forget(self) -> None:
        """Drop memoised look-ups (benchmarks time them from cold)."""
        self._memo.clear()

    def __contains__(self, word: str) -> bool:
        return word in self.word_df

    def has_prefix(self, prefix: str) -> bool:
        """True when some indexed word starts with `prefix`."""
        i = bisect.bisect_left(self.sorted_words, prefix)
        return i < len(self.sorted_words) and self.sorted_words[i].startswith(prefix)

    def complete(self, prefix: str) -> list[str]:
        """Lemmas of indexed words starting with `prefix`, most frequent first."""
        return self._remember("complete", prefix, self._complete)

    def _complete(self, prefix: str, limit: int = PREFIX_EXPANSIONS) -> list[str]:
        if len(prefix) < MIN_PREFIX:
            return []
        i = bisect.bisect_left(self.sorted_words, prefix)
        best: dict[str, int] = {}
        while i < len(self.sorted_words) and self.sorted_words[i].startswith(prefix):
            w = self.sorted_words[i]
            lem = self.word_lemma[w]
            best[lem] = max(best.get(lem, 0), self.word_df[w])
            i += 1
        return sorted(best, key=lambda lem: -best[lem])[:limit]

    def correct(self, word: str) -> str | None:
        """The indexed word a typo most likely meant (closest, then most frequent), or None."""
        return self._remember("correct", word, self._correct)

    def _correct(self, word: str) -> str | None:
        edits = max_edits(word)
        if not edits:
            return None
        candidates: list[tuple[int, int, str]] = []
        for length in range(len(word) - edits, len(word) + edits + 1):
            pool = self.by_shape.get((length, word[0]))
            if not pool:
                continue
            for cand, dist, _ in process.extract(
                word, pool, scorer=OSA.distance, score_cutoff=edits, limit=8
            ):
                candidates.append((int(dist), -self.word_df[cand], cand))
        return min(candidates)[2] if candidates else None

    def idf(self, lemma_: str) -> float:
        """Inverse document frequency of a lemma (BM25 form, never negative)."""
        return self.idf_for_df(self.lemma_df.get(lemma_, 0))

    def idf_for_df(self, df: int) -> float:
        """Inverse document frequency of a term found in `df` documents (never negative)."""
        return max(0.0, math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5)))
