"""As-you-type in Chromium: keystrokes rank by words, a pause brings the ranking by meaning."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

# Shares no word with «Сколько времени есть на ответ по заявке на возврат?»: words alone
# put another returns entry first, the sentence model puts this one first.
OTHER_WORDS = "сколько дней даётся, чтобы среагировать на просьбу клиента вернуть вещь"


def test_a_pause_in_typing_brings_the_answer_found_by_meaning(page, live_server, engine):
    assert engine.search(OTHER_WORDS, semantic=False).hits[0].id != "buyer-returns/deadline"
    asked: list[dict] = []
    page.on(
        "request",
        lambda r: asked.append(parse_qs(urlparse(r.url).query)) if "/api/search" in r.url else None,
    )
    page.goto(live_server("/"))
    page.locator("#q").press_sequentially(OTHER_WORDS, delay=15)
    first = page.locator("[data-instant] .best__title a, [data-instant] .result__link").first
    expect(first).to_have_attribute("href", "/q/buyer-returns/deadline", timeout=10_000)
    keystrokes = [a for a in asked if "settled" not in a]
    settled = [a for a in asked if a.get("settled") == ["1"]]
    assert len(keystrokes) >= 3 and all(a["source"] == ["instant"] for a in keystrokes)
    # One settled request per pause, for the whole query, not one per key.
    assert len(settled) == 1 and settled[0]["q"] == [OTHER_WORDS]


def test_the_settled_request_follows_a_burst_whose_last_key_waited(page, live_server):
    """Keystroke answers held: every key after the first waits in a burst, the last one
    too, and the settled request must still follow it."""
    held = []

    def hold_keystrokes(route):
        if "settled" in parse_qs(urlparse(route.request.url).query):
            route.continue_()
        else:
            held.append(route)  # still out when the next key comes: a burst

    page.route("**/api/search?*", hold_keystrokes)
    page.goto(live_server("/"))
    page.locator("#q").press_sequentially(OTHER_WORDS, delay=5)
    first = page.locator("[data-instant] .best__title a, [data-instant] .result__link").first
    expect(first).to_have_attribute("href", "/q/buyer-returns/deadline", timeout=10_000)
    # Only the settled answer was painted: the page still says which question it shows.
    expect(page.locator("[data-instant]")).to_have_attribute("data-rendered-query", OTHER_WORDS)
    # The first key went at once; the last one waited in the burst and was sent too.
    assert len(held) >= 2
    assert parse_qs(urlparse(held[-1].request.url).query)["q"] == [OTHER_WORDS]
    for route in held:
        with contextlib.suppress(Exception):  # the browser aborted them: newer keys came
            route.abort()
