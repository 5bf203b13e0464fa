"""Knowledge capture and saved replies as content: a reply becomes an FAQ draft for editors,
and editors edit kb/replies.yaml like the other YAML files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.dialog_helpers import create, created_number, login, make_user
from web.app import create_app


@pytest.fixture
def capture_app(dialog_config, dialog_content_root, dialog_index_dir, tmp_path):
    """The dialog app over a writable copy of its content (captures write files)."""
    root = tmp_path / "content"
    shutil.copytree(dialog_content_root, root, ignore=shutil.ignore_patterns("files"))
    index = tmp_path / "index"
    shutil.copytree(dialog_index_dir, index)
    app = create_app({**dialog_config, "CONTENT": str(root), "INDEX_DIR": str(index)})
    yield app
    app.extensions["spravka.db_engine"].dispose()


def _client(app, email: str, role: str):
    make_user(app, email, role)
    client = app.test_client()
    login(client, email)
    return client


def test_a_reply_becomes_an_faq_draft_the_editor_opens_prefilled(capture_app):
    seller = _client(capture_app, "s@example.com", "seller")
    agent = _client(capture_app, "a@example.com", "agent")
    editor = _client(capture_app, "e@example.com", "editor")
    number = created_number(
        create(seller, description="Куртку вернули с браком, мой телефон +7 900 123-45-67")
    )
    agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Оформите акт о браке на складе."})
    page = agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    [action] = re.findall(r'action="(/agent/dialogs/\d+/messages/\d+/capture)"', page)
    assert page.count("Сделать статьёй справки") == 1  # support's replies only
    done = agent.post(action)
    assert done.status_code == 302
    entry_id = f"returns/from-dialog-{number}"
    assert entry_id in agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    faq_file = Path(capture_app.config["CONTENT"]) / "kb" / "faq" / "returns.yaml"
    data = yaml.safe_load(faq_file.read_text(encoding="utf-8"))
    [item] = [e for e in data["entries"] if e["id"] == entry_id]
    assert item["status"] == "draft" and item["topic"] == "defects"
    assert item["question"] == "Куртку вернули с браком, мой телефон [номер]"
    assert item["answer"].strip() == "Оформите акт о браке на складе."
    form = editor.get(f"/editor/faq/{entry_id}").get_data(as_text=True)
    assert "Куртку вернули с браком" in form and "Оформите акт о браке" in form
    assert seller.get(f"/q/{entry_id}").status_code == 404  # a draft until an editor publishes
    again = agent.post(action)
    assert again.status_code == 302  # a second draft gets its own id
    assert f"{entry_id}-2" in agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    assert agent.post(action.replace("/messages/", "/messages/9")).status_code == 404


def test_editors_edit_saved_replies_validated_with_lines(capture_app):
    editor = _client(capture_app, "e@example.com", "editor")
    page = editor.get("/editor/replies").get_data(as_text=True)
    assert "ask-barcode" in page and "Готовые ответы" in page
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    bad = "replies:\n  - id: a\n    title: T\n    text: № {numbr}\n"
    refused = editor.post("/editor/replies", data={"text": bad, "version": version})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "строка 4" in body and "{numbr}" in body
    good = "replies:\n  - id: thanks\n    title: Спасибо\n    text: Спасибо, № {number}!\n"
    assert (
        editor.post("/editor/replies", data={"text": good, "version": version}).status_code == 302
    )
    agent = _client(capture_app, "a@example.com", "agent")
    seller = _client(capture_app, "s@example.com", "seller")
    number = created_number(create(seller))
    assert f"Спасибо, № {number}!" in agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
