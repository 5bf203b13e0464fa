"""The help center in headless Chromium: typing, corrected queries, results, votes, handoff."""

from __future__ import annotations

import contextlib
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from web.accounts.services import create_user
from web.analytics.recording import Event
from web.database import db

RESULTS = "[data-instant]"


@pytest.fixture(scope="module")
def live_app_config(live_app_config, helpcenter_content_root, helpcenter_index_dir):
    """This module's server runs on the small fixture help center."""
    return {
        **live_app_config,
        "CONTENT": str(helpcenter_content_root),
        "INDEX_DIR": str(helpcenter_index_dir),
    }


def rendered(page, query: str) -> None:
    """Wait until the instant results for exactly `query` are painted."""
    expect(page.locator(RESULTS)).to_have_attribute("data-rendered-query", query)


def open_home(page, live_server) -> None:
    """The home page, with the search box focused as it is on load."""
    page.goto(live_server("/"))
    expect(page.locator("#q")).to_be_focused()


def recorded(app, kind: str) -> list[Event]:
    with app.app_context():
        return list(db().scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_results_update_as_the_seller_types(page, live_server, artifacts_dir):
    open_home(page, live_server)
    page.evaluate(
        """() => { window.seen = [];
        new MutationObserver(() => window.seen.push(
            document.querySelector('[data-instant]').dataset.renderedQuery))
        .observe(document.querySelector('[data-instant]'),
                 {attributes: true, attributeFilter: ['data-rendered-query']}); }"""
    )
    page.keyboard.type("сколько", delay=180)  # slower than the debounce: several searches
    rendered(page, "сколько")
    page.keyboard.type(" ждать ответа", delay=20)
    rendered(page, "сколько ждать ответа")
    seen = page.evaluate("window.seen")
    assert len(set(seen)) >= 3 and seen[-1] == "сколько ждать ответа"

    best = page.locator(".best")
    expect(best).to_contain_text("Сколько ждать ответа от поддержки?")
    expect(best).to_contain_text("В среднем поддержка отвечает за 48 часов.")
    expect(page.locator("#instant-status")).to_contain_text("Найдено")
    expect(page.locator(".result .kind").first).to_have_text("статья")
    assert page.locator(".result mark").count() >= 1
    expect(page.locator("[data-hide-on-search]")).to_be_hidden()
    page.screenshot(path=str(artifacts_dir / "home-results.png"), full_page=True)

    page.keyboard.press("Escape")
    expect(page.locator(RESULTS)).to_be_hidden()
    expect(page.locator(".category-grid")).to_be_visible()


def test_a_slow_stale_response_never_replaces_newer_results(page, live_server):
    held = []

    def hold_barcode_search(route):
        if parse_qs(urlparse(route.request.url).query).get("q") == ["штрихкод"]:
            held.append(route)  # answered only after the newer query has been shown
        else:
            route.continue_()

    page.route("**/api/search?*", hold_barcode_search)
    open_home(page, live_server)

    def barcode_search(request) -> bool:
        return parse_qs(urlparse(request.url).query).get("q") == ["штрихкод"]

    with page.expect_request(barcode_search):  # the first key goes at once, the rest after
        page.keyboard.type("штрихкод")
    page.keyboard.press("Control+A")
    page.keyboard.type("правила возврата")
    rendered(page, "правила возврата")
    assert len(held) == 1
    with contextlib.suppress(Exception):  # the browser already aborted it: the point
        held[0].continue_()
    page.wait_for_timeout(300)
    expect(page.locator(RESULTS)).to_have_attribute("data-rendered-query", "правила возврата")
    expect(page.locator(".best")).to_contain_text("Правила возврата товара продавцу")
    expect(page.locator(RESULTS)).not_to_contain_text("штрихкод")


def test_keyboard_opens_a_result_and_the_click_is_recorded(page, live_server):
    open_home(page, live_server)
    page.keyboard.type("штрихкод")
    rendered(page, "штрихкод")
    page.keyboard.press("ArrowDown")  # a plain list of links: ↓ moves focus into it
    first = page.locator("#instant-body a[data-entry]").first
    expect(first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server("/q/support/barcode"))
    expect(page.locator("h1")).to_have_text("Зачем указывать штрихкод товара в обращении?")
    # The click travels in a beacon of its own: the page may open before it is stored.
    wanted = ("support/barcode", "штрихкод", 1)
    deadline = time.monotonic() + 5
    while True:
        clicks = [(e.entry_id, e.query, e.position) for e in recorded(live_server.app, "click")]
        if wanted in clicks or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert wanted in clicks


def test_clicking_a_result_opens_it(page, live_server):
    open_home(page, live_server)
    page.keyboard.type("возврат")
    rendered(page, "возврат")
    page.locator(".result__link").first.click()
    page.wait_for_url(live_server("/a/returns/return-rules"))
    expect(page.locator(".breadcrumbs")).to_contain_text("Возвраты товара продавцу")


def test_wrong_layout_shows_the_corrected_query(page, live_server):
    open_home(page, live_server)
    page.keyboard.type("djpdhfn njdfhf")
    rendered(page, "djpdhfn njdfhf")
    corrected = page.locator(".corrected")
    expect(corrected).to_contain_text("Показаны результаты по запросу «возврат товара»")
    expect(page.locator(".best")).to_contain_text("возврат")
    corrected.get_by_role("link").click()
    page.wait_for_url("**/search?q=djpdhfn+njdfhf&exact=1")
    expect(page.locator("#q")).to_have_value("djpdhfn njdfhf")
    expect(page.locator(".corrected")).to_have_count(0)


def test_vote_on_an_article(page, live_server):
    page.goto(live_server("/a/support/how-to-write"))
    feedback = page.locator("[data-feedback]")
    expect(feedback).to_contain_text("Был ли ответ полезен?")
    feedback.get_by_role("button", name="Нет").click()
    comment = page.get_by_label("Чего не хватило в ответе?")
    expect(comment).to_be_focused()
    comment.fill("Нет видео")
    handoff = feedback.get_by_role("link", name="Написать в поддержку")
    params = parse_qs(urlparse(handoff.get_attribute("href")).query)
    assert params["description"] == ["Нет видео"] and params["topic"] == ["create-dialog"]
    feedback.get_by_role("button", name="Отправить").click()
    expect(feedback).to_contain_text("Спасибо за отзыв")

    page.goto(live_server("/q/support/attachments"))
    page.locator("[data-feedback]").get_by_role("button", name="Да").click()
    expect(page.locator("[data-feedback]")).to_contain_text("Спасибо! Рады, что ответ помог.")
    votes = [(e.entry_id, e.helpful, e.comment) for e in recorded(live_server.app, "feedback")]
    assert ("support/how-to-write", False, "Нет видео") in votes
    assert ("support/attachments", True, None) in votes


def test_no_answer_hands_off_to_the_dialog_form(page, live_server):
    with live_server.app.app_context():
        create_user("seller-handoff@example.com", "password-123456", "seller")
    page.goto(live_server("/login"))
    page.get_by_label("Почта").fill("seller-handoff@example.com")
    page.get_by_label("Пароль").fill("password-123456")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(lambda url: "/login" not in url)

    open_home(page, live_server)
    page.keyboard.type("выплаты задерживаются")  # no answer; the finance topic fits
    rendered(page, "выплаты задерживаются")
    handoff = page.locator("[data-handoff]")
    expect(handoff).to_contain_text("Не нашли ответ?")
    handoff.get_by_role("link", name="Написать в поддержку").click()
    page.wait_for_url("**/dialogs/new?**")
    params = parse_qs(urlparse(page.url).query)
    assert params["description"] == ["выплаты задерживаются"]
    assert params["category"] == ["finance"] and params["topic"] == ["payments"]
    expect(page.locator("textarea#description")).to_have_value("выплаты задерживаются")


def test_search_page_updates_as_you_type_and_keeps_a_shareable_url(page, live_server):
    page.goto(live_server("/search?q=штрихкод"))
    expect(page.locator(".best")).to_contain_text("Зачем указывать штрихкод")
    page.locator("#q").fill("сколько ждать ответа")
    rendered(page, "сколько ждать ответа")
    expect(page.locator(".best")).to_contain_text("Сколько ждать ответа от поддержки?")
    assert urlparse(page.url).path == "/search"
    assert parse_qs(urlparse(page.url).query)["q"] == ["сколько ждать ответа"]
    page.reload()
    expect(page.locator(".best")).to_contain_text("Сколько ждать ответа от поддержки?")


def test_search_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(live_server("/"))
        page.get_by_label("Опишите ваш вопрос").fill("правила возврата")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=**")
        expect(page.locator(".best")).to_contain_text("Правила возврата товара продавцу")
        expect(page.locator(".results")).to_contain_text("Как оформить возврат товара со склада?")
        page.locator(".best__more").click()
        page.wait_for_url(live_server("/a/returns/return-rules"))
    finally:
        context.close()


def test_narrow_screen_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    try:
        page = context.new_page()
        for path in ("/", "/c/support", "/a/support/how-to-write"):
            page.goto(live_server(path))
            if path == "/":
                # Type into the box itself: right after load, focus may not be there yet.
                page.locator("#q").press_sequentially("сколько ждать ответа")
                rendered(page, "сколько ждать ответа")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide"
    finally:
        context.close()
