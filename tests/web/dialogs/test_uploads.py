"""Files of the new-dialog form through the Flask client: refusals that keep what was
typed and leave nothing behind, formats, limits, storage and who may download."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.dialog_helpers import (
    DESCRIPTION,
    count_rows,
    create,
    created_number,
    login,
    make_user,
    pending_uploads,
    seller_client,
    stored_uploads,
    upload,
)
from web.database import db
from web.dialogs.models import Attachment, Dialog, Message


def test_renamed_exe_is_refused_next_to_its_name_and_nothing_is_saved(
    dialog_app, seller, sample_files
):
    files = [
        upload(sample_files / "invoice.pdf"),
        upload(sample_files / "setup-renamed.pdf", "акт-приёмки.pdf"),
        upload(sample_files / "setup.exe"),
    ]
    response = create(seller, barcode="4006381333931", files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = page.split('id="file-errors"')[1].split("</ul>")[0]
    assert "акт-приёмки.pdf</strong> — Содержимое файла не похоже на PDF" in errors
    assert "setup.exe</strong> — Файлы «.exe» не принимаются" in errors
    assert "invoice.pdf" not in errors
    assert DESCRIPTION in page and 'value="4006381333931"' in page
    assert count_rows(dialog_app, Dialog) == 0 and stored_uploads(dialog_app) == []
    # The good file stays attached: sending the form again saves it with the dialog.
    kept = re.findall(r'name="kept" value="([0-9a-f]{32})" checked> invoice.pdf', page)
    assert len(kept) == 1 and len(pending_uploads(dialog_app)) == 1
    number = created_number(create(seller, barcode="4006381333931", kept=kept))
    with dialog_app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        assert [a.original_name for a in dialog.attachments] == ["invoice.pdf"]
    assert len(stored_uploads(dialog_app)) == 1 and pending_uploads(dialog_app) == []


def test_unusable_uploads_folder_is_a_clear_refusal_not_a_500(dialog_app, seller):
    first = created_number(create(seller))
    folder = Path(dialog_app.instance_path) / "uploads"
    if folder.exists():
        folder.rmdir()
    folder.write_text("a full or broken disk looks the same to the app: an OSError")
    response = create(seller, description="Другой вопрос: не пришла оплата за поставку")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Не удалось сохранить диалог" in page and "не пришла оплата за поставку" in page
    assert count_rows(dialog_app, Dialog) == 1
    response = seller.post(f"/dialogs/{first}/messages", data={"body": "Дополнение к вопросу"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Не удалось отправить сообщение" in page and "Дополнение к вопросу" in page
    assert count_rows(dialog_app, Message) == 1
    make_user(dialog_app, "agent@example.com", "agent")
    agent = dialog_app.test_client()
    login(agent, "agent@example.com")
    response = agent.post(f"/agent/dialogs/{first}/reply", data={"body": "Ответ поддержки"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Не удалось отправить ответ" in page
    assert 'id="dialog-status">Создан' in page and "Ответ поддержки" in page
    assert 'id="dialog-status">Создан' in seller.get(f"/dialogs/{first}").get_data(as_text=True)


def test_kept_files_belong_to_their_seller_only(dialog_app, seller, sample_files):
    page = create(seller, barcode="1", files=[upload(sample_files / "photo.png")]).get_data(
        as_text=True
    )
    [token] = re.findall(r'name="kept" value="([0-9a-f]{32})"', page)
    other = seller_client(dialog_app, "other@example.com")
    number = created_number(create(other, kept=[token, "../../secret_key", "0" * 32]))
    with dialog_app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        assert dialog.attachments == []
    assert len(pending_uploads(dialog_app)) == 1  # still the first seller's
    # Unticking a kept file leaves it out.
    number = created_number(create(seller, description="Другой текст про брак товара на складе"))
    with dialog_app.app_context():
        assert db().scalar(select(Dialog).where(Dialog.number == number)).attachments == []


def test_every_allowed_format_is_accepted(dialog_app, seller, sample_files):
    names = [
        "invoice.pdf",
        "photo.png",
        "defect.jpg",
        "claim.docx",
        "report.xlsx",
        "table.xls",
        "photos.zip",
    ]
    number = created_number(create(seller, files=[upload(sample_files / n) for n in names]))
    with dialog_app.app_context():
        kinds = db().scalars(select(Attachment.kind).order_by(Attachment.id)).all()
    assert kinds == ["pdf", "png", "jpg", "docx", "xlsx", "xls", "zip"]
    assert len(stored_uploads(dialog_app)) == 7
    assert all(not p.name.endswith(".part") for p in stored_uploads(dialog_app))
    assert number


def test_file_over_the_limit_is_refused_with_the_reason(dialog_config, tmp_path):
    from web.app import create_app

    app = create_app({**dialog_config, "MAX_FILE_MB": 1})
    client = seller_client(app)
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = create(client, files=[upload(big)])
    assert response.status_code == 400
    assert "scan.pdf</strong> — Файл весит 1,1 МБ, а можно не больше 1 МБ" in response.get_data(
        as_text=True
    )


def test_oversize_request_gets_a_friendly_413(dialog_config, tmp_path):
    from web.app import create_app

    app = create_app({**dialog_config, "MAX_REQUEST_MB": 1})
    client = seller_client(app)
    big = tmp_path / "huge.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    response = create(client, files=[upload(big)])
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "слишком большой" in page and "МБ" in page
    assert count_rows(app, Dialog) == 0


# -- files: who may download, and how ---------------------------------------------------
def test_download_headers(dialog_app, seller, sample_files):
    number = created_number(
        create(seller, files=[upload(sample_files / "claim.docx", "Претензия.docx")])
    )
    with dialog_app.app_context():
        attachment_id = db().scalar(select(Attachment.id))
    response = seller.get(f"/dialogs/{number}/files/{attachment_id}")
    assert response.status_code == 200
    assert response.data == (sample_files / "claim.docx").read_bytes()
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=UTF-8''%D0%9F%D1%80%D0%B5%D1%82%D0%B5%D0%BD%D0%B7%D0%B8%D1%8F.docx"
        in disposition
    )
    assert seller.get(f"/dialogs/{number}/files/{attachment_id + 1}").status_code == 404


def test_files_are_stored_under_random_names_outside_static(dialog_app, seller, sample_files):
    created_number(create(seller, files=[upload(sample_files / "invoice.pdf")]))
    [stored] = stored_uploads(dialog_app)
    assert "invoice" not in stored.name and re.fullmatch(r"[0-9a-f]{32}", stored.name)
    assert Path(dialog_app.static_folder) not in stored.parents
    assert (
        dialog_app.test_client().get("/static/../instance/uploads/" + stored.name).status_code
        == 404
    )


def test_agent_may_download_but_editor_may_not(dialog_app, seller, sample_files):
    number = created_number(create(seller, files=[upload(sample_files / "invoice.pdf")]))
    with dialog_app.app_context():
        attachment_id = db().scalar(select(Attachment.id))
    url = f"/dialogs/{number}/files/{attachment_id}"
    for role, status in (("agent", 200), ("editor", 403)):
        make_user(dialog_app, f"{role}@example.com", role)
        client = dialog_app.test_client()
        login(client, f"{role}@example.com")
        assert client.get(url).status_code == status
    assert dialog_app.test_client().get(url).status_code == 302  # guest → login
