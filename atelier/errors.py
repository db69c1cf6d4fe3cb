"""Domain errors, and the handlers that turn them (and HTTP errors) into pages or JSON."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException


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
    from atelier.extensions import db

    db.session.rollback()
    return jsonify(error_body(exc.code, exc.message, exc.fields)), exc.status


def _http_code(exc: HTTPException) -> str:
    """A snake_case code for an HTTP error, e.g. ``too_many_requests``."""
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def register_errorhandlers(app) -> None:
    """Map domain and HTTP errors to the JSON shape (API) or an error page."""

    from atelier.extensions import db

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        # a script posting a page's form (the outbox) must tell "refused" (e.g. not her site
        # any more: never retry) from "no answer" (retry), so a refusal is JSON for it too
        if wants_json() or script_wants_json():
            return json_error(exc)
        db.session.rollback()  # a refused call changes nothing
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        if wants_json():
            response = jsonify(error_body(_http_code(exc), exc.description or exc.name))
            response.status_code = exc.code or 500
            for key, value in exc.get_headers():
                if key.lower() not in ("content-type", "content-length"):
                    response.headers[key] = value
            return response
        response = render_template("error.html", status=exc.code, message=exc.description)
        return response, exc.code

    @app.errorhandler(DataError)
    def handle_data_error(exc: DataError):
        """The safety net under the request models and forms: a value the database refuses
        (too long for its column, out of its range) is bad input, not a server error."""
        db.session.rollback()
        app.logger.warning("the database refused a value: %s", exc.orig)
        message = _("A value is too long or out of range.")
        if wants_json():
            return jsonify(error_body("invalid", message)), 400
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if app.testing:  # the test suite fails any test during which a 500 happened
            app.extensions.setdefault("unexpected_errors", []).append(repr(exc))
        if wants_json():
            return jsonify(error_body("server_error", "Something went wrong.")), 500
        return render_template("error.html", status=500, message=None), 500
