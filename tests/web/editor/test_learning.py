"""Learning in the web app: sellers' outcomes → proposal → editor approval → file → index → found."""

from __future__ import annotations

import json

from search.content import load_content

# Means nothing about the entry, to words or to the sentence model: only what is learned
# can lead there.
QUERY = "ёжик в тумане опять шуршит по ночам"
ENTRY = "fraud/brand-or-card-copied"


def _deflect(app, sign_in, query: str) -> None:
    """A new seller searches, then presses «Это решило мой вопрос» on ENTRY."""
    seller = app.test_client()
    sign_in(app, seller, "seller")
    seller.get("/api/search", query_string={"q": query, "source": "page"})
    response = seller.post("/dialogs/deflect", data={"entry_id": ENTRY, "query": query})
    assert response.status_code == 302


def _ids(client, query: str) -> list[str]:
    return [
        r["id"] for r in client.get("/api/search", query_string={"q": query}).get_json()["results"]
    ]


def test_events_to_proposal_to_approval_to_file_to_index(
    editor_app, editor_client, editor_content, sign_in
):
    assert _ids(editor_client, QUERY)[:1] != [ENTRY]
    _deflect(editor_app, sign_in, QUERY)
    page = editor_client.get("/editor/learning").get_data(as_text=True)
    assert QUERY not in page  # one seller alone
    _deflect(editor_app, sign_in, QUERY + " 4680012345678 ivan@example.com")
    page = editor_client.get("/editor/learning").get_data(as_text=True)
    assert QUERY in page and "ivan@example.com" not in page and "4680012345678" not in page
    response = editor_client.post(
        "/editor/learning", data={"entry_id": ENTRY, "phrasing": QUERY, "action": "approve"}
    )
    assert response.status_code == 303
    content, errors = load_content(editor_content)
    assert not errors and QUERY in content.entries[ENTRY].asked_as
    assert _ids(editor_client, QUERY)[0] == ENTRY
    assert f'value="{QUERY}"' not in editor_client.get("/editor/learning").get_data(as_text=True)


def test_rejected_proposals_are_not_shown_again(editor_app, editor_client, editor_content, sign_in):
    query = "куда делся мой зелёный слон из карточек"
    for _ in range(2):
        _deflect(editor_app, sign_in, query)
    assert query in editor_client.get("/editor/learning").get_data(as_text=True)
    before = (editor_content / "kb/faq/fraud.yaml").read_text()
    editor_client.post(
        "/editor/learning", data={"entry_id": ENTRY, "phrasing": query, "action": "reject"}
    )
    assert f'value="{query}"' not in editor_client.get("/editor/learning").get_data(as_text=True)
    assert (editor_content / "kb/faq/fraud.yaml").read_text() == before


def test_learning_pages_are_for_editors_only(editor_app, sign_in):
    seller = editor_app.test_client()
    sign_in(editor_app, seller, "seller")
    assert seller.get("/editor/learning").status_code in (403, 404)
    assert seller.post(
        "/editor/learning", data={"entry_id": ENTRY, "phrasing": "x"}
    ).status_code in (403, 404)


def test_learning_form_needs_csrf(editor_app, editor_content, sign_in):
    app = editor_app
    client = app.test_client()
    sign_in(app, client, "editor")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/editor/learning", data={"entry_id": ENTRY, "phrasing": "x", "action": "approve"}
    )
    assert response.status_code == 400
    assert "x" not in load_content(editor_content)[0].entries[ENTRY].asked_as


def test_learn_cli_imports_pairs_approved_at_once(
    editor_app, editor_content, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from web.cli import main

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps(
            {"query": "мой бренд продаёт чужой дядя", "relevant_ids": [ENTRY]}, ensure_ascii=False
        )
        + "\n\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SPRAVKA_CONTENT", str(editor_content))
    monkeypatch.setenv("SPRAVKA_INSTANCE", str(tmp_path / "inst"))
    result = CliRunner().invoke(main, ["learn", "--from", str(pairs)])
    assert result.exit_code == 0, result.output
    assert "мой бренд продаёт чужой дядя" in load_content(editor_content)[0].entries[ENTRY].asked_as
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "x", "relevant_ids": ["nope/none"]}\nnot json\n')
    result = CliRunner().invoke(main, ["learn", "--from", str(bad)])
    assert result.exit_code != 0 and "bad.jsonl:2" in result.output


def test_editor_form_shows_and_saves_asked_as(editor_client, editor_content):
    import re

    page = editor_client.get(f"/editor/faq/{ENTRY}").get_data(as_text=True)
    assert 'name="asked_as"' in page and "скопировали описание товара" in page
    form = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    form.update(
        {
            "question": "Конкурент скопировал мой бренд или карточку товара — куда жаловаться?",
            "answer": load_content(editor_content)[0].entries[ENTRY].body,
            "category": "fraud",
            "topic": load_content(editor_content)[0].entries[ENTRY].topic,
            "slug": ENTRY.split("/")[1],
            "status": "published",
            "featured": "1",
            "asked_as": "  мой бренд   украли \n\nМой бренд украли\nфото карточек утащили",
        }
    )
    response = editor_client.post(f"/editor/faq/{ENTRY}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    entry = load_content(editor_content)[0].entries[ENTRY]
    assert entry.asked_as == ("мой бренд украли", "фото карточек утащили")


def test_agent_replies_linking_an_entry_become_proposals(editor_app, editor_content):
    from pathlib import Path

    from web.analytics.outcomes import agent_link_event
    from web.database import db
    from web.editor import learning
    from web.search_service import engine

    query = "чужой магазин торгует моими фотками"
    with editor_app.app_context():
        session = db()
        for seller in (11, 12):
            session.add(
                agent_link_event(ENTRY, query, 100000 + seller, "fraud", None, seller, None)
            )
        session.commit()
        found = learning.proposals(session, engine().content, Path(editor_app.config["INSTANCE"]))
    [proposal] = [p for p in found if p.phrasing == query]
    assert proposal.entry_id == ENTRY and proposal.sellers == 2
