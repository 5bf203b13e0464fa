"""Analytics overhead: /api/search latency with ANALYTICS_ENABLED on vs off, in one run.

    python bench/analytics_overhead.py [--rounds 5] [--database-url postgresql+psycopg://...]

Replays the dev queries (../shared/eval/dev-queries.yaml) through the Flask test client
of one app, alternating on and off per request so drift (CPU, caches) hits both alike.
Three modes alternate: off, on (written by the background writer, the default) and
on_sync (written inside the request). Each request comes from a fresh browser (a new visitor), as on the live site, so every
"on" request inserts a row and sets the session cookie. Prints one JSON line per mode
(p50/p95/p99/mean in ms) and a summary line with the p95 ratio on/off.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.relevance import kb_queries, percentile  # noqa: E402
from web.app import create_app  # noqa: E402

MODES = {
    "analytics_off": (False, False),
    "analytics_on": (True, True),
    "analytics_on_sync": (True, False),
}


def _timed(app, query: str, mode: str) -> float:
    app.config["ANALYTICS_ENABLED"], app.config["ANALYTICS_BACKGROUND"] = MODES[mode]
    client = app.test_client()
    start = time.perf_counter()
    response = client.get("/api/search", query_string={"q": query, "source": "instant"})
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"/api/search failed with {response.status_code} for {query!r}")
    return elapsed * 1000


def _summary(mode: str, times: list[float]) -> dict:
    return {
        "mode": mode,
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "p99_ms": round(percentile(times, 99), 3),
        "mean_ms": round(sum(times) / len(times), 3),
    }


def main() -> None:
    """Run the benchmark and print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev queries")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp folder")
    args = parser.parse_args()
    queries = [q["query"] for q in kb_queries()]
    with tempfile.TemporaryDirectory(prefix="spravka-bench-") as tmp:
        app = create_app(
            {
                "INSTANCE": tmp,
                "DATABASE_URL": args.database_url,
                "DEMO_ACCOUNTS": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        for query in queries[:20]:  # warm the index, the caches and the connection pool
            for mode in MODES:
                _timed(app, query, mode)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        order = list(MODES)
        for round_number in range(args.rounds):
            for n, query in enumerate(queries):
                shift = (n + round_number) % len(order)
                for mode in order[shift:] + order[:shift]:
                    times[mode].append(_timed(app, query, mode))
        writer = app.extensions.get("spravka.analytics_writer")
        if writer is not None:
            writer.flush()
        backend = app.config["DATABASE_URL"].split(":", 1)[0]
    stats = {mode: _summary(mode, values) for mode, values in times.items()}
    for line in stats.values():
        print(json.dumps({**line, "database": backend}))
    off = stats["analytics_off"]
    for mode in ("analytics_on", "analytics_on_sync"):
        on = stats[mode]
        summary = {
            "mode": f"summary {mode} vs off",
            "database": backend,
            "p95_ratio": round(on["p95_ms"] / off["p95_ms"], 3),
            "p95_added_ms": round(on["p95_ms"] - off["p95_ms"], 3),
            "p50_added_ms": round(on["p50_ms"] - off["p50_ms"], 3),
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
