"""Faults found by probes: an unusable or full uploads folder, a double submit, limits that
agree, the database down, and .part files of killed uploads."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.dialog_helpers import (
    create,
    created_number,
    dialog_form,
    login,
    make_user,
    seller_client,
    upload,
)
from web.app import create_app
from web.database import db
from web.dialogs.models import Dialog, Message

TEXT = "Не пришла оплата за поставку от прошлой недели, номер поставки в файле"


def _dialogs(app) -> int:
    with app.app_context():
        return db().scalar(select(func.count(Dialog.id)))


def _files(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


def _pdf(path: Path, size: int) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + b"0" * (size - 9))
    return path


def test_unusable_uploads_folder_with_a_file_keeps_the_text_and_leaves_nothing(
    dialog_app, seller, sample_files
):
    first = created_number(create(seller))
    folder = Path(dialog_app.instance_path) / "uploads"
    if folder.exists():
        folder.rmdir()
    folder.write_text("the uploads folder is not usable: every write is an OSError")
    response = create(seller, description=TEXT, files=[upload(sample_files / "invoice.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Не удалось сохранить диалог" in page and TEXT in page
    assert "прикрепите файлы ещё раз" in page  # the file could not be kept, and it says so
    assert _dialogs(dialog_app) == 1
    response = seller.post(
        f"/dialogs/{first}/messages",
        data={"body": "Дополнение", "files": [upload(sample_files / "invoice.pdf")]},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Дополнение" in page
    assert "прикрепите файлы ещё раз" in page


def test_a_full_disk_mid_write_leaves_no_partial_file(dialog_app, seller, tmp_path):
    # RLIMIT_FSIZE makes writes past 300 KB fail with EFBIG, as a full disk fails with ENOSPC.
    big = _pdf(tmp_path / "scan.pdf", 400 * 1024)  # under werkzeug's in-memory spool
    created_number(create(seller))  # the database file exists before the limit
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300 * 1024, hard))
    try:
        response = create(seller, description=TEXT, files=[upload(big)])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and TEXT in page
    assert _dialogs(dialog_app) == 1
    assert _files(dialog_app) == []  # neither the staged .part nor a kept copy


def _parallel_creates(client_factory, token: str, count: int = 2) -> list:
    data = dialog_form(description=TEXT, submit_token=token)

    def post(client):
        return client.post("/dialogs/new", data=data, content_type="multipart/form-data")

    clients = [client_factory() for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(post, clients))


def test_a_double_submit_opens_one_dialog(dialog_app_any_db):
    app = dialog_app_any_db
    make_user(app, "s@example.com")
    client = app.test_client()
    login(client, "s@example.com")
    page = client.get("/dialogs/new?category=returns&topic=defects").get_data(as_text=True)
    import re

    token = re.search(r'name="submit_token" value="([^"]+)"', page).group(1)

    def same_browser():
        twin = app.test_client()
        for cookie in client._cookies.values():
            twin.set_cookie(cookie.key, cookie.value)
        return twin

    for _ in range(3):
        responses = _parallel_creates(same_browser, token)
        assert [r.status_code for r in responses] == [302, 302], responses[0].get_data(
            as_text=True
        )[-3000:]
        assert len({r.headers["Location"] for r in responses}) == 1
    assert _dialogs(app) == 1
    # The next form has a new token and opens a new dialog.
    other = client.get("/dialogs/new?category=returns&topic=defects").get_data(as_text=True)
    assert token not in other


def test_limits_agree_and_a_refusal_keeps_the_text(dialog_config, tmp_path):
    app = create_app({**dialog_config, "MAX_FILE_MB": 1, "MAX_TOTAL_MB": 3})
    client = seller_client(app)
    form = client.get("/dialogs/new?category=returns&topic=defects").get_data(as_text=True)
    assert "до 10 файлов, каждый не больше 1 МБ, вместе не больше 3 МБ" in form
    assert 'data-max-total-mb="3"' in form and 'data-max-mb="1"' in form
    assert app.config["MAX_CONTENT_LENGTH"] >= 10 * 1024 * 1024  # every allowed form fits
    files = [upload(_pdf(tmp_path / f"part{n}.pdf", 900 * 1024)) for n in range(7)]
    response = create(client, description=TEXT, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and TEXT in page
    listed = page.split('id="file-errors"')[1].split("</ul>")[0]
    assert listed.count("Вместе файлы больше 3 МБ") == 4  # three fit; four are refused by name
    summary = page.split("data-error-summary")[1].split("</ul>")[0]
    assert summary.count('href="#files"') == 4  # and each is linked from the error summary
    assert _dialogs(app) == 0


def test_the_file_count_of_every_form_comes_from_the_setting(dialog_config, sample_files):
    app = create_app({**dialog_config, "MAX_FILES": 2})
    assert app.config["MAX_CONTENT_LENGTH"] == (2 * 10 + 10) * 1024 * 1024  # 2 files of 10 MB
    client = seller_client(app)
    form = client.get("/dialogs/new?category=returns&topic=defects").get_data(as_text=True)
    assert "до 2 файлов" in form and 'data-max-files="2"' in form
    number = created_number(create(client))
    message_form = client.get(f"/dialogs/{number}").get_data(as_text=True).split('id="message-form"')[1]  # fmt: skip
    assert "До 2 файлов" in message_form and 'data-max-files="2"' in message_form
    make_user(app, "agent@example.com", "agent")
    agent = app.test_client()
    login(agent, "agent@example.com")
    reply_form = agent.get(f"/agent/dialogs/{number}").get_data(as_text=True).split('id="reply-form"')[1]  # fmt: skip
    assert "До 2 файлов" in reply_form and 'data-max-files="2"' in reply_form
    files = [upload(sample_files / "invoice.pdf", f"scan{n}.pdf") for n in range(3)]
    response = client.post(
        f"/dialogs/{number}/messages",
        data={"body": TEXT, "files": files},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and TEXT in page
    assert "<strong>scan2.pdf</strong> — Можно прикрепить не больше 2 файлов." in page


@pytest.fixture
def down_app(dialog_config, tmp_path):
    """The app of a worker whose database stopped: a closed port (no server listens)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test?connect_timeout=2"
    return create_app({**dialog_config, "DATABASE_URL": closed, "PREPARED": True})


