"""Result snippets: the passage of a document that best matches the query, words marked."""

from __future__ import annotations

import html
import re

from search.analysis import fold, lemma

SNIPPET_CHARS = 220
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+")


def _matches(word: str, terms: set[str], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word)
    return lemma(folded) in terms or (bool(prefixes) and folded.startswith(prefixes))


def _best_passage(text: str, terms: set[str], prefixes: tuple[str, ...]) -> str:
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return ""
    scores = [
        len({fold(w) for w in _WORD.findall(s) if _matches(w, terms, prefixes)}) for s in sentences
    ]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    passage = sentences[best]
    for extra in sentences[best + 1 :]:
        if len(passage) + len(extra) > SNIPPET_CHARS:
            break
        passage += " " + extra
    return passage


def highlight(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Escape text and wrap words matching the query in <mark>."""
    out, pos = [], 0
    for m in _WORD.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        word = html.escape(m.group())
        out.append(f"<mark>{word}</mark>" if _matches(m.group(), terms, prefixes) else word)
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def make_snippet(text: str, terms: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """An HTML snippet (escaped, <mark> around matches) of at most ~SNIPPET_CHARS characters."""
    passage = _best_passage(text, terms, prefixes)
    if len(passage) > SNIPPET_CHARS:
        cut = passage.rfind(" ", 0, SNIPPET_CHARS)
        passage = passage[: cut if cut > 0 else SNIPPET_CHARS] + " …"
    return highlight(passage, terms, prefixes)
