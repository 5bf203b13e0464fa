"""Result snippets: the passage of a document that best matches the query, words marked."""

from __future__ import annotations

import html
import re

from search.analysis import fold, lemma

SNIPPET_CHARS = 220
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+")


class _Matcher:
    """Decides whether a word of a document matches the query; remembers every answer."""

    def __init__(self, terms: set[str], prefixes: tuple[str, ...]) -> None:
        self.terms = terms
        self.prefixes = prefixes
        self.memo: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self.memo.get(word)
        if found is None:
            folded = fold(word)
            found = lemma(folded) in self.terms or bool(
                self.prefixes and folded.startswith(self.prefixes)
            )
            self.memo[word] = found
        return found


def _best_passage(text: str, matches: _Matcher) -> str:
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return ""
    scores = [len({w for w in _WORD.findall(s) if matches(w)}) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    passage = sentences[best]
    for extra in sentences[best + 1 :]:
        if len(passage) + len(extra) > SNIPPET_CHARS:
            break
        passage += " " + extra
    return passage


def highlight(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Escape text and wrap words matching the query in <mark>."""
    return _highlight(text, _Matcher(terms, prefixes))


def _highlight(text: str, matches: _Matcher) -> str:
    out, pos = [], 0
    for m in _WORD.finditer(text):
        if matches(m.group()):
            out.append(html.escape(text[pos : m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def make_snippet(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """An HTML snippet (escaped, <mark> around matches) of at most ~SNIPPET_CHARS characters."""
    matches = _Matcher(terms, prefixes)
    passage = _best_passage(text, matches)
    if len(passage) > SNIPPET_CHARS:
        cut = passage.rfind(" ", 0, SNIPPET_CHARS)
        passage = passage[: cut if cut > 0 else SNIPPET_CHARS] + " …"
    return _highlight(passage, matches)
