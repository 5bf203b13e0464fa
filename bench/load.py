"""Load benchmark: cold keystroke streams against `spravka serve --workers 1` and `--workers 2`.

    python bench/load.py [--clients 32] [--duration 60] [--workers 1 2]

Every question in ../shared/data/rutube_faq/queries-dev.jsonl becomes a stream of all its
prefixes (what search-as-you-type sends with no debounce), one visitor (cookie) per
stream. 32 client threads take streams in turn over keep-alive connections. Each
configuration gets a fresh instance folder (empty caches, fresh SQLite) over one index
built beforehand, and replays the same streams from the start for `--duration` seconds
in all, in `--slices` slices alternating between the servers (shared-machine load then
falls on both alike; an idle server costs nothing).
Prints requests/s, p50/p99 latency, errors, memory per worker (RSS and PSS, after the
run) and analytics drop reports seen in the server log, then the workers-2/workers-1 ratio.
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
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the project (a worktree one level deeper finds it one level up).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
QUERIES = SHARED / "data" / "rutube_faq" / "queries-dev.jsonl"


def streams(path: Path) -> list[list[str]]:
    """Every prefix of every question, one list per question."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        query = json.loads(line)["query"]
        out.append([query[:n] for n in range(1, len(query) + 1)])
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/search?q=")
            connection.getresponse().read()
            if len(worker_pids(process.pid)) == workers:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def worker_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB: PSS shares the memory-mapped index fairly."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


class Client(threading.Thread):
    """One client: takes the next stream, sends every prefix on one keep-alive connection."""

    def __init__(self, port: int, work: list[list[str]], lock: threading.Lock, stop: float):
        super().__init__(daemon=True)
        self.port, self.work, self.lock, self.stop = port, work, lock, stop
        self.latencies: list[float] = []
        self.errors = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def run(self) -> None:
        while time.monotonic() < self.stop:
            with self.lock:
                if not self.work:
                    return
                stream = self.work.pop(0)
            cookie = ""
            for prefix in stream:
                if time.monotonic() >= self.stop:
                    return
                cookie = self._search(prefix, cookie)

    def _search(self, prefix: str, cookie: str) -> str:
        path = "/api/search?source=instant&q=" + urllib.parse.quote(prefix)
        headers = {"Cookie": cookie} if cookie else {}
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            response.read()
            ok = response.status == 200
            set_cookie = response.getheader("Set-Cookie")
        except (OSError, http.client.HTTPException):
            ok, set_cookie = False, None
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.latencies.append((time.perf_counter() - started) * 1000)
        self.errors += not ok
        return set_cookie.split(";", 1)[0] if set_cookie else cookie


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Config:
    """One server (`--workers N`) with its own cursor in the streams and its measurements."""

    def __init__(self, workers: int, all_streams, index_dir: Path, tmp: Path) -> None:
        env = {
            **os.environ,
            "SPRAVKA_INSTANCE": str(tmp / f"instance-w{workers}"),
            "SPRAVKA_INDEX_DIR": str(index_dir),
            "SPRAVKA_DEMO_ACCOUNTS": "0",
            "PYTHONPATH": str(ROOT),
        }
        self.workers, self.log = workers, tmp / f"server-w{workers}.log"
        self.process, self.port = start_server(workers, env, self.log)
        self.work = [list(s) for s in all_streams]  # each prefix is sent once: cold caches
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors, self.elapsed = 0, 0.0

    def run_slice(self, clients: int, seconds: float) -> None:
        """Replay streams from where the last slice stopped, with `clients` threads."""
        stop = time.monotonic() + seconds
        threads = [Client(self.port, self.work, self.lock, stop) for _ in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.elapsed += time.monotonic() - started
        self.latencies += [v for t in threads for v in t.latencies]
        self.errors += sum(t.errors for t in threads)

    def finish(self) -> dict:
        memory = [memory_mb(pid) for pid in worker_pids(self.process.pid)]
        self.process.terminate()
        self.process.wait(timeout=30)
        return {
            "workers": self.workers,
            "requests": len(self.latencies),
            "seconds": round(self.elapsed, 1),
            "rps": round(len(self.latencies) / self.elapsed, 1),
            "p50_ms": round(percentile(self.latencies, 0.5), 1),
            "p99_ms": round(percentile(self.latencies, 0.99), 1),
            "errors": self.errors,
            "rss_mb_per_worker": [round(rss) for rss, _ in memory],
            "pss_mb_per_worker": [round(pss) for _, pss in memory],
            "analytics_drop_reports": self.log.read_text(errors="replace").count("dropped"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--slices", type=int, default=6, help="Alternating slices per server.")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from search.engine import SearchEngine
    from web.settings import load_settings

    all_streams = streams(args.queries)
    print(
        f"{len(all_streams)} streams, {sum(map(len, all_streams))} prefixes; load {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        index_dir = tmp / "index"
        SearchEngine(
            Path(load_settings({"INSTANCE": str(tmp)})["CONTENT"]), index_dir
        ).ensure_index()
        configs = [Config(w, all_streams, index_dir, tmp) for w in args.workers]
        # Slices alternate between the servers (only one is loaded at a time), so load from
        # other processes on the machine falls on every configuration alike.
        for _ in range(args.slices):
            for config in configs:
                config.run_slice(args.clients, args.duration / args.slices)
        results = [config.finish() for config in configs]
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    if len(results) >= 2 and results[0]["rps"]:
        ratio = results[-1]["rps"] / results[0]["rps"]
        print(
            f"workers {results[-1]['workers']} / workers {results[0]['workers']}: {ratio:.2f}x requests/s"
        )


if __name__ == "__main__":
    main()
