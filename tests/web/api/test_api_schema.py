"""schemathesis against the generated document, as a seller and as an agent (bounded for CI).

The operations are walked with schemathesis' Python API and hypothesis directly (its
pytest fixture loader does not run on pytest 9): every operation of the document, each
with MAX_EXAMPLES generated requests, positive and negative, through the WSGI app.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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
    assert len(operations) >= 4, "the document lists the endpoints"
    return operations


def _run(operation, headers: dict) -> None:
    @given(case=operation.as_strategy())
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


@pytest.mark.parametrize("role", ["seller", "agent"])
def test_api_conforms_to_its_document(api_app, role):
    headers = bearer(issue_token(api_app, role)[1])
    failures = []
    for operation in _operations(api_app):
        try:
            _run(operation, headers)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
