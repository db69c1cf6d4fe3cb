"""Throttling: the limiter is skipped only where no limit applies, never where one does."""

import pytest

from atelier.ratelimits import _no_limit_here

THROTTLED = [
    "auth.sign_in",
    "api.create_token",
    "api.checkout",
    "production.story",
    "webshop.store",
]
NOT_THROTTLED = ["api.create_sale", "api.get_item", "till.sell", "auth.sign_out"]


def _skipped(app, endpoint: str) -> bool:
    """Whether the limiter skips a request to ``endpoint``."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    path = rule.rule.replace("<tag>", "t0").replace("<ref>", "x").replace("<code>", "AMS")
    with app.test_request_context(path, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0]):
        return _no_limit_here()


@pytest.mark.parametrize("endpoint", THROTTLED)
def test_the_limiter_runs_where_a_limit_is_set(app, endpoint):
    """Sign-in, the token call and the public pages and checkout keep their limits."""
    assert not _skipped(app, endpoint)


@pytest.mark.parametrize("endpoint", NOT_THROTTLED)
def test_the_limiter_is_skipped_where_no_limit_is_set(app, endpoint):
    """A till sale or a scan has no limit: the limiter's work is spared."""
    assert _skipped(app, endpoint)


def test_a_limit_on_every_route_is_never_skipped(app, monkeypatch):
    """With a default limit for every route, no route is skipped, not even the till's."""
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT", "100 per minute")
    assert not _skipped(app, "api.create_sale")


@pytest.mark.usefixtures("world")
def test_the_api_checkout_is_throttled(app, client):
    """A burst of checkouts from one address is refused with 429 (public API call)."""
    saved = app.config["PUBLIC_RATE_LIMIT"]
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [
            client.post("/api/v1/checkout", json={"items": []}).status_code for _ in range(3)
        ]
    finally:
        app.config["PUBLIC_RATE_LIMIT"] = saved
    assert statuses[:2] != [429, 429] and statuses[2] == 429
