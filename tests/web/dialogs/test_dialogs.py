"""The seller's side end to end through the Flask client: the form, its refusals,
duplicates, the rate limit, deflection and the dialog page (files: test_uploads.py)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.dialog_helpers import (
    DESCRIPTION,
    count_rows,
    create,
    created_number,
    make_user,
    pending_uploads,
    seller_client,
    upload,
)
from web.analytics.recording import Event
from web.database import db
from web.dialogs.models import Attachment, Dialog, Message


# -- the form, step by step -----------------------------------------------------------
def test_guest_is_sent_to_login_and_back_with_the_prefill(dialog_app):
    make_user(dialog_app, "s@example.com")
    client = dialog_app.test_client()
    target = "/dialogs/new?description=" + quote("Не пришли деньги") + "&category=finance"
    response = client.get(target)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = client.post(
        "/login",
        data={"email": "s@example.com", "password": "correct-horse-1", "next": target},
    )
    assert response.headers["Location"] == target
    page = client.get(target).get_data(as_text=True)
    assert "Не пришли деньги</textarea>" in page
    assert "Категория: <strong>Финансы</strong>" in page  # a category without topics


def test_category_step_lists_every_category_and_filters_without_js(seller):
    page = seller.get("/dialogs/new").get_data(as_text=True)
    assert page.count('name="category"') == 5
    assert 'id="category-find"' in page
    filtered = seller.get("/dialogs/new?find=" + quote("браком")).get_data(as_text=True)
    # Matching works on stems and on descriptions: «браком» finds «брак и дефекты».
    visible = re.findall(
        r'<label class="dlg-choice"[^>]*?(hidden)?>\s*<input[^>]*value="(\w+)"', filtered
    )
    assert [cid for hidden, cid in visible if not hidden] == ["returns"]
    assert "Категорий: 1 из 5" in filtered


def test_topic_step_then_common_answers_rendered_safely(seller):
    page = seller.get("/dialogs/new?category=returns").get_data(as_text=True)
    assert 'name="topic" value="defects"' in page and "Заявка на возврат" in page
    page = seller.get("/dialogs/new?category=returns&topic=defects").get_data(as_text=True)
    assert page.count('<details class="dlg-answer">') == 2
    assert "<strong>дефект</strong>" in page  # Markdown rendered
    assert "alert(" not in page.split("dlg-answers")[1].split("</section>")[0]
    assert 'id="dialog-form"' in page and "Начать диалог" in page


def test_unknown_category_or_topic_falls_back_to_choosing(seller):
    page = seller.get("/dialogs/new?category=nope&topic=x").get_data(as_text=True)
    assert 'id="category-picker"' in page
    page = seller.get("/dialogs/new?category=returns&topic=nope").get_data(as_text=True)
    assert 'id="topic-picker"' in page


def test_prefilled_description_shows_suggestions_server_side(seller):
    url = "/dialogs/new?category=returns&topic=defects&description=" + quote(
        "Что делать, если вернули товар с дефектами?"
    )
    page = seller.get(url).get_data(as_text=True)
    suggestions = page.split('id="suggestion-list"')[1].split("</ol>")[0]
    assert "returns/defect-return" in suggestions
    assert "Это решило мой вопрос" in suggestions


# -- creating -------------------------------------------------------------------------
def test_create_shows_number_48_hours_and_no_duplicates_request(dialog_app, seller):
    number = created_number(create(seller, barcode="4006381333931"))
    page = seller.get(f"/dialogs/{number}").get_data(as_text=True)
    assert f"Диалогу присвоен номер {number}" in page
    assert "48 часов" in page
    assert "не создавайте повторные диалоги" in page
    assert "Создан" in page and DESCRIPTION in page
    again = seller.get(f"/dialogs/{number}").get_data(as_text=True)
    assert "Диалогу присвоен номер" not in again  # shown once
    listing = seller.get("/dialogs").get_data(as_text=True)
    assert f"№ {number}" in listing and "Возврат товара продавцу" in listing
    with dialog_app.app_context():
        event = db().scalar(select(Event).where(Event.kind == "dialog"))
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        assert event.dialog_id == dialog.id and event.category == "returns"
        assert dialog.visitor  # linked to the seller's searches


def test_info_tab(seller, sample_files):
    files = [upload(sample_files / "invoice.pdf"), upload(sample_files / "photo.png")]
    number = created_number(create(seller, barcode="96385074", files=files))
    page = seller.get(f"/dialogs/{number}?tab=info").get_data(as_text=True)
    info = page.split('id="dialog-info"')[1]
    for text in ("Дата создания", "Возврат товара продавцу", "Вернули товар с дефектами"):
        assert text in info
    assert "96385074" in info and "invoice.pdf" in info and "photo.png" in info


def test_dialogs_list_is_newest_first(seller):
    first = created_number(create(seller, description="Первый вопрос про поставку на склад"))
    second = created_number(
        create(
            seller,
            category="promotion",
            topic="bonuses",
            description="Бонусы после кампании не вернулись",
        )
    )
    page = seller.get("/dialogs").get_data(as_text=True)
    assert page.index(f"№ {second}") < page.index(f"№ {first}")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "не работает"}, "Опишите подробнее"),
        ({"barcode": "12ab5678"}, "только цифры"),
        ({"barcode": "4006381333932"}, "контрольная"),
        ({"barcode": "123"}, "от 8 до 14"),
        ({"category": ""}, "Выберите категорию"),
        ({"topic": ""}, "Выберите тему"),
    ],
)
def test_refusals_keep_what_was_typed(dialog_app, seller, fields, message):
    response = create(seller, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if "description" not in fields and fields.get("category", "x") and fields.get("topic", "x"):
        assert DESCRIPTION in page
    if "barcode" in fields:
        assert f'value="{fields["barcode"]}"' in page
    assert count_rows(dialog_app, Dialog) == 0


# -- duplicates -------------------------------------------------------------------------
def test_similar_open_dialog_is_offered_instead_of_a_new_one(dialog_app, seller):
    first = created_number(create(seller))
    response = create(seller, description=DESCRIPTION + ". Прошу помочь")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Похоже, такой диалог уже открыт" in page
    assert f'formaction="/dialogs/{first}/messages"' in page
    assert count_rows(dialog_app, Dialog) == 1
    second = created_number(
        create(seller, description=DESCRIPTION + ". Прошу помочь", confirm_new="1")
    )
    assert second == first + 1


def test_same_barcode_counts_as_duplicate_and_other_topics_do_not(dialog_app, seller):
    created_number(create(seller, barcode="4006381333931"))
    other_text = "Покупатель вернул не тот товар, внутри коробки чужая вещь"
    page = create(seller, barcode="4006381333931", description=other_text).get_data(as_text=True)
    assert "Похоже, такой диалог уже открыт" in page
    # A different topic is a different question.
    created_number(create(seller, topic="return-request"))


def test_adding_the_message_to_the_open_dialog_instead(dialog_app, seller, sample_files):
    first = created_number(create(seller))
    response = seller.post(
        f"/dialogs/{first}/messages",
        data={"description": "Ещё фото брака", "files": [upload(sample_files / "defect.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = seller.get(f"/dialogs/{first}").get_data(as_text=True)
    assert "Ещё фото брака" in page and "defect.jpg" in page
    assert count_rows(dialog_app, Dialog) == 1 and count_rows(dialog_app, Message) == 2


def test_kept_files_go_with_the_message_added_instead_of_a_new_dialog(
    dialog_app, seller, sample_files
):
    first = created_number(create(seller))
    # A wrong barcode sends the form back with the photo kept; the seller then chooses
    # «Добавить сообщение в №» on the duplicate warning: the photo must not be lost.
    page = create(seller, barcode="123", files=[upload(sample_files / "photo.png")]).get_data(
        as_text=True
    )
    kept = re.findall(r'name="kept" value="([0-9a-f]{32})"', page)
    assert len(kept) == 1
    response = seller.post(
        f"/dialogs/{first}/messages",
        data={"description": "Ещё фото брака", "barcode": "4006381333931", "kept": kept},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with dialog_app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == first))
        assert [a.original_name for a in dialog.attachments] == ["photo.png"]
        assert dialog.messages[-1].body == "Ещё фото брака\n\nШтрихкод товара: 4006381333931"
    assert pending_uploads(dialog_app) == []
    # Only files alone are a message too; a refused file keeps the accepted ones attached.
    page = create(seller, barcode="123", files=[upload(sample_files / "invoice.pdf")]).get_data(
        as_text=True
    )
    kept = re.findall(r'name="kept" value="([0-9a-f]{32})"', page)
    response = seller.post(
        f"/dialogs/{first}/messages",
        data={"kept": kept, "files": [upload(sample_files / "setup.exe")]},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "setup.exe" in page
    assert re.findall(r'name="kept" value="([0-9a-f]{32})" checked> invoice.pdf', page) == kept
    response = seller.post(
        f"/dialogs/{first}/messages", data={"kept": kept}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    with dialog_app.app_context():
        names = db().scalars(select(Attachment.original_name).order_by(Attachment.id)).all()
    assert names == ["photo.png", "invoice.pdf"] and pending_uploads(dialog_app) == []


def test_suggestion_snippet_keeps_only_mark(dialog_app):
    from flask import render_template

    from search.model import Hit

    hit = Hit("returns/x", "faq", "T", "/q/returns/x", '<mark>брак</mark><img src=x onerror="alert(1)">',
              "returns", None, 1.0)  # fmt: skip
    with dialog_app.test_request_context():
        html = render_template(
            "dialogs/_suggestion.html",
            hit=hit,
            values={"description": ""},
            category=None,
            topic=None,
        )
    assert "<mark>брак</mark>" in html and "<img" not in html and "onerror" not in html


def test_duplicates_json_for_the_live_check(seller):
    number = created_number(create(seller))
    data = seller.get(
        "/api/dialogs/duplicates?category=returns&topic=defects&description=" + quote(DESCRIPTION)
    ).get_json()
    assert [d["number"] for d in data["duplicates"]] == [number]
    data = seller.get(
        "/api/dialogs/duplicates?category=supplies&topic=acceptance&description=x"
    ).get_json()
    assert data["duplicates"] == []


# -- rate limit ---------------------------------------------------------------------------
def test_dialog_creation_is_rate_limited_per_seller(dialog_config):
    from web.app import create_app

    app = create_app({**dialog_config, "DIALOGS_PER_HOUR": 2})
    client = seller_client(app)
    for i in range(2):
        created_number(
            create(client, description=f"Вопрос номер {i} о поставке товара", confirm_new="1")
        )
    response = create(client, description="Третий вопрос о поставке товара", confirm_new="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "это предел" in page and "Третий вопрос о поставке товара" in page
    other = seller_client(app, "other@example.com")
    created_number(create(other))  # the limit is per seller


# -- messages -----------------------------------------------------------------------------
def test_seller_adds_a_message_and_empty_ones_are_refused(seller):
    number = created_number(create(seller))
    assert seller.post(f"/dialogs/{number}/messages", data={"body": "  "}).status_code == 400
    response = seller.post(
        f"/dialogs/{number}/messages", data={"body": "Добавляю номер заказа 123"}
    )
    assert response.status_code == 302
    assert "Добавляю номер заказа 123" in seller.get(f"/dialogs/{number}").get_data(as_text=True)


def test_message_text_is_escaped(seller):
    number = created_number(
        create(seller, description="<script>alert(1)</script> товар пришёл с браком")
    )
    page = seller.get(f"/dialogs/{number}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- deflection and entries ---------------------------------------------------------------
def test_this_solved_my_question_ends_without_a_dialog(dialog_app, seller):
    response = seller.post(
        "/dialogs/deflect",
        data={
            "entry_id": "returns/defect-return",
            "query": "брак",
            "category": "returns",
            "topic": "defects",
        },
    )
    assert response.status_code == 302
    page = seller.get(response.headers["Location"]).get_data(as_text=True)
    assert "вопрос решён" in page and "Что делать, если вернули товар с дефектами?" in page
    assert count_rows(dialog_app, Dialog) == 0
    with dialog_app.app_context():
        event = db().scalar(select(Event).where(Event.kind == "deflection"))
    assert (event.entry_id, event.query, event.category, event.topic) == (
        "returns/defect-return",
        "брак",
        "returns",
        "defects",
    )
    json_response = seller.post(
        "/dialogs/deflect",
        data={"entry_id": "returns/defect-return"},
        headers={"Accept": "application/json"},
    )
    assert json_response.get_json()["redirect"].startswith("/dialogs/resolved")
    assert seller.post("/dialogs/deflect", data={"entry_id": "nope/nope"}).status_code == 404


def test_entry_json_is_sanitised_and_unknown_is_404(dialog_app):
    client = dialog_app.test_client()
    data = client.get("/api/entries/returns/unsafe-answer").get_json()
    assert data["title"] == "Как оформить акт о браке?"
    assert "<script" not in data["html"] and "javascript:" not in data["html"]
    missing = client.get("/api/entries/returns/nope")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
