"""Linking a Telegram chat to an account with a one-time code from the profile page."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from web.accounts.models import User
from web.channels.models import TelegramCode, TelegramLink
from web.timestamps import utcnow

# Long enough to switch to the phone and type it, short enough that a code seen over a
# shoulder is useless by the time it could be used.
CODE_MINUTES = 15
# 8 characters from a 32-letter alphabet (40 bits): unguessable within 15 minutes, yet
# short enough to type; no 0/O or 1/I to confuse.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_link_code(session: Session, user: User) -> str:
    """A fresh one-time code for `user` (older unused ones stop working)."""
    session.execute(
        delete(TelegramCode).where(TelegramCode.user_id == user.id, TelegramCode.used_at.is_(None))
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    session.add(
        TelegramCode(
            user_id=user.id,
            code_hash=_hash(code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    session.commit()
    return code


def link_chat(session: Session, code: str, chat_id: int) -> User | None:
    """Use a code: the chat is linked to its account (replacing older links); None if invalid."""
    if not code or len(code) > 64:
        return None
    row = session.scalar(select(TelegramCode).where(TelegramCode.code_hash == _hash(code)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at < now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.used_at = now
    session.execute(
        delete(TelegramLink).where(
            (TelegramLink.user_id == user.id) | (TelegramLink.chat_id == chat_id)
        )
    )
    session.add(TelegramLink(user_id=user.id, chat_id=chat_id, linked_at=now))
    session.commit()
    return user


def linked_user(session: Session, chat_id: int) -> User | None:
    """The active account linked to this chat, or None."""
    link = session.scalar(select(TelegramLink).where(TelegramLink.chat_id == chat_id))
    return link.user if link is not None and link.user.active else None


def chat_for(session: Session, user_id: int) -> int | None:
    """The Telegram chat linked to this account, or None."""
    return session.scalar(select(TelegramLink.chat_id).where(TelegramLink.user_id == user_id))


def unlink(session: Session, user_id: int) -> None:
    """Forget the account's Telegram chat."""
    session.execute(delete(TelegramLink).where(TelegramLink.user_id == user_id))
    session.commit()
