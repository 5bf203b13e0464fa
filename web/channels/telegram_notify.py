"""Telegram notifications («Поддержка ответила в диалоге № …») sent off the request path.

The agent's request only puts the chat and text on a queue; a daemon thread sends them
with aiogram, so a slow or unreachable Bot API never delays or fails the agent's answer.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading

from flask import Flask

log = logging.getLogger(__name__)
# A notification is a nudge; when Telegram is down for longer, the site still shows it.
SEND_TIMEOUT = 15


class TelegramNotifier:
    """One sender thread per app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self.sent: list[tuple[int, str]] = []
        self._thread = threading.Thread(target=self._run, name="telegram-notify", daemon=True)
        self._thread.start()

    def enqueue(self, chat_id: int, text: str) -> None:
        """Send `text` to `chat_id` soon."""
        self.queue.put((chat_id, text))

    def stop(self) -> None:
        """Finish what is queued, then stop (tests)."""
        self.queue.put(None)
        self._thread.join(SEND_TIMEOUT * 2)

    def _run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        from web.channels.telegram_bot import make_bot

        bot = make_bot(self.app)
        try:
            while (item := await asyncio.to_thread(self.queue.get)) is not None:
                chat_id, text = item
                try:
                    await asyncio.wait_for(bot.send_message(chat_id, text), SEND_TIMEOUT)
                    self.sent.append(item)
                except Exception:  # one failed nudge must not stop the others
                    log.exception("telegram: could not notify chat %s", chat_id)
        finally:
            await bot.session.close()


_lock = threading.Lock()


def notifier_for(app: Flask) -> TelegramNotifier:
    """The app's notifier, started on first use."""
    with _lock:
        notifier = app.extensions.get("spravka.telegram_notifier")
        if notifier is None:
            notifier = app.extensions["spravka.telegram_notifier"] = TelegramNotifier(app)
        return notifier
