"""Background analytics writes: events arrive in order after the response, nothing is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from web.analytics.recording import Event
from web.analytics.writer import AnalyticsWriter, writer_for
from web.app import create_app


@pytest.fixture
def background_app(app_config):
    return create_app({**app_config, "ANALYTICS_BACKGROUND": True})


def _searches(app) -> list[Event]:
    with app.extensions["spravka.sessionmaker"]() as s:
        return list(s.scalars(select(Event).where(Event.kind == "search").order_by(Event.id)))


def test_writes_happen_on_the_writer_thread_and_keep_typing_merged(background_app):
    client = background_app.test_client()
    for prefix in ("воз", "возвр", "возврат", "возврат денег"):
        assert client.get("/api/search", query_string={"q": prefix}).status_code == 200
    client.get("/api/search", query_string={"q": "пароль"})
    assert writer_for(background_app).flush()
    assert [row.query for row in _searches(background_app)] == ["возврат денег", "пароль"]


def test_a_failing_write_does_not_stop_the_writer():
    writer = AnalyticsWriter()
    done: list[int] = []

    def broken() -> None:
        raise RuntimeError("database away")

    writer.submit(broken)
    writer.submit(lambda: done.append(1))
    assert writer.flush()
    assert done == [1]


def _blocked(writer: AnalyticsWriter):
    import threading

    gate = threading.Event()
    writer.submit(gate.wait)  # the writer thread waits here while the queue fills
    return gate


def test_queued_writes_share_one_transaction(background_app):
    from sqlalchemy import event

    commits: list[int] = []
    engine = background_app.extensions["spravka.db_engine"]
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    writer = writer_for(background_app)
    gate = _blocked(writer)
    client = background_app.test_client()
    for n in range(50):
        client.get("/api/search", query_string={"q": f"вопрос номер {n} про возврат"})
    gate.set()
    assert writer.flush()
    assert len(_searches(background_app)) >= 1
    assert len(commits) <= 2  # fifty writes, not fifty commits


def test_a_click_in_the_same_batch_ends_the_typed_question(background_app):
    # Search rows are written as Core on the batch's own connection and transaction: the
    # click queued just before (not committed yet) must be seen as the visitor's latest.
    from web.analytics import recording
    from web.search_service import engine

    writer = writer_for(background_app)
    gate = _blocked(writer)
    with background_app.test_request_context("/api/search"):
        first = engine().search("возврат", limit=8)
        recording.record_search("возврат", first, "instant")
        recording.record_click("returns/refund-timing", "возврат", 1)
        more = engine().search("возврат денег", limit=8)
        recording.record_search("возврат денег", more, "instant")
    gate.set()
    assert writer.flush()
    rows = _searches(background_app)
    assert [(r.query, r.opened_entry) for r in rows] == [
        ("возврат", "returns/refund-timing"),
        ("возврат денег", None),
    ]


def test_drops_are_counted_and_reported_once_a_minute(caplog):
    writer = AnalyticsWriter(max_queued=3)
    gate = _blocked(writer)
    import time

    time.sleep(0.05)  # the writer has taken the gate job; the queue is empty
    for _ in range(10):
        writer.submit(lambda: None)
    gate.set()
    assert writer.flush()
    warnings = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(warnings) == 1 and writer._dropped == 6  # 7 lost: 1 reported, 6 pending


def test_recording_costs_the_request_little_cpu_and_32_clients_drop_nothing(background_app):
    import time
    from concurrent.futures import ThreadPoolExecutor

    from web.analytics.recording import record_search
    from web.search_service import engine

    with background_app.app_context():
        result = engine().search("возврат денег", limit=8)
    writer = writer_for(background_app)
    gate = _blocked(writer)  # measure the request side alone
    with background_app.test_request_context("/api/search"):
        started = time.thread_time()
        for n in range(500):
            record_search(f"возврат денег {n}", result, "instant")
        per_search_ms = (time.thread_time() - started) / 500 * 1000
    gate.set()
    assert per_search_ms <= 0.3, f"{per_search_ms:.3f} ms CPU per search on the request path"

    def client(n: int) -> None:
        browser = background_app.test_client()
        for k in range(4):
            browser.get("/api/search", query_string={"q": f"вопрос {n} {k}"})

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(client, range(32)))
    assert writer.flush(timeout=60)
    assert writer._dropped == 0
