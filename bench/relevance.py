"""Relevance benchmark: spravka vs whoosh-default vs SQLite FTS5, side by side in one run.

    python bench/relevance.py --kb
    python bench/relevance.py --corpus ../shared/data/xquad_ru/corpus.jsonl \
                              --queries ../shared/data/xquad_ru/queries.jsonl

Prints one JSON line per engine: hit@1, hit@3, hit@10, mrr@10, p50_ms, p95_ms; with --kb
also per query style, the handoff rate on no-answer queries, the share of wrong `strong`
answers and how often the suggested dialog category is right.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engines import Fts5, SpravkaEngine, WhooshDefault, docs_from_jsonl  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.index import IndexDoc  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
DEV_QUERIES = PROJECT.parent / "shared" / "eval" / "dev-queries.yaml"


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def evaluate(engine, queries: list[dict]) -> tuple[dict, list[dict]]:
    """Run every query once; return aggregate metrics and per-query rows."""
    rows, times = [], []
    for q in queries:
        started = time.perf_counter()
        ids = engine.search(q["query"], 10)
        times.append((time.perf_counter() - started) * 1000)
        relevant = set(q["relevant_ids"])
        rank = next((i + 1 for i, x in enumerate(ids) if x in relevant), None)
        rows.append({**q, "ids": ids, "rank": rank})
    answerable = [r for r in rows if r["relevant_ids"]]
    metrics = summarize(answerable)
    metrics.update(
        {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}
    )
    return metrics, rows


def summarize(rows: list[dict]) -> dict:
    """hit@k and mrr@10 over rows that have a rank (or None)."""
    n = len(rows) or 1

    def hit(k: int) -> float:
        return round(sum(1 for r in rows if r["rank"] and r["rank"] <= k) / n, 3)

    mrr = sum(1 / r["rank"] for r in rows if r["rank"] and r["rank"] <= 10) / n
    return {"hit@1": hit(1), "hit@3": hit(3), "hit@10": hit(10), "mrr@10": round(mrr, 3)}


def kb_queries() -> list[dict]:
    """The dev queries as {"query","relevant_ids","style","category"}."""
    raw = yaml.safe_load(DEV_QUERIES.read_text())
    return [
        {
            "query": q["q"],
            "relevant_ids": q.get("relevant") or [],
            "style": q.get("style"),
            "category": q.get("category"),
        }
        for q in raw
    ]


def deflection_report(engine: SearchEngine, queries: list[dict], verbose: bool) -> dict:
    """Handoff on no-answer queries, wrong strong answers, category suggestions."""
    strong = wrong_strong = handoff = no_answer = route_ok = routed = 0
    for q in queries:
        result = engine.search(q["query"], limit=10)
        top = result.hits[0].id if result.hits else None
        if result.match == "strong":
            strong += 1
            wrong_strong += top not in q["relevant_ids"]
        if not q["relevant_ids"]:
            no_answer += 1
            handoff += result.match != "strong"
            routed += 1
            route_ok += result.decision.category == q["category"]
        if verbose:
            ok = (
                "ok "
                if (top in q["relevant_ids"])
                or (not q["relevant_ids"] and result.match != "strong")
                else "BAD"
            )
            print(
                f"{ok} {result.match:6} {result.decision.confidence:.2f} {q['query'][:50]!r:55} -> {top} "
                f"(want {q['relevant_ids'][:1] or q['category']}; route {result.decision.category}) "
                f"used={result.used_query!r}",
                file=sys.stderr,
            )
    return {
        "handoff_no_answer": round(handoff / (no_answer or 1), 3),
        "wrong_strong_share": round(wrong_strong / (strong or 1), 3),
        "strong_share": round(strong / len(queries), 3),
        "route_category_ok": round(route_ok / (routed or 1), 3),
    }


def run_kb(verbose: bool) -> None:
    """Dev queries against the shipped content."""
    queries = kb_queries()
    spravka = SearchEngine(PROJECT, Path(tempfile.mkdtemp(prefix="bench-kb-")))
    spravka.ensure_index()
    docs = [IndexDoc.from_entry(e) for e in spravka.content.published()]

    class KbSpravka:
        name = "spravka"

        def search(self, query: str, limit: int = 10) -> list[str]:
            return [h.id for h in spravka.search(query, limit=limit).hits]

    for engine in (KbSpravka(), WhooshDefault(docs), Fts5(docs)):
        metrics, rows = evaluate(engine, queries)
        by_style = defaultdict(list)
        for r in rows:
            if r["relevant_ids"]:
                by_style[r["style"]].append(r)
        line = {
            "engine": engine.name,
            **metrics,
            "by_style": {s: summarize(rs) for s, rs in sorted(by_style.items())},
        }
        if engine.name == "spravka":
            line.update(deflection_report(spravka, queries, verbose))
        print(json.dumps(line, ensure_ascii=False))


def run_corpus(corpus: Path, queries_path: Path) -> None:
    """Any corpus of {"id","title","text"} with queries {"query","relevant_ids"}."""
    docs = docs_from_jsonl(
        json.loads(line) for line in corpus.read_text().splitlines() if line.strip()
    )
    queries = [json.loads(line) for line in queries_path.read_text().splitlines() if line.strip()]
    for engine in (SpravkaEngine(docs), WhooshDefault(docs), Fts5(docs)):
        metrics, _ = evaluate(engine, queries)
        print(json.dumps({"engine": engine.name, **metrics}, ensure_ascii=False))


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", action="store_true", help="dev queries against the shipped content")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every query to stderr")
    args = parser.parse_args()
    if args.kb:
        run_kb(args.verbose)
    elif args.corpus and args.queries:
        run_corpus(args.corpus, args.queries)
    else:
        parser.error("give --kb or --corpus and --queries")


if __name__ == "__main__":
    statistics  # noqa: B018 - keep import for percentile readers
    main()
