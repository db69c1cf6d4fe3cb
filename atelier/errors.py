"""Domain errors, and the handlers that turn them (and HTTP errors) into pages or JSON."""

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from atelier.auth.current import answer_as_visitor
from atelier.extensions import db

#: seconds a client should wait before sending again when the database is away
RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    """A refused use case. Areas subclass these (``SaleConflict``, ``PeriodClosed``)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, code=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class Invalid(DomainError):
    """Bad input (400)."""


class NotAuthenticated(DomainError):
    """No or bad credentials (401)."""

    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """Role or site not allowed (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Unknown record (404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The record's state forbids it: already sold, period closed… (409)."""

    status = 409
    code = "conflict"


def database_unavailable(exc: BaseException) -> bool:
    """True for an error that says the database cannot be reached or used right now (refused
    or dropped connection, pool exhausted, locked, a transient failure): the request may be
    sent again later, so it is a 503, not a defect. Integrity or programming errors are not."""
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return bool(exc.connection_invalidated)
    return isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError)


def wants_json() -> bool:
    """API requests get JSON errors; pages get HTML."""
    return request.path.startswith("/api/")


def script_wants_json() -> bool:
    """A page's own script asking for JSON rather than a page (``Accept``), such as the
    tablet's outbox; a browser loading a page asks for HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The documented JSON error shape."""
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def json_error(exc: DomainError):
    """A refused JSON call (API or a page's script): nothing is kept; the documented shape."""
    db.session.rollback()
    return jsonify(error_body(exc.code, exc.message, exc.fields)), exc.status


def _http_code(exc: HTTPException) -> str:
    """A snake_case code for an HTTP error, e.g. ``too_many_requests``."""
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def register_errorhandlers(app) -> None:
    """Map domain and HTTP errors to the JSON shape (API) or an error page."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DataError, handle_data_error)
    for outage in (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError):
        app.register_error_handler(outage, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)


def handle_domain_error(exc: DomainError):
    """A refused use case: the JSON shape, or the error page with its message."""
    # a script posting a page's form (the outbox) must tell "refused" (e.g. not her site
    # any more: never retry) from "no answer" (retry), so a refusal is JSON for it too
    if wants_json() or script_wants_json():
        return json_error(exc)
    db.session.rollback()  # a refused call changes nothing
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


def handle_http_error(exc: HTTPException):
    """An HTTP error (404, 405, 429...): the JSON shape with its headers, or the error page."""
    if wants_json():
        response = jsonify(error_body(_http_code(exc), exc.description or exc.name))
        response.status_code = exc.code or 500
        for key, value in exc.get_headers():
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
        return response
    response = render_template("error.html", status=exc.code, message=exc.description)
    return response, exc.code


def handle_data_error(exc: DataError):
    """The safety net under the request models and forms: a value the database refuses
    (too long for its column, out of its range) is bad input, not a server error."""
    db.session.rollback()
    current_app.logger.warning("the database refused a value: %s", exc.orig)
    message = _("A value is too long or out of range.")
    if wants_json():
        return jsonify(error_body("invalid", message)), 400
    return render_template("error.html", status=400, message=message), 400


def handle_database_error(exc: Exception):
    """The database is away: 503 ``unavailable``, never 500, so a load balancer and the
    tablet's outbox (which sends again on 5xx) can tell an outage from a defect."""
    if not database_unavailable(exc):
        return handle_unexpected(exc)
    # who is signed in cannot be looked up now: answer as for a visitor, so neither the
    # language choice nor the page's navigation asks the database again
    answer_as_visitor()
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:  # the connection is gone; the pool discards it
        pass
    # the class and the driver's first line only: a statement's parameters may hold
    # personal data and never go to the log
    reason = str(getattr(exc, "orig", None) or exc).strip().split("\n", 1)[0]
    current_app.logger.warning("database unavailable: %s: %s", type(exc).__name__, reason)
    message = _(
        "Atelier can't reach its database; your work on this tablet is kept and will be sent again."
    )
    if wants_json() or script_wants_json():
        response = jsonify(error_body("unavailable", message))
    else:
        response = make_response(render_template("error.html", status=503, message=message))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_unexpected(exc: Exception):
    """Anything else: logged, rolled back, a 500 (noted for the test suite to fail on)."""
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    if current_app.testing:  # the test suite fails any test during which a 500 happened
        current_app.extensions.setdefault("unexpected_errors", []).append(repr(exc))
    if wants_json():
        return jsonify(error_body("server_error", "Something went wrong.")), 500
    return render_template("error.html", status=500, message=None), 500
