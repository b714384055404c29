"""Property-based: requests generated from the OpenAPI document, sent to the real server,
find no server error and no answer that breaks the document.

Schemathesis' lazy pytest loader (``schemathesis.pytest.from_fixture``) does not run under
pytest 9 (it reads a private attribute pytest no longer has), so each operation's
strategy is driven by Hypothesis directly; the checks are schemathesis' own.
"""

from __future__ import annotations

import schemathesis
from api_helpers import POLICY, Api  # type: ignore[import-not-found]
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from pipeline.steward import merge_golden
from pipeline.store import open_store

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, ignored_auth]
OPERATIONS = {"GET /customers/{golden_id}", "GET /customers", "GET /changes", "GET /health"}


def test_generated_requests_get_no_server_error_and_match_the_document(sqlite_api: Api) -> None:
    schema = schemathesis.openapi.from_url(f"{sqlite_api.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == OPERATIONS
    headers = {"Authorization": f"Bearer {sqlite_api.token}"}
    statuses: dict[str, list[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.setdefault(case.operation.label, []).append(response.status_code)

        call()
    assert len(statuses["GET /customers"]) >= 50 and len(statuses["GET /changes"]) >= 50
    assert {200, 422} <= set(statuses["GET /customers"])  # both sides of validation were tried
    assert 404 in statuses["GET /customers/{golden_id}"]


def test_real_records_redirects_and_304s_match_the_document(sqlite_api: Api) -> None:
    """Random IDs only ever find nothing: these answers are checked with real ones."""
    schema = schemathesis.openapi.from_url(f"{sqlite_api.url}/openapi.json")
    operation = schema["/customers/{golden_id}"]["GET"]
    anna, john = sqlite_api.golden_of("crm", "C1003"), sqlite_api.golden_of("crm", "C1004")
    engine = open_store(sqlite_api.config, "write")
    survivor = merge_golden(engine, anna, john, policy=POLICY, actor="test").golden_ids[0]
    loser = john if survivor == anna else anna
    headers = {"Authorization": f"Bearer {sqlite_api.token}"}
    etag = sqlite_api.get(f"/customers/{survivor}").headers["ETag"]
    for golden_id, extra, status in (
        (survivor, {}, 200),
        (loser, {}, 307),
        (survivor, {"If-None-Match": etag}, 304),
    ):
        case = operation.Case(path_parameters={"golden_id": golden_id}, headers=extra)
        response = case.call_and_validate(headers=headers, checks=CHECKS, allow_redirects=False)
        assert response.status_code == status
