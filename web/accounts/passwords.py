"""Password and e-mail rules, the same for the CLI and every form."""

from __future__ import annotations

import functools
from pathlib import Path

import email_validator
from email_validator import EmailNotValidError, validate_email

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")
# email-validator refuses special-use domains; ".local" is what intranets (and our demo
# accounts, seller@demo.local) use for mail, so it stays allowed. Documented as editable.
if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


@functools.cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is not acceptable (in Russian), or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов"
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) <= 2:
        return "Этот пароль слишком распространён, его легко подобрать: придумайте другой"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered and len(lowered) - len(local) < 6:
        return "Пароль не должен повторять адрес почты"
    return None


def email_problem(email: str) -> str | None:
    """Why `email` is not a valid address (syntax only, no DNS look-up), or None."""
    if len(email) > 254:
        return "Адрес почты слишком длинный"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"Некорректный адрес почты {email!r}: {exc}"
    return None
