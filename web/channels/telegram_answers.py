"""What the Telegram bot says: help-center answers, the hand-off link, dialog lists, linking.

Plain functions over the app (no aiogram here), so the bot's handlers stay thin and the
texts are the same whichever transport sends them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from flask import current_app, g
from sqlalchemy.orm import Session

from web.analytics.recording import record_search
from web.channels.telegram_links import link_chat, linked_user
from web.dialogs.store import seller_dialogs
from web.help.serializers import handoff_url
from web.search_service import engine

CHANNEL = "telegram"
# Buttons a weak match offers: three fit a phone screen and are what the web shows first.
WEAK_BUTTONS = 3
DIALOGS_SHOWN = 10
# Telegram refuses callback data over 64 bytes.
CALLBACK_MAX_BYTES = 64
ENTRY_PREFIX = "e:"
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_MARKS = re.compile(r"[*_`#>]+")


@dataclass
class Reply:
    """A message to send: text and optional buttons (label, callback data)."""

    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)


def public_url(path: str) -> str:
    """An absolute link to the site (PUBLIC_URL), or the path when it is not set."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path}"


def first_paragraph(markdown: str) -> str:
    """The answer's first paragraph as plain text (links keep their words)."""
    for block in markdown.replace("\r\n", "\n").split("\n\n"):
        text = _MARKS.sub("", _LINK.sub(r"\1", block)).strip()
        if text:
            return " ".join(text.split())
    return ""


def entry_reply(entry_id: str) -> Reply | None:
    """One entry: its first paragraph and its link."""
    entry = engine().entry(engine().content.resolve(entry_id) or "")
    if entry is None:
        return None
    return Reply(f"{entry.title}\n\n{first_paragraph(entry.body)}\n\n{public_url(entry.url)}")


def _visitor(chat_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()[:32]
    return "tg-" + hashlib.blake2s(str(chat_id).encode(), key=key).hexdigest()[:16]


def answer_question(session: Session, chat_id: int, text: str) -> Reply:
    """The help center's decision: strong → the answer; weak → buttons; none → the form."""
    query = text.strip()[: current_app.config["QUERY_MAX_CHARS"]]
    g.user = linked_user(session, chat_id)
    result = engine().search(query, limit=WEAK_BUTTONS)
    if current_app.config["ANALYTICS_ENABLED"]:
        record_search(
            query, result, "page", engine().normalize, channel=CHANNEL, visitor=_visitor(chat_id)
        )
    if result.match == "strong" and result.hits:
        found = entry_reply(result.hits[0].id)
        if found is not None:
            return found
    if result.match == "weak" and result.hits:
        buttons = [
            (hit.title[:60], ENTRY_PREFIX + hit.id)
            for hit in result.hits[:WEAK_BUTTONS]
            if len((ENTRY_PREFIX + hit.id).encode()) <= CALLBACK_MAX_BYTES
        ]
        if buttons:
            return Reply("Возможно, ответ здесь:", buttons)
    decision = result.decision
    link = public_url(handoff_url(query, decision.category, decision.topic))
    return Reply(
        "Готового ответа в справке не нашлось. Напишите в поддержку — форма уже заполнена "
        f"вашим вопросом:\n{link}"
    )


def start(session: Session, chat_id: int, code: str) -> Reply:
    """/start [CODE]: link the account with a one-time code from the profile page."""
    if not code.strip():
        return Reply(
            "Здравствуйте! Задайте вопрос — я найду ответ в справке для продавцов. Чтобы "
            "получать уведомления об ответах поддержки, возьмите код в профиле на сайте и "
            "отправьте /start КОД."
        )
    user = link_chat(session, code.strip(), chat_id)
    if user is None:
        return Reply(
            "Код не подошёл: он неверный, уже использован или устарел. Получите новый в профиле."
        )
    return Reply(
        f"Готово: Telegram подключён к учётной записи {user.email}. Я напишу, когда поддержка "
        "ответит; /dialogs — ваши обращения."
    )


def dialogs_list(session: Session, chat_id: int) -> Reply:
    """/dialogs: the linked seller's dialogs and their statuses."""
    user = linked_user(session, chat_id)
    if user is None or user.role != "seller":
        return Reply(
            "Сначала подключите учётную запись продавца: профиль на сайте → код → /start КОД."
        )
    dialogs = seller_dialogs(session, user.id)[:DIALOGS_SHOWN]
    if not dialogs:
        return Reply("Обращений пока нет.")
    lines = [
        f"№ {d.number} — {d.status_name}{' • новый ответ' if d.unread else ''}" for d in dialogs
    ]
    return Reply("Ваши обращения:\n" + "\n".join(lines) + f"\n\n{public_url('/dialogs')}")


def support_wrote_text(number: int) -> str:
    """The notification a linked seller gets when support writes."""
    return f"Поддержка ответила в диалоге № {number}.\n{public_url(f'/dialogs/{number}')}"
