"""Insights show the deflection funnel per channel (searches recorded by the web and the API)."""

from __future__ import annotations

from tests.dialog_helpers import login, make_user
from tests.web.api.conftest import bearer


def test_insights_funnel_per_channel(api_app, api_client, seller_token):
    api_client.get("/api/search?q=акт+о+браке&source=page")
    api_client.get("/api/v1/search?q=приёмка+товара", headers=bearer(seller_token))
    api_client.get("/api/v1/search?q=бонусы", headers=bearer(seller_token))
    from web.analytics import insights
    from web.database import db
    from web.search_service import engine

    with api_app.app_context():
        table = insights.build(db(), "channels", 7, engine().content)
    rows = {r["channel"]: r["searched"] for r in table.rows}
    assert rows == {"Мобильное приложение": 2, "Сайт": 1}
    make_user(api_app, "editor@example.com", "editor")
    editor = api_app.test_client()
    login(editor, "editor@example.com")
    page = editor.get("/editor/insights").get_data(as_text=True)
    assert 'data-table="channels"' in page and "Мобильное приложение" in page
