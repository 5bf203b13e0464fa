"""Relevance benchmark: spravka vs whoosh-default vs SQLite FTS5, side by side in one run.

    python bench/relevance.py --kb
    python bench/relevance.py --kb --kb-queries bench/fresh-queries.yaml
    python bench/relevance.py --corpus ../shared/data/xquad_ru/corpus.jsonl \
                              --queries ../shared/data/xquad_ru/queries.jsonl
    python bench/relevance.py --corpus ../shared/data/rutube_faq/corpus.jsonl \
                              --queries ../shared/data/rutube_faq/queries-dev.jsonl --learn-half

Prints one JSON line per engine: hit@1, hit@3, hit@10, mrr@10, p50_ms, p95_ms; for spravka
also the deflection shares (correct `strong` of answerable questions, wrong `strong` of all
`strong`); with --kb also per query style, the handoff rate on no-answer queries and how
often the suggested dialog category is right.

--learn FILE feeds {"query","relevant_ids"} pairs (JSON lines or the dev-queries YAML)
through the learning path (search.learning → asked_as) before measuring; the peers get the
same queries appended to their entries' text. --learn-half splits the queries in two by a
hash of the query text, learns from one half and measures on the other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engines import Fts5, SpravkaEngine, WhooshDefault, docs_from_jsonl  # noqa: E402
from search.askedas import add_phrasings, merged  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.index import IndexDoc  # noqa: E402
from search.learning import learn_pairs, phrasings_by_entry  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
# ../shared beside the project (a worktree one level deeper finds it one level up).
SHARED = next(
    (p / "shared" for p in (PROJECT.parent, PROJECT.parent.parent) if (p / "shared").is_dir()),
    PROJECT.parent / "shared",
)
DEV_QUERIES = SHARED / "eval" / "dev-queries.yaml"


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


def kb_queries(path: Path = DEV_QUERIES) -> list[dict]:
    """Queries in the dev-queries YAML format as {"query","relevant_ids","style","category"}."""
    raw = yaml.safe_load(path.read_text())
    return [
        {
            "query": q["q"],
            "relevant_ids": q.get("relevant") or [],
            "style": q.get("style"),
            "category": q.get("category"),
        }
        for q in raw
    ]


def read_queries(path: Path) -> list[dict]:
    """Queries from JSON lines ({"query","relevant_ids"}) or the dev-queries YAML."""
    if path.suffix in (".yaml", ".yml"):
        return kb_queries(path)
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def split_half(queries: list[dict]) -> tuple[list[dict], list[dict]]:
    """(learn, measure): two halves chosen by a hash of the query text, stable across runs."""
    learn, measure = [], []
    for q in queries:
        digest = hashlib.sha256(q["query"].encode()).digest()
        (learn if digest[0] % 2 == 0 else measure).append(q)
    return learn, measure


def deflection_shares(strong: int, wrong_strong: int, answerable: int) -> dict:
    """Correct strong answers per answerable question; wrong strong per strong."""
    return {
        "strong_correct_of_answerable": round((strong - wrong_strong) / (answerable or 1), 3),
        "wrong_strong_share": round(wrong_strong / (strong or 1), 3),
        "strong": strong,
        "wrong_strong": wrong_strong,
    }


def corpus_deflection(search, queries: list[dict]) -> dict:
    """Deflection shares for any engine with `.result(query)` (every query is answerable)."""
    strong = wrong = 0
    for q in queries:
        result = search(q["query"])
        if result.match == "strong":
            strong += 1
            wrong += not result.hits or result.hits[0].id not in q["relevant_ids"]
    return deflection_shares(strong, wrong, sum(1 for q in queries if q["relevant_ids"]))


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
        **deflection_shares(strong, wrong_strong, len(queries) - no_answer),
        "strong_share": round(strong / len(queries), 3),
        "route_category_ok": round(route_ok / (routed or 1), 3),
    }


def taught_split(rows: list[dict], taught: set[str]) -> dict:
    """mrr@10 on questions about entries learning taught something, and on the others."""
    about = [r for r in rows if taught.intersection(map(str, r["relevant_ids"]))]
    others = [r for r in rows if not taught.intersection(map(str, r["relevant_ids"]))]
    return {
        "taught": len(about),
        "taught_mrr@10": summarize(about)["mrr@10"],
        "untaught_mrr@10": summarize(others)["mrr@10"],
    }


def learned_phrasings(pairs: list[dict]) -> dict[str, list[str]]:
    """What the learning path makes of imported pairs: entry id -> approved phrasings."""
    return phrasings_by_entry(learn_pairs(pairs))


def with_peer_text(docs: list[IndexDoc], pairs: list[dict]) -> list[IndexDoc]:
    """Peers' fairness: the learned queries appended to their entries' text."""
    extra: dict[str, list[str]] = defaultdict(list)
    for p in pairs:
        for rid in p["relevant_ids"][:1]:
            extra[str(rid)].append(p["query"])
    return [
        IndexDoc(d.id, d.title, d.body + "\n" + "\n".join(extra[d.id])) if extra.get(d.id) else d
        for d in docs
    ]


def learned_content_root(pairs: list[dict]) -> Path:
    """A copy of the shipped content with the learned phrasings written into asked_as."""
    root = Path(tempfile.mkdtemp(prefix="bench-learned-"))
    for folder in ("kb", "articles"):
        shutil.copytree(PROJECT / folder, root / folder)
    add_phrasings(root, learned_phrasings(pairs))
    return root


def run_kb(verbose: bool, path: Path, learn: list[dict], half: bool) -> None:
    """Queries in the dev-queries format against the shipped content."""
    queries = kb_queries(path)
    if half:
        more, queries = split_half(queries)
        learn = learn + [q for q in more if q["relevant_ids"]]
    root = learned_content_root(learn) if learn else PROJECT
    spravka = SearchEngine(root, Path(tempfile.mkdtemp(prefix="bench-kb-")), inline_texts=None)
    spravka.ensure_index()
    plain = SearchEngine(
        PROJECT, Path(tempfile.mkdtemp(prefix="bench-kb-plain-")), inline_texts=None
    )
    plain.ensure_index()
    docs = with_peer_text([IndexDoc.from_entry(e) for e in plain.content.published()], learn)

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


def run_corpus(
    corpus: Path, queries_path: Path, learn: list[dict], half: bool, verbose: bool
) -> None:
    """Any corpus of {"id","title","text"} with queries {"query","relevant_ids"}."""
    docs = docs_from_jsonl(
        json.loads(line) for line in corpus.read_text().splitlines() if line.strip()
    )
    queries = read_queries(queries_path)
    if half:
        more, queries = split_half(queries)
        learn = learn + more
    phrasings = learned_phrasings(learn)
    learned = [
        IndexDoc(**{**d.__dict__, "asked_as": tuple(merged(d.asked_as, phrasings[d.id]))})
        if d.id in phrasings
        else d
        for d in docs
    ]
    peers_docs = with_peer_text(docs, learn)
    spravka = SpravkaEngine(learned)
    lexical = SpravkaEngine(learned, semantic=False)
    engines = [spravka, lexical, WhooshDefault(peers_docs), Fts5(peers_docs)]
    if learn:  # the same questions with nothing learned: what learning itself adds
        engines.insert(1, SpravkaEngine(docs, name="spravka-nothing-learned"))
    taught = {str(i) for p in learn for i in p["relevant_ids"][:1]}
    for engine in engines:
        metrics, rows = evaluate(engine, queries)
        line = {"engine": engine.name, **metrics, "queries": len(queries), "learned": len(learn)}
        if isinstance(engine, SpravkaEngine):
            line.update(corpus_deflection(engine.result, queries))
        if learn:
            line.update(taught_split(rows, taught))
            if verbose:
                for r in rows:
                    if r["rank"] != 1:
                        print(
                            r["rank"],
                            r["query"][:90],
                            r["relevant_ids"],
                            r["ids"][:3],
                            file=sys.stderr,
                        )
        print(json.dumps(line, ensure_ascii=False))


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", action="store_true", help="dev queries against the shipped content")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument(
        "--kb-queries", type=Path, default=DEV_QUERIES, help="queries file for --kb (YAML)"
    )
    parser.add_argument("--learn", type=Path, help="pairs to learn from before measuring")
    parser.add_argument(
        "--learn-half",
        action="store_true",
        help="learn from one half of the queries (by hash of the text), measure the other",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every query to stderr")
    args = parser.parse_args()
    learn = read_queries(args.learn) if args.learn else []
    learn = [q for q in learn if q.get("relevant_ids")]
    if args.kb:
        run_kb(args.verbose, args.kb_queries, learn, args.learn_half)
    elif args.corpus and args.queries:
        run_corpus(args.corpus, args.queries, learn, args.learn_half, args.verbose)
    else:
        parser.error("give --kb or --corpus and --queries")


if __name__ == "__main__":
    main()
