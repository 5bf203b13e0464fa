"""The editor in headless Chromium: write with live preview, save, find; refused edits; insights."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from web.accounts.services import create_user

PASSWORD = "correct-horse-1"


@pytest.fixture(scope="module")
def live_app_config(live_app_config, content_copy, tmp_path_factory):
    """This module's server edits the copy and keeps its own index."""
    return {
        **live_app_config,
        "CONTENT": str(content_copy),
        "INDEX_DIR": str(tmp_path_factory.mktemp("editor-index")),
    }


def sign_in(page, live_server, role: str, email: str) -> None:
    with live_server.app.app_context():
        create_user(email, PASSWORD, role)
    page.goto(live_server("/login"))
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click(".auth-card button[type=submit]")


def test_editor_writes_previews_saves_and_sellers_find_it(page, live_server, content_copy, browser):
    sign_in(page, live_server, "editor", "editor-a@example.com")
    expect(page).to_have_url(live_server("/editor"))
    page.click("text=Новая статья")
    page.fill("#title", "Как сдать товар на ответственное хранение?")
    page.select_option("#category", "support")
    # Only the chosen category's topics are offered.
    expect(page.locator('[data-topics-of="security"]')).to_be_hidden()
    page.locator('[data-topics-of="support"] input[value="request-rules"]').check()
    page.fill("#summary", "Ответственное хранение: что это и как сдать товар.")
    page.locator("#body").fill("")
    page.locator("#body").type("## Ответственное хранение\n\nСдайте товар **по акту**.", delay=5)
    preview = page.locator("[data-preview]")
    expect(preview.locator("h2")).to_have_text("Ответственное хранение")
    expect(preview.locator("strong")).to_have_text("по акту")
    page.select_option("#status", "published")
    page.click("button:has-text('Сохранить')")
    expect(page.locator(".notice--success")).to_contain_text("Сохранено")
    saved = list((content_copy / "articles/support").glob("*otvetstvennoe-khranenie*.md"))
    assert len(saved) == 1
    seller_context = browser.new_context(locale="ru-RU")
    try:
        seller = seller_context.new_page()
        sign_in(seller, live_server, "seller", "seller-a@example.com")
        seller.goto(live_server("/search?q=ответственное хранение товара"))
        expect(seller.locator("main")).to_contain_text("Как сдать товар на ответственное хранение?")
    finally:
        seller_context.close()


def test_invalid_edit_is_refused_with_the_field_marked(page, live_server, content_copy):
    sign_in(page, live_server, "editor", "editor-b@example.com")
    path = content_copy / "articles/support/request-rules.md"
    before = path.read_bytes()
    page.goto(live_server("/editor/article/support/request-rules"))
    page.locator("#body").press("End")
    page.locator("#body").evaluate("el => el.value += '\\n\\n[битая ссылка](/a/support/net-takoy)'")
    page.fill("#title", "")
    page.click("button:has-text('Сохранить')")
    expect(page.locator("[data-form-errors]")).to_contain_text("Ничего не сохранено")
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title-error")).to_be_visible()
    assert path.read_bytes() == before
    # Fix the title; the broken link is still refused, now marked on the body.
    page.fill("#title", "Правила оформления обращений")
    page.click("button:has-text('Сохранить')")
    expect(page.locator("#body-error")).to_contain_text("/a/support/net-takoy")
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    assert path.read_bytes() == before


def test_insights_show_a_chart_and_a_gap(page, live_server):
    page.goto(live_server("/"))
    for query in ("ипотека для склада", "bgjntrf lkz crkflf"):
        page.request.get(live_server("/api/search"), params={"q": query, "source": "page"})
    sign_in(page, live_server, "editor", "editor-c@example.com")
    page.goto(live_server("/editor/insights"))
    expect(page.locator("svg.chart polyline").first).to_be_attached()
    gaps = page.locator('[data-table="gaps"]')
    expect(gaps).to_contain_text("bgjntrf lkz crkflf")
    expect(gaps).to_contain_text("ипотека для склада")
