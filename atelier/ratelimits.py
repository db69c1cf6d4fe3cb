"""Throttling rules shared by the sign-in page and the token call."""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from atelier.extensions import limiter


def _submitted_username() -> str:
    """The username in a JSON body or a form, lower-cased; empty if none."""
    data = request.get_json(silent=True) if request.is_json else request.form
    username = data.get("username", "") if hasattr(data, "get") else ""
    return str(username).strip().lower()


def _address_and_username() -> str:
    """One client guessing at one account."""
    return f"{get_remote_address()}|{_submitted_username()}"


def _username() -> str:
    """One account, whatever address the guesses come from (shared by the sign-in page and
    the token call: both use this key and scope)."""
    return _submitted_username()


def _failed(_response) -> bool:
    """Only failed sign-ins count against the limit."""
    return bool(g.get("login_failed"))


#: set on a view by this module's decorators: the view has a limit (every limit in the app
#: is set through them, so this is known without reading the limiter's private records)
THROTTLED = "atelier_throttled"


def _throttled(view):
    """Mark ``view`` as having a limit (see :func:`_no_limit_here`)."""
    setattr(view, THROTTLED, True)
    return view


@limiter.request_filter
def _no_limit_here() -> bool:
    """True (skip the limiter's work) where no limit applies: no limit for every route is
    configured (``RATELIMIT_DEFAULT``/``RATELIMIT_APPLICATION``, none by default) and the
    view was not given one by :func:`login_limits` or :func:`public_limits`. Otherwise the
    limiter finds that out on every API call and page, at a cost the till feels."""
    config = current_app.config
    if config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, THROTTLED, False)


def login_limits(view):
    """Throttle failed sign-ins, counted alike by the sign-in page and the token call: per
    address and account, per account from any address, and per address over all accounts.
    The address is the real client's (``TRUSTED_PROXIES``), so one client's failures never
    block the others behind the same proxy."""
    limits = (
        ("LOGIN_RATE_LIMIT", _address_and_username, "login-account"),
        ("LOGIN_RATE_LIMIT_PER_ACCOUNT", _username, "login-any-address"),
        ("LOGIN_RATE_LIMIT_PER_ADDRESS", get_remote_address, "login-address"),
    )
    for setting, key_func, scope in limits:
        view = limiter.shared_limit(  # shared: one counter for both views, not one each
            lambda setting=setting: current_app.config[setting],
            scope,
            key_func=key_func,
            deduct_when=_failed,
        )(view)
    return _throttled(view)


def public_limits(view):
    """Throttle public pages (story page, storefront) per address."""
    return _throttled(limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(view))