def test_with_the_database_down_help_works_for_everyone_and_forms_keep_their_text(
    dialog_app, down_app
):
    signed_in = seller_client(dialog_app)  # logged in while the database was up
    cookie = signed_in.get_cookie("session").value
    seller = down_app.test_client()
    seller.set_cookie("session", cookie)
    with down_app.app_context():
        from web.search_service import engine

        entry_url = next(iter(engine().content.published())).url
    for client in (down_app.test_client(), seller):
        for url in ("/", "/search?q=возврат", "/api/search?q=возврат", entry_url):
            assert client.get(url).status_code == 200, url
    response = seller.get("/dialogs")
    assert response.status_code == 503
    assert "Сервис временно недоступен" in response.get_data(as_text=True)
    response = seller.post("/dialogs/new", data=dialog_form(description=TEXT))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and TEXT in page
    login_page = down_app.test_client().post(
        "/login", data={"email": "s@b.ru", "password": "secret-password-1"}
    )
    text = login_page.get_data(as_text=True)
    assert login_page.status_code == 503 and "s@b.ru" in text
    assert "secret-password-1" not in text
    assert down_app.test_client().get("/api/dialogs/duplicates?q=x").status_code in (302, 503)


def test_parts_of_a_killed_upload_are_swept_without_a_restart(dialog_config, tmp_path):
    app = create_app({**dialog_config, "UPLOAD_SWEEP_SECONDS": 0.2, "STALE_PART_SECONDS": 0.5})
    folder = Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    # A worker killed while writing its .part (SIGKILL: no cleanup runs).
    script = (
        "import os, signal, sys\n"
        "from web.dialogs.uploads import Staging, CheckedFile\n"
        "import io\n"
        "s = Staging(__import__('pathlib').Path(sys.argv[1]))\n"
        "s.stage(CheckedFile('a.pdf', 'pdf', 3, io.BytesIO(b'%PDF' * 100000)))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(folder)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert [p.suffix for p in folder.iterdir()] == [".part"]
    deadline = time.monotonic() + 5
    while any(folder.iterdir()):
        assert time.monotonic() < deadline, "the .part file was not swept"
        time.sleep(0.1)
    assert os.path.isdir(folder)
    _ = Message  # the sweep never touches saved files: see test_dialogs_rules
