"""`spravka telegram`: the support bot on aiogram 3 (long polling), answering from the help
center, linking accounts with /start CODE and listing dialogs with /dialogs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from flask import Flask

from web.channels.telegram_answers import (
    ENTRY_PREFIX,
    Reply,
    answer_question,
    dialogs_list,
    entry_reply,
    start,
)
from web.database import db

log = logging.getLogger(__name__)
# Seconds one getUpdates waits for news: Telegram's recommended long-poll length.
POLLING_TIMEOUT = 25


def make_bot(app: Flask) -> Bot:
    """An aiogram Bot for the app's TELEGRAM_TOKEN, talking to TELEGRAM_API."""
    server = TelegramAPIServer.from_base(app.config["TELEGRAM_API"].rstrip("/"))
    return Bot(token=app.config["TELEGRAM_TOKEN"], session=AiohttpSession(api=server))


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [[InlineKeyboardButton(text=label, callback_data=data)] for label, data in reply.buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def make_dispatcher(app: Flask) -> Dispatcher:
    """The bot's handlers; each runs its database and search work on a thread."""
    router = Router()

    async def run(work: Callable, *args) -> Reply:
        def in_app() -> Reply:
            with app.app_context():
                return work(db(), *args)

        return await asyncio.to_thread(in_app)

    async def send(message: Message, reply: Reply) -> None:
        await message.answer(reply.text, reply_markup=_markup(reply))

    @router.message(CommandStart())
    async def on_start(message: Message, command: CommandObject) -> None:
        await send(message, await run(start, message.chat.id, command.args or ""))

    @router.message(Command("dialogs"))
    async def on_dialogs(message: Message) -> None:
        await send(message, await run(dialogs_list, message.chat.id))

    @router.message(F.text)
    async def on_question(message: Message) -> None:
        await send(message, await run(answer_question, message.chat.id, message.text))

    @router.callback_query(F.data.startswith(ENTRY_PREFIX))
    async def on_entry(query: CallbackQuery) -> None:
        entry_id = query.data[len(ENTRY_PREFIX) :]
        reply = await run(lambda _session, eid: entry_reply(eid), entry_id)
        await query.answer()
        if query.message is not None:
            text = reply.text if reply else "Эта статья больше недоступна."
            await query.message.answer(text)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def run_bot(
    app: Flask, *, polling_timeout: int = POLLING_TIMEOUT, handle_signals: bool = True
) -> None:
    """Long-poll until stopped."""
    bot = make_bot(app)
    dispatcher = make_dispatcher(app)
    app.extensions["spravka.telegram_dispatcher"] = dispatcher
    await dispatcher.start_polling(
        bot, polling_timeout=polling_timeout, handle_signals=handle_signals
    )
