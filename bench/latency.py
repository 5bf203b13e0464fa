"""Latency benchmark: per-keystroke search time as the index grows, spravka vs SQLite FTS5.

    python bench/latency.py --docs 1000,10000,100000

Indexes the shipped content plus passages of ../shared/data/ruslit_scale as filler, then
replays the dev queries keystroke by keystroke (every prefix of each query, as a seller
types). Prints one JSON line per engine and size: build_s, index_mb, p50/p95/p99 in ms.
The result cache is bypassed: every keystroke is searched for real.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engines import Fts5, SpravkaEngine  # noqa: E402
from bench.relevance import kb_queries, percentile  # noqa: E402
from search.analysis import Glossary  # noqa: E402
from search.content import load_content  # noqa: E402
from search.decision import route_profiles  # noqa: E402
from search.index import IndexDoc  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
# ../shared beside the project (a worktree one level deeper finds it one level up).
SHARED = next(
    (p / "shared" for p in (PROJECT.parent, PROJECT.parent.parent) if (p / "shared").is_dir()),
    PROJECT.parent / "shared",
)
FILLER = SHARED / "data" / "ruslit_scale" / "corpus.jsonl.gz"


def filler_docs(count: int) -> list[IndexDoc]:
    """The first `count` passages of the scale corpus."""
    docs = []
    with gzip.open(FILLER, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, count):
            row = json.loads(line)
            docs.append(IndexDoc(f"ruslit/{row['id']}", row.get("title", ""), row.get("text", "")))
    return docs


def keystrokes(queries: list[str]) -> list[str]:
    """Every prefix of every query, as typed one key at a time."""
    return [q[:i] for q in queries for i in range(1, len(q) + 1)]


def dir_mb(path: Path) -> float:
    """Size of a folder in MB."""
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def measure(search, typed: list[str]) -> dict:
    """p50/p95/p99 of one search per keystroke in ms: wall clock, and CPU time of this thread
    (steadier when other work shares the machine's two cores)."""
    wall, cpu = [], []
    for text in typed:
        started, started_cpu = time.perf_counter(), time.thread_time()
        search(text)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    stats = {f"p{p}_ms": round(percentile(wall, p), 2) for p in (50, 95, 99)}
    stats.update({f"cpu_p{p}_ms": round(percentile(cpu, p), 2) for p in (50, 95, 99)})
    return stats


def main() -> None:
    """Build each size, replay keystrokes, print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=0, help="use only the first N dev queries")
    args = parser.parse_args()
    content, _ = load_content(PROJECT)
    kb = [IndexDoc.from_entry(e) for e in content.published()]
    glossary = Glossary.from_groups(content.glossary)
    profiles = route_profiles(content, glossary)
    queries = [q["query"] for q in kb_queries()]
    typed = keystrokes(queries[: args.queries] if args.queries else queries)
    for size in (int(s) for s in args.docs.split(",")):
        # Each engine answers the full dev queries once before timing, as a server that has
        # been up for a while would (dictionary and page caches warm, nothing memoised
        # for the prefixes that are then timed).
        docs = kb + filler_docs(max(0, size - len(kb)))
        # Keystrokes rank by words alone (web: source=instant), so no vectors are built.
        spravka = SpravkaEngine(docs, glossary, profiles, semantic=False)
        for q in queries:
            spravka.uncached(q, 10)
        spravka.runner.handle.vocabulary.forget()
        stats = measure(lambda t, e=spravka: e.uncached(t, 10), typed)
        print(
            json.dumps(
                {
                    "engine": "spravka",
                    "docs": len(docs),
                    "build_s": round(spravka.build_s, 1),
                    "index_mb": dir_mb(spravka.dir),
                    "keystrokes": len(typed),
                    **stats,
                }
            ),
            flush=True,
        )
        fts_dir = Path(tempfile.mkdtemp(prefix="bench-fts-"))
        fts = Fts5(docs, fts_dir / "fts.db")
        for q in queries:
            fts.search(q, 10)
        stats = measure(lambda t, e=fts: e.search(t, 10), typed)
        print(
            json.dumps(
                {
                    "engine": "fts5",
                    "docs": len(docs),
                    "build_s": round(fts.build_s, 1),
                    "index_mb": dir_mb(fts_dir),
                    "keystrokes": len(typed),
                    **stats,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
