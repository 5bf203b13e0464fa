"""A small local Telegram Bot API (getMe, getUpdates, sendMessage, answerCallbackQuery): the
only stand-in the tests use; the bot under test is the real aiogram talking HTTP to it."""

from __future__ import annotations

import itertools
import json
import threading
import time

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

BOT = {"id": 4242, "is_bot": True, "first_name": "Справка", "username": "spravka_test_bot"}


class BotApi:
    """The server's state: updates to hand out and what the bot sent back."""

    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.sent: list[dict] = []
        self.answered: list[str] = []
        self.calls: list[str] = []
        self._ids = itertools.count(1)
        self._changed = threading.Condition()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> BotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    # -- what a user does ---------------------------------------------------------------
    def _user(self, chat_id: int) -> dict:
        return {"id": chat_id, "is_bot": False, "first_name": "Продавец"}

    def _message(self, chat_id: int, text: str) -> dict:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._user(chat_id),
            "text": text,
        }

    def _push(self, update: dict) -> None:
        with self._changed:
            update["update_id"] = next(self._ids)
            self.updates.append(update)
            self._changed.notify_all()

    def say(self, chat_id: int, text: str) -> None:
        """The user writes `text` to the bot."""
        self._push({"message": self._message(chat_id, text)})

    def press(self, chat_id: int, data: str) -> None:
        """The user presses an inline button carrying `data`."""
        self._push(
            {
                "callback_query": {
                    "id": f"cb{next(self._ids)}",
                    "from": self._user(chat_id),
                    "chat_instance": "test",
                    "data": data,
                    "message": {**self._message(chat_id, "…"), "from": BOT},
                }
            }
        )

    def wait_sent(self, count: int, timeout: float = 15.0) -> list[dict]:
        """Block until the bot has sent `count` messages in all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.sent) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"bot sent {len(self.sent)} of {count}: {self.sent}"
                self._changed.wait(left)
            return list(self.sent)

    # -- the HTTP side --------------------------------------------------------------------
    @Request.application
    def _app(self, request: Request) -> Response:
        method = request.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        params = {**request.args.to_dict(), **request.form.to_dict()}
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return Response(json.dumps(body), 404, mimetype="application/json")
        return Response(
            json.dumps({"ok": True, "result": handler(params)}), mimetype="application/json"
        )

    def _getMe(self, params: dict):  # noqa: N802
        return BOT

    def _getUpdates(self, params: dict):  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        with self._changed:
            fresh = [u for u in self.updates if u["update_id"] >= offset]
            if not fresh and wait:
                self._changed.wait(wait)
                fresh = [u for u in self.updates if u["update_id"] >= offset]
        return fresh

    def _sendMessage(self, params: dict):  # noqa: N802
        sent = {
            "chat_id": int(params["chat_id"]),
            "text": params["text"],
            "reply_markup": json.loads(params["reply_markup"])
            if params.get("reply_markup")
            else None,
        }
        message = {**self._message(sent["chat_id"], sent["text"]), "from": BOT}
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        return message

    def _answerCallbackQuery(self, params: dict):  # noqa: N802
        self.answered.append(params["callback_query_id"])
        return True
