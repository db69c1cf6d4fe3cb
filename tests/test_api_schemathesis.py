"""The whole API against its own OpenAPI document, with schemathesis (property-based).

Every operation gets bounded, derandomized examples generated from the document (valid
bodies and parameters, and invalid ones), sent to the test app through WSGI (no network)
with an admin's bearer token. It passes with 0 server errors and 0 schema violations: each
answer's status is documented for that operation, with the documented media type and a
body that matches the documented schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation and mode: the whole run stays well under a minute per engine


@pytest.fixture(scope="module")
def api_schema(app):
    """The document as schemathesis loads it from the app."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _cases():
    """(operation, mode): valid and invalid calls of each operation; an operation without a
    body or parameters has nothing to make invalid."""
    from atelier.api import ROUTES, load_area_modules
    from atelier.api.openapi import _path

    load_area_modules()
    cases = []
    for route in sorted(ROUTES, key=lambda r: (r.rule, r.method)):
        name = f"{route.method} /api/v1{_path(route.rule)}"
        cases.append((name, GenerationMode.POSITIVE))
        if route.body is not None or route.query or "<" in route.rule:
            cases.append((name, GenerationMode.NEGATIVE))
    return cases


@pytest.mark.parametrize("name, mode", _cases())
def test_the_api_keeps_its_documented_contract(api_schema, world, name, mode):
    """0 server errors and 0 schema violations for this operation's generated calls."""
    method, path = name.split(" ", 1)
    operation = api_schema[path.removeprefix("/api/v1")][method]
    admin = world.users["admin"]
    headers = bearer(admin)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # revoking the current token must not end the run: that call gets its own token
        sent = bearer(admin) if name == "DELETE /api/v1/tokens/current" else headers
        case.call_and_validate(headers=sent, checks=CHECKS)

    run()
