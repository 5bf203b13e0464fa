"""Fixtures for /api/v1: an app over the dialog fixture content and tokens per role."""

from __future__ import annotations

import itertools

import pytest

from tests.dialog_helpers import make_user
from web.accounts.models import User
from web.api.tokens import create_token
from web.database import db

_emails = itertools.count(1)


def issue_token(app, role: str = "seller", email: str | None = None) -> tuple[str, str]:
    """A new account of `role` with a fresh token; returns (email, token)."""
    email = email or f"{role}{next(_emails)}@example.com"
    make_user(app, email, role)
    with app.app_context():
        user = db().query(User).filter_by(email=email).one()
        return email, create_token(db(), user, "test")[1]


def bearer(token: str) -> dict:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_app(dialog_app):
    """The app the API tests call (SQLite, dialog fixture content)."""
    return dialog_app


@pytest.fixture
def api_client(api_app):
    """A test client without any cookie."""
    return api_app.test_client()


@pytest.fixture
def seller_token(api_app) -> str:
    """A seller's token."""
    return issue_token(api_app, "seller")[1]


@pytest.fixture
def agent_token(api_app) -> str:
    """A support agent's token."""
    return issue_token(api_app, "agent")[1]
