"""Helpers shared by the dialog tests: accounts, logging in, posting the new-dialog form."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from web.accounts.services import create_user
from web.database import db

PASSWORD = "correct-horse-1"
DESCRIPTION = "Вернули товар с дефектом: порвана упаковка и сломана застёжка на куртке"


def make_user(app, email: str, role: str = "seller") -> int:
    """Create an account in the app's database; returns its id."""
    with app.app_context():
        return create_user(email, PASSWORD, role).id


def login(client, email: str) -> None:
    """Log the client in (the account must exist with PASSWORD)."""
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def seller_client(app, email: str = "seller@example.com"):
    """A test client logged in as a new seller."""
    make_user(app, email, "seller")
    client = app.test_client()
    login(client, email)
    return client


def upload(path: Path, name: str | None = None):
    """A (stream, filename) pair for the test client's multipart form."""
    return (open(path, "rb"), name or path.name)


def dialog_form(**overrides) -> dict:
    """A valid new-dialog form; keyword arguments replace or add fields."""
    data = {
        "category": "returns",
        "topic": "defects",
        "description": DESCRIPTION,
        "barcode": "",
    }
    data.update(overrides)
    return data


def create(client, **overrides):
    """POST the new-dialog form (multipart)."""
    return client.post(
        "/dialogs/new", data=dialog_form(**overrides), content_type="multipart/form-data"
    )


def created_number(response) -> int:
    """The dialog number from the redirect after «Начать диалог»."""
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    match = re.search(r"/dialogs/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def stored_uploads(app) -> list[Path]:
    """Stored attachments (files kept for a resubmit live apart, in uploads/pending)."""
    folder = Path(app.instance_path) / "uploads"
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


def pending_uploads(app) -> list[Path]:
    """Files kept for a resubmit of a refused form."""
    folder = Path(app.instance_path) / "uploads" / "pending"
    return sorted(p for p in folder.iterdir() if p.suffix != ".json") if folder.exists() else []


def count_rows(app, model) -> int:
    """How many rows of `model` the app's database holds."""
    with app.app_context():
        return db().scalar(select(func.count(model.id)))
