"""Load benchmark: cold keystroke streams against `spravka serve --workers 1` and `--workers 2`.

    python bench/load.py [--clients 32] [--duration 36] [--workers 1 2] [--client auto|wrk|python]

Every question in ../shared/data/rutube_faq/queries-dev.jsonl becomes a stream of all its
prefixes (what search-as-you-type sends with no debounce), one visitor (cookie) per
stream. 32 clients send streams over keep-alive connections, one request at a time each.
Each configuration gets a fresh instance folder (empty caches, fresh SQLite) over one
index built beforehand, and replays the same streams from the start for `--duration`
seconds in all, in `--slices` slices alternating between the servers (shared-machine
load then falls on both alike; an idle server costs nothing). Every prefix is sent once
per server, and a stream cut off by the end of a slice goes on in the next one (same
cookie): the 25,498 prefixes last a server at 600 requests/s about 42 s, hence the
default duration of 36 s.

The client is wrk (bench/load.lua: 32 threads, one connection each) when it is installed
(Debian: `apt-get install wrk`), else 32 Python threads. The client shares the machine's
cores with the server, so on 2 cores its CPU per request C is taken from the second worker
(the ratio tends to 2S/(S+C) for the server's CPU per request S): measured here, S is
about 4 ms, C about 0.45 ms for the Python threads (which also hold one GIL: on a busy
machine they fall behind the server) and 0.17 ms for wrk. The output says which ran.
Prints requests/s, p50/p99 latency, errors, memory per worker (RSS and PSS, after the
run) and analytics drop reports seen in the server log, then the workers-2/workers-1 ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the project (a worktree one level deeper finds it one level up).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
QUERIES = SHARED / "data" / "rutube_faq" / "queries-dev.jsonl"
WRK_SCRIPT = ROOT / "bench" / "load.lua"
SEARCH = "/api/search?source=instant&q="


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
    """One Python client: takes the next stream, sends every prefix on one connection.

    A stream cut off by the end of a slice goes back to the front of the queue with its
    cookie, so the next slice goes on mid-stream as the same visitor (as wrk's state
    does): restarting streams would favour short, cheap prefixes.
    """

    def __init__(self, port: int, work: list, lock: threading.Lock, stop: float):
        super().__init__(daemon=True)
        self.port, self.work, self.lock, self.stop = port, work, lock, stop
        self.latencies: Counter[int] = Counter()  # microseconds -> count
        self.errors = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def run(self) -> None:
        while time.monotonic() < self.stop:
            with self.lock:
                if not self.work:
                    return
                prefixes, cookie = self.work.pop(0)
            for sent, prefix in enumerate(prefixes):
                if time.monotonic() >= self.stop:
                    with self.lock:
                        self.work.insert(0, (prefixes[sent:], cookie))
                    return
                cookie = self._search(prefix, cookie)

    def _search(self, prefix: str, cookie: str) -> str:
        headers = {"Cookie": cookie} if cookie else {}
        started = time.perf_counter()
        try:
            self.connection.request("GET", SEARCH + urllib.parse.quote(prefix), headers=headers)
            response = self.connection.getresponse()
            response.read()
            ok = response.status == 200
            set_cookie = response.getheader("Set-Cookie")
        except (OSError, http.client.HTTPException):
            ok, set_cookie = False, None
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.latencies[round((time.perf_counter() - started) * 1_000_000)] += 1
        self.errors += not ok
        return set_cookie.split(";", 1)[0] if set_cookie else cookie


class Slice:
    """What one slice measured: requests, seconds, errors and the latency histogram (µs)."""

    def __init__(self, requests=0, seconds=0.0, errors=0, latencies=None, exhausted=0) -> None:
        self.requests, self.seconds, self.errors = requests, seconds, errors
        self.latencies: Counter[int] = latencies if latencies is not None else Counter()
        self.exhausted = exhausted  # wrk threads that used up their share of the streams


class PythonClients:
    """32 Python threads sharing one queue of streams (the fallback without wrk)."""

    name = "python"

    def __init__(self, all_streams, tmp: Path, label: str) -> None:
        self.work = [(list(s), "") for s in all_streams]  # (prefixes left, cookie)
        self.lock = threading.Lock()

    def run_slice(self, port: int, clients: int, seconds: float) -> Slice:
        stop = time.monotonic() + seconds
        threads = [Client(port, self.work, self.lock, stop) for _ in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result = Slice(seconds=time.monotonic() - started)
        for thread in threads:
            result.requests += sum(thread.latencies.values())
            result.errors += thread.errors
            result.latencies.update(thread.latencies)
        return result


def write_plan(all_streams, clients: int, folder: Path) -> None:
    """bench/load.lua's plan: the streams dealt to `clients` threads, equal in prefixes,
    one file per thread (<n>.txt) so that each reads only its own.

    Longest stream first to the thread with the fewest prefixes (each thread then sends
    its share in the file's order), so that no thread runs dry long before the others.
    """
    shares: list[list[int]] = [[] for _ in range(clients)]
    sizes = [0] * clients
    for number in sorted(range(len(all_streams)), key=lambda n: -len(all_streams[n])):
        thread = sizes.index(min(sizes))
        shares[thread].append(number)
        sizes[thread] += len(all_streams[number])
    folder.mkdir()
    for thread, share in enumerate(shares, 1):
        with open(folder / f"{thread}.txt", "w", encoding="utf-8") as out:
            for number in sorted(share):
                out.write("#\n")
                out.writelines(SEARCH + urllib.parse.quote(p) + "\n" for p in all_streams[number])


class WrkClients:
    """wrk with bench/load.lua: one thread and one connection per client."""

    name = "wrk"

    def __init__(self, all_streams, tmp: Path, label: str) -> None:
        self.plan, self.out = tmp / "plan", tmp / "out.txt"  # the plan is shared
        self.state = tmp / f"state-{label}.txt"  # each server's own cursor in the streams
        self.streams = all_streams

    def run_slice(self, port: int, clients: int, seconds: float) -> Slice:
        if not self.plan.exists():
            write_plan(self.streams, clients, self.plan)
        command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{max(1, round(seconds))}s"]
        command += ["--timeout", "30s", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}"]
        command += ["--", str(self.plan), str(self.state), str(self.out)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return read_wrk(self.out)


def read_wrk(path: Path) -> Slice:
    """The numbers bench/load.lua's done() wrote."""
    result = Slice()
    for line in path.read_text().splitlines():
        name, *values = line.split()
        if name == "requests":
            result.requests = int(values[0])
        elif name == "duration_us":
            result.seconds = int(values[0]) / 1_000_000
        elif name == "errors":  # connect, read, write, HTTP status > 399, timeout
            result.errors = sum(map(int, values))
        elif name == "exhausted":
            result.exhausted = int(values[0])
        else:
            result.latencies[int(name)] += int(values[0])
    return result


def percentile(histogram: Counter[int], share: float) -> float:
    """The `share` percentile of a histogram of microseconds, in milliseconds."""
    total = sum(histogram.values())
    rank, seen = min(total - 1, int(share * total)), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen > rank:
            return value / 1000
    return 0.0


class Config:
    """One server (`--workers N`) with its own cursor in the streams and its measurements."""

    def __init__(self, workers: int, all_streams, index_dir: Path, tmp: Path, client) -> None:
        env = {
            **os.environ,
            "SPRAVKA_INSTANCE": str(tmp / f"instance-w{workers}"),
            "SPRAVKA_INDEX_DIR": str(index_dir),
            "SPRAVKA_DEMO_ACCOUNTS": "0",
            "PYTHONPATH": str(ROOT),
        }
        self.workers, self.log = workers, tmp / f"server-w{workers}.log"
        self.process, self.port = start_server(workers, env, self.log)
        self.clients = client(all_streams, tmp, f"w{workers}")
        self.total = Slice()

    def run_slice(self, clients: int, seconds: float) -> None:
        """Replay streams from where the last slice stopped, with `clients` clients."""
        part = self.clients.run_slice(self.port, clients, seconds)
        self.total.requests += part.requests
        self.total.seconds += part.seconds
        self.total.errors += part.errors
        self.total.latencies.update(part.latencies)
        self.total.exhausted = max(self.total.exhausted, part.exhausted)

    def finish(self) -> dict:
        memory = [memory_mb(pid) for pid in worker_pids(self.process.pid)]
        self.process.terminate()
        self.process.wait(timeout=30)
        total = self.total
        return {
            "workers": self.workers,
            "client": self.clients.name,
            "requests": total.requests,
            "seconds": round(total.seconds, 1),
            "rps": round(total.requests / total.seconds, 1) if total.seconds else 0.0,
            "p50_ms": round(percentile(total.latencies, 0.5), 1),
            "p99_ms": round(percentile(total.latencies, 0.99), 1),
            "errors": total.errors,
            "clients_out_of_streams": total.exhausted,
            "rss_mb_per_worker": [round(rss) for rss, _ in memory],
            "pss_mb_per_worker": [round(pss) for _, pss in memory],
            "analytics_drop_reports": self.log.read_text(errors="replace").count("dropped"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=36.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--slices", type=int, default=6, help="Alternating slices per server.")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from search.engine import SearchEngine
    from web.settings import load_settings

    wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    client = WrkClients if wrk else PythonClients
    all_streams = streams(args.queries)
    print(
        f"{len(all_streams)} streams, {sum(map(len, all_streams))} prefixes; "
        f"client {client.name} ({args.clients} clients); load {load_average()}"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        index_dir = tmp / "index"
        SearchEngine(
            Path(load_settings({"INSTANCE": str(tmp)})["CONTENT"]), index_dir
        ).ensure_index()
        configs = [Config(w, all_streams, index_dir, tmp, client) for w in args.workers]
        # Slices alternate between the servers (only one is loaded at a time), so load from
        # other processes on the machine falls on every configuration alike.
        for _ in range(args.slices):
            for config in configs:
                config.run_slice(args.clients, args.duration / args.slices)
        results = [config.finish() for config in configs]
    report(results)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def report(results: list[dict]) -> None:
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    if any(r["clients_out_of_streams"] for r in results):
        print("warning: some clients used up their streams; run with a shorter --duration")
    if len(results) >= 2 and results[0]["rps"]:
        ratio = results[-1]["rps"] / results[0]["rps"]
        print(
            f"workers {results[-1]['workers']} / workers {results[0]['workers']}: "
            f"{ratio:.2f}x requests/s; load after the run {load_average()}"
        )


if __name__ == "__main__":
    main()
