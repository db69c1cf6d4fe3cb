"""API: the OpenAPI document, built from the registered calls.

Every model (request bodies, success answers, and the models nested in them) is a component
under ``#/components/schemas``, and every ``$ref`` points there, so it resolves from the
document's root. Each operation documents its success answer (status, media type, schema)
and the error statuses it may give, all with the Error schema.
"""

from typing import get_args, get_origin

from flask import current_app, jsonify
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from atelier.api.core import JSON, ROUTES, api_route
from atelier.db import INT_MAX, INT_MIN
from atelier.errors import error_body

REF = "#/components/schemas/{model}"
PERIOD = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"  # a pay period, YYYY-MM (years 2000-2999)

ERRORS = {
    400: "Malformed or invalid input; `fields` names what is wrong.",
    401: "No or bad bearer token.",
    403: "Your role or site may not do this.",
    404: "Unknown, or not yours to see.",
    409: "The record's state forbids it.",
    413: "The body is larger than the API accepts.",
    429: "Too many attempts: wait and try again.",
}


class _Schema(GenerateJsonSchema):
    """Pydantic's JSON schema, with each integer bounded as the database's columns (and the
    request bodies, see ``Body``) bound it."""

    def int_schema(self, schema):
        out = super().int_schema(schema)
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = INT_MIN
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = INT_MAX
        return out


def _path(rule: str) -> str:
    """Flask's ``<int:id>`` becomes OpenAPI's ``{id}``."""
    out = []
    for part in rule.split("/"):
        if part.startswith("<") and part.endswith(">"):
            part = "{" + part[1:-1].split(":")[-1] + "}"
        out.append(part)
    return "/".join(out)


def _path_parameters(rule: str) -> list[dict]:
    """The path's parameters, typed: ``<int:…>`` an integer as Flask matches it (no sign),
    a pay period ``YYYY-MM``, anything else a string of one path segment."""
    params = []
    for part in rule.split("/"):
        if not (part.startswith("<") and part.endswith(">")):
            continue
        converter, _, name = part[1:-1].rpartition(":")
        if converter == "int":
            schema = {"type": "integer", "minimum": 0, "maximum": INT_MAX}
        elif name == "period":
            schema = {"type": "string", "pattern": PERIOD}
        else:
            schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _model_in(kind):
    """The model a body or answer is made of: itself, or the items of ``list[Model]``."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind
    args = get_args(kind)
    if get_origin(kind) is list and args and isinstance(args[0], type):
        if issubclass(args[0], BaseModel):
            return args[0]
    return None


class _Components:
    """Every model of every operation, named once for the whole document: pydantic gives
    two different models of one name distinct component names, so no ``$ref`` lies."""

    def __init__(self, routes) -> None:
        wanted = set()
        for route in routes:
            if _model_in(route.body) is not None:
                wanted.add((_model_in(route.body), "validation"))
            if _model_in(route.response) is not None:
                wanted.add((_model_in(route.response), "serialization"))
        ordered = sorted(wanted, key=lambda m: (m[0].__module__, m[0].__qualname__, m[1]))
        self.refs, top = models_json_schema(ordered, ref_template=REF, schema_generator=_Schema)
        self.schemas: dict[str, dict] = dict(top.get("$defs", {}))

    def schema_of(self, kind, mode: str) -> dict:
        """A ``$ref`` to a model's component, an array of them, or an inline schema."""
        model = _model_in(kind)
        if model is None:
            return TypeAdapter(kind).json_schema(mode=mode, schema_generator=_Schema)
        ref = self.refs[(model, mode)]
        return ref if model is kind else {"type": "array", "items": ref}


def _accepts_no_body(model) -> bool:
    """True when an empty body is accepted (``parse`` reads it as ``{}``)."""
    try:
        model.model_validate({})
    except ValidationError:
        return False
    return True


def _error_statuses(route, params: list[dict]) -> set[int]:
    """What a call of this kind may answer besides its success."""
    statuses = set(route.errors)
    if not route.public:
        statuses |= {401, 403}
    if route.body is not None:
        statuses |= {400, 413}
    if route.query:
        statuses.add(400)
    if params:
        statuses.add(404)
    return statuses


def _operation(route, components: _Components) -> dict:
    statuses = route.status if isinstance(route.status, tuple) else (route.status,)
    success: dict = {"description": route.summary}
    if statuses != (204,):
        if route.media == JSON:
            schema = (
                components.schema_of(route.response, "serialization")
                if route.response is not None
                else {"type": "object"}
            )
        else:
            schema = {"type": "string", "format": "binary"}
        success["content"] = {route.media: {"schema": schema}}
    responses = {str(status): success for status in statuses}
    params = _path_parameters(route.rule)
    for status in sorted(_error_statuses(route, params)):
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {JSON: {"schema": {"$ref": REF.format(model="Error")}}},
        }
    operation: dict = {
        "operationId": f"{route.method.lower()}{_path(route.rule).replace('/', '_')}",
        "summary": route.summary,
        "responses": responses,
    }
    if route.public:
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]
        operation["x-roles"] = ["admin", *route.roles]
    if route.body is not None:
        operation["requestBody"] = {
            "required": not _accepts_no_body(route.body),
            "content": {JSON: {"schema": components.schema_of(route.body, "validation")}},
        }
    query = [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in route.query
    ]
    if params or query:
        operation["parameters"] = params + query
    return operation


def _error_schema() -> dict:
    example = error_body("invalid", "Some fields are missing or invalid.", {"name": "why"})
    return {
        "type": "object",
        "required": ["error"],
        "example": example,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    }


def build_document() -> dict:
    """The OpenAPI 3.1 document for every registered call."""
    components = _Components(ROUTES)
    components.schemas["Error"] = _error_schema()
    paths: dict = {}
    for route in sorted(ROUTES, key=lambda r: (r.rule, r.method)):
        paths.setdefault(_path(route.rule), {})[route.method.lower()] = _operation(
            route, components
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Atelier API",
            "version": "1",
            "description": (
                "See API.md. Each list in a body has a maxItems; a body over "
                f"{current_app.config['API_MAX_CONTENT_LENGTH']} bytes is refused with 413."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": dict(sorted(components.schemas.items())),
        },
    }


@api_route("/openapi.json", "GET", "This document.", public=True, response=dict)
def openapi_document():
    """200 with the OpenAPI document."""
    return jsonify(build_document())
