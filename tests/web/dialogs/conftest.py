"""Fixtures of the dialog tests: people on each database, a dialog opened by a seller."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.dialog_helpers import (
    DESCRIPTION,
    create,
    created_number,
    login,
    make_user,
    seller_client,
)
from web.accounts.models import User
from web.database import db
from web.dialogs.conversation import open_dialog
from web.dialogs.models import Dialog
from web.dialogs.store import DialogDraft, any_dialog


@dataclass
class People:
    """The app (inside an app context) and the users a conversation test needs."""

    app: Flask
    seller: User
    other_seller: User
    agent: User
    other_agent: User

    def open(self, description: str = DESCRIPTION, **fields) -> Dialog:
        """A new dialog of `seller` in returns › defects (fields override the draft)."""
        draft = DialogDraft(category="returns", topic="defects", description=description)
        for name, value in fields.items():
            setattr(draft, name, value)
        return open_dialog(db(), self.seller, draft, visitor="v" * 16)

    def fresh(self, dialog: Dialog) -> Dialog:
        """The dialog as a new request would load it."""
        db().expire_all()
        return any_dialog(db(), dialog.number)


@pytest.fixture
def people(dialog_app_any_db):
    """Two sellers and two agents on SQLite, then PostgreSQL; runs inside an app context."""
    app = dialog_app_any_db
    ids = {
        name: make_user(app, f"{name}@example.com", role)
        for name, role in (
            ("seller", "seller"),
            ("other_seller", "seller"),
            ("agent", "agent"),
            ("other_agent", "agent"),
        )
    }
    with app.test_request_context():
        users = {name: db().get(User, user_id) for name, user_id in ids.items()}
        yield People(app, **users)


@dataclass
class Clients:
    """Signed-in test clients of one app: two sellers and two agents."""

    app: Flask
    seller: object
    other_seller: object
    agent: object
    other_agent: object

    def open(self, **overrides) -> int:
        """The seller opens a dialog through the form; returns its number."""
        return created_number(create(self.seller, **overrides))

    def reply(self, number: int, body: str, action: str = "reply", client=None):
        """An agent's reply through the page (the first agent unless `client` is given)."""
        return (client or self.agent).post(
            f"/agent/dialogs/{number}/reply", data={"body": body, "action": action}
        )

    def dialog(self, number: int) -> Dialog:
        """The dialog as stored now (call inside an app context)."""
        return any_dialog(db(), number)


@pytest.fixture
def clients(dialog_app_any_db):
    """Two sellers and two agents signed in, on SQLite and then PostgreSQL."""
    app = dialog_app_any_db
    made = {}
    for name, role in (
        ("seller", "seller"),
        ("other_seller", "seller"),
        ("agent", "agent"),
        ("other_agent", "agent"),
    ):
        make_user(app, f"{name}@example.com", role)
        client = app.test_client()
        login(client, f"{name}@example.com")
        made[name] = client
    return Clients(app, **made)


@pytest.fixture
def seller(dialog_app):
    """A client logged in as a seller (SQLite)."""
    return seller_client(dialog_app)
