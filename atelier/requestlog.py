"""One JSON line per request on standard error, with a request id, and no personal data.

A line holds the time, the request id, the method, the route *rule* (``/api/v1/items/<ref>``,
never the raw path, which can hold a maker code or a tag), the status, the duration in
milliseconds and the signed-in account's id and role. Never a name, a code, a tag, an IBAN,
a query string or a body. Every other record of the ``atelier`` loggers (warnings, the
traceback of an unhandled error) goes through the same JSON formatter with the request id.
"""

import logging
import re
import sys
import time
import uuid

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from atelier.extensions import db

REQUEST_ID_HEADER = "X-Request-ID"
#: a caller's id is kept if it is 1 to 128 visible ASCII characters (no space, no control)
SANE_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")
LOGGER_NAME = "atelier"
request_logger = logging.getLogger(f"{LOGGER_NAME}.request")


def request_id() -> str:
    """This request's id: the caller's ``X-Request-ID`` if sane, else a new one (made once)."""
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    return g.request_id


class StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (gunicorn's, a test's)."""

    @property
    def stream(self):
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value):
        """Ignored: the stream is always the current standard error."""


class RequestIdFilter(logging.Filter):
    """Stamps every record made during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``request_id``; never drops a record."""
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def json_handler() -> logging.Handler:
    """A handler writing one JSON object per line to standard error."""
    handler = StandardErrorHandler()
    handler.setFormatter(
        JsonFormatter(
            "{levelname}{name}{message}",
            style="{",
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging() -> None:
    """Send the ``atelier`` loggers (the app's logger included) to JSON on standard error,
    once per process however many apps are made, without Flask's plain-text handler."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.removeHandler(default_handler)
    if not any(isinstance(h, StandardErrorHandler) for h in logger.handlers):
        logger.addHandler(json_handler())
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line per record, whatever the root logger does


def _account() -> tuple[int | None, str | None]:
    """The signed-in account's id and role, as far as they are known without a query: the
    log line never asks the database (it may be the database that is down, and a commit
    has expired the account). A visitor is no mapped instance: no id, no role."""
    user = g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    if state is None or not state.identity:
        return None, None
    return state.identity[0], state.dict.get("role") or g.get("log_role")


def _remember_role(_session) -> None:
    """Before a commit expires the signed-in account, note its role for the log line."""
    if has_request_context() and "log_role" not in g:
        user = g.get("_login_user")
        state = sa.inspect(user, raiseerr=False) if user is not None else None
        if state is not None and "role" in state.dict:
            g.log_role = state.dict["role"]


def register(app: Flask) -> None:
    """Time each request, echo its id, and write its line when the response is ready."""
    configure_logging()
    if not sa.event.contains(db.session, "before_commit", _remember_role):
        sa.event.listen(db.session, "before_commit", _remember_role)

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        started = g.get("request_started", time.perf_counter())
        user_id, role = _account()
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user_id,
                "role": role,
            },
        )
        return response
