"""The Telegram bot: real aiogram long-polling a local Bot API stand-in (tests/…/bot_api.py)."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest

from tests.dialog_helpers import login, make_user
from tests.web.channels.bot_api import BotApi
from web.app import create_app

CHAT = 700100


@pytest.fixture
def bot_api():
    api = BotApi().start()
    yield api
    api.stop()


@pytest.fixture
def bot_app(dialog_config, bot_api):
    app = create_app(
        {
            **dialog_config,
            "TELEGRAM_TOKEN": "123456:TEST-token",
            "TELEGRAM_API": bot_api.url,
            "PUBLIC_URL": "https://spravka.example",
        }
    )
    yield app
    notifier = app.extensions.get("spravka.telegram_notifier")
    if notifier is not None:
        notifier.stop()
    app.extensions["spravka.db_engine"].dispose()


@pytest.fixture
def bot(bot_app):
    """The bot polling in a thread of its own (its own event loop), stopped after the test."""
    from web.channels.telegram_bot import run_bot

    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(run_bot(bot_app, polling_timeout=1, handle_signals=False),),
        daemon=True,
    )
    thread.start()
    yield bot_app
    dispatcher = bot_app.extensions.get("spravka.telegram_dispatcher")
    if dispatcher is not None:
        # Not waited on: polling ends, run_until_complete returns and the loop stops before
        # stop_polling itself could resume.
        asyncio.run_coroutine_threadsafe(dispatcher.stop_polling(), loop)
    thread.join(10)
    assert not thread.is_alive(), "the bot stopped polling"


def test_a_strong_match_gets_the_first_paragraph_and_a_link(bot, bot_api):
    bot_api.say(CHAT, "что делать если вернули товар с дефектами")
    (sent,) = bot_api.wait_sent(1)
    assert sent["chat_id"] == CHAT
    assert "https://spravka.example/q/returns/defect-return" in sent["text"]
    assert sent["reply_markup"] is None


def test_wrong_keyboard_layout_works_as_on_the_web(bot, bot_api):
    # «вернули товар с дефектами» typed on the latin layout.
    bot_api.say(CHAT, "dthyekb njdfh c ltatrnfvb")
    (sent,) = bot_api.wait_sent(1)
    assert "/q/returns/defect-return" in sent["text"]


def test_a_weak_match_offers_up_to_three_buttons_that_open_entries(bot, bot_app, bot_api):
    from web.search_service import engine

    query = next(
        q
        for q in ("брак", "дефект", "возврат товара", "фото", "упаковка", "акт")
        if _match(bot_app, q) == "weak"
    )
    bot_api.say(CHAT, query)
    (sent,) = bot_api.wait_sent(1)
    buttons = [row[0] for row in sent["reply_markup"]["inline_keyboard"]]
    assert 1 <= len(buttons) <= 3
    bot_api.press(CHAT, buttons[0]["callback_data"])
    sent = bot_api.wait_sent(2)[-1]
    entry_id = buttons[0]["callback_data"][2:]
    with bot_app.app_context():
        assert engine().entry(entry_id).url in sent["text"]
    assert bot_api.answered


def _match(app, query: str) -> str:
    from web.search_service import engine

    with app.app_context():
        return engine().search(query, limit=3).match


def test_no_match_links_the_prefilled_web_form(bot, bot_api):
    bot_api.say(CHAT, "не пришла выплата за прошлую неделю")
    (sent,) = bot_api.wait_sent(1)
    link = re.search(r"https://spravka\.example/dialogs/new\?\S+", sent["text"]).group(0)
    assert "description=" in link and "category=finance" in link


def test_linking_dialogs_and_a_support_notification(bot, bot_app, bot_api):
    make_user(bot_app, "seller@example.com")
    make_user(bot_app, "agent@example.com", "agent")
    seller = bot_app.test_client()
    login(seller, "seller@example.com")
    page = seller.post("/profile/telegram/code").get_data(as_text=True)
    code = re.search(r"/start ([A-Z0-9]{8})", page).group(1)
    bot_api.say(CHAT, f"/start {code}")
    assert "seller@example.com" in bot_api.wait_sent(1)[-1]["text"]
    bot_api.say(CHAT + 1, f"/start {code}")  # one-time: a second use fails
    assert "не подошёл" in bot_api.wait_sent(2)[-1]["text"]
    assert "Telegram подключён" in seller.get("/profile").get_data(as_text=True)

    number = _open_dialog(bot_app)
    bot_api.say(CHAT, "/dialogs")
    assert f"№ {number} — Создан" in bot_api.wait_sent(3)[-1]["text"]
    _agent_replies(bot_app, number)
    notice = bot_api.wait_sent(4)[-1]
    assert notice["chat_id"] == CHAT
    assert notice["text"].startswith(f"Поддержка ответила в диалоге № {number}")


def _open_dialog(app) -> int:
    from sqlalchemy import select

    from web.accounts.models import User
    from web.database import db
    from web.dialogs import conversation
    from web.dialogs.store import DialogDraft

    with app.app_context():
        seller = db().scalar(select(User).where(User.email == "seller@example.com"))
        draft = DialogDraft(
            category="returns",
            topic="defects",
            description="Вернули товар с дефектом: порвана упаковка и сломана застёжка",
        )
        return conversation.open_dialog(db(), seller, draft).number


def _agent_replies(app, number: int) -> None:
    from sqlalchemy import select

    from web.accounts.models import User
    from web.database import db
    from web.dialogs import conversation
    from web.dialogs.store import any_dialog

    with app.app_context():
        agent = db().scalar(select(User).where(User.email == "agent@example.com"))
        dialog = any_dialog(db(), number)
        conversation.agent_message(db(), dialog, agent, "Заметка", [], internal=True)
        conversation.agent_message(db(), dialog, agent, "Возврат оформлен", [])


def test_the_bots_searches_are_recorded_with_its_channel(bot, bot_app, bot_api):
    from sqlalchemy import select

    from web.analytics.models import Event
    from web.database import db

    bot_api.say(CHAT, "акт о браке")
    bot_api.wait_sent(1)
    with bot_app.app_context():
        assert db().scalars(select(Event.channel).where(Event.kind == "search")).all() == [
            "telegram"
        ]
