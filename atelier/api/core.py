"""The API's machinery: bearer auth, request parsing, routing with an OpenAPI registry.

Area modules (``atelier/api/<area>.py``) declare their calls with :func:`api_route`
and call the same services as the pages; :mod:`atelier.api` loads them all.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Annotated

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError, PydanticUndefined
from werkzeug.exceptions import RequestEntityTooLarge

from atelier import requestlog
from atelier.auth.services import user_for_token
from atelier.db import INT_MAX, INT_MIN
from atelier.errors import DomainError, Forbidden, Invalid, NotAuthenticated
from atelier.extensions import login_manager

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _out_of_range(value) -> bool:
    """True if an int anywhere in a parsed value (lists, dicts) would not fit an int4 column."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INT_MIN <= value <= INT_MAX
    if isinstance(value, list | tuple | set):
        return any(_out_of_range(v) for v in value)
    if isinstance(value, dict):
        return any(_out_of_range(v) for v in value.values())
    return False


class Body(BaseModel):
    """Base for request bodies: strict JSON types, unknown fields refused, and every integer
    within what the database's integer columns hold (so 2^63 is a 400 naming its field, not
    an overflow). Nested bodies are Bodies too and check their own fields."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_the_database(cls, value):
        if _out_of_range(value):
            raise PydanticCustomError(
                "int_range", "must be between {min} and {max}", {"min": INT_MIN, "max": INT_MAX}
            )
        return value


class Out(BaseModel):
    """Base for answers: a resource's JSON is spelled once, by its model. ``Model.of(obj)``
    reads each field from the object's attribute of that name (or along its
    ``validation_alias=AliasPath(...)``) and gives the JSON-ready dict; the OpenAPI document
    describes the same model."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    @classmethod
    def of(cls, obj) -> dict:
        """The JSON of ``obj`` (an ORM object, a dataclass, or a dict of the fields)."""
        return cls.model_validate(obj).model_dump(mode="json", by_alias=True)


def _code_of(record):
    """A record's code (a site, a programme), or the value itself (None, a code)."""
    return getattr(record, "code", record)


#: a site or programme as its code (a field named for the relationship)
CodeOf = Annotated[str, BeforeValidator(_code_of)]

#: an aware instant, written as ``datetime.isoformat()`` does (``+00:00``, not ``Z``)
Instant = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]


def sized(column, default=PydanticUndefined, **kwargs):
    """A text field no longer than its column (``name: str = sized(Site.name)``)."""
    return Field(default, max_length=column.type.length, **kwargs)


JSON = "application/json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI document says about one call: its body, its success answer (status,
    media type, and the model of a JSON answer), the error statuses it may give besides the
    ones every call of its kind gives, and its query parameters (name → JSON schema)."""

    rule: str
    method: str
    summary: str
    body: type[BaseModel] | None
    roles: tuple[str, ...]
    public: bool
    response: object = None
    status: int | tuple[int, ...] = 200
    media: str = JSON
    errors: tuple[int, ...] = ()
    query: tuple[tuple[str, dict], ...] = ()


ROUTES: list[RouteDoc] = []
PUBLIC_ENDPOINTS: set[str] = set()
#: calls whose caller is read as rows (:mod:`atelier.auth.bearer`), not as the ORM user
LIGHT_CALLER_ENDPOINTS: set[str] = set()


def api_route(
    rule: str,
    method: str,
    summary: str,
    *,
    body=None,
    roles=(),
    public=False,
    response=None,
    status=200,
    media=JSON,
    errors=(),
    query=None,
    light_caller=False,
):
    """Register an API call: its method, body model, roles (admin always passes) and doc
    (``response``: the pydantic model or type of its success body, see openapi.py).
    ``light_caller``: the caller is a :class:`~atelier.auth.bearer.BearerUser`, for the
    hottest calls, whose services read only her id, role, language and sites."""

    def decorator(view):
        endpoint = f"api.{view.__name__}"
        if public:
            PUBLIC_ENDPOINTS.add(endpoint)
        if light_caller:
            LIGHT_CALLER_ENDPOINTS.add(endpoint)

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not public and current_user.role != "admin" and current_user.role not in roles:
                raise Forbidden(_("Your role may not do this."))
            return view(*args, **kwargs)

        if not any(r.rule == rule and r.method == method for r in ROUTES):
            ROUTES.append(
                RouteDoc(
                    rule,
                    method,
                    summary,
                    body,
                    tuple(roles),
                    public,
                    response,
                    status,
                    media,
                    tuple(errors),
                    tuple((query or {}).items()),
                )
            )
        bp.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        return wrapped

    return decorator


def parse(model: type[BaseModel]):
    """Validate the JSON body against a model: malformed, mistyped or unknown → 400."""
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:  # sent without a length, and longer than the limit
        limit = current_app.config["API_MAX_CONTENT_LENGTH"]
        raise TooLarge(_("The request is too large: at most %(n)s bytes.", n=limit)) from None
    if request.mimetype != "application/json" and raw:
        raise Invalid(_("Send JSON with Content-Type: application/json."), code="malformed")
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            if err["type"] == "json_invalid":
                raise Invalid(_("The body is not valid JSON."), code="malformed") from None
            if err["type"] == "model_type":
                raise Invalid(_("The body must be a JSON object."), code="malformed") from None
            where = ".".join(str(p) for p in err["loc"]) or "body"
            fields[where] = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        raise Invalid(_("Some fields are missing or invalid."), fields) from None


def bearer_secret() -> str | None:
    """The token from an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


class TooLarge(DomainError):
    """A body over the API's size limit (413); photo uploads on the pages keep their own."""

    status = 413
    code = "too_large"


@bp.before_request
def limit_body_size():
    """Refuse an oversized body before anything reads it: by its declared length, and for a
    body sent without one, by what is read (``request.max_content_length``)."""
    limit = current_app.config["API_MAX_CONTENT_LENGTH"]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(_("The request is too large: at most %(n)s bytes.", n=limit))


@login_manager.request_loader
def load_bearer_user(request):
    """The API caller: the enabled user behind the request's live bearer token, or None. Only
    API calls take a token (a page's account comes from its session cookie), and an API call
    has no session (see :mod:`atelier.security`), so Flask-Login asks this loader for it."""
    if request.blueprint != bp.name:
        return None
    secret = bearer_secret()
    light = request.endpoint in LIGHT_CALLER_ENDPOINTS
    found = user_for_token(secret, light) if secret else None
    if found is None:
        return None
    user, g.api_token_id = found
    requestlog.note_account(user)
    return user


@bp.before_request
def authenticate_bearer():
    """Every non-public call needs a live bearer token; session cookies do not count here."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        raise NotAuthenticated(_("Send a valid bearer token: Authorization: Bearer <token>."))
