"""The editor's pages: access control, the entry list, forms and the Markdown preview."""

from __future__ import annotations

import pytest

EDITOR_URLS = [
    ("GET", "/editor"),
    ("GET", "/editor/article/new"),
    ("POST", "/editor/article/new"),
    ("GET", "/editor/faq/new"),
    ("GET", "/editor/article/support/help-center"),
    ("POST", "/editor/article/support/help-center"),
    ("GET", "/editor/faq/support/attachments"),
    ("POST", "/editor/preview"),
    ("GET", "/editor/glossary"),
    ("POST", "/editor/categories"),
    ("GET", "/editor/insights"),
    ("GET", "/editor/insights/gaps.csv"),
]


@pytest.mark.parametrize(("method", "url"), EDITOR_URLS)
def test_guests_are_sent_to_login(editor_app, method, url):
    response = editor_app.test_client().open(url, method=method, data={"text": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["seller", "agent"])
def test_other_roles_get_403_everywhere(editor_app, sign_in, role, editor_content):
    client = editor_app.test_client()
    sign_in(editor_app, client, role)
    before = (editor_content / "articles/support/help-center.md").read_bytes()
    for method, url in EDITOR_URLS:
        response = client.open(url, method=method, data={"text": "x", "title": "взлом"})
        assert response.status_code == 403, url
    assert (editor_content / "articles/support/help-center.md").read_bytes() == before


def test_list_shows_published_and_drafts(editor_app, editor_client, editor_content):
    page = editor_client.get("/editor").get_data(as_text=True)
    assert "support/help-center" in page
    assert "Опубликовано" in page
    _make_draft(editor_content)
    editor_app.extensions["spravka.search"].rebuild()
    page = editor_client.get("/editor?status=draft").get_data(as_text=True)
    assert "support/draft-note" in page
    assert "support/help-center" not in page


def _make_draft(root) -> None:
    (root / "articles/support/draft-note.md").write_text(
        "---\nid: support/draft-note\ntitle: Черновая заметка\ncategory: support\n"
        "status: draft\n---\nТекст черновика.\n",
        encoding="utf-8",
    )


def test_list_shows_content_warnings_editors_can_act_on(editor_app, editor_client, editor_content):
    assert "Что стоит поправить" not in editor_client.get("/editor").get_data(as_text=True)
    faq = editor_content / "kb/faq/api.yaml"
    twin = "API Wildberries возвращает ошибку 429 — что она означает?"
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("При вызове API приходит ошибка 500 — что делать?", twin))
    editor_app.extensions["spravka.search"].rebuild()
    page = editor_client.get("/editor").get_data(as_text=True)
    assert "Что стоит поправить: 1 замечание" in page
    warning = page[page.index("Что стоит поправить") :]
    assert "kb/faq/api.yaml:" in warning
    assert "&#39;api/error-429&#39; and &#39;api/error-500&#39; ask nearly the same" in warning


def test_list_filters_by_category_kind_and_text(editor_client):
    page = editor_client.get("/editor?category=security&kind=faq").get_data(as_text=True)
    assert "security/" in page
    assert "support/help-center" not in page
    page = editor_client.get("/editor?q=help-center").get_data(as_text=True)
    assert "support/help-center" in page
    assert "security/" not in page
    assert "Ничего не найдено" in editor_client.get("/editor?q=zzzzqqq").get_data(as_text=True)


def test_list_shows_helpfulness_from_votes(editor_app, editor_client):
    from web.analytics.recording import record_feedback

    for helpful in (True, True, False):
        with editor_app.test_request_context():  # three different browsers vote
            record_feedback("support/help-center", helpful, None)
    page = editor_client.get("/editor?q=help-center").get_data(as_text=True)
    assert "67%" in page and "(2 / 3)" in page


def test_article_form_is_prefilled_from_the_file(editor_client):
    page = editor_client.get("/editor/article/support/help-center").get_data(as_text=True)
    assert 'name="version"' in page
    assert 'value="help-center"' in page
    assert "Справочный центр находится в личном кабинете" in page
    # The preview is rendered server-side too, exactly as on the seller's page.
    assert "<h2>Как открыть Справочный центр</h2>" in page


def test_faq_form_offers_topics_and_marks_featured(editor_client):
    page = editor_client.get("/editor/faq/support/attachments").get_data(as_text=True)
    assert 'value="create-dialog" selected' in page
    assert 'name="featured" value="1" checked' in page


def test_unknown_entry_is_404(editor_client):
    assert editor_client.get("/editor/article/support/no-such-thing").status_code == 404
    assert editor_client.get("/editor/faq/support/no-such-thing").status_code == 404
    assert editor_client.get("/editor/insights/nothing.csv").status_code == 404


def test_preview_renders_sanitised_markdown(editor_client):
    response = editor_client.post(
        "/editor/preview",
        data={
            "text": "## Шаги\n\n1. **Откройте** кабинет\n\n<script>alert(1)</script>"
            "[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h2>Шаги</h2>" in html and "<strong>Откройте</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_preview_requires_csrf_when_enabled(editor_app, editor_client):
    editor_app.config["WTF_CSRF_ENABLED"] = True
    response = editor_client.post("/editor/preview", data={"text": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/editor/article/../../README",
        "/editor/article/support/..%2F..%2FREADME",
        "/editor/faq/a/b/c",
    ],
)
def test_ids_that_are_not_entry_ids_are_404(editor_client, url):
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, data={"title": "x"}).status_code == 404


def test_trailing_slash_goes_to_the_list(editor_client):
    response = editor_client.get("/editor/?status=draft")
    assert response.status_code == 302
    assert response.headers["Location"] == "/editor?status=draft"
    # url_for's own keywords in the query are just query text, not a 500 or another URL.
    for query in ("_method=POST", "_external=1&_scheme=javascript", "_anchor=x"):
        response = editor_client.get(f"/editor/?{query}")
        assert response.status_code == 302 and response.headers["Location"] == f"/editor?{query}"
    assert editor_client.get("/editor/?q=a&q=b").headers["Location"] == "/editor?q=a&q=b"
