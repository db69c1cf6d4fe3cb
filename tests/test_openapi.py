"""The API is published as OpenAPI, and the document covers every API route."""

import pytest
from pydantic import BaseModel

from atelier.api.core import RouteDoc
from atelier.api.openapi import _Components, _path


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
    body = document["paths"]["/tokens"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/TokenRequest"}
    schema = document["components"]["schemas"]["TokenRequest"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"username", "password"}


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _refs(node):
    """Every $ref anywhere in a piece of the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_ref_resolves_from_the_root(client):
    """Nested bodies (a sale's lines, the roll's records, targets) point at components that
    are in the document; nothing is left under a $defs."""
    document = _document(client)
    refs = set(_refs(document))
    assert "#/components/schemas/SaleLineBody" in refs
    assert "#/components/schemas/AttendanceRecord" in refs
    assert "#/components/schemas/TargetEntry" in refs
    for ref in refs:
        node = document
        assert ref.startswith("#/"), ref
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]
    assert "$defs" not in str(document)


def test_each_operation_documents_its_success_and_its_errors(client):
    """A success answer with its schema or media type, and the error statuses with the Error
    schema; no catch-all ``default``."""
    document = _document(client)
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "default" not in responses, (method, path)
            successes = [s for s in responses if s.startswith("2")]
            assert successes, (method, path)
            for status, response in responses.items():
                if status.startswith("2"):
                    continue
                assert response["content"]["application/json"]["schema"] == error
            if method != "get" or path == "/openapi.json":
                continue
            assert "401" in responses or operation["security"] == [], (method, path)
    sale = document["paths"]["/sales"]["post"]["responses"]
    assert set(sale) == {"200", "201", "400", "401", "403", "404", "409", "413"}
    assert sale["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SaleOut"
    }
    assert "429" in document["paths"]["/tokens"]["post"]["responses"]
    assert "204" in document["paths"]["/tokens/current"]["delete"]["responses"]


def test_every_json_answer_is_described_by_its_model(client):
    """Each JSON success answer (this document aside) is a model's component, or a list of
    them: no call answers a bare, undescribed object."""
    document = _document(client)
    for path, operations in document["paths"].items():
        if path == "/openapi.json":
            continue
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if not status.startswith("2") or schema is None:
                    continue
                ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
                assert ref and ref.startswith("#/components/schemas/"), (method, path, schema)
                assert (
                    ref.removeprefix("#/components/schemas/") in document["components"]["schemas"]
                )


def test_downloads_document_their_content_types(client):
    """CSV, XLSX and the PDF label sheet say what they answer."""
    paths = _document(client)["paths"]
    assert "text/csv" in paths["/indicators.csv"]["get"]["responses"]["200"]["content"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx in paths["/indicators.xlsx"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in paths["/labels"]["post"]["responses"]["200"]["content"]


def test_bodies_that_may_be_empty_are_not_required(client):
    """Receive (omit = all) and close (rates optional) accept an empty body; a sale does not."""
    paths = _document(client)["paths"]
    assert paths["/shipments/{shipment_id}/receive"]["post"]["requestBody"]["required"] is False
    assert paths["/pay-periods/{period}/close"]["post"]["requestBody"]["required"] is False
    assert paths["/sales"]["post"]["requestBody"]["required"] is True


def test_path_parameters_are_typed(client):
    """Integer ids are integers; a pay period is YYYY-MM; codes are strings."""
    paths = _document(client)["paths"]
    [param] = paths["/sessions/{session_id}/attendance"]["put"]["parameters"]
    assert param["schema"]["type"] == "integer"
    [period] = paths["/pay-periods/{period}"]["get"]["parameters"]
    assert period["schema"]["pattern"] == r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
    [ref] = paths["/items/{ref}"]["get"]["parameters"]
    assert ref["schema"]["type"] == "string"


def test_the_limits_are_documented_as_max_items(client):
    """The OpenAPI document is the documentation of each list's maximum."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["SaleBody"]["properties"]["lines"]["maxItems"] == 500
    assert schemas["ShipmentBody"]["properties"]["items"]["maxItems"] == 1000
    assert schemas["AttendanceRequest"]["properties"]["records"]["maxItems"] == 500
    assert schemas["WorkshopRequest"]["properties"]["participants"]["maxItems"] == 500
    assert schemas["LabelsRequest"]["properties"]["items"]["maxItems"] == 500


@pytest.mark.usefixtures("app")
def test_two_models_of_one_name_get_two_components():
    """Areas may each call a model ``Entry``: both are in the document, each $ref true."""

    def entry(field):
        return type("Entry", (BaseModel,), {"__annotations__": {field: int}, "__module__": field})

    first, second = entry("a"), entry("b")
    routes = [
        RouteDoc("/a", "POST", "a", first, (), False),
        RouteDoc("/b", "POST", "b", second, (), False),
    ]
    components = _Components(routes)
    refs = {components.schema_of(m, "validation")["$ref"] for m in (first, second)}
    assert len(refs) == 2
    for ref in refs:
        assert ref.removeprefix("#/components/schemas/") in components.schemas
