"""Demo accounts (one per role) so a newcomer can log in on a fresh install."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from web.accounts.models import User
from web.accounts.services import AccountError, create_user
from web.database import db

log = logging.getLogger(__name__)

DEMO_EMAILS = {
    "seller": "seller@demo.local",
    "agent": "agent@demo.local",
    "editor": "editor@demo.local",
}


def create_demo_accounts() -> dict[str, str]:
    """Create the missing demo accounts with random passwords; returns email -> password."""
    created = {}
    for role, email in DEMO_EMAILS.items():
        password = secrets.token_urlsafe(12)
        try:
            create_user(email, password, role)
        except AccountError:
            continue  # already there (or another worker just made it): keep its password
        created[email] = password
    return created


def write_demo_file(instance: Path, accounts: dict[str, str]) -> Path:
    """Write the passwords to <instance>/demo-accounts.txt readable by the owner only."""
    path = Path(instance) / "demo-accounts.txt"
    lines = ["# Демо-учётные записи Spravka (войти: /login)"]
    lines += [f"{email}\t{password}" for email, password in accounts.items()]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def announce(accounts: dict[str, str], path: Path) -> None:
    """Print the new demo passwords once, so whoever started the server can log in."""
    print("Созданы демо-учётные записи (пароли показываются один раз):", flush=True)
    for email, password in accounts.items():
        print(f"  {email}  пароль: {password}", flush=True)
    print(f"Они же записаны в {path}", flush=True)


def ensure_demo_accounts(app: Flask) -> None:
    """On an empty users table and with DEMO_ACCOUNTS on, create and announce demo accounts."""
    if not app.config.get("DEMO_ACCOUNTS"):
        return
    with app.app_context():
        if db().scalar(select(func.count(User.id))):
            return
        accounts = create_demo_accounts()
        if accounts:
            path = write_demo_file(Path(app.instance_path), accounts)
            announce(accounts, path)
            log.info("demo accounts created: %s", ", ".join(accounts))


def reset_demo_passwords(exclude: set[str] | None = None) -> dict[str, str]:
    """New random passwords for the existing demo accounts; returns email -> password."""
    from web.accounts.services import hash_password

    changed = {}
    for email in DEMO_EMAILS.values():
        user = db().scalar(select(User).where(User.email == email))
        if user is None or email in (exclude or set()):
            continue
        password = secrets.token_urlsafe(12)
        user.password_hash = hash_password(password)
        changed[email] = password
    db().commit()
    return changed
