"""The whole conversation in Chromium: seller creates → agent takes and asks → seller answers
with a file → agent answers from an assist suggestion and completes → seller rates and asks
for a re-review → the agent sees both dialogs linked."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from web.accounts.services import create_user

PASSWORD = "correct-horse-1"
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs" / "files"
QUESTION = "Что делать, если вернули товар с дефектами? Куртка пришла со сломанной застёжкой"


@pytest.fixture(scope="module")
def live_app_config(dialog_live_app_config) -> dict:
    """This module's server runs on the dialog fixture content (conftest.py)."""
    return dialog_live_app_config


@pytest.fixture(scope="module")
def people(live_server) -> dict[str, str]:
    """A seller and an agent on the live server."""
    emails = {"seller": "seller@conv.example", "agent": "agent@conv.example"}
    with live_server.app.app_context():
        create_user(emails["seller"], PASSWORD, "seller")
        create_user(emails["agent"], PASSWORD, "agent")
    return emails


def _signed_in(browser, live_server, email: str, next_path: str):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server("/login?next=" + quote(next_path)))
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))
    return context, page


def _seller_creates(page) -> str:
    page.fill("#description", QUESTION)
    page.click("#start-dialog")
    created = page.locator("#dialog-created")
    expect(created).to_contain_text("Диалогу присвоен номер")
    expect(page.locator("#dialog-status")).to_have_text("Создан")
    return re.search(r"номер (\d+)", created.inner_text()).group(1)


def _agent_takes_and_asks(agent, number: str) -> None:
    card = agent.locator(f'[data-number="{number}"]')
    expect(card).to_contain_text("никто не взял")
    card.get_by_role("button", name=f"Взять № {number}").click()
    expect(agent.locator(f'[data-number="{number}"]')).to_contain_text("ведёт вы")
    agent.click(f'#queue a[href="/agent/dialogs/{number}"]')
    agent.fill("#message-body", "Пришлите, пожалуйста, фото бирки товара.")
    agent.click("#ask-seller")
    expect(agent.locator("#dialog-status")).to_have_text("Ждёт вашего ответа")


def _seller_answers_with_a_file(seller, number: str) -> None:
    seller.goto(seller.url.split("/dialogs")[0] + "/dialogs")
    expect(seller.locator("#unread-answers")).to_contain_text("1")
    expect(seller.locator("[data-unread]")).to_have_count(1)
    seller.click(f'#my-dialogs a[href="/dialogs/{number}"]')
    expect(seller.locator("#dialog-status")).to_have_text("Ждёт вашего ответа")
    expect(seller.locator("#thread")).to_contain_text("фото бирки")
    seller.fill("#message-body", "Фото бирки во вложении.")
    seller.set_input_files("#files", str(FILES / "photo.png"))
    seller.locator("#message-form button[type=submit]").click()
    expect(seller.locator("#dialog-status")).to_have_text("В работе")
    expect(seller.locator("#thread")).to_contain_text("photo.png")
    expect(seller.locator("#unread-answers")).to_have_count(0)


def _agent_answers_from_assist(agent, number: str) -> None:
    agent.reload()
    expect(agent.locator("#thread")).to_contain_text("photo.png")
    suggestion = agent.locator('.agent-suggestion[data-entry="returns/defect-return"]')
    suggestion.get_by_role("button").click()
    expect(agent.locator("#message-body")).to_have_value(re.compile(r"/q/returns/defect-return"))
    agent.click("#reply-complete")
    expect(agent.locator(".dlg-flash")).to_contain_text(f"№ {number} завершён")


def _seller_rates_and_asks_for_review(seller, number: str) -> str:
    seller.reload()
    expect(seller.locator("#dialog-status")).to_have_text("Завершен")
    expect(seller.locator('#thread a[href="/q/returns/defect-return"]')).to_be_visible()
    seller.fill("#rating-comment", "Инструкция понятная, но деньги хочу вернуть")
    seller.click("#rate-no")
    expect(seller.locator("#rating-done")).to_contain_text("Не помогло")
    seller.fill("#review-reason", "Брак виден на фото бирки, прошу пересмотреть решение")
    seller.click("#ask-review")
    created = seller.locator("#dialog-created")
    expect(created).to_contain_text("Диалогу присвоен номер")
    review = re.search(r"номер (\d+)", created.inner_text()).group(1)
    expect(seller.locator("#review-of")).to_contain_text(f"№ {number}")
    seller.click("#info-tab")
    expect(seller.locator("#dialog-info")).to_contain_text("Пересмотр решений по обращениям")
    return review


def test_the_whole_conversation(browser, live_server, people, artifacts_dir):
    seller_ctx, seller = _signed_in(
        browser, live_server, people["seller"], "/dialogs/new?category=returns&topic=defects"
    )
    agent_ctx, agent = _signed_in(browser, live_server, people["agent"], "/agent")
    try:
        number = _seller_creates(seller)
        agent.reload()
        _agent_takes_and_asks(agent, number)
        _seller_answers_with_a_file(seller, number)
        _agent_answers_from_assist(agent, number)
        review = _seller_rates_and_asks_for_review(seller, number)
        agent.goto(live_server("/agent"))
        expect(agent.locator(f'[data-number="{review}"]')).to_contain_text(f"пересмотр № {number}")
        agent.click(f'#queue a[href="/agent/dialogs/{review}"]')
        expect(agent.locator("#review-of")).to_contain_text(f"№ {number}")
        original = agent.locator("#original-thread")
        expect(original).to_contain_text(f"Исходный диалог № {number}")
        expect(original).to_contain_text("Фото бирки во вложении")
        agent.screenshot(path=str(artifacts_dir / "agent-review.png"), full_page=True)
        agent.locator("#review-of a").click()
        expect(agent.locator("#reviewed-in")).to_contain_text(f"№ {review}")
        expect(agent.locator("#dialog-info")).to_contain_text("Не помогло")
    finally:
        seller_ctx.close()
        agent_ctx.close()
