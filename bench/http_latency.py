"""HTTP latency of /api/search on the shipped content, keystroke by keystroke.

    python bench/http_latency.py [--rounds 1]

Starts `spravka serve` in a subprocess on a free loopback port with a temporary instance
folder, replays every prefix of every dev query as a seller types, and prints one JSON
line per endpoint: the search, and as the baseline in the same run an empty query (the
same Flask, JSON and analytics path without the search). The ratio is what to compare
between runs on a noisy machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import keystrokes  # noqa: E402
from bench.relevance import kb_queries, percentile  # noqa: E402


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, instance: str) -> subprocess.Popen:
    """`spravka serve` in a subprocess; returns once it answers."""
    env = {**os.environ, "SPRAVKA_INSTANCE": instance, "SPRAVKA_DEMO_ACCOUNTS": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(port, "/api/search?q=")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def get(port: int, path: str) -> float:
    """One GET on a new connection; returns milliseconds until the body is read."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} -> {response.status}")
    return (time.perf_counter() - started) * 1000


def replay(port: int, paths: list[str]) -> dict:
    """p50/p95/p99 over the paths."""
    times = [get(port, p) for p in paths]
    return {f"p{p}_ms": round(percentile(times, p), 2) for p in (50, 95, 99)}


def main() -> None:
    """Start the server, replay, print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    typed = keystrokes([q["query"] for q in kb_queries()]) * args.rounds
    search_paths = ["/api/search?" + urlencode({"q": t, "source": "instant"}) for t in typed]
    port = free_port()
    proc = start_server(port, tempfile.mkdtemp(prefix="bench-http-"))
    try:
        baseline = replay(port, ["/api/search?q="] * len(typed))
        search = replay(port, search_paths)
    finally:
        proc.terminate()
        proc.wait(10)
    print(json.dumps({"endpoint": "baseline (empty query)", "requests": len(typed), **baseline}))
    ratio = round(search["p95_ms"] / baseline["p95_ms"], 2)
    print(
        json.dumps(
            {"endpoint": "/api/search", "requests": len(typed), **search, "p95_vs_baseline": ratio}
        )
    )


if __name__ == "__main__":
    main()
