"""schemathesis against the generated document, as a seller and as an agent (bounded for CI).

The operations are walked with schemathesis' Python API and hypothesis directly (its
pytest fixture loader does not run on pytest 9): every operation of the document, each
with MAX_EXAMPLES generated requests, positive and negative, through the WSGI app.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.api.conftest import bearer, issue_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Enough to walk every operation through valid and broken inputs, small enough that both
# roles over all operations stay around a minute on two cores.
MAX_EXAMPLES = 15


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12, "the document lists the endpoints"
    return operations


def _run(operation, headers: dict) -> None:
    # The document's examples first (requests that succeed on the seeded dialog), then
    # generated ones, valid and broken.
    strategies = [*operation.get_strategies_from_examples(), operation.as_strategy()]

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def _seed(app, client, sample_files, seller_token: str) -> None:
    """Dialog № FIRST_NUMBER with file 1, so the examples of the document exist."""
    from web.dialogs.models import FIRST_NUMBER

    with open(sample_files / "photo.png", "rb") as png:
        response = client.post(
            "/api/v1/dialogs",
            data={
                "category": "returns",
                "topic": "defects",
                "description": "Вернули куртку с браком: сломана молния и порвана упаковка",
                "files": [(png, "photo.png")],
            },
            headers=bearer(seller_token),
            content_type="multipart/form-data",
        )
    assert response.get_json()["number"] == FIRST_NUMBER


@pytest.mark.parametrize("role", ["seller", "agent"])
def test_api_conforms_to_its_document(api_app, sample_files, role):
    email, seller_token = issue_token(api_app, "seller")
    _seed(api_app, api_app.test_client(), sample_files, seller_token)
    token = seller_token if role == "seller" else issue_token(api_app, role)[1]
    headers = bearer(token)
    failures = []
    for operation in _operations(api_app):
        try:
            _run(operation, headers)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
