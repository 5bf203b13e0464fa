"""Analytics recording: search rows, typing collapse, attribution, retention, failure safety."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from web.analytics import recording as analytics
from web.analytics.recording import Event
from web.search_service import engine


def _rows(app, kind: str | None = None) -> list[Event]:
    with app.extensions["spravka.sessionmaker"]() as s:
        query = select(Event).order_by(Event.id)
        if kind:
            query = query.where(Event.kind == kind)
        return list(s.scalars(query))


def test_api_search_records_one_row(app, client):
    response = client.get("/api/search?q=как вернуть товар&source=page")
    assert response.status_code == 200
    data = response.get_json()
    [row] = _rows(app, "search")
    assert row.query == "как вернуть товар"
    assert row.source == "page"
    assert row.match == data["match"]
    assert row.top_id_list() == [r["id"] for r in data["results"]]
    assert row.result_count == len(data["results"])
    assert row.normalized
    assert row.visitor and len(row.visitor) == 16
    assert row.user_id is None


def test_empty_query_and_disabled_record_nothing(app, client):
    client.get("/api/search?q=")
    client.get("/api/search?q=%20%20")
    assert _rows(app) == []
    app.config["ANALYTICS_ENABLED"] = False
    client.get("/api/search?q=возврат")
    assert _rows(app) == []


def test_unknown_source_is_stored_as_instant(app, client):
    client.get("/api/search?q=пароль&source=<script>")
    [row] = _rows(app, "search")
    assert row.source == "instant"


def test_typing_collapses_into_one_row(app, client):
    for prefix in ("воз", "возвр", "возврат", "возвра", "возврат денег"):
        client.get(f"/api/search?q={prefix}")
    rows = _rows(app, "search")
    assert [r.query for r in rows] == ["возврат денег"]
    # A different question from the same browser is a new row.
    client.get("/api/search?q=пароль")
    assert [r.query for r in _rows(app, "search")] == ["возврат денег", "пароль"]


def test_page_searches_are_not_collapsed(app, client):
    client.get("/api/search?q=возврат&source=page")
    client.get("/api/search?q=возврат денег&source=page")
    assert len(_rows(app, "search")) == 2


def test_two_visitors_are_separate(app):
    first, second = app.test_client(), app.test_client()
    first.get("/api/search?q=возврат")
    second.get("/api/search?q=возврат товара")
    rows = _rows(app, "search")
    assert len(rows) == 2
    assert rows[0].visitor != rows[1].visitor


def _search_in_context(query: str, source: str = "instant"):
    result = engine().search(query, limit=8)
    analytics.record_search(query, result, source, normalize=engine().normalize)
    return result


def test_click_vote_deflection_are_attributed_to_the_search(app):
    with app.test_request_context():
        result = _search_in_context("вложения к обращению", "page")
        entry = result.hits[0].id if result.hits else "support/attachments"
        analytics.record_click(entry, "вложения к обращению", 1)
        analytics.record_feedback(entry, True, "  помогло  ")
        [search] = _rows(app, "search")
        assert search.opened_entry == entry
        assert search.solved is True
        [vote] = _rows(app, "feedback")
        assert vote.helpful is True and vote.comment == "помогло"
        [click] = _rows(app, "click")
        assert click.position == 1 and click.entry_id == entry


def test_deflection_marks_solved_and_dialog_links_unsolved_searches(app):
    with app.test_request_context():
        _search_in_context("возврат", "page")
        analytics.record_deflection("support/attachments", "возврат", "support", None)
        _search_in_context("блокировка аккаунта", "page")
        _search_in_context("заблокировали кабинет", "page")
        analytics.record_dialog_opened(42, "account", "access")
        searches = _rows(app, "search")
        assert [s.solved for s in searches] == [True, False, False]
        assert [s.dialog_id for s in searches] == [None, 42, 42]
        [dialog] = _rows(app, "dialog")
        assert (dialog.category, dialog.topic) == ("account", "access")


def test_searches_before_by_visitor_and_until(app):
    with app.test_request_context():
        _search_in_context("первый вопрос", "page")
        cut = datetime.now(UTC)
        _search_in_context("второй вопрос", "page")
        visitor = analytics.visitor_id()
    views = analytics_searches(app, visitor, datetime.now(UTC) + timedelta(seconds=1))
    assert [v.query for v in views] == ["второй вопрос", "первый вопрос"]
    assert views[0].source == "page"
    assert isinstance(views[0].top_ids, list)
    assert [v.query for v in analytics_searches(app, visitor, cut)] == ["первый вопрос"]
    assert analytics_searches(app, "someone-else", cut) == []
    with app.app_context():
        assert analytics.searches_before(None, None, cut) == []


def analytics_searches(app, visitor, until):
    with app.app_context():
        return analytics.searches_before(None, visitor, until)


def test_purge_deletes_only_old_events(app):
    now = analytics.utcnow()
    with app.extensions["spravka.sessionmaker"]() as s:
        s.add_all(
            [
                Event(kind="search", query="старый", created_at=now - timedelta(days=200)),
                Event(kind="search", query="свежий", created_at=now - timedelta(days=10)),
            ]
        )
        s.commit()
        assert analytics.purge(s, 180, now) == 1
    assert [r.query for r in _rows(app)] == ["свежий"]


def test_purge_cli(app, monkeypatch):
    now = analytics.utcnow()
    with app.extensions["spravka.sessionmaker"]() as s:
        s.add(Event(kind="click", entry_id="a/b", created_at=now - timedelta(days=400)))
        s.commit()
    from web.cli import main

    runner = app.test_cli_runner()
    for name, value in app.config.items():
        if name in ("INSTANCE", "DATABASE_URL", "CONTENT", "INDEX_DIR"):
            monkeypatch.setenv(f"SPRAVKA_{name}", str(value))
    result = runner.invoke(main, ["analytics", "purge", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 events" in result.output
    assert _rows(app) == []


def test_recording_is_opportunistically_purged(app, client):
    now = analytics.utcnow()
    with app.extensions["spravka.sessionmaker"]() as s:
        s.add(Event(kind="click", entry_id="a/b", created_at=now - timedelta(days=1000)))
        s.commit()
    client.get("/api/search?q=возврат")
    assert [r.kind for r in _rows(app)] == ["search"]


def test_database_failure_never_breaks_search(app, client, caplog):
    with app.extensions["spravka.db_engine"].begin() as conn:
        conn.execute(text("DROP TABLE analytics_events"))
    response = client.get("/api/search?q=возврат")
    assert response.status_code == 200
    assert "analytics: could not record" in caplog.text
    with app.test_request_context():
        analytics.record_click("a/b", "x", 1)
        assert analytics.searches_before(None, "v", datetime.now(UTC)) == []


def test_table_is_created_by_the_app(app):
    with app.extensions["spravka.sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("query", ["' OR 1=1 --", "x" * 1000, "\x00\u202e", "😀" * 50])
def test_strange_queries_are_recorded_safely(app, client, query):
    assert client.get("/api/search", query_string={"q": query}).status_code == 200
    rows = _rows(app, "search")
    assert len(rows) <= 1
    for row in rows:
        assert len(row.query) <= analytics.TEXT_MAX


def test_migration_downgrades_and_upgrades(app):
    from sqlalchemy import inspect

    from web.migrate import downgrade_database, upgrade_database

    engine_ = app.extensions["spravka.db_engine"]
    downgrade_database(app, "0001_accounts_dialogs")
    assert "analytics_events" not in inspect(engine_).get_table_names()
    upgrade_database(app)
    assert "analytics_events" in inspect(engine_).get_table_names()


def _login(app, client, email: str, role: str) -> int:
    from web.accounts.services import create_user

    with app.app_context():
        user_id = create_user(email, "correct-horse-1", role).id
    response = client.post("/login", data={"email": email, "password": "correct-horse-1"})
    assert response.status_code == 302
    return user_id


def test_seller_id_is_stored_but_not_other_roles(app, client):
    seller = _login(app, client, "seller@example.com", "seller")
    client.get("/api/search?q=возврат&source=page")
    editor_client = app.test_client()
    _login(app, editor_client, "editor@example.com", "editor")
    editor_client.get("/api/search?q=пароль&source=page")
    rows = _rows(app, "search")
    assert [(r.query, r.user_id) for r in rows] == [("возврат", seller), ("пароль", None)]
    with app.app_context():
        views = analytics.searches_before(seller, None, datetime.now(UTC))
    assert [v.query for v in views] == ["возврат"]


def test_dialog_description_typing_collapses_too(app, client):
    for typed in ("Не приходят", "Не приходят деньги", "Не приходят деньги за возврат"):
        client.get("/api/search", query_string={"q": typed, "source": "dialog-form"})
    client.get("/api/search", query_string={"q": "Не приходят", "source": "instant"})
    rows = _rows(app, "search")
    assert [(r.source, r.query) for r in rows] == [
        ("dialog-form", "Не приходят деньги за возврат"),
        ("instant", "Не приходят"),
    ]


def test_no_emails_or_long_numbers_are_stored(app, client):
    query = "верните деньги ivan.petrov@mail.ru тел +7 (912) 345-67-89 штрихкод 2037849561234"
    client.get("/api/search", query_string={"q": query, "source": "page"})
    [row] = _rows(app, "search")
    stored = f"{row.query} {row.normalized} {row.used_query or ''}"
    for secret in ("ivan", "petrov", "912", "345", "2037849561234"):
        assert secret not in stored
    assert "[email]" in row.query and "[номер]" in row.query
    with app.test_request_context():
        analytics.record_feedback("support/attachments", False, "пишите на a@b.ru или 89123456789")
    [vote] = _rows(app, "feedback")
    assert vote.comment == "пишите на [email] или [номер]"


def test_odd_category_filter_is_recorded_cleaned(app_config, db_url):
    from web.app import create_app

    app = create_app({**app_config, "DATABASE_URL": db_url})
    try:
        response = app.test_client().get("/search?q=возврат товара&category=x%00y")
        assert response.status_code == 200
        # PostgreSQL refuses NUL: without cleaning, the search row was silently lost.
        [row] = _rows(app, "search")
        assert row.category == "xy"
    finally:
        app.extensions["spravka.db_engine"].dispose()
