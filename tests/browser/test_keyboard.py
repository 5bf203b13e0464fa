"""Keyboard only: search, open an answer, create a dialog with a file, reply, agent answer,
editor save; the error summary after a failed submit (details, category and topic steps);
«/» and Ctrl+K; phone screenshots (360 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.site_walk import EMAILS, FILES, LIVE_SETTINGS, PASSWORD, login, seed

PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="module")
def live_app_config(live_app_config, content_copy, tmp_path_factory) -> dict:
    """The walk's settings over a copy of the content with its own index: the editor saves."""
    return {
        **live_app_config,
        **LIVE_SETTINGS,
        "CONTENT": str(content_copy),
        "INDEX_DIR": str(tmp_path_factory.mktemp("keyboard-index")),
    }


@pytest.fixture(scope="module")
def seeded(live_server):
    """Accounts and a few dialogs (with files) on the live server."""
    return seed(live_server.app)


def _tab_to(page, selector: str, limit: int = 40) -> int:
    """Press Tab until the element matching `selector` has focus; the number of presses."""
    target = page.locator(selector)
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tabs")


def test_slash_and_ctrl_k_focus_the_search_box_but_not_while_typing(page, live_server, seeded):
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs"))
    page.keyboard.press("/")
    expect(page.locator("#site-q")).to_be_focused()
    expect(page.locator("#site-q")).to_have_value("")  # the slash is not typed into it
    page.locator("a.dlg-new-button").focus()
    page.keyboard.press("Control+k")
    expect(page.locator("#site-q")).to_be_focused()
    page.goto(live_server("/dialogs/new?category=stock&topic=missing"))
    page.locator("#description").focus()
    page.keyboard.type("путь /склад")  # a slash typed in a field stays in the field
    expect(page.locator("#description")).to_have_value("путь /склад")
    expect(page.locator("#description")).to_be_focused()
    page.goto(live_server("/search"))
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()  # the page's own box wins over the header's


def test_recent_searches_on_focus_stay_in_the_browser_and_can_be_cleared(page, live_server):
    page.goto(live_server("/"))
    page.locator("#q").press_sequentially("сколько ждать ответа", delay=5)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    stored = page.evaluate("localStorage.getItem('spravka:recent-searches')")
    assert "сколько ждать ответа" in stored
    page.goto(live_server("/c/support"))
    page.keyboard.press("/")
    panel = page.locator("#category-q-recent")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="сколько ждать ответа")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("link").first).to_be_focused()
    panel.get_by_role("button", name="Очистить историю поиска").press("Enter")
    expect(panel).to_be_hidden()
    assert page.evaluate("localStorage.getItem('spravka:recent-searches')") is None


def test_search_and_open_an_answer_by_keyboard(page, live_server):
    page.goto(live_server("/"))
    page.keyboard.type("сколько ждать ответа")
    page.wait_for_function(
        "() => document.querySelector('[data-instant]').dataset.renderedQuery === "
        "'сколько ждать ответа'"
    )
    expect(page.locator("#instant-status")).to_have_text(re.compile(r"^Найдено \d+ ответ"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/|/a/"))
    handoff = page.locator("[data-entry-handoff]")
    expect(handoff).to_have_text("Написать в поддержку по этой теме")
    assert re.search(r"category=support&topic=response", handoff.get_attribute("href"))


def test_failed_submit_focuses_an_error_summary_linking_to_each_field(page, live_server, seeded):
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs/new?category=stock&topic=missing"))
    expect(page.locator("#description")).to_be_focused()  # no Tab walk to the description
    page.keyboard.type("ой")
    page.keyboard.press("Tab")
    page.keyboard.type("4600000000009")  # EAN-13 with a wrong check digit
    expect(page.locator("#barcode-error")).to_contain_text("контрольная")
    expect(page.locator("#barcode")).to_have_attribute("aria-invalid", "true")
    page.locator("#dialog-form").evaluate("f => f.noValidate = true")
    page.locator("#start-dialog").press("Enter")
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        "#description",
        "#barcode",
    }
    summary.get_by_role("link", name=re.compile("Опишите")).press("Enter")
    expect(page.locator("#description")).to_be_focused()


def _next_step_fails(page, form: str) -> None:
    """Press «Далее» of the picker `form` by keyboard with the browser's own check off (as
    without it: the server answers), and wait for the answer."""
    page.locator(form).evaluate("f => f.noValidate = true")
    _tab_to(page, f"{form} .dlg-next")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def _summary_focused(page, text: str):
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text(text)
    return summary


def test_failed_category_and_topic_steps_focus_an_error_summary(page, live_server, seeded):
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs/new"))
    _next_step_fails(page, "#category-picker")  # nothing chosen
    summary = _summary_focused(page, "Выберите категорию вопроса")
    summary.get_by_role("link").press("Enter")
    expect(page.locator("#category-list input").first).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("category=support"))
    _next_step_fails(page, "#topic-picker")
    summary = _summary_focused(page, "Выберите тему вопроса")
    summary.get_by_role("link").press("Enter")
    expect(page.locator("#topic-list input").first).to_be_focused()


