"""/api/search end to end through the Flask client, including fuzzing for 500s."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTRACT = {"query", "used_query", "match", "results", "handoff"}
RESULT_KEYS = {"id", "kind", "title", "url", "snippet", "category", "topic", "score"}


def test_strong_answer_has_no_handoff(client):
    data = client.get("/api/search?q=какие форматы файлов можно прикрепить к обращению").get_json()
    assert set(data) == CONTRACT
    assert data["match"] == "strong"
    assert data["handoff"] is None
    first = data["results"][0]
    assert set(first) == RESULT_KEYS
    assert first["id"] == "support/attachments" and first["kind"] == "faq"
    assert first["url"] == "/q/support/attachments"


def test_weak_or_none_offers_the_dialog_form(client):
    data = client.get("/api/search?q=как расторгнуть договор и закрыть магазин").get_json()
    assert data["match"] in ("weak", "none")
    handoff = data["handoff"]
    assert handoff["url"].startswith("/dialogs/new?")
    assert "description=" in handoff["url"]
    assert handoff["category"] == "cooperation"


def test_layout_query_reports_used_query(client):
    data = client.get("/api/search?q=djpdhfn njdfhf").get_json()
    assert data["used_query"] == "возврат товара"
    assert data["query"] == "djpdhfn njdfhf"


def test_exact_search_keeps_the_typed_query(client):
    data = client.get("/api/search?q=djpdhfn njdfhf&exact=1").get_json()
    assert data["used_query"] is None and data["results"] == []


def test_limit_and_category(client):
    data = client.get("/api/search?q=товар&limit=2&category=stock").get_json()
    assert len(data["results"]) <= 2
    assert all(r["category"] == "stock" for r in data["results"])


def test_bad_limit_falls_back_to_default(client):
    assert client.get("/api/search?q=товар&limit=abc").status_code == 200
    assert client.get("/api/search?q=товар&limit=-5").status_code == 200


def test_very_long_query_is_cut_not_refused(client, app):
    long = "возврат товара " * 500
    data = client.get("/api/search", query_string={"q": long}).get_json()
    assert len(data["query"]) == app.config["QUERY_MAX_CHARS"]
    assert data["results"]


def test_missing_query_parameter(client):
    data = client.get("/api/search").get_json()
    assert data["results"] == [] and data["match"] == "none"


def test_script_in_query_is_not_reflected_as_markup(client):
    data = client.get(
        "/api/search", query_string={"q": "<script>alert(1)</script> возврат"}
    ).get_json()
    assert all("<script>" not in r["snippet"] for r in data["results"])


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=400),
    limit=st.one_of(st.none(), st.text(max_size=5), st.integers(-10, 1000).map(str)),
    category=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["stock", "cards"])),
)
def test_no_input_yields_a_500(client, q, limit, category):
    params = {"q": q}
    if limit is not None:
        params["limit"] = limit
    if category is not None:
        params["category"] = category
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200
    assert set(response.get_json()) == CONTRACT


def test_keystrokes_rank_by_words_and_a_settled_query_by_meaning(client, engine):
    query = "сколько дней даётся, чтобы среагировать на просьбу клиента вернуть вещь"
    words = engine.search(query, limit=8, semantic=False)
    meaning = engine.search(query, limit=8)
    assert [h.id for h in words.hits] != [h.id for h in meaning.hits]

    def ids(**params) -> list[str]:
        body = client.get("/api/search", query_string={"q": query, **params}).get_json()
        return [r["id"] for r in body["results"]]

    assert ids(source="instant") == [h.id for h in words.hits]
    assert ids(source="instant", settled="1") == [h.id for h in meaning.hits]
    assert ids(source="dialog-form") == [h.id for h in meaning.hits]
    assert ids() == [h.id for h in meaning.hits]


def test_with_semantic_off_search_answers_by_words(app_config, tmp_path):
    from web.app import create_app

    app = create_app({**app_config, "INDEX_DIR": str(tmp_path / "words"), "SEMANTIC": False})
    index = app.extensions["spravka.search"].store.current()
    assert not (index / "semantic.npz").exists()
    data = app.test_client().get("/api/search?q=какие форматы файлов можно прикрепить").get_json()
    assert data["results"][0]["id"] == "support/attachments"
