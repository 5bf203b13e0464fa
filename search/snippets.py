"""Result snippets: the passage of a document that best matches the query, words marked."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import fold, lemma

SNIPPET_CHARS = 220
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+")


@dataclass(frozen=True)
class _Analysed:
    """A document's sentences and words, analysed once."""

    sentences: tuple[tuple[str, frozenset[str]], ...]  # sentence, its distinct words
    by_lemma: dict[str, frozenset[str]]  # lemma -> words of the text with that lemma
    folded: dict[str, str]  # word -> folded form, for prefix matches


@lru_cache(maxsize=4096)
def _analyse(text: str) -> _Analysed:
    # Cached: as-you-type shows the same few documents keystroke after keystroke.
    sentences = tuple((s, frozenset(_WORD.findall(s))) for s in _SENTENCE.split(text) if s.strip())
    by_lemma: dict[str, set[str]] = {}
    folded: dict[str, str] = {}
    for word in frozenset().union(*(w for _, w in sentences)):
        folded[word] = fold(word)
        by_lemma.setdefault(lemma(folded[word]), set()).add(word)
    return _Analysed(sentences, {k: frozenset(v) for k, v in by_lemma.items()}, folded)


def _matched(doc: _Analysed, terms: set[str], prefixes: tuple[str, ...]) -> set[str]:
    """Words of the document that match a query term, or begin with an unfinished word."""
    matched: set[str] = set()
    for term in terms:
        matched |= doc.by_lemma.get(term, frozenset())
    if prefixes:
        matched.update(w for w, f in doc.folded.items() if f.startswith(prefixes))
    return matched


def _best_passage(doc: _Analysed, matched: set[str]) -> str:
    if not doc.sentences:
        return ""
    scores = [len(words & matched) for _, words in doc.sentences]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    passage = doc.sentences[best][0]
    for extra, _ in doc.sentences[best + 1 :]:
        if len(passage) + len(extra) > SNIPPET_CHARS:
            break
        passage += " " + extra
    return passage


def _highlight(text: str, matched: set[str]) -> str:
    out, pos = [], 0
    for m in _WORD.finditer(text):
        if m.group() in matched:
            out.append(html.escape(text[pos : m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Escape text and wrap words matching the query in <mark>."""
    return _highlight(text, _matched(_analyse(text), terms, prefixes))


def make_snippet(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """An HTML snippet (escaped, <mark> around matches) of at most ~SNIPPET_CHARS characters."""
    doc = _analyse(text)
    matched = _matched(doc, terms, prefixes)
    passage = _best_passage(doc, matched)
    if len(passage) > SNIPPET_CHARS:
        cut = passage.rfind(" ", 0, SNIPPET_CHARS)
        passage = passage[: cut if cut > 0 else SNIPPET_CHARS] + " …"
    return _highlight(passage, matched)