def test_a_stale_category_focuses_an_error_summary(page, live_server, seeded):
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs/new"))
    # The page was opened before the content changed: its first category is gone.
    page.locator("#category-list input").first.evaluate("i => i.value = 'gone'")
    page.locator("#category-list input").first.focus()
    page.keyboard.press("Space")
    _next_step_fails(page, "#category-picker")
    _summary_focused(page, "Такой категории больше нет")
    expect(page.locator("#category-error")).to_be_visible()


def test_category_radios_move_with_arrows_without_submitting(page, live_server, seeded):
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs/new"))
    page.locator(".dlg-choice input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "category=" not in page.url  # still choosing
    chosen = page.locator(".dlg-choice input:checked").get_attribute("value")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("category=" + re.escape(chosen)))
    page.locator("#topic-list input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "topic=" not in page.url
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("topic="))
    expect(page.locator("#description")).to_be_focused()


def test_dialog_with_a_file_reply_and_agent_answer_by_keyboard(browser, live_server, seeded):
    seller = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = seller.new_page()
    login(page, live_server.url, "seller")
    page.goto(live_server("/dialogs/new?category=acceptance&topic=lost"))
    page.keyboard.type("Поставка принята, но двух коробок нет в остатках уже неделю")
    _tab_to(page, "#files")  # Tab reaches the file control (Space would open the picker)
    page.set_input_files("#files", str(FILES / "invoice.pdf"))
    files = page.locator("#file-list li")
    expect(files).to_have_count(1)
    expect(files.first).to_contain_text("invoice.pdf")
    expect(files.first).to_contain_text(re.compile(r"\d+ КБ"))
    expect(files.first.get_by_role("button", name="Убрать файл invoice.pdf")).to_be_visible()
    _tab_to(page, "#start-dialog")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dialogs/\d+$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.locator("#thread")).to_contain_text("invoice.pdf")
    _tab_to(page, "#message-body")
    page.keyboard.type("Дополнение: номер поставки в акте")
    page.keyboard.press("Tab")
    _tab_to(page, "#message-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#thread")).to_contain_text("Дополнение: номер поставки")
    seller.close()

    agent = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = agent.new_page()
    login(page, live_server.url, "agent")
    page.goto(live_server(f"/agent/dialogs/{number}"))
    _tab_to(page, "#message-body", limit=80)
    page.keyboard.type("Нашли коробки, вернём в остатки сегодня.")
    _tab_to(page, "#send-reply")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/agent"))
    agent.close()


def test_editor_edits_and_saves_an_entry_by_keyboard(page, live_server, seeded):
    question = "Не работает мобильное приложение для продавцов — куда написать о сбое?"
    page.goto(live_server("/q/technical/mobile-app"))
    expect(page.locator("h1")).not_to_have_text(question)
    page.goto(live_server("/login"))
    _tab_to(page, "#login-email")
    page.keyboard.type(EMAILS["editor"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # the login form's own button, not the header search
    page.wait_for_url(live_server("/editor"))
    _tab_to(page, ".editor-filter input[name=q]")
    page.keyboard.type("mobile-app")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/editor\?q=mobile-app"))
    _tab_to(page, 'a[href="/editor/faq/technical/mobile-app"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/editor/faq/technical/mobile-app"))
    _tab_to(page, "#question")
    page.keyboard.press("Control+a")
    page.keyboard.type(question)
    _tab_to(page, ".editor-actions button[type=submit]", limit=60)
    page.keyboard.press("Enter")
    expect(page.locator(".notice--success")).to_contain_text("Сохранено")
    page.goto(live_server("/q/technical/mobile-app"))
    expect(page.locator("h1")).to_have_text(question)  # sellers see the saved change


@pytest.mark.parametrize(
    ("name", "role", "path"),
    [
        ("home-results", "guest", "/"),
        ("new-dialog-typing", "seller", "/dialogs/new?category=stock&topic=missing"),
        ("my-dialogs", "seller", "/dialogs"),
        ("agent-queue", "agent", "/agent"),
    ],
)
def test_phone_screenshots(browser, live_server, seeded, artifacts_dir, name, role, path):
    context = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    login(page, live_server.url, role)
    page.goto(live_server(path))
    if name == "home-results":
        query = "сколько ждать ответа от поддержки"
        page.keyboard.type(query)
        # The whole question's results, not a prefix's painted on the way.
        page.wait_for_selector(f'[data-instant][data-rendered-query="{query}"]')
    if name == "new-dialog-typing":
        page.keyboard.type("пропал товар после приёмки")
        page.wait_for_selector("#suggestion-list li")
        suggest = page.locator("#suggestions").bounding_box()
        submit = page.locator("#start-dialog").bounding_box()
        assert suggest["y"] + suggest["height"] <= submit["y"]  # seen before the button
    page.screenshot(path=str(artifacts_dir / f"phone-{name}.png"), full_page=True)
    context.close()
