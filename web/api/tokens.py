"""Personal access tokens: created (shown once), found by hash on each request, revoked."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from web.accounts.models import User
from web.api.models import ApiToken
from web.errors import NotFound, Refused
from web.russian import strip_controls
from web.timestamps import utcnow

# A recognisable prefix lets secret scanners (and people) spot a leaked Spravka token.
TOKEN_PREFIX = "spr_"
# 32 random bytes: guessing is hopeless, so a fast SHA-256 is enough to store it (unlike a
# password, the token has no low-entropy human choice behind it to brute-force).
TOKEN_BYTES = 32
NAME_MAX = 100
# Tokens a person may hold at once; more is a script creating tokens in a loop.
MAX_ACTIVE_TOKENS = 20
# Writing last_used_at on every request would turn each GET into a write; a minute is enough.
LAST_USED_PRECISION_SECONDS = 60
TOKEN_ROLES = ("seller", "agent")


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def clean_token_name(name: str | None) -> str:
    """A token's label as stored (no control characters, trimmed, a default when empty)."""
    name = strip_controls(name or "", keep_newlines=False).strip()[:NAME_MAX]
    return name or "Мобильное приложение"


def create_token(session: Session, user: User, name: str | None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the token itself (never stored)."""
    if user.role not in TOKEN_ROLES:
        raise Refused("Токены доступа выдаются продавцам и сотрудникам поддержки.")
    if len(active_tokens(session, user.id)) >= MAX_ACTIVE_TOKENS:
        raise Refused(f"Не больше {MAX_ACTIVE_TOKENS} действующих токенов: отзовите ненужные.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        user_id=user.id,
        name=clean_token_name(name),
        token_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 4],
        created_at=utcnow(),
    )
    session.add(row)
    session.commit()
    return row, token


def active_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def all_tokens(session: Session) -> list[ApiToken]:
    """Every token (for `spravka tokens list`), oldest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int, user_id: int | None = None) -> ApiToken:
    """Revoke a token (only the owner's when `user_id` is given); NotFound otherwise."""
    row = session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise NotFound(f"token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
    return row


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, disabled)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > (
        LAST_USED_PRECISION_SECONDS
    ):
        row.last_used_at = now
        session.commit()
    return row.user
