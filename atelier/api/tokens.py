"""API: issue and revoke bearer tokens."""

from flask import current_app, g, jsonify

from atelier.api.core import Body, Instant, Out, api_route, parse
from atelier.auth import services
from atelier.extensions import db
from atelier.ratelimits import login_limits


class TokenRequest(Body):
    """Credentials for a new token."""

    username: str
    password: str


class TokenOut(Out):
    """A new bearer token, its role and when it expires."""

    token: str
    role: str
    expires_at: Instant


@api_route(
    "/tokens",
    "POST",
    "Exchange a username and password for a bearer token.",
    body=TokenRequest,
    public=True,
    response=TokenOut,
    status=201,
    errors=(401, 429),
)
@login_limits
def create_token():
    """201 with the token, its role and expiry; 401 for bad credentials; 429 when throttled."""
    data = parse(TokenRequest)
    try:
        user = services.authenticate(data.username, data.password)
    except services.BadCredentials:
        g.login_failed = True
        db.session.commit()  # keep the audit entry of the failure
        raise
    secret, token = services.issue_token(user)
    db.session.commit()
    current_app.logger.info("token issued for user %s", user.id)
    return jsonify(
        TokenOut.of({"token": secret, "role": user.role, "expires_at": token.expires_at})
    ), 201


@api_route(
    "/tokens/current",
    "DELETE",
    "Revoke the token used for this call.",
    roles=("supervisor", "shop", "beneficiary"),
    status=204,
)
def revoke_current_token():
    """204: the token no longer works."""
    services.revoke_token(g.api_token_id)
    db.session.commit()
    return "", 204
