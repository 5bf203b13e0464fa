"""The engines compared by the benchmarks: spravka, whoosh-default and SQLite FTS5.

Every engine indexes the same documents ({"id","title","text"}) and answers
`search(query, limit) -> list of ids`; spravka also gives its deflection decision.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from search.analysis import Glossary
from search.engine import QueryRunner
from search.index import IndexDoc, IndexHandle, build_index
from search.ranking import BM25


class SpravkaEngine:
    """Spravka's own index and query pipeline over arbitrary documents."""

    name = "spravka"

    def __init__(
        self,
        docs: list[IndexDoc],
        glossary: Glossary | None = None,
        profiles=(),
        semantic: bool = True,
        name: str | None = None,
    ) -> None:
        self.semantic = semantic
        self.name = name or ("spravka" if semantic else "spravka-lexical")
        self.dir = Path(tempfile.mkdtemp(prefix="bench-spravka-"))
        started = time.perf_counter()
        # inline=None: every vector before measuring (a server would add them after publishing).
        build_index(self.dir, docs, glossary or Glossary({}), semantic=semantic, inline=None)
        self.build_s = time.perf_counter() - started
        self.runner = QueryRunner(
            IndexHandle(self.dir, BM25), glossary or Glossary({}), list(profiles)
        )

    def search(self, query: str, limit: int = 10) -> list[str]:
        return [h.id for h in self.result(query, limit).hits]

    def result(self, query: str, limit: int = 10):
        return self.runner.run(query, limit, semantic=self.semantic)

    def uncached(self, query: str, limit: int = 10):
        """Search bypassing the result cache (latency measurements)."""
        return self.runner._run(query, limit, None, None, False, self.semantic)


class WhooshDefault:
    """Whoosh out of the box: LanguageAnalyzer('ru'), BM25F, OR query over title and text."""

    name = "whoosh-default"

    def __init__(self, docs: list[IndexDoc]) -> None:
        self.dir = tempfile.mkdtemp(prefix="bench-whoosh-")
        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=LanguageAnalyzer("ru")),
            text=TEXT(analyzer=LanguageAnalyzer("ru")),
        )
        started = time.perf_counter()
        ix = whoosh_index.create_in(self.dir, schema)
        writer = ix.writer(limitmb=256)
        for d in docs:
            writer.add_document(id=d.id, title=d.title, text=d.body)
        writer.commit()
        self.build_s = time.perf_counter() - started
        self.searcher = ix.searcher(weighting=scoring.BM25F())
        self.parser = MultifieldParser(["title", "text"], schema, group=OrGroup)

    def search(self, query: str, limit: int = 10) -> list[str]:
        q = self.parser.parse(re.sub(r"[^\w\s]", " ", query))
        return [hit["id"] for hit in self.searcher.search(q, limit=limit)]


class Fts5:
    """SQLite FTS5: unicode61 remove_diacritics 2, bm25, OR of terms, last term as prefix."""

    name = "fts5"

    def __init__(self, docs: Iterable[IndexDoc], path: Path | None = None) -> None:
        started = time.perf_counter()
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.body) for d in docs)
        )
        self.db.commit()
        self.build_s = time.perf_counter() - started

    def search(self, query: str, limit: int = 10) -> list[str]:
        tokens = re.findall(r"\w+", query.lower())[:32]
        if not tokens:
            return []
        terms = [f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*']
        sql = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?"
        return [row[0] for row in self.db.execute(sql, (" OR ".join(terms), limit))]


def docs_from_jsonl(rows: Iterable[dict]) -> list[IndexDoc]:
    """IndexDocs from {"id","title","text"} records."""
    return [IndexDoc(str(r["id"]), r.get("title", ""), r.get("text", "")) for r in rows]
