"""Dialog storage on SQLite and PostgreSQL: models, migrations, numbering under concurrency,
dialog+files atomicity and the cross-seller 404."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sqlalchemy import func, inspect, select, text

from tests.dialog_helpers import (
    DESCRIPTION,
    create,
    created_number,
    login,
    make_user,
    pending_uploads,
    stored_uploads,
    upload,
)
from web.database import db
from web.dialogs.models import Attachment, Dialog, Message
from web.migrate import downgrade_database, upgrade_database


def test_models_round_trip(dialog_app_any_db, sample_files):
    app = dialog_app_any_db
    make_user(app, "s@example.com")
    client = app.test_client()
    login(client, "s@example.com")
    number = created_number(
        create(client, barcode="4006381333931", files=[upload(sample_files / "invoice.pdf")])
    )
    with app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        assert dialog.status == "created" and dialog.status_name == "Создан"
        assert dialog.barcode == "4006381333931"
        assert dialog.description == DESCRIPTION
        assert dialog.created_at.tzinfo is not None  # aware UTC on both databases
        [attachment] = dialog.attachments
        assert (attachment.kind, attachment.original_name) == ("pdf", "invoice.pdf")
        assert attachment.message is dialog.messages[0]
        assert (Path(app.instance_path) / "uploads" / attachment.stored_name).is_file()


def test_migrations_go_down_and_up(dialog_app_any_db):
    app = dialog_app_any_db
    with app.app_context():
        engine = db().get_bind()
    downgrade_database(app, "base")
    assert "dialogs" not in inspect(engine).get_table_names()
    upgrade_database(app)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "dialogs", "messages", "attachments", "dialog_counters"} <= tables
    assert "login_failures" not in tables  # login limits are Flask-Limiter counters now


def test_numbers_stay_unique_and_sequential_under_concurrent_requests(dialog_app_any_db):
    app = dialog_app_any_db
    threads_count, per_thread = 8, 3
    clients = []
    for i in range(threads_count):
        make_user(app, f"seller{i}@example.com")
        client = app.test_client()
        login(client, f"seller{i}@example.com")
        clients.append(client)
    numbers: list[int] = []
    failures: list[str] = []
    barrier = threading.Barrier(threads_count)

    def worker(client, i: int) -> None:
        barrier.wait()
        for j in range(per_thread):
            response = create(client, description=f"{DESCRIPTION}, заказ {i}-{j}", confirm_new="1")
            if response.status_code != 302:
                failures.append(f"{response.status_code}: {response.get_data(as_text=True)[:300]}")
                continue
            numbers.append(created_number(response))

    threads = [threading.Thread(target=worker, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    total = threads_count * per_thread
    assert len(numbers) == total
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + total))
    with app.app_context():
        assert db().scalar(select(func.count(Dialog.id))) == total


def _fail_attachment_inserts(app) -> None:
    """A real database error on the attachments insert (a trigger), not a mock."""
    with app.app_context():
        connection = db().connection()
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER no_files BEFORE INSERT ON attachments "
                    "BEGIN SELECT RAISE(ABORT, 'disk quota'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION no_files() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'disk quota'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER no_files BEFORE INSERT ON attachments "
                    "FOR EACH ROW EXECUTE FUNCTION no_files()"
                )
            )
        db().commit()


def _allow_attachment_inserts(app) -> None:
    with app.app_context():
        connection = db().connection()
        on_table = "" if connection.dialect.name == "sqlite" else " ON attachments"
        connection.execute(text("DROP TRIGGER no_files" + on_table))
        db().commit()


def test_database_error_leaves_no_dialog_and_no_file(dialog_app_any_db, sample_files):
    app = dialog_app_any_db
    client = app.test_client()
    make_user(app, "s@example.com")
    login(client, "s@example.com")
    first = created_number(create(client, description="Первый диалог о поставке на склад Коледино"))
    _fail_attachment_inserts(app)
    files = [upload(sample_files / "invoice.pdf"), upload(sample_files / "photo.png")]
    response = create(client, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Не удалось сохранить диалог" in page
    assert DESCRIPTION in page  # the typed text is kept
    with app.app_context():
        assert db().scalar(select(func.count(Dialog.id))) == 1
        assert db().scalar(select(func.count(Message.id))) == 1
        assert db().scalar(select(func.count(Attachment.id))) == 0
    assert stored_uploads(app) == []  # neither temporary nor final files remain
    # The files wait in the form for a retry, which works once the database does.
    assert len(pending_uploads(app)) == 2
    kept = re.findall(r'name="kept" value="([0-9a-f]{32})"', page)
    _allow_attachment_inserts(app)
    second = created_number(create(client, kept=kept))
    assert second == first + 1  # the failed attempt did not use up a number
    assert len(stored_uploads(app)) == 2 and pending_uploads(app) == []


def test_another_sellers_dialog_and_file_are_404(dialog_app_any_db, sample_files):
    app = dialog_app_any_db
    owner, other = app.test_client(), app.test_client()
    make_user(app, "owner@example.com")
    make_user(app, "other@example.com")
    login(owner, "owner@example.com")
    login(other, "other@example.com")
    number = created_number(create(owner, files=[upload(sample_files / "invoice.pdf")]))
    with app.app_context():
        attachment_id = db().scalar(select(Attachment.id))
    file_url = f"/dialogs/{number}/files/{attachment_id}"
    assert owner.get(file_url).status_code == 200
    assert other.get(f"/dialogs/{number}").status_code == 404
    assert other.get(f"/dialogs/{number}?tab=info").status_code == 404
    assert other.get(file_url).status_code == 404
    response = other.post(f"/dialogs/{number}/messages", data={"body": "Чужое сообщение"})
    assert response.status_code == 404
    assert other.get("/dialogs").get_data(as_text=True).count(f"№ {number}") == 0


def test_strange_input_never_gives_a_500(dialog_app_any_db):
    app = dialog_app_any_db
    make_user(app, "s@example.com")
    make_user(app, "agent@example.com", "agent")
    client, agent = app.test_client(), app.test_client()
    login(client, "s@example.com")
    login(agent, "agent@example.com")
    huge = 10**20
    assert client.get(f"/dialogs/{huge}").status_code == 404
    assert client.get(f"/dialogs/{huge}/files/{huge}").status_code == 404
    assert agent.get(f"/agent/dialogs/{huge}").status_code == 404
    assert agent.get("/agent?category=%00&status=%00").status_code == 200
    nul = create(
        client, description="Описание с нулевым\x00 символом внутри текста", barcode="\x00"
    )
    assert nul.status_code in (302, 400)
    guest = app.test_client()
    response = guest.post("/login", data={"email": "s@example.com\x00", "password": "x\x00"})
    assert response.status_code == 401
    assert guest.get("/login?next=/dialogs%00").status_code == 200
    page = client.get("/dialogs/new?category=%00&find=%00&description=%00").status_code
    assert page == 200
