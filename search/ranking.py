"""Ranking: BM25F retrieval in Whoosh, then a re-rank by how much of the question is covered.

BM25F alone favours a document that repeats one query word; a help answer is right when
it covers the question's rare words. So the top candidates are re-scored with the share
of the query's idf mass they contain, overall and in the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from whoosh import scoring
from whoosh.query import And, Or, Query, Term

from search.index import IndexHandle
from search.query import ParsedQuery
from search.semantic import Similarity

# BM25F field weights. Titles are FAQ questions / article titles, written the way sellers
# ask, so a title match says most; tags are the editors' list of seller words and jargon;
# the body has the most words and so the most accidental matches.
TITLE_WEIGHT = 3.0
TAGS_WEIGHT = 2.0
# asked_as phrases are whole seller questions, written or approved by an editor for this
# one entry; but BM25F pools every phrase of an entry into one bag of words, so an entry
# with many learned phrasings matches any question that shares a word with one of them.
# Measured on the Rutube split (learn from one half, ask the other, bench --learn-half):
# at 1.0 questions about entries nobody taught fell from mrr 0.528 to 0.473, at 0.3 to
# 0.494, taught ones rose a little (0.587 -> 0.595); kb and fresh questions did not move.
# The phrases' full say is in re-ranking, phrase by phrase (_head_coverage, _similarity).
ASKED_AS_WEIGHT = 0.3
BODY_WEIGHT = 1.0
FIELD_WEIGHTS = {
    "title": TITLE_WEIGHT,
    "tags": TAGS_WEIGHT,
    "asked": ASKED_AS_WEIGHT,
    "body": BODY_WEIGHT,
}
LONG_FIELDS = frozenset({"body"})
# Most (field, term) pairs a query asks for are not in that field at all: glossary tokens
# and prefix guesses land in one field of four. In the short fields their absence is
# looked up in a set of the field's terms, so a query never builds a matcher for them
# (at 10k documents half the query's leaves were such, and each costs three term-
# dictionary probes). Bodies are left out: their term list is as large as the index.
SHORT_FIELDS = ("title", "tags", "asked")
# A term found in more than 0.5% of a field's documents (and in over 300 of them) is, for
# ranking, a stop word of this collection: its idf is tiny, yet walking its postings is
# most of a query's cost in a large index (at 100k documents such terms made the p95).
# A help center of a few thousand entries never reaches the floor, so this acts at
# scale only; the word still counts in the fields where it is rare.
COMMON_SHARE = 0.005
COMMON_FLOOR = 300
# Prefix expansions are guesses at the unfinished word: worth a little less than a word
# the seller finished typing.
EXPANSION_WEIGHT = 0.8
# Glossary tokens stand in for the typed word; equal weight would double-count it.
GLOSSARY_WEIGHT = 0.7
# Candidates taken from BM25F for re-ranking: the right answer for dev queries is always
# within the first 15; 25 leaves room while keeping stored-field reads (the main cost
# after matching) cheap.
CANDIDATES = 25
# Re-rank mix (sums to 1). Coverage decides most: on the dev queries it alone orders the
# right answer first more often than BM25F; BM25F breaks ties between covering documents.
W_BM25 = 0.25
W_COVERAGE = 0.25
W_HEAD_COVERAGE = 0.20
W_TITLE_COVERAGE = 0.10
W_SIMILARITY = 0.20
# Semantic fusion: final score = re-rank score / the best one + SEMANTIC_WEIGHT x the
# entry's standardised sentence similarity (search/semantic.py). Measured on the Rutube
# real questions (mrr@10; words alone 0.536, the model alone 0.58): 0.62 at 0.1, 0.64 at
# 0.2, 0.655-0.661 from 0.3 to 0.8. On the dev queries hit@1 is 1.0 at 0.3, 0.989 at 0.4
# and 0.5: the low end of the plateau, where real questions gain and written ones keep.
SEMANTIC_WEIGHT = 0.4
# When an entry's own title, tags or asked_as phrase hold every word of the question, the
# words have said what is asked and the model's say is halved: it reads past negation
# («поддержка не отвечает» came out closest to «поддержка отвечает ссылкой»). Measured:
# dev queries hit@1 0.989 -> 1.0; Rutube mrr@10 0.661 -> 0.656 (its questions seldom
# match a title word for word); 0.75 made more confident wrong answers on Rutube.
SEMANTIC_COVERED_DISCOUNT = 0.5
# Entries the sentence model ranks first join BM25F's candidates: the answer a seller
# asked for in other words shares no word with the question, so BM25F never offers it.
SEMANTIC_CANDIDATES = 10
# ...when they stand out: the model finds every text somewhat similar to every other, so
# a query about nothing here («зебромангуст», «погода в москве») still has a "best"
# entry. Measured (passage + head similarity, up to 2.0): such queries' best entry scores
# 1.56-1.67 and leads the collection's mean by 0.04-0.06 (0.09 in a 7-entry help center,
# whose mean says little); a real question's best entry scores 1.69 or more and leads by
# 0.09 or more (99 % of the Rutube questions, every shipped-content question tried).
SEMANTIC_MIN_SIMILARITY = 1.70
SEMANTIC_MIN_LIFT = 0.08
# BM25 parameters: short FAQ answers and long articles live in one index; b=0.75 keeps
# long articles from winning on length alone.
BM25 = scoring.BM25F(B=0.75, K1=1.2)


@dataclass
class Candidate:
    """A retrieved document with its ranking features."""

    id: str
    fields: dict
    bm25: float
    coverage: float = 0.0
    head_coverage: float = 0.0
    title_coverage: float = 0.0
    similarity: float = 0.0
    semantic: float | None = None  # standardised sentence similarity; None: not computed
    score: float = 0.0


def build_query(parsed: ParsedQuery, skipped: frozenset[tuple[str, str]] = frozenset()) -> Query:
    """Whoosh query: each word an OR of its terms over the fields, the words OR-ed together.

    (field, term) pairs in `skipped` are left out (see COMMON_SHARE and SHORT_FIELDS).
    """
    word_queries = []
    for word in parsed.words:
        alternatives = []
        for n, term in enumerate(word.terms):
            boost = GLOSSARY_WEIGHT if term.startswith("g:") else 1.0
            expansion = word.prefix and n > 0 and not term.startswith("g:")
            if expansion:
                boost = EXPANSION_WEIGHT
            for field, weight in FIELD_WEIGHTS.items():
                # Guesses at an unfinished word are looked up in the short fields only:
                # a prefix over bodies expands to thousands of postings in a large index.
                if (field in LONG_FIELDS and expansion) or (field, term) in skipped:
                    continue
                alternatives.append(Term(field, term, boost=weight * boost))
        word_queries.append(_union(alternatives))
    return _union(word_queries)


def _union(queries: list[Query]) -> Or:
    # Whoosh preloads every match into arrays for indexes under 5,000 documents; with
    # our many small term lists that cost ~2 ms a query, where merging the lists as a
    # tree of unions costs a fraction of it, at any size.
    union = Or(queries)
    union.matcher_type = Or.DEFAULT_MATCHER
    return union


def scope_filter(category: str | None, topic: str | None) -> Query | None:
    """A filter restricting results to a category and/or topic."""
    parts = []
    if category:
        parts.append(Term("category", category))
    if topic:
        parts.append(Term("topics", topic))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def retrieve(
    handle: IndexHandle,
    parsed: ParsedQuery,
    scope: Query | None,
    also: Sequence[str] = (),
) -> list[Candidate]:
    """BM25F candidates for a parsed query, then the documents `also` names (in scope)."""
    with handle.searcher() as searcher:
        skipped = skipped_pairs(handle, searcher, parsed)
        results = searcher.search(build_query(parsed, skipped), limit=CANDIDATES, filter=scope)
        found = [Candidate(hit["id"], hit.fields(), hit.score) for hit in results]
        if also:
            found += _named(searcher, also, {c.id for c in found}, scope)
        return found


def _named(searcher, ids: Sequence[str], seen: set[str], scope: Query | None) -> list[Candidate]:
    """Documents by id, with BM25F 0 (they matched no query term), inside the scope."""
    wanted = Or([Term("id", i) for i in ids if i not in seen])
    if not wanted.subqueries:
        return []
    results = searcher.search(wanted, limit=len(ids), filter=scope, scored=False)
    return [Candidate(hit["id"], hit.fields(), 0.0) for hit in results]


def offered(similarity: Similarity | None) -> list[str]:
    """The entries the sentence model alone would offer: its first SEMANTIC_CANDIDATES,
    those that stand out (SEMANTIC_MIN_SIMILARITY, SEMANTIC_MIN_LIFT)."""
    if similarity is None or not similarity.ids:
        return []
    raw = similarity.raw
    stands_out = (raw >= SEMANTIC_MIN_SIMILARITY) & (raw - raw.mean() >= SEMANTIC_MIN_LIFT)
    best = np.argsort(-similarity.standard)[:SEMANTIC_CANDIDATES]
    return [similarity.ids[i] for i in best if stands_out[i]]


def fuse(ranked: list[Candidate], similarity: Similarity | None) -> list[Candidate]:
    """Add each candidate's sentence similarity to its re-rank score; best first."""
    if not ranked or similarity is None:
        return ranked
    top = max(c.score for c in ranked) or 1.0
    # The discount is the query's: how fully the best-covering entry's head holds it.
    covered = max(c.head_coverage for c in ranked)
    weight = SEMANTIC_WEIGHT * (1 - SEMANTIC_COVERED_DISCOUNT * covered)
    for c in ranked:
        c.semantic = similarity.of(c.id)
        c.score = c.score / top + weight * c.semantic
    return sorted(ranked, key=lambda c: -c.score)


