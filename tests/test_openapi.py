"""The API is published as OpenAPI, and the document covers every API route."""

from atelier.api.openapi import _path


def test_openapi_lists_every_api_route(client, app):
    """Each rule under /api/v1 appears in the document with its method."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _path(rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths.get(path, {}), f"{method} {path} not documented"


def test_request_bodies_forbid_unknown_fields(client):
    """Body schemas say additionalProperties false, as the API behaves."""
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/tokens"]["post"]["requestBody"]["content"]["application/json"]
    assert schema["schema"]["additionalProperties"] is False
    assert set(schema["schema"]["required"]) == {"username", "password"}
