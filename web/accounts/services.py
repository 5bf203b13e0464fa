"""Creating accounts, checking and changing passwords."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from web.accounts.models import ROLES, User
from web.accounts.passwords import email_problem, password_problem
from web.database import db
from web.errors import Refused
from web.russian import strip_controls

# scrypt (werkzeug's default, memory-hard) needs no extra dependency; argon2 would add one
# for no practical gain at this scale. The cost comes from PASSWORD_HASH_METHOD.
HASH_METHOD = "scrypt"
# Checked when the email is unknown so that a miss costs as much as a wrong password and
# response time does not reveal which emails have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=HASH_METHOD)


class AccountError(Refused):
    """An account cannot be created as asked (bad email, role or password, duplicate)."""


def normalize_email(email: str) -> str:
    """The canonical form of an email address (no control characters, trimmed, lowercase)."""
    # Control characters (NUL above all: PostgreSQL refuses it) never belong in an address.
    return strip_controls(email or "", keep_newlines=False).strip().lower()


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password` with the configured cost."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") or HASH_METHOD
    return generate_password_hash(password, method=method)


def create_user(email: str, password: str, role: str) -> User:
    """Create and commit an account; raises AccountError when the input is not acceptable."""
    email = normalize_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError(problem)
    if role not in ROLES:
        raise AccountError(f"Роль должна быть одной из: {', '.join(ROLES)}")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    user = User(email=email, password_hash=hash_password(password), role=role)
    session_ = db()
    session_.add(user)
    try:
        session_.commit()
    except IntegrityError as exc:
        session_.rollback()
        raise AccountError(f"Пользователь {email} уже существует") from exc
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; raises AccountError otherwise."""
    if not user.check_password(current):
        raise AccountError("Текущий пароль указан неверно")
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    db().commit()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = db().scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
