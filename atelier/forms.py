"""Form helpers shared by every area."""

from collections.abc import Callable

from flask import flash, jsonify, redirect, request
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from atelier.errors import DomainError, Invalid, json_error
from atelier.extensions import db
from atelier.money import parse_cents


def amount(_form, field) -> None:
    """Validator: a typed amount such as 15.00 (blank is left to Optional/DataRequired)."""
    if field.data:
        try:
            parse_cents(field.data)
        except ValueError as exc:
            raise ValidationError(_l("Write an amount such as 15.00.")) from exc


def apply_errors(form, exc) -> None:
    """Show a domain error on the form: per field where it names one, else as a message."""
    placed = False
    for name, why in (exc.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, why] if isinstance(field.errors, list) else [why]
            placed = True
    flash(exc.message, "error")
    return placed


def submit(form, action: Callable, success_message, redirect_to, on_error=apply_errors):
    """A page form's POST: validate, run ``action()``, commit, flash and redirect.

    ``success_message`` and ``redirect_to`` are a string, or a function of what ``action``
    returned. A domain error is rolled back and shown on the form (``on_error``). Returns the
    redirect, or None when the page should be shown again (a GET, or with its errors).
    """
    if not form.validate_on_submit():
        return None

    def refused(exc: DomainError) -> None:
        on_error(form, exc)

    return attempt(action, success_message, redirect_to, refused)


def shown_again_status() -> int:
    """The status of a page shown again after its form was posted: 400 (the form was
    refused, its messages are on it), or 200 for a plain GET."""
    return 400 if request.method == "POST" else 200


def flash_error(exc: DomainError) -> None:
    """Say why a call was refused."""
    flash(exc.message, "error")


def attempt(
    action: Callable,
    success_message,
    redirect_to,
    on_error=flash_error,
    *,
    catch: type[DomainError] = DomainError,
    code: int = 302,
):
    """Run a page's one service call: commit, flash success and redirect (as :func:`submit`).

    ``success_message`` may also give ``(message, category)`` for a flash that is not a
    success, or None for no flash; ``code`` is the redirect's status. On a domain error
    (of the kind ``catch``; others go on to the app's handler) roll back and return
    ``on_error(exc)``: None by default (the caller shows its page again), or a response.
    """
    try:
        result = action()
    except catch as exc:
        db.session.rollback()
        return on_error(exc)
    return redirect(_saved(result, success_message, redirect_to)[1], code=code)


def _saved(result, success_message, redirect_to) -> tuple[str, str]:
    """Commit what a page's call did and flash its message: (message, where to go next)."""
    message = success_message(result) if callable(success_message) else success_message
    category = "success"
    if isinstance(message, tuple):
        message, category = message
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    db.session.commit()
    if message is not None:
        flash(message, category)
    return message, target


def or_default(default, call: Callable, *args, **kwargs):
    """A read that may be refused: ``call(*args, **kwargs)``, or ``default`` when it raises a
    domain error (a stale link, a filter that does not apply). Nothing was written."""
    try:
        return call(*args, **kwargs)
    except DomainError:
        return default


def answer_json(action: Callable, status: int = 200, *, commit: bool = False):
    """A page script's JSON call: ``action()`` gives the body, answered with ``status``
    (after a commit if ``commit``); a refusal is the documented error shape, nothing kept."""
    try:
        body = action()
    except DomainError as exc:
        return json_error(exc)
    if commit:
        db.session.commit()
    return jsonify(body), status


def submit_json(form, action: Callable, success_message, redirect_to, invalid_message: str):
    """A page form posted by the page's own script: as :func:`submit`, answered in JSON.

    Saved: ``{"message", "redirect"}``, the message also flashed for the page the script
    opens next. Refused: the documented error shape (400 with a message per field for
    invalid input), nothing kept, so the script can tell "fix the form" from "try again".
    """
    if not form.validate_on_submit():
        fields = {
            name: str(errors[0])
            for name, errors in form.errors.items()
            if isinstance(errors, list) and errors
        }
        return json_error(Invalid(invalid_message, fields))
    try:
        result = action()
    except DomainError as exc:
        return json_error(exc)
    message, target = _saved(result, success_message, redirect_to)
    return jsonify(message=str(message), redirect=target)
