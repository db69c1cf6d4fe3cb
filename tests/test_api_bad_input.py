"""Bad input on ANY API call: malformed JSON, wrong types and unknown fields get a 400.

Walks every documented call that takes a body, using the authorization matrix's URLs.
"""

from atelier.api import ROUTES
from tests.conftest import bearer
from tests.test_authz_matrix import MATRIX

BAD_BODIES = {
    "malformed JSON": "{this is not json",
    "not an object": "[1, 2, 3]",
    "unknown field": '{"surely_not_a_field": 1}',
}


def _api_rows(app):
    """(method, url builder) for each API rule whose call takes a JSON body."""
    with_body = {(r.rule, r.method) for r in ROUTES if r.body is not None}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"}):
            if (rule.rule.removeprefix("/api/v1"), method) in with_body:
                yield method, rule, MATRIX[rule.endpoint]


def test_every_body_taking_call_refuses_bad_json(app, client, world):
    """Each bad body gets 400 with the error shape, never a 500."""
    failures = []
    for method, rule, row in _api_rows(app):
        url = row.url(world) if callable(row.url) else row.url
        for name, data in BAD_BODIES.items():
            response = client.open(
                url,
                method=method,
                data=data,
                content_type="application/json",
                headers=bearer(world.users["admin"]),
            )
            body = response.get_json(silent=True) or {}
            if response.status_code != 400 or "error" not in body:
                failures.append(f"{method} {rule.rule} with {name}: {response.status_code}")
    assert not failures, "\n".join(failures)
