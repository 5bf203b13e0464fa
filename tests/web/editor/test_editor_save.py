"""Saving through the editor: validation, atomic writes, reindexing, renames and conflicts."""

from __future__ import annotations

import yaml

from search.content import load_content


def _article_form(client, entry_id: str) -> dict:
    """The edit form's current values, as a browser would submit them unchanged."""
    import re

    page = client.get(f"/editor/article/{entry_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    from web.editor.edits import load_article

    root = client.application.config["CONTENT"]
    from pathlib import Path

    draft, _ = load_article(Path(root), entry_id)
    return {
        "version": version,
        "slug": entry_id.split("/")[1],
        "category": draft.category,
        "title": draft.title,
        "topics": draft.topics,
        "tags": ", ".join(draft.tags),
        "summary": draft.summary,
        "status": draft.status,
        "body": draft.body,
    }


NEW_ARTICLE = {
    "slug": "",
    "category": "support",
    "title": "Как оформить претензию о пересорте на складе",
    "topics": ["request-rules"],
    "tags": "пересорт, претензия",
    "summary": "Что приложить к претензии о пересорте.",
    "status": "published",
    "body": "## Что приложить\n\nФото бирок **пересорта** и акт приёмки.\n",
}


def test_editor_creates_article_and_seller_search_finds_it(
    editor_app, editor_client, editor_content, sign_in
):
    preview = editor_client.post("/editor/preview", data={"text": NEW_ARTICLE["body"]})
    assert "<strong>пересорта</strong>" in preview.get_data(as_text=True)
    response = editor_client.post("/editor/article/new", data=NEW_ARTICLE)
    assert response.status_code == 302, response.get_data(as_text=True)
    entry_id = "support/kak-oformit-pretenziyu-peresorte-sklade"
    assert response.headers["Location"].endswith(f"/editor/article/{entry_id}")
    path = editor_content / f"articles/{entry_id}.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"---\nid: {entry_id}\n")
    assert "tags: [пересорт, претензия]" in text
    assert not load_content(editor_content)[1]
    assert not list(path.parent.glob(".*.tmp"))
    seller = editor_app.test_client()
    sign_in(editor_app, seller, "seller")
    data = seller.get("/api/search?q=пересорт претензия").get_json()
    assert entry_id in [r["id"] for r in data["results"]]
    assert seller.get(f"/a/{entry_id}").status_code == 200


def test_invalid_edit_is_refused_with_field_marked_and_file_untouched(
    editor_client, editor_content
):
    path = editor_content / "articles/support/help-center.md"
    before = path.read_bytes()
    form = _article_form(editor_client, "support/help-center")
    form["body"] += "\n\nСм. [несуществующую статью](/a/support/no-such-article).\n"
    response = editor_client.post("/editor/article/support/help-center", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ничего не сохранено" in page
    assert 'id="body-error"' in page and "/a/support/no-such-article" in page
    assert 'aria-invalid="true" aria-describedby="body-error"' in page
    assert "несуществующую статью" in page  # the editor's text is kept in the form
    assert path.read_bytes() == before


def test_form_level_errors_mark_fields(editor_client, editor_content):
    before = sorted(p.name for p in (editor_content / "articles/support").iterdir())
    bad = {**NEW_ARTICLE, "title": "  ", "slug": "Плохой адрес", "category": "nope", "body": ""}
    page = editor_client.post("/editor/article/new", data=bad).get_data(as_text=True)
    for name in ("title", "slug", "category", "body"):
        assert f'id="{name}-error"' in page, name
    assert sorted(p.name for p in (editor_content / "articles/support").iterdir()) == before


def test_new_article_cannot_overwrite_an_existing_one(editor_client, editor_content):
    path = editor_content / "articles/support/help-center.md"
    before = path.read_bytes()
    response = editor_client.post(
        "/editor/article/new", data={**NEW_ARTICLE, "slug": "help-center"}
    )
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert path.read_bytes() == before


def test_renamed_article_old_url_redirects(editor_app, editor_client, editor_content):
    form = _article_form(editor_client, "support/help-center")
    form["slug"] = "spravochnyy-tsentr"
    response = editor_client.post("/editor/article/support/help-center", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert not (editor_content / "articles/support/help-center.md").exists()
    assert (editor_content / "articles/support/spravochnyy-tsentr.md").exists()
    redirects = yaml.safe_load((editor_content / "kb/redirects.yaml").read_text())["redirects"]
    assert redirects["support/help-center"] == "support/spravochnyy-tsentr"
    content, errors = load_content(editor_content)
    assert not errors
    # Links in other entries now point at the new id (no broken internal links).
    assert not any("/a/support/help-center)" in e.body for e in content.entries.values())
    old = editor_app.test_client().get("/a/support/help-center")
    assert old.status_code in (301, 302, 308)
    assert old.headers["Location"].endswith("/a/support/spravochnyy-tsentr")


def test_second_editor_gets_a_conflict(editor_app, editor_client, editor_content, sign_in):
    other = editor_app.test_client()
    sign_in(editor_app, other, "editor")
    mine, theirs = (_article_form(c, "support/help-center") for c in (editor_client, other))
    theirs["title"] = "Справочный центр: где он и как искать"
    assert other.post("/editor/article/support/help-center", data=theirs).status_code == 302
    saved = (editor_content / "articles/support/help-center.md").read_bytes()
    mine["title"] = "Моя версия заголовка"
    response = editor_client.post("/editor/article/support/help-center", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Конфликт правок" in page and "Моя версия заголовка" in page
    assert (editor_content / "articles/support/help-center.md").read_bytes() == saved


def _faq_form(client, entry_id: str) -> dict:
    import re
    from pathlib import Path

    from web.editor.edits import load_faq

    page = client.get(f"/editor/faq/{entry_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    draft, _ = load_faq(Path(client.application.config["CONTENT"]), entry_id)
    form = {
        "version": version,
        "slug": entry_id.split("/")[1],
        "category": draft.category,
        "question": draft.question,
        "topic": draft.topic,
        "tags": ", ".join(draft.tags),
        "status": draft.status,
        "answer": draft.answer,
    }
    if draft.featured:
        form["featured"] = "1"
    return form


def test_faq_edit_touches_only_its_own_item(editor_client, editor_content):
    path = editor_content / "kb/faq/support.yaml"
    before = path.read_text(encoding="utf-8")
    form = _faq_form(editor_client, "support/response-time")
    form["answer"] = form["answer"] + "\n\nДобавленная строка ответа."
    response = editor_client.post("/editor/faq/support/response-time", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    after = path.read_text(encoding="utf-8")
    data = yaml.safe_load(after)
    item = next(e for e in data["entries"] if e["id"] == "support/response-time")
    assert item["answer"].rstrip().endswith("Добавленная строка ответа.")
    assert "answer: |" in after
    # Every other entry's lines, and the file's comments, are byte-for-byte the same.
    old_items = [e for e in yaml.safe_load(before)["entries"] if e["id"] != "support/response-time"]
    assert [e for e in data["entries"] if e["id"] != "support/response-time"] == old_items
    assert (
        before.split("  - id: support/response-time")[0]
        == after.split("  - id: support/response-time")[0]
    )


def test_faq_rename_and_topic_move_keep_everything_consistent(
    editor_app, editor_client, editor_content
):
    form = _faq_form(editor_client, "support/response-time")
    form["slug"] = "answer-time"
    form["topic"] = "contacts"
    response = editor_client.post("/editor/faq/support/response-time", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    content, errors = load_content(editor_content)
    assert not errors
    assert "support/answer-time" in content.entries
    topics = {t.id: t for t in content.categories["support"].topics}
    assert "support/answer-time" in topics["contacts"].faq_ids
    assert "support/response-time" not in topics["response"].faq_ids
    assert content.redirects["support/response-time"] == "support/answer-time"
    old = editor_app.test_client().get("/q/support/response-time")
    assert old.status_code in (301, 302, 308)
    assert old.headers["Location"].endswith("/q/support/answer-time")


def test_faq_moves_to_another_category(editor_client, editor_content):
    form = _faq_form(editor_client, "support/no-phone")
    form.update(category="security", topic="access", slug="no-phone")
    response = editor_client.post("/editor/faq/support/no-phone", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    content, errors = load_content(editor_content)
    assert not errors
    assert content.entries["security/no-phone"].path == "kb/faq/security.yaml"
    assert "support/no-phone" not in content.entries
    assert content.redirects["support/no-phone"] == "security/no-phone"


def test_new_faq_is_appended_and_listed_under_its_topic(editor_client, editor_content):
    form = {
        "category": "security",
        "question": "Можно ли дать доступ к кабинету бухгалтеру?",
        "topic": "access",
        "tags": "доступ, сотрудник",
        "status": "draft",
        "answer": "Да: добавьте сотрудника в разделе «Пользователи».\n\n- Шаг один\n- Шаг два",
        "featured": "1",
    }
    response = editor_client.post("/editor/faq/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    content, errors = load_content(editor_content)
    assert not errors
    entry_id = response.headers["Location"].split("/editor/faq/")[1]
    assert content.entries[entry_id].status == "draft"
    assert entry_id in content.categories["security"].topic("access").faq_ids
    assert "answer: |" in (editor_content / "kb/faq/security.yaml").read_text(encoding="utf-8")


def test_glossary_yaml_error_shows_the_line(editor_client, editor_content):
    path = editor_content / "kb/glossary.yaml"
    before = path.read_bytes()
    page = editor_client.get("/editor/glossary").get_data(as_text=True)
    import re

    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    broken = "groups:\n  - [лк, личный кабинет]\n  - [оборванная, группа\n"
    response = editor_client.post("/editor/glossary", data={"text": broken, "version": version})
    assert response.status_code == 422
    assert 'data-goto-line="' in response.get_data(as_text=True)
    assert path.read_bytes() == before
    good = before.decode() + "  - [пересорт, перепутали товар]\n"
    response = editor_client.post("/editor/glossary", data={"text": good, "version": version})
    assert response.status_code == 302
    assert path.read_text(encoding="utf-8") == good


def test_categories_edit_that_breaks_entries_is_refused(editor_client, editor_content):
    path = editor_content / "kb/categories.yaml"
    before = path.read_text(encoding="utf-8")
    import re

    page = editor_client.get("/editor/categories").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    broken = before.replace("- id: support\n", "- id: help-support\n", 1)
    response = editor_client.post("/editor/categories", data={"text": broken, "version": version})
    assert response.status_code == 422
    assert "unknown category" in response.get_data(as_text=True)
    assert path.read_text(encoding="utf-8") == before


def test_yaml_file_conflict_keeps_the_newer_file(editor_client, editor_content):
    import re

    path = editor_content / "kb/glossary.yaml"
    page = editor_client.get("/editor/glossary").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    path.write_text(path.read_text(encoding="utf-8") + "  - [склад, сц]\n", encoding="utf-8")
    newer = path.read_bytes()
    text = newer.decode() + "  - [моя, правка]\n"
    response = editor_client.post("/editor/glossary", data={"text": text, "version": version})
    assert response.status_code == 409
    assert "Конфликт правок" in response.get_data(as_text=True)
    assert path.read_bytes() == newer
