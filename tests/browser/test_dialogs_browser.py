"""Support dialogs in a real Chromium: a seller opens a dialog with a PDF, an agent answers."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from web.accounts.services import create_user
from web.database import db
from web.dialogs.models import Dialog

PASSWORD = "correct-horse-1"
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs" / "files"


@pytest.fixture(scope="module")
def live_app_config(dialog_live_app_config) -> dict:
    """This module's server runs on the dialog fixture content (conftest.py)."""
    return dialog_live_app_config


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, str]:
    """One seller and one agent on the live server."""
    emails = {
        "seller": "seller@browser.example",
        "agent": "agent@browser.example",
        "other": "other@browser.example",
    }
    with live_server.app.app_context():
        for key, email in emails.items():
            create_user(email, PASSWORD, "agent" if key == "agent" else "seller")
    return emails


def _login(page, live_server, email: str, next_path: str) -> None:
    page.goto(live_server("/login?next=" + quote(next_path)))
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))


def test_seller_opens_a_dialog_with_a_pdf_and_the_agent_completes_it(
    browser, live_server, accounts, artifacts_dir
):
    seller = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = seller.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, accounts["seller"], "/dialogs/new")

    # Category: the filter box narrows the list, a click moves on.
    page.fill("#category-find", "брак")
    expect(page.locator(".dlg-choice:visible")).to_have_count(1)
    expect(page.locator("#category-count")).to_have_text("Категорий: 1 из 5")
    page.locator(".dlg-choice:visible").click()
    page.get_by_text("Вернули товар с дефектами").click()
    page.wait_for_selector("#dialog-form")

    # The topic's common answers expand in place.
    answer = page.locator("details.dlg-answer").first
    answer.locator("summary").click()
    expect(answer.locator(".prose")).to_contain_text("Сфотографируйте")

    # Suggestions appear beside the description and open in place.
    page.fill(
        "#description", "Что делать, если вернули товар с дефектами? Куртка с порванной застёжкой"
    )
    suggestion = page.locator("#suggestion-list .dlg-sugg").first
    expect(suggestion).to_be_visible()
    suggestion.locator(".dlg-sugg__open").click()
    expect(suggestion.locator(".dlg-sugg__body")).to_be_visible()
    expect(suggestion.locator(".dlg-sugg__body")).not_to_be_empty()

    # A renamed program is refused on the spot; the PDF is kept.
    page.set_input_files("#files", str(FILES / "setup.exe"))
    expect(page.locator("#file-list .is-refused")).to_contain_text("setup.exe")
    page.set_input_files("#files", str(FILES / "invoice.pdf"))
    expect(page.locator("#file-list .is-kept")).to_contain_text("invoice.pdf")
    page.fill("#barcode", "4006381333931")
    page.click("#start-dialog")

    created = page.locator("#dialog-created")
    expect(created).to_contain_text("Диалогу присвоен номер")
    expect(created).to_contain_text("48 часов")
    number = re.search(r"номер (\d+)", created.inner_text()).group(1)
    expect(page.locator("#dialog-status")).to_have_text("Создан")
    page.click("#info-tab")
    expect(page.locator("#dialog-info")).to_contain_text("invoice.pdf")
    expect(page.locator("#dialog-info")).to_contain_text("4006381333931")
    page.screenshot(path=str(artifacts_dir / "dialog-created.png"), full_page=True)

    # The agent finds it in the queue and answers with «Ответить и завершить» (issue 9: a
    # plain «Ответить» keeps the dialog open).
    agent = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    agent_page = agent.new_page()
    agent_page.set_default_timeout(10_000)
    _login(agent_page, live_server, accounts["agent"], "/agent")
    agent_page.click(f"text=№ {number}")
    expect(agent_page.locator(".agent-side")).to_contain_text("Что делать, если вернули товар")
    agent_page.fill("#message-body", "Проверили: возврат оформлен, деньги вернутся за 3 дня.")
    agent_page.click("#reply-complete")
    expect(agent_page.locator(".dlg-flash")).to_contain_text("завершён")
    agent.close()

    page.goto(live_server(f"/dialogs/{number}"))
    expect(page.locator("#dialog-status")).to_have_text("Завершен")
    expect(page.locator("#thread")).to_contain_text("возврат оформлен")
    seller.close()


def test_this_solved_my_question_creates_no_dialog(browser, live_server, accounts):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, accounts["other"], "/dialogs/new?category=supplies&topic=acceptance")
    page.fill("#description", "Сколько длится приёмка поставки на складе")
    suggestion = page.locator("#suggestion-list .dlg-sugg").first
    expect(suggestion).to_be_visible()
    suggestion.locator(".dlg-solved").click()
    expect(page.locator("#dialog-resolved")).to_contain_text("вопрос решён")
    with live_server.app.app_context():
        from sqlalchemy import select

        from web.accounts.models import User

        other = db().scalar(select(User).where(User.email == accounts["other"]))
        assert db().scalar(select(Dialog).where(Dialog.seller_id == other.id)) is None
    context.close()


def test_duplicate_warning_before_sending(browser, live_server, accounts):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, accounts["other"], "/dialogs/new?category=promotion&topic=bonuses")
    text = "Бонусы за рекламную кампанию не вернулись на счёт после её завершения"
    page.fill("#description", text)
    page.click("#start-dialog")
    expect(page.locator("#dialog-created")).to_be_visible()
    page.goto(live_server("/dialogs/new?category=promotion&topic=bonuses"))
    page.fill("#description", text + " вчера")
    page.click("#start-dialog")
    panel = page.locator("#duplicates")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Похоже, такой диалог уже открыт")
    # Adding the text to the open dialog instead sends it (and any files) there.
    panel.get_by_role("button", name=re.compile("Добавить сообщение")).click()
    expect(page.locator("#thread")).to_contain_text(text + " вчера")
    expect(page.locator("#thread .dlg-msg")).to_have_count(2)
    # Or, after an explicit confirmation, a new dialog after all.
    page.goto(live_server("/dialogs/new?category=promotion&topic=bonuses"))
    page.fill("#description", text + " снова")
    page.click("#start-dialog")
    expect(panel).to_be_visible()
    page.check("#confirm-new")
    page.click("#start-dialog")
    expect(page.locator("#dialog-created")).to_be_visible()
    context.close()
