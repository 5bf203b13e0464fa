"""Keystroke-to-results latency of the instant search, measured in a real browser.

Serves the shipped content on a local port, types each dev query into the home page's
search box in headless Chromium (key by key, like a fast typist) and reads the
`spravka:results` performance measure search.js records: from the last `input` event
to the frame after the results were painted. That includes the ~100 ms debounce, the
/api/search round trip (with analytics recording) and, for strong matches, the
best-answer preview. Prints p50 / p95.

    python bench/ui_latency.py [--queries /work/shared/eval/dev-queries.yaml] [--delay 40]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def load_queries(path: Path) -> list[str]:
    """The `q` of every entry in a dev-queries YAML file."""
    return [item["q"] for item in yaml.safe_load(path.read_text()) if item.get("q", "").strip()]


def serve(instance: str):
    """The app on the shipped content, on a free port, in a background thread."""
    app = create_app({"INSTANCE": instance, "DEMO_ACCOUNTS": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def measure(page, query: str, delay: float) -> float:
    """Type one query into a cleared box; milliseconds from the last keystroke to painted."""
    page.fill("#q", "")
    page.evaluate(
        "() => { performance.clearMeasures('spravka:results');"
        " document.querySelector('[data-instant]').removeAttribute('data-rendered-query'); }"
    )
    page.wait_for_timeout(150)
    page.type("#q", query, delay=delay)
    page.wait_for_selector("[data-instant][data-rendered-query]", state="attached")
    page.wait_for_function(
        "q => document.querySelector('[data-instant]').dataset.renderedQuery === q",
        arg=query.strip(),
    )
    entries = page.evaluate(
        "() => performance.getEntriesByName('spravka:results').map(e => e.duration)"
    )
    return entries[-1]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[rank - 1]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=Path("/work/shared/eval/dev-queries.yaml"))
    parser.add_argument("--delay", type=float, default=40.0, help="ms between keystrokes")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "test-artifacts")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory() as instance, sync_playwright() as playwright:
        server, url = serve(instance)
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )
        page = browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 900})
        page.goto(url + "/")
        measure(page, "прогрев", args.delay)
        timings = [measure(page, q, args.delay) for q in queries]
        args.screenshot.mkdir(exist_ok=True)
        measure(page, "сколько ждать ответа от поддержки", args.delay)
        page.screenshot(path=str(args.screenshot / "home-results-shipped.png"), full_page=True)
        browser.close()
        server.shutdown()
    print(f"queries: {len(timings)}  keystroke delay: {args.delay:.0f} ms  debounce included")
    print(f"last keystroke → results painted: p50 {percentile(timings, 0.5):.0f} ms, "
          f"p95 {percentile(timings, 0.95):.0f} ms, mean {statistics.mean(timings):.0f} ms, "
          f"max {max(timings):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
