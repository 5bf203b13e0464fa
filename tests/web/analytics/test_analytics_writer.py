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
