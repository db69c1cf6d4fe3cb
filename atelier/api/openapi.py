"""API: the OpenAPI document, built from the registered calls."""

from flask import jsonify

from atelier.api import ROUTES, api_route
from atelier.errors import error_body


def _path(rule: str) -> str:
    """Flask's ``<int:id>`` becomes OpenAPI's ``{id}``."""
    out = []
    for part in rule.split("/"):
        if part.startswith("<") and part.endswith(">"):
            part = "{" + part[1:-1].split(":")[-1] + "}"
        out.append(part)
    return "/".join(out)


def build_document() -> dict:
    """The OpenAPI 3.1 document for every registered call."""
    paths: dict = {}
    for route in sorted(ROUTES, key=lambda r: (r.rule, r.method)):
        operation: dict = {
            "summary": route.summary,
            "responses": {
                "default": {
                    "description": "See API.md; errors use the Error schema.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        }
        if not route.public:
            operation["security"] = [{"bearer": []}]
            operation["x-roles"] = ["admin", *route.roles]
        if route.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": route.body.model_json_schema()}},
            }
        params = [p[1:-1] for p in _path(route.rule).split("/") if p.startswith("{")]
        if params:
            operation["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in params
            ]
        paths.setdefault(_path(route.rule), {})[route.method.lower()] = operation
    example = error_body("invalid", "Some fields are missing or invalid.", {"name": "why"})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Atelier API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "example": example,
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        }
                    },
                }
            },
        },
    }


@api_route("/openapi.json", "GET", "This document.", public=True)
def openapi_document():
    """200 with the OpenAPI document."""
    return jsonify(build_document())