def skipped_pairs(handle: IndexHandle, searcher, parsed: ParsedQuery) -> frozenset[tuple[str, str]]:
    """(field, term) pairs the query leaves out: absent from a short field, or too common."""
    terms = parsed.all_terms()
    absent = {
        (field, term)
        for field in SHORT_FIELDS
        for term in terms.difference(handle.field_terms(field))
    }
    limit = max(COMMON_FLOOR, COMMON_SHARE * searcher.doc_count())
    # A field fewer documents have than the limit (asked_as among passages without it;
    # every field of a small help center) cannot hold a too-common term: skipping its
    # look-ups saves a term-dictionary probe per query term, as does skipping absent ones.
    fields = [f for f in FIELD_WEIGHTS if handle.docs_with(f) > limit]
    common = {
        (field, term)
        for term in terms
        for field in fields
        if (field, term) not in absent and searcher.doc_frequency(field, term) > limit
    }
    return frozenset(absent | common)


def rerank(parsed: ParsedQuery, candidates: list[Candidate]) -> list[Candidate]:
    """Score candidates by BM25F, query coverage and resemblance to the title; best first."""
    if not candidates:
        return []
    total = sum(w.weight for w in parsed.words) or 1.0
    top_bm25 = max(c.bm25 for c in candidates) or 1.0
    query_text = " ".join(w.terms[0] for w in parsed.words)
    for c in candidates:
        c.coverage = _coverage(parsed, c.fields.get("lemmas", ""), total)
        c.head_coverage = _head_coverage(parsed, c.fields, total)
        c.title_coverage = _coverage(parsed, c.fields.get("title_lemmas", ""), total)
        c.similarity = _similarity(query_text, c.fields)
        c.score = (
            W_BM25 * c.bm25 / top_bm25
            + W_COVERAGE * c.coverage
            + W_HEAD_COVERAGE * c.head_coverage
            + W_TITLE_COVERAGE * c.title_coverage
            + W_SIMILARITY * c.similarity
        )
    return sorted(candidates, key=lambda c: -c.score)


