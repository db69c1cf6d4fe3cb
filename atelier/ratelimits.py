"""Throttling rules shared by the sign-in page and the token call."""

from flask import current_app, g, request
from flask_limiter.util import get_qualified_name, get_remote_address

from atelier.extensions import limiter


def _submitted_username() -> str:
    """The username in a JSON body or a form, lower-cased; empty if none."""
    data = request.get_json(silent=True) if request.is_json else request.form
    username = data.get("username", "") if hasattr(data, "get") else ""
    return str(username).strip().lower()


def _address_and_username() -> str:
    """Throttle per client address and account, so one shop's NAT does not lock out others."""
    return f"{get_remote_address()}|{_submitted_username()}"


def _failed(response) -> bool:
    """Only failed sign-ins count against the limit."""
    return bool(g.get("login_failed"))


@limiter.request_filter
def _no_limit_here() -> bool:
    """True (skip the limiter's work) where no limit applies: none by default or for the
    whole app, none on the view, none on its blueprint, as the limiter itself records them.
    Otherwise it finds that out on every API call and page, at a cost the till feels."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or manager.decorated_limits(get_qualified_name(view)):
        return False
    return not (request.blueprint and manager.blueprint_limits(current_app, request.blueprint))


def login_limits(view):
    """Throttle failed sign-ins: per address and account, and per address overall."""
    view = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"],
        key_func=_address_and_username,
        deduct_when=_failed,
        scope="login-account",
    )(view)
    return limiter.limit(
        lambda: current_app.config.get("LOGIN_RATE_LIMIT_PER_ADDRESS", "50 per 15 minutes"),
        deduct_when=_failed,
        scope="login-address",
    )(view)


def public_limits(view):
    """Throttle public pages (story page, storefront) per address."""
    return limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(view)
