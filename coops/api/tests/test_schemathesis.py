"""Property-based tests of every API operation against its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the Django WSGI application in-process, so
every operation any app mounts is covered without listing it here. Each operation gets up to
25 generated requests (valid and invalid), run once anonymously and once with the token of
a group member; each answer must not be a 5xx and must match the document (status code,
content type, headers, body schema). Rate limits are raised for the run: 429 is declared in
the document and tested in test_throttling.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from coops.api.tests.conftest import make_token

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# The document is read once, at collection, so each operation is its own test item.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _in_process(db, settings):
    """Serve the generated requests inside the test's transaction, without rate limits."""
    settings.NINJA_DEFAULT_THROTTLE_RATES = {"anon": "100000/min", "user": "100000/min"}
    # Like Django's test Client: keep the test transaction's connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(personas) -> str:
    return make_token(personas.member)


@schema.parametrize()
@HYPOTHESIS
def test_api_anonymously(case, personas):
    case.call_and_validate(checks=CHECKS)


# The personas' groups (see the root conftest): a member's run should also meet real groups,
# not only random slugs that all answer 404.
KNOWN_SLUGS = ["amap-des-weppes", "groupe-local-roubaix"]


def flatmap_path_parameters(context, path_parameters):
    if "slug" not in (path_parameters or {}):
        return st.just(path_parameters)
    known = [{**path_parameters, "slug": slug} for slug in KNOWN_SLUGS]
    return st.sampled_from([path_parameters, *known])


@schema.hooks.apply(flatmap_path_parameters)
@schema.parametrize()
@HYPOTHESIS
def test_api_as_a_group_member(case, member_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {member_token}"},
        checks=[*CHECKS, schemathesis.checks.ignored_auth],
    )
