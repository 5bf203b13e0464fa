"""The /api/search contract holds for ordinary and empty queries."""


def test_empty_query_gives_empty_results(client):
    response = client.get("/api/search?q=")
    assert response.status_code == 200
    data = response.get_json()
    assert data["results"] == []
    assert data["match"] == "none"
    assert data["handoff"]["url"].startswith("/dialogs/new")


def test_contract_keys(client):
    data = client.get("/api/search?q=возврат").get_json()
    assert set(data) == {"query", "used_query", "match", "results", "handoff"}
    assert data["query"] == "возврат"