def _asked_phrases(fields: dict) -> list[str]:
    asked = fields.get("asked_terms", "")
    return asked.split("|") if asked else []


def _head_coverage(parsed: ParsedQuery, fields: dict, total: float) -> float:
    """Coverage by the title and tags, or by them with the one asked_as phrase that covers
    most: phrases are separate questions, so their words are not pooled (an entry with
    many learned phrasings would otherwise cover every question)."""
    head = set(fields.get("head_lemmas", "").split())
    best = _covered(parsed, head, total)
    for phrase in _asked_phrases(fields):
        best = max(best, _covered(parsed, head.union(phrase.split()), total))
    return best


def _similarity(query_text: str, fields: dict) -> float:
    """Resemblance of the query to the title or to the closest asked_as phrase (0..1)."""
    phrases = [fields.get("title_terms", "")]
    phrases += [
        " ".join(t for t in p.split() if not t.startswith("g:")) for p in _asked_phrases(fields)
    ]
    return max(fuzz.token_sort_ratio(query_text, p) for p in phrases) / 100


def _coverage(parsed: ParsedQuery, stored_terms: str, total: float) -> float:
    return _covered(parsed, set(stored_terms.split()), total)


def _covered(parsed: ParsedQuery, terms: set[str], total: float) -> float:
    """Share of the query's weight whose words some term in `terms` stands for."""
    return sum(w.weight for w in parsed.words if not terms.isdisjoint(w.terms)) / total
