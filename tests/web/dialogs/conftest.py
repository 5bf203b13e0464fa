"""Fixtures of the conversation tests: people on each database, a dialog opened by a seller."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.dialog_helpers import DESCRIPTION, make_user
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
