"""In Chromium: the file limits stated on the form are checked before anything is sent, and
one click on «Начать диалог» opens one dialog."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from web.accounts.services import create_user
from web.database import db
from web.dialogs.models import Dialog

PASSWORD = "correct-horse-1"


@pytest.fixture(scope="module")
def live_app_config(dialog_live_app_config) -> dict:
    """Small limits (1 MB a file, 2 MB together) so the test files stay small."""
    return {**dialog_live_app_config, "MAX_FILE_MB": 1, "MAX_TOTAL_MB": 2}


def _pdf(name: str, size: int) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * size}


def test_the_total_is_checked_before_upload_and_one_click_opens_one_dialog(browser, live_server):
    with live_server.app.app_context():
        create_user("limits@browser.example", PASSWORD, "seller")
    page = browser.new_context(locale="ru-RU").new_page()
    page.set_default_timeout(10_000)
    target = "/dialogs/new?category=returns&topic=defects"
    page.goto(live_server("/login?next=" + quote(target)))
    page.fill("#login-email", "limits@browser.example")
    page.fill("#login-password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_selector("#dialog-form")
    expect(page.locator("#files-hint")).to_contain_text("вместе не больше 2 МБ")
    page.set_input_files("#files", [_pdf(f"scan{n}.pdf", 900 * 1024) for n in range(3)])
    expect(page.locator("#file-list .is-kept")).to_have_count(2)
    expect(page.locator("#file-list .is-refused")).to_contain_text("вместе файлы больше 2 МБ")
    page.fill("#description", "Вернули куртку с браком, застёжка сломана, фото во вложении")
    page.fill("#barcode", "")
    button = page.locator("#start-dialog")
    button.click()
    if page.locator("#confirm-new").is_visible():  # a duplicate warning would need consent
        page.check("#confirm-new")
        button.click()
    page.wait_for_url(re.compile(r"/dialogs/\d+$"))
    with live_server.app.app_context():
        dialogs = db().query(Dialog).all()
        assert len(dialogs) == 1
        assert sorted(a.original_name for a in dialogs[0].attachments) == ["scan0.pdf", "scan1.pdf"]
